"""The round report (督查通报) of an inspection round: Word from an editable docxtpl template and an Excel workbook.
Both read one context: the scope (sites by type), the towns ranked by 得分率, the problems by town and site with
their photos, and the problems still open after their deadline."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from bulletins.common import document_parts, sample_parts
from bulletins.models import DocumentKind
from bulletins.photos import photo_bytes
from cases.models import CasePhoto
from core import officialdoc as od
from core.officialpdf import docx_to_pdf, place_footer_block
from core.sandbox import document_environment
from core.uploads import open_image
from core.workbooks import Column, ExcelFile, Kind, Title
from inspections.models import Finding, Round, Verdict, Visit
from inspections.queries import rollup, rollup_total

PHOTO_MM = 60  # width of a problem photo in Word
THUMB_PX = 160  # longest side of a photo in Excel

TEMPLATES = Path(__file__).resolve().parent / "templates" / "bulletins"


def _pct(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"


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
                "deadline_at": case.deadline if case else None,
                "open": bool(case and case.is_open()),
                "overdue": overdue,
                "days_over": (now - case.deadline).days if case and case.deadline and overdue else 0,
                "photo_data": photo_bytes(case.before_photos[0] if case and case.before_photos else None),
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


def round_context(round_: Round, now=None, number: str = "") -> dict:
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
                "pass_value": row.pass_rate,
            }
            for i, row in enumerate(towns, start=1)
        ]
        context = {
            **document_parts(DocumentKind.ROUND, now, number),
            "title": f"{settings.CHUANGWEN_JURISDICTION}{round_.name}督查情况通报",
            "doc_kind": "督查情况通报",
            "addressee": "各街道（乡镇）、县直各部门：",
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
            "score_value": total.score_rate,
            "pass_value": total.pass_rate,
            "dates": (round_.starts_on, round_.ends_on),
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


def _tables(context: dict) -> dict[str, tuple[list[od.Column], list[list]]]:
    """The document's tables: columns and rows, placed where the template's tags stand."""
    n = od.Column
    return {
        "scope_table": (
            [n("点位类型"), n("点位数", numeric=True)],
            [[r["site_type"], r["sites"]] for r in context["scope"]],
        ),
        "ranking_table": (
            [
                n("名次", numeric=True),
                n("街道（乡镇）"),
                n("检查点位", numeric=True),
                n("得分率", numeric=True),
                n("及格率", numeric=True),
                n("问题数", numeric=True),
            ],
            [
                [r["rank"], r["town"], r["visits"], r["score_rate"], r["pass_rate"], r["failed"]]
                for r in context["ranking"]
            ],
        ),
        "overdue_table": (
            [
                n("问题编号", keep=True),
                n("街道（乡镇）"),
                n("点位"),
                n("问题"),
                n("责任单位"),
                n("整改时限", keep=True),
                n("超期天数", numeric=True),
            ],
            [
                [p["case"], p["town"], p["site"], p["line"], p["unit"], p["deadline"], p["days_over"]]
                for p in context["overdue"]
            ],
        ),
    }


def render_round_docx(context: dict, template: bytes | None = None) -> bytes:
    document = DocxTemplate(io.BytesIO(template or default_round_template()))
    tables = _tables(context)
    values = {**context, **{name: od.table_marker(name) for name in tables}}
    for problem in context["problems"]:
        data = problem.get("photo_data")
        problem["photo"] = InlineImage(document, io.BytesIO(data), width=Mm(PHOTO_MM)) if data else ""
    # The template is the office's upload: rendered in the sandbox (core.sandbox), every value escaped for XML.
    document.render(values, jinja_env=document_environment(), autoescape=True)
    for name, (columns, rows) in tables.items():
        od.place_table(document.docx, name, columns, rows)
    od.fit_masthead(document.docx)
    od.center_signature(document.docx)
    buffer = io.BytesIO()
    document.save(buffer)
    return place_footer_block(buffer.getvalue())  # the 版记 on the last even page


def render_round_pdf(context: dict, template: bytes | None = None) -> bytes:
    return docx_to_pdf(render_round_docx(context, template))


def _thumbnail(data: bytes) -> tuple[io.BytesIO, int, int] | None:
    """A small PNG of a photo (decoded under the pixel cap), or None when the file is not a readable image."""
    try:
        image = open_image(data, max_side=THUMB_PX)
    except ValidationError:
        return None
    image.thumbnail((THUMB_PX, THUMB_PX))
    out = io.BytesIO()
    image.convert("RGB").save(out, "PNG")
    out.seek(0)
    return out, image.width, image.height


def render_round_xlsx(context: dict) -> bytes:
    """Summary, scope, the towns ranked, every problem with its photo, and the overdue ones; rates as numbers."""
    excel = ExcelFile()
    title = Title(context["title"], context["kind"], f"{context['starts_on']}至{context['ends_on']}")
    _summary_sheet(excel, context, title)
    scope = excel.sheet("检查范围", [Column("点位类型"), Column("点位数", Kind.INTEGER)], title)
    scope.extend([row["site_type"], row["sites"]] for row in context["scope"])
    ranking = excel.sheet(
        "街道排名",
        [
            Column("名次", Kind.INTEGER),
            Column("街道（乡镇）"),
            Column("检查点位", Kind.INTEGER),
            Column("得分率", Kind.PERCENT),
            Column("及格率", Kind.PERCENT),
            Column("问题数", Kind.INTEGER),
        ],
        title,
    )
    for row in context["ranking"]:
        ranking.append(
            [
                row["rank"],
                row["town"],
                row["visits"],
                row["score_value"],
                row.get("pass_value"),
                row["failed"],
            ]
        )
    _problem_sheet(excel, context, title)
    overdue = excel.sheet(
        "超期未整改",
        [
            Column("问题编号", Kind.CODE),
            Column("街道（乡镇）"),
            Column("点位"),
            Column("问题", Kind.LONG),
            Column("责任单位"),
            Column("整改时限", Kind.DATETIME),
            Column("超期天数", Kind.INTEGER),
        ],
        title,
    )
    for p in context["overdue"]:
        overdue.append(
            [p["case"], p["town"], p["site"], p["line"], p["unit"], p.get("deadline_at"), p["days_over"]]
        )
    return excel.to_bytes()


def _summary_sheet(excel: ExcelFile, context: dict, title: Title) -> None:
    columns = [
        Column("轮次"),
        Column("类型"),
        Column("开始日期", Kind.DATE),
        Column("结束日期", Kind.DATE),
        Column("点位数", Kind.INTEGER),
        Column("已检查", Kind.INTEGER),
        Column("得分率", Kind.PERCENT),
        Column("及格率", Kind.PERCENT),
        Column("问题数", Kind.INTEGER),
        Column("未整改完成", Kind.INTEGER),
    ]
    summary = excel.sheet("概况", columns, title, autofilter=False)
    starts, ends = context.get("dates", (None, None))
    summary.append(
        [
            context["round"],
            context["kind"],
            starts,
            ends,
            context["site_count"],
            context["inspected"],
            context.get("score_value"),
            context.get("pass_value"),
            context["problem_count"],
            context["open_count"],
        ]
    )


def _problem_sheet(excel: ExcelFile, context: dict, title: Title) -> None:
    columns = [
        Column("街道（乡镇）"),
        Column("点位"),
        Column("点位类型"),
        Column("包保单位"),
        Column("问题", Kind.LONG),
        Column("说明", Kind.LONG),
        Column("问题编号", Kind.CODE),
        Column("状态"),
        Column("整改时限", Kind.DATETIME),
        Column("超期"),
        Column("照片"),
    ]
    problems = excel.sheet("问题清单", columns, title, widths={10: 24})
    for problem in context["problems"]:
        values = [
            problem["town"],
            problem["site"],
            problem["site_type"],
            problem["keeper"],
            problem["line"],
            problem["note"],
            problem["case"],
            problem["state"],
            problem.get("deadline_at"),
            "是" if problem["overdue"] else "",
            "",  # the photo column: the thumbnail is placed over the cell
        ]
        thumbnail = _thumbnail(problem["photo_data"]) if problem.get("photo_data") else None
        if thumbnail is None:
            problems.append(values)
            continue
        data, _width, height = thumbnail
        problems.append(values, height=height * 0.75 + 4, image=data.getvalue())


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
        **sample_parts("示创办督〔2026〕1号"),
        "title": "示例督查通报",
        "addressee": "各街道（乡镇）、县直各部门：",
        "jurisdiction": "示范县",
        "round": "六月明查",
        "doc_kind": "督查情况通报",
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
