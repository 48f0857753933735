"""The survey report (问卷调查情况报告) of a survey run, as a 公文: how the survey ran, the rate of every question
against its target, the rates by town, what must improve. Like the bulletin and the round report, one context
feeds the Word file (the office's template or the shipped one, rendered in the sandbox) and the PDF made from it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone, translation
from docxtpl import DocxTemplate

from bulletins.common import cn_date, document_parts, sample_parts
from bulletins.models import DocumentKind
from core import officialdoc as od
from core.officialpdf import docx_to_pdf, place_footer_block
from core.sandbox import document_environment
from surveys import queries
from surveys.models import Channel, Response, SurveyRun

TEMPLATES = Path(__file__).resolve().parent / "templates" / "bulletins"
STATUS_NAMES = {"met": "达标", "close": "接近目标", "missed": "未达标", "": "—"}


def _pct(value: float | Decimal | None, decimals: int = 1) -> str:
    return "—" if value is None else f"{float(value) * 100:.{decimals}f}%"


def survey_title(run: SurveyRun) -> str:
    return f"{settings.CHUANGWEN_JURISDICTION}{run.name}问卷调查情况报告"


def _by_town(run: SurveyRun, responses: QuerySet[Response]) -> list[dict]:
    """Each town's valid answers and favourable rate over all rated questions, lowest rate first."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in queries.rates(run, responses, "town"):
        totals[row.group][0] += row.rate.favourable
        totals[row.group][1] += row.rate.valid
    rates = {town: favourable / valid if valid else None for town, (favourable, valid) in totals.items()}
    order = sorted(rates, key=lambda town: (rates[town] is None, rates[town] or 0, town))
    return [
        {"town": town, "valid": totals[town][1], "value": rates[town], "rate": _pct(rates[town])}
        for town in order
    ]


def survey_context(
    run: SurveyRun, responses: QuerySet[Response], number: str = "", now: dt.datetime | None = None
) -> dict:
    """Everything the report says, in Chinese. `number` is the 文号 once issued; a draft leaves it blank."""
    now = now or timezone.now()
    with translation.override("zh-hans"):
        flags = queries.flag_counts(responses)
        channels = responses.values_list("channel").annotate(n=Count("id")).order_by("-n")
        names = dict(Channel.choices)
        rows = queries.rates(run, responses)
        questions = [
            {
                "question": row.question.text,
                "valid": row.rate.valid,
                "rate": _pct(row.rate.value),
                "target": "—" if row.rate.target is None else _pct(row.rate.target, 0),
                "status": STATUS_NAMES[row.rate.status],
                "missed": row.rate.status == "missed",
            }
            for row in rows
        ]
        towns = _by_town(run, responses)
    return {
        **document_parts(DocumentKind.SURVEY, now, number),
        "title": survey_title(run),
        "doc_kind": "问卷调查情况报告",
        "addressee": "各街道（乡镇）、县直各部门：",
        "jurisdiction": settings.CHUANGWEN_JURISDICTION,
        "run": run.name,
        "starts_on": cn_date(run.starts_on),
        "ends_on": cn_date(run.ends_on),
        "basics_text": (
            f"调查时间：{cn_date(run.starts_on)}至{cn_date(run.ends_on)}。共收回问卷{flags['total']}份，"
            f"有效问卷{flags['valid']}份（筛除{flags['screened_out']}份）；用时过短{flags['too_fast']}份，"
            f"疑似重复{flags['duplicates']}份。"
            + (
                "调查方式："
                + "、".join(f"{names.get(channel, channel)}{n}份" for channel, n in channels)
                + "。"
                if flags["total"]
                else ""
            )
        ),
        "method_text": "肯定率为肯定回答数除以有效回答数；筛除的问卷和未作答的题目不计入。",
        "questions": questions,
        "towns": towns,
        "town_text": (
            f"按街道（乡镇）统计，肯定率最低的是{towns[0]['town']}（{towns[0]['rate']}）。"
            if towns and towns[0]["value"] is not None
            else "本次调查未按街道（乡镇）取得有效回答。"
        ),
        "missed": [q for q in questions if q["missed"]],
        "closing": "请各单位对照调查结果，查找短板，抓好整改，提升群众满意度。",
    }


def default_survey_template() -> bytes:
    """The shipped template (bulletins/layout.py builds it; `chuangwen word-templates` writes it)."""
    return (TEMPLATES / "survey_report.docx").read_bytes()


def _tables(context: dict) -> dict[str, tuple[list[od.Column], list[list]]]:
    n = od.Column
    return {
        "rates_table": (
            [
                n("题目"),
                n("有效回答", numeric=True),
                n("肯定率", numeric=True),
                n("目标", numeric=True),
                n("结果"),
            ],
            [[q["question"], q["valid"], q["rate"], q["target"], q["status"]] for q in context["questions"]],
        ),
        "towns_table": (
            [n("街道（乡镇）"), n("有效回答", numeric=True), n("肯定率", numeric=True)],
            [[t["town"], t["valid"], t["rate"]] for t in context["towns"]],
        ),
    }


def render_survey_docx(context: dict, template: bytes | None = None) -> bytes:
    document = DocxTemplate(io.BytesIO(template or default_survey_template()))
    tables = _tables(context)
    # The template is the office's upload: rendered in the sandbox (core.sandbox), every value escaped for XML.
    document.render(
        {**context, **{name: od.table_marker(name) for name in tables}},
        jinja_env=document_environment(),
        autoescape=True,
    )
    for name, (columns, rows) in tables.items():
        od.place_table(document.docx, name, columns, rows)
    od.fit_masthead(document.docx)
    od.center_signature(document.docx)
    buffer = io.BytesIO()
    document.save(buffer)
    return place_footer_block(buffer.getvalue())  # the 版记 on the last even page


def render_survey_pdf(context: dict, template: bytes | None = None) -> bytes:
    return docx_to_pdf(render_survey_docx(context, template))


def sample_survey_context() -> dict:
    """A small report to try an uploaded template against."""
    question = {"question": "您是否支持参评全国文明城市？", "valid": 4, "rate": "75.0%", "target": "80%",
                "status": "接近目标", "missed": False}  # fmt: skip
    return {
        **sample_parts("示创办调〔2026〕1号"),
        "title": "示例调查报告",
        "doc_kind": "问卷调查情况报告",
        "addressee": "各街道（乡镇）、县直各部门：",
        "jurisdiction": "示范县",
        "run": "2026年第四季度群众满意度调查",
        "starts_on": "2026年12月1日",
        "ends_on": "2026年12月15日",
        "basics_text": "示例",
        "method_text": "示例",
        "questions": [question],
        "towns": [{"town": "城关街道", "valid": 4, "value": 0.75, "rate": "75.0%"}],
        "town_text": "示例",
        "missed": [{**question, "missed": True}],
        "closing": "示例",
    }
