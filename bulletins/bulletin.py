"""The period bulletin (通报) of a published score sheet: Word from an editable docxtpl template, PDF through
WeasyPrint, and the score table in Excel. All three read one context, so they always agree."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from docxtpl import DocxTemplate

from core.sandbox import document_environment
from core.workbooks import Column, ExcelFile, Kind, Title
from scoring.models import ComponentKind, Publication

LIST_SIZE = 3  # how many units the red and black lists name

TEMPLATES = Path(__file__).resolve().parent / "templates" / "bulletins"


def bulletin_context(publication: Publication) -> dict:
    scheme = publication.scheme
    kinds = dict(ComponentKind.choices)
    rows = publication.sheet
    active = [c["kind"] for c in rows[0]["components"]] if rows else []
    columns = [str(kinds[k]) for k in active]
    table = [
        {
            "rank": row["rank"],
            "unit": row["unit_name"],
            "total": row["total"],
            "bonus": row["bonus"],
            "penalty": row["penalty"],
            "veto": row["veto"],
            "parts": [c["points"] for c in row["components"]],
            "lost": str(sum(Decimal(c["weight"]) - Decimal(c["points"]) for c in row["components"])),
        }
        for row in rows
    ]
    return {
        "title": f"{settings.CHUANGWEN_JURISDICTION}{scheme.period}{scheme.get_unit_kind_display()}文明城市创建工作考核情况通报",
        "jurisdiction": settings.CHUANGWEN_JURISDICTION,
        "period": str(scheme.period),
        "unit_kind": str(scheme.get_unit_kind_display()),
        "version": publication.version,
        "published_at": publication.published_at.astimezone().strftime("%Y年%m月%d日"),
        "columns": columns,
        "rows": table,
        "red_list": table[:LIST_SIZE],
        "black_list": list(reversed(table[-LIST_SIZE:])) if len(table) > LIST_SIZE else [],
        "adjustments": [
            {"unit": row["unit_name"], "reason": a["reason"], "kind": a["kind"], "points": a["points"]}
            for row in rows
            for a in row.get("adjustments", [])
        ],
        "count": len(table),
    }


def default_template() -> bytes:
    """The template the office starts from: a plain 公文-like layout with docxtpl tags it can restyle in Word/WPS.
    Shipped as a .docx beside the app's other templates, so it is edited in Word/WPS like the office's own."""
    return (TEMPLATES / "bulletin.docx").read_bytes()


def render_docx(context: dict, template: bytes | None = None) -> bytes:
    document = DocxTemplate(io.BytesIO(template or default_template()))
    # The template is the office's upload: rendered in the sandbox (core.sandbox), every value escaped for XML.
    document.render(context, jinja_env=document_environment(), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_pdf(context: dict) -> bytes:
    from weasyprint import HTML  # imported here: it needs Pango, which only PDF generation should require

    html = render_to_string("bulletins/bulletin_pdf.html", context)
    return HTML(string=html).write_pdf()


def _number(value: Any) -> Any:
    """A score as a number; what is not one ("—" for a component the scheme gives no points) stays as written."""
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return str(value)


def render_xlsx(context: dict) -> bytes:
    """The score table; deductions carry their sign (−2.00), bonuses theirs (+1.50)."""
    excel = ExcelFile()
    columns = [
        Column("名次", Kind.INTEGER),
        Column("单位"),
        *[Column(name, Kind.NUMBER) for name in context["columns"]],
        Column("加分", Kind.SIGNED),
        Column("扣分", Kind.SIGNED),
        Column("总分", Kind.NUMBER),
        Column("失分", Kind.NUMBER),
    ]
    made = f"第{context['version']}版　{context['published_at']}发布"
    sheet = excel.sheet("考核得分", columns, Title(context["title"], made))
    for row in context["rows"]:
        penalty = _number(row["penalty"])
        sheet.append(
            [
                row["rank"],
                row["unit"],
                *[_number(p) for p in row["parts"]],
                _number(row["bonus"]),
                -abs(penalty) if isinstance(penalty, Decimal) else penalty,
                _number(row["total"]),
                _number(row["lost"]),
            ]
        )
    return excel.to_bytes()


def sample_context() -> dict:
    """A small bulletin to try an uploaded template against."""
    rows = [
        {
            "rank": 1,
            "unit": "城关街道",
            "total": "95.50",
            "bonus": "1.00",
            "penalty": "0.00",
            "veto": "",
            "parts": ["50.00", "45.50"],
            "lost": "5.50",
        },
        {
            "rank": 2,
            "unit": "柳河镇",
            "total": "90.00",
            "bonus": "0.00",
            "penalty": "2.00",
            "veto": "",
            "parts": ["48.00", "44.00"],
            "lost": "8.00",
        },
    ]
    return {
        "title": "示例通报",
        "jurisdiction": "示范县",
        "period": "2026年第4季度",
        "unit_kind": "街道/乡镇",
        "version": 1,
        "published_at": "2026年12月31日",
        "columns": ["问题整改", "问卷调查"],
        "rows": rows,
        "red_list": rows[:1],
        "black_list": rows[1:],
        "adjustments": [],
        "count": 2,
    }
