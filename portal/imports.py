"""Import of hotline work orders from Excel (.xlsx) or CSV: every row checked first; any problem → nothing saved."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import get_default_timezone, is_aware, make_aware
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cases.categories import CJT_214
from cases.models import Category, CategoryKind
from core.excel import (
    MAX_IMPORT_BYTES,
    Column,
    ImportProblem,
    ImportReport,
    active_sheet,
    open_workbook,
    read_sheet,
)
from org.models import Person
from portal.actions import intake_hotline
from portal.models import HotlineTicket

SHEET = "工单"


def _decimal(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValidationError(_("Not a number.")) from None


def _hotline(text: str) -> str:
    if text not in HotlineTicket.SOURCES:
        raise ValidationError(_("Must be 12345 or 12319."))
    return text


def _category(text: str) -> Category:
    # Hotline calls report events (事件); component codes (部件) overlap with them, so only events are looked up.
    category = Category.objects.filter(
        standard_ref=CJT_214, kind=CategoryKind.EVENT, code=text, is_active=True
    ).first()
    if category is None:
        raise ValidationError(_("No category has this code."))
    return category


def _when(text: str) -> dt.datetime:
    value = parse_datetime(text)
    if value is None and parse_date(text):
        value = parse_datetime(f"{text}T00:00:00")
    if value is None:
        raise ValidationError(_("Not a date, e.g. 2026-11-29 09:30."))
    return value if is_aware(value) else make_aware(value, get_default_timezone())


COLUMNS = [
    Column("work_order", "工单号", required=True),
    Column("hotline", "热线", required=True, parse=_hotline),
    Column("description", "问题描述", required=True),
    Column("address", "地址"),
    Column("lon", "经度", parse=_decimal),
    Column("lat", "纬度", parse=_decimal),
    Column("category", "类别代码", parse=_category),
    Column("caller_phone", "来电号码"),
    Column("received_at", "受理时间", parse=_when),
]


def _workbook(upload: UploadedFile):
    """An .xlsx as it is; a CSV (UTF-8, or GBK as Excel in China saves it) as a one-sheet workbook."""
    if (upload.name or "").lower().endswith(".csv"):
        if upload.size and upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // 2**20})
        data = upload.read()
        for encoding in ("utf-8-sig", "gbk"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_("The CSV file is neither UTF-8 nor GBK text."))
        workbook = Workbook()
        sheet = active_sheet(workbook)
        sheet.title = SHEET
        for row in csv.reader(io.StringIO(text)):
            sheet.append(row)
        return workbook
    return open_workbook(upload)


def import_hotline(actor: Person, upload: UploadedFile) -> ImportReport:
    report = ImportReport()
    workbook = _workbook(upload)
    # The sheet called 工单, else the first one: a hotline platform's own export has its own sheet name.
    sheet = SHEET if SHEET in workbook.sheetnames else workbook.sheetnames[0]
    rows = read_sheet(workbook, sheet, COLUMNS, report.problems)
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.values.get("hotline", ""), row.values.get("work_order", ""))
        if key in seen or HotlineTicket.objects.filter(hotline=key[0], work_order=key[1]).exists():
            report.problems.append(
                ImportProblem(
                    sheet, row.number, row.columns["work_order"], _("This work order is already filed.")
                )
            )
        seen.add(key)
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            for row in rows:
                values = {k: v for k, v in row.values.items() if v != ""}
                try:
                    report.created.append(intake_hotline(actor, **values))
                except ValidationError as exc:
                    report.problems.append(ImportProblem(sheet, row.number, "", " ".join(exc.messages)))
            if report.problems:
                report.created = []
                raise _Abort
    except _Abort:
        pass
    return report


class _Abort(Exception):
    """Roll the whole import back when a row fails while saving."""
