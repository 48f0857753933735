"""What every 公文 of the office carries besides its body: the issuing office, the 文号 (or a blank for a
draft), the 署名 and date, and the 版记 (抄送, 印发机关 and 印发日期)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from bulletins.models import DocumentKind
from org.queries import office_name

CC = "抄送：县委办公室，县人民政府办公室，县文明委各成员单位。"
# Each kind numbers on its own, so each has its own code after the office's (示创办, 示创办督).
KIND_SUFFIX: dict[str, str] = {DocumentKind.BULLETIN: "", DocumentKind.ROUND: "督", DocumentKind.SURVEY: "调"}


def default_prefix(kind: str) -> str:
    return f"{settings.CHUANGWEN_DOCUMENT_PREFIX}{KIND_SUFFIX.get(kind, '')}"


def format_number(prefix: str, year: int, serial: int | None) -> str:
    """示创办〔2026〕12号; a draft keeps the number blank (示创办〔2026〕　号) for no number is given to drafts."""
    return f"{prefix}〔{year}〕{serial if serial is not None else '　'}号"


def cn_date(day: dt.date | dt.datetime) -> str:
    """2026年12月31日 (Arabic figures, no leading zeros, as GB/T 9704 writes dates)."""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return f"{day.year}年{day.month}月{day.day}日"


def document_parts(kind: str, now: dt.datetime, number: str = "") -> dict:
    office = office_name()
    year = timezone.localtime(now).year
    return {
        "office": office,
        "number": number or format_number(default_prefix(kind), year, None),
        "issued": bool(number),
        "signature": office,
        "date": cn_date(now),
        "cc": CC,
        "printer": office,
        "printed_on": cn_date(now),
    }


def sample_parts(number: str) -> dict:
    """The same parts for a sample (an uploaded template's trial render), without asking the database."""
    office = f"{settings.CHUANGWEN_JURISDICTION}创建文明城市工作办公室"
    return {
        "office": office,
        "number": number,
        "issued": True,
        "signature": office,
        "date": "2026年6月15日",
        "cc": CC,
        "printer": office,
        "printed_on": "2026年6月15日",
    }
