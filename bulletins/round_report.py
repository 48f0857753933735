"""The round report (督查通报) of an inspection round: Word from an editable docxtpl template and an Excel workbook.
Both read one context: the scope (sites by type), the towns ranked by 得分率, the problems by town and site with
their photos, and the problems still open after their deadline."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from openpyxl import Workbook
from openpyxl.drawing.image import Image as XlImage
from openpyxl.styles import Alignment, Font

from cases.models import CasePhoto
from core.excel import active_sheet
from core.sandbox import document_environment
from core.uploads import open_image
from inspections.models import Finding, Round, Verdict, Visit
from inspections.queries import rollup, rollup_total

PHOTO_MM = 60  # width of a problem photo in Word
THUMB_PX = 160  # longest side of a photo in Excel

TEMPLATES = Path(__file__).resolve().parent / "templates" / "bulletins"


def _pct(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"


def _photo_bytes(photo: CasePhoto | None) -> bytes | None:
    if photo is None:
        return None
    field = photo.public or photo.thumbnail
    try:
        with field.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):  # a file lost from storage must not sink the whole report
        return None


def _problems(visits: QuerySet[Visit], now) -> list[dict]:
    before = Prefetch(
        "case__photos", queryset=CasePhoto.objects.filter(kind=CasePhoto.Kind.BEFORE), to_attr="before_photos"
    )
    findings = (
        Finding.objects.filter(visit__in=visits, verdict=Verdict.FAIL)
        .select_related(
            "visit__site__town", "visit__site__site_type", "visit__site__keeper", "check_item", "case__unit"
        )
        .prefetch_related(before)
        .order_by("visit__site__town__path", "visit__site__name", "pk")
    )
    rows = []
    for finding in findings:
        site, case = finding.visit.site, finding.case
        overdue = bool(case and case.is_overdue(now))
        rows.append(
            {
                "town": site.town.name,
                "site": site.name,
                "site_type": site.site_type.name,
                "keeper": site.keeper.name,
                "line": finding.check_item.text,
                "note": finding.note,
                "points": str(finding.points),
                "case": case.number if case else "",
                "state": str(case.get_state_display()) if case else "",
                "unit": case.unit.name if case and case.unit else "",
                "deadline": timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M")
                if case and case.deadline
                else "",
                "open": bool(case and case.is_open()),
                "overdue": overdue,
                "days_over": (now - case.deadline).days if case and case.deadline and overdue else 0,
                "photo_data": _photo_bytes(case.before_photos[0] if case and case.before_photos else None),
            }
        )
    return rows


def _by_town_and_site(problems: list[dict]) -> list[dict]:
    towns: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for problem in problems:
        towns[problem["town"]][problem["site"]].append(problem)
    return [
        {
            "name": town,
            "count": sum(len(p) for p in sites.values()),
            "sites": [
                {"name": name, "site_type": ps[0]["site_type"], "problems": ps} for name, ps in sites.items()
            ],
        }
        for town, sites in towns.items()
    ]


def round_context(round_: Round, now=None) -> dict:
    """Everything the Word and Excel reports show, in Chinese (the report goes out as a 公文)."""
    now = now or timezone.now()
    with translation.override("zh-hans"):
        visits = Visit.objects.filter(round=round_)
        scope = Counter(visits.values_list("site__site_type__name", flat=True))
        order = dict(visits.values_list("site__site_type__name", "site__site_type__sort_order"))
        problems = _problems(visits, now)
        failed_by_town = Counter(p["town"] for p in problems)
        towns = rollup(visits, "town")[::-1]
        total = rollup_total(visits, "合计")
        ranking = [
            {
                "rank": i,
                "town": row.label,
                "visits": row.visits,
                "score_rate": _pct(row.score_rate),
                "pass_rate": _pct(row.pass_rate),
                "failed": failed_by_town[row.label],
                "score_value": row.score_rate,
            }
            for i, row in enumerate(towns, start=1)
        ]
        context = {
            "title": f"{settings.CHUANGWEN_JURISDICTION}{round_.name}督查情况通报",
            "jurisdiction": settings.CHUANGWEN_JURISDICTION,
            "round": round_.name,
            "kind": str(round_.get_kind_display()),
            "edition": str(round_.edition),
            "starts_on": round_.starts_on.strftime("%Y年%m月%d日"),
            "ends_on": round_.ends_on.strftime("%Y年%m月%d日"),
            "made_on": timezone.localtime(now).strftime("%Y年%m月%d日"),
            "scope": [
                {"site_type": name, "sites": n}
                for name, n in sorted(scope.items(), key=lambda kv: order[kv[0]])
            ],
            "site_count": sum(scope.values()),
            "inspected": total.visits,
            "score_rate": _pct(total.score_rate),
            "pass_rate": _pct(total.pass_rate),
            "problem_count": len(problems),
            "ranking": ranking,
            "towns": _by_town_and_site(problems),
            "problems": problems,
            "overdue": sorted((p for p in problems if p["overdue"]), key=lambda p: -p["days_over"]),
            "open_count": sum(1 for p in problems if p["open"]),
        }
    return context


def default_round_template() -> bytes:
    """The template the office starts from; every tag can be moved or restyled in Word/WPS. Shipped as a .docx
    beside the app's other templates."""
    return (TEMPLATES / "round_report.docx").read_bytes()


