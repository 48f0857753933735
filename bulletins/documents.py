"""One renderer for every way a document is asked for (the page's background job, `chuangwen bulletin`, issuing):
the context of its kind, the office's active Word template of that kind (or the shipped one), then the format.
The PDF is made from the Word file, so the two never drift."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bulletins import bulletin, round_report, survey_report
from bulletins.models import BulletinTemplate, DocumentKind
from core.http import safe_filename
from inspections.models import Round
from scoring.models import Publication
from surveys.models import SurveyRun

FORMATS: dict[str, tuple[str, ...]] = {
    DocumentKind.BULLETIN: ("docx", "pdf", "xlsx"),
    DocumentKind.ROUND: ("docx", "pdf", "xlsx"),
    DocumentKind.SURVEY: ("docx", "pdf"),
}
# What each kind is made from, as the register's `source` names it.
SOURCES: dict[str, str] = {
    DocumentKind.BULLETIN: "publication",
    DocumentKind.ROUND: "round",
    DocumentKind.SURVEY: "survey_run",
}
Source = Publication | Round | SurveyRun


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str
    title: str


def active_template(kind: str) -> bytes | None:
    template = BulletinTemplate.objects.filter(kind=kind, is_active=True).first()
    if template is None:
        return None
    with template.file.open("rb") as handle:
        return handle.read()


def context_for(kind: str, source: Source, number: str = "", now: dt.datetime | None = None) -> dict:
    """The document's context; a survey report counts every response of the run (the office issues it)."""
    if kind == DocumentKind.BULLETIN:
        assert isinstance(source, Publication)
        return bulletin.bulletin_context(source, number, now)
    if kind == DocumentKind.SURVEY:
        assert isinstance(source, SurveyRun)
        return survey_report.survey_context(source, source.responses.all(), number, now)
    assert isinstance(source, Round)
    return round_report.round_context(source, now, number)


def filename(context: dict, fmt: str) -> str:
    """示范县2026年第四季度街道乡镇文明城市创建工作考核情况通报（示创办〔2026〕12号）.docx: county, period, kind
    and 文号 (草稿 for a draft)."""
    return safe_filename(f"{context['title']}（{context['number'] if context['issued'] else '草稿'}）.{fmt}")


def render_context(kind: str, context: dict, fmt: str) -> bytes:
    template = active_template(kind) if fmt in ("docx", "pdf") else None
    if kind == DocumentKind.BULLETIN:
        renderers = {
            "docx": lambda: bulletin.render_docx(context, template),
            "pdf": lambda: bulletin.render_pdf(context, template),
            "xlsx": lambda: bulletin.render_xlsx(context),
        }
    elif kind == DocumentKind.SURVEY:
        renderers = {
            "docx": lambda: survey_report.render_survey_docx(context, template),
            "pdf": lambda: survey_report.render_survey_pdf(context, template),
        }
    else:
        renderers = {
            "docx": lambda: round_report.render_round_docx(context, template),
            "pdf": lambda: round_report.render_round_pdf(context, template),
            "xlsx": lambda: round_report.render_round_xlsx(context),
        }
    return renderers[fmt]()


def render(kind: str, source: Source, fmt: str, number: str = "", now: dt.datetime | None = None) -> Rendered:
    context = context_for(kind, source, number, now)
    return Rendered(render_context(kind, context, fmt), filename(context, fmt), context["title"])