def _table(document, header: list[str], rows: str, cells: list[str]) -> None:
    table = document.add_table(rows=3, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    table.rows[1].cells[0].text = f"{{%tr for r in {rows} %}}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"


def render_round_docx(context: dict, template: bytes | None = None) -> bytes:
    document = DocxTemplate(io.BytesIO(template or default_round_template()))
    for problem in context["problems"]:
        data = problem.get("photo_data")
        problem["photo"] = InlineImage(document, io.BytesIO(data), width=Mm(PHOTO_MM)) if data else ""
    # The template is the office's upload: rendered in the sandbox (core.sandbox), every value escaped for XML.
    document.render(context, jinja_env=document_environment(), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _thumbnail(data: bytes) -> tuple[io.BytesIO, int, int]:
    image = open_image(data, max_side=THUMB_PX)
    image.thumbnail((THUMB_PX, THUMB_PX))
    out = io.BytesIO()
    image.convert("RGB").save(out, "PNG")
    out.seek(0)
    return out, image.width, image.height


def render_round_xlsx(context: dict) -> bytes:
    workbook = Workbook()
    bold = Font(bold=True)
    summary = active_sheet(workbook)
    summary.title = "概况"
    summary.append([context["title"]])
    summary["A1"].font = Font(bold=True, size=14)
    for label, value in (
        ("轮次", context["round"]),
        ("类型", context["kind"]),
        ("日期", f"{context['starts_on']}至{context['ends_on']}"),
        ("点位数", context["site_count"]),
        ("已检查", context["inspected"]),
        ("得分率", context["score_rate"]),
        ("及格率", context["pass_rate"]),
        ("问题数", context["problem_count"]),
        ("未整改完成", context["open_count"]),
    ):
        summary.append([label, value])
    summary.append([])
    summary.append(["点位类型", "点位数"])
    for cell in summary[summary.max_row]:
        cell.font = bold
    for row in context["scope"]:
        summary.append([row["site_type"], row["sites"]])
    summary.column_dimensions["A"].width = 34

    ranking = workbook.create_sheet("街道排名")
    ranking.append(["名次", "街道（乡镇）", "检查点位", "得分率", "及格率", "问题数"])
    for row in context["ranking"]:
        ranking.append(
            [
                row["rank"],
                row["town"],
                row["visits"],
                round(row["score_value"], 4) if row["score_value"] is not None else None,
                row["pass_rate"],
                row["failed"],
            ]
        )
        ranking.cell(ranking.max_row, 4).number_format = "0.0%"
    ranking.column_dimensions["B"].width = 16

    problems = workbook.create_sheet("问题清单")
    header = [
        "街道（乡镇）",
        "点位",
        "点位类型",
        "包保单位",
        "问题",
        "说明",
        "问题编号",
        "状态",
        "整改时限",
        "超期",
        "照片",
    ]
    problems.append(header)
    for problem in context["problems"]:
        problems.append(
            [
                problem["town"],
                problem["site"],
                problem["site_type"],
                problem["keeper"],
                problem["line"],
                problem["note"],
                problem["case"],
                problem["state"],
                problem["deadline"],
                "是" if problem["overdue"] else "",
            ]
        )
        if problem.get("photo_data"):
            try:
                data, _width, height = _thumbnail(problem["photo_data"])
            except OSError:
                continue
            problems.add_image(XlImage(data), f"K{problems.max_row}")
            problems.row_dimensions[problems.max_row].height = height * 0.75 + 4
    for column, width in zip("ABCDEFGHIJK", (12, 22, 16, 16, 36, 24, 16, 10, 17, 6, 24), strict=True):
        problems.column_dimensions[column].width = width
    for row in problems.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)

    overdue = workbook.create_sheet("超期未整改")
    overdue.append(["问题编号", "街道（乡镇）", "点位", "问题", "责任单位", "整改时限", "超期天数"])
    for p in context["overdue"]:
        overdue.append([p["case"], p["town"], p["site"], p["line"], p["unit"], p["deadline"], p["days_over"]])
    for sheet in (ranking, problems, overdue):
        for cell in sheet[1]:
            cell.font = bold
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sample_round_context() -> dict:
    """A small report to try an uploaded template against."""
    problem = {
        "town": "城关街道",
        "site": "城关农贸市场",
        "site_type": "农贸市场(专业市场)",
        "keeper": "新华社区",
        "line": "地面干净",
        "note": "地面有积水",
        "points": "1.00",
        "case": "2026-000001",
        "state": "已派遣",
        "unit": "新华社区",
        "deadline": "2026-06-11 17:30",
        "open": True,
        "overdue": True,
        "days_over": 3,
        "photo_data": None,
    }
    return {
        "title": "示例督查通报",
        "jurisdiction": "示范县",
        "round": "六月明查",
        "kind": "明查",
        "edition": "示例版",
        "starts_on": "2026年06月01日",
        "ends_on": "2026年06月10日",
        "made_on": "2026年06月15日",
        "scope": [{"site_type": "农贸市场(专业市场)", "sites": 1}],
        "site_count": 1,
        "inspected": 1,
        "score_rate": "71.4%",
        "pass_rate": "66.7%",
        "problem_count": 1,
        "ranking": [
            {
                "rank": 1,
                "town": "城关街道",
                "visits": 1,
                "score_rate": "71.4%",
                "pass_rate": "66.7%",
                "failed": 1,
                "score_value": 0.714,
            }
        ],
        "towns": _by_town_and_site([problem]),
        "problems": [problem],
        "overdue": [problem],
        "open_count": 1,
    }
