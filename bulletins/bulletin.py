"""The period bulletin (考核情况通报) of a published score sheet, as a 公文.

One context (`bulletin_context`) feeds every format. The Word file is the master: the office's template (or the
shipped one) is rendered in Jinja's sandbox with every value escaped, its tables built by content
(core/officialdoc.py); the PDF is made from that Word file (core/officialpdf.py), so the two hold the same text.
The Excel file is the score table.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from bulletins.common import cn_date, document_parts
from bulletins.models import DocumentKind
from bulletins.photos import photo_bytes
from cases.models import Case, CasePhoto, overdue_q
from core import officialdoc as od
from core.officialpdf import docx_to_pdf, place_footer_block
from core.periods import in_period
from core.sandbox import document_environment
from core.workbooks import Column, ExcelFile, Kind, Title
from inspections.models import Finding, Verdict
from org.models import Unit, UnitKind
from scoring.lists import honour_lists
from scoring.models import ComponentKind, ListTies, Publication

PHOTO_MM = 70  # width of a problem photo
TYPICAL_PROBLEMS = 6  # how many typical problems the bulletin shows
OVERDUE_LISTED = 15  # the bulletin lists the problems overdue longest; the system has the full list
FIX_DAYS = 7  # overdue problems are to be fixed within this many days of the bulletin
MINUS = "−"  # U+2212, the sign of a deduction
NOT_APPLICABLE = "—"  # a component the scheme gives no points

TEMPLATES = Path(__file__).resolve().parent / "templates" / "bulletins"

METHODS = {
    ComponentKind.FIELD: "按实地测评各点位检查得分率折算",
    ComponentKind.RECTIFICATION: "按问题按期整改率和返工次数计分",
    ComponentKind.SURVEY: "按问卷调查肯定率折算",
    ComponentKind.MATERIAL: "按网上申报材料审核结果计分，逾期报送扣减",
}
ADDRESSEES: dict[str, str] = {UnitKind.TOWN: "各街道（乡镇）：", UnitKind.DEPARTMENT: "县直各部门："}


def signed(points: str | Decimal, kind: str) -> str:
    """A bonus as +1.50, a deduction as −2.00 (never without its sign)."""
    value = Decimal(points)
    if value == 0:
        return "0.00"
    return f"{'+' if kind == 'bonus' else MINUS}{value:.2f}"


def period_label(period) -> str:
    """2026年第四季度 / 2026年3月 / 2026年度, as a 公文 names a period."""
    quarters = "一二三四"
    if period.kind == "quarter":
        return f"{period.year}年第{quarters[period.number - 1]}季度"
    if period.kind == "month":
        return f"{period.year}年{period.number}月"
    return f"{period.year}年度"


def _rows(publication: Publication) -> tuple[list[dict], list[dict]]:
    """The ranking rows and the columns of the scheme's components ("—" where a component has no points)."""
    kinds = dict(ComponentKind.choices)
    sheet = publication.sheet
    components = sheet[0]["components"] if sheet else []
    columns = [
        {
            "kind": c["kind"],
            "name": str(kinds[c["kind"]]),
            "weight": c["weight"],
            "active": bool(c["available"]),
        }
        for c in components
    ]
    rows = []
    for row in sheet:
        parts = [
            c["points"] if column["active"] else NOT_APPLICABLE
            for c, column in zip(row["components"], columns, strict=True)
        ]
        rows.append(
            {
                "rank": row["rank"],
                "unit": row["unit_name"],
                "unit_id": row["unit_id"],
                "parts": parts,
                "bonus": signed(row["bonus"], "bonus"),
                "penalty": signed(row["penalty"], "penalty"),
                "veto": {"zero": "一票否决", "cap": "限分"}.get(row["veto"], ""),
                "total": row["total"],
                "lost": str(
                    sum(
                        Decimal(c["weight"]) - Decimal(c["points"])
                        for c, column in zip(row["components"], columns, strict=True)
                        if column["active"]
                    )
                ),
                "adjustments": row.get("adjustments", []),
            }
        )
    return rows, columns


def _names(rows: list[dict]) -> str:
    return "、".join(f"{r['unit']}（{r['total']}分{'，并列' if r['tied'] else ''}）" for r in rows)


def _lists(rows: list[dict], size: int, ties: str) -> dict:
    lists = honour_lists(rows, size, ties)
    rule = (
        f"红榜、黑榜各列{size}个单位；得分相同的单位名次并列，"
        + (
            "在名额界线上并列的单位一并列入。"
            if ties == ListTies.INCLUDE
            else "在名额界线上并列的单位均不列入。"
        )
        + "同一并列名次不同时列入红榜和黑榜。"
    )
    if lists.all_tied:
        text = f"本期{len(rows)}个单位得分相同，名次并列，不列红榜、黑榜。"
        return {"red_text": text, "black_text": text, "lists_rule": rule, "red_list": [], "black_list": []}
    return {
        "red_text": f"{_names(lists.red)}。" if lists.red else "本期不列红榜。",
        "black_text": f"{_names(lists.black)}。请以上单位认真查找问题，限期整改。"
        if lists.black
        else "本期不列黑榜。",
        "lists_rule": rule,
        "red_list": lists.red,
        "black_list": lists.black,
    }


def _subtree(units: list[dict]) -> dict[str, dict]:
    paths = Unit.objects.filter(pk__in=[u["unit_id"] for u in units]).values_list("path", "pk")
    names = {u["unit_id"]: u["unit"] for u in units}
    return {path: {"unit": names[pk], "path": path} for path, pk in paths}


def _owner(path: str, tops: dict[str, dict]) -> dict | None:
    for top, row in tops.items():
        if path.startswith(top):
            return row
    return None


def _open_problems(rows: list[dict], now: dt.datetime, fix_by: dt.date) -> dict:
    """Per scored unit: its open problems (cases of it or of units under it), how many overdue, the nearest
    deadline, and the date by which each must be fixed."""
    tops = _subtree(rows)
    per_unit: dict[str, dict] = {}
    overdue_rows = []
    cases = (
        Case.objects.filter(state__in=Case.UNIT_STATES)
        .select_related("unit")
        .order_by("deadline", "number")
        .only("number", "deadline", "state", "description", "site_name", "unit__path", "unit__name")
    )
    overdue_ids = set(Case.objects.filter(overdue_q(now)).values_list("pk", flat=True))
    for case in cases:
        owner = _owner(case.unit.path, tops) if case.unit else None
        if owner is None:
            continue
        entry = per_unit.setdefault(
            owner["unit"], {"unit": owner["unit"], "open": 0, "overdue": 0, "next": None}
        )
        entry["open"] += 1
        if case.pk in overdue_ids:
            entry["overdue"] += 1
            overdue_rows.append(
                {
                    "unit": owner["unit"],
                    "case": case.number,
                    "what": (case.site_name + "：" if case.site_name else "") + case.description[:40],
                    "deadline": cn_date(case.deadline) if case.deadline else "",
                    "days_over": (now - case.deadline).days if case.deadline else 0,
                }
            )
        elif case.deadline and (entry["next"] is None or case.deadline < entry["next"]):
            entry["next"] = case.deadline
    open_units = []
    for entry in sorted(per_unit.values(), key=lambda e: (-e["overdue"], -e["open"], e["unit"])):
        due = (
            fix_by
            if entry["overdue"]
            else (timezone.localtime(entry["next"]).date() if entry["next"] else fix_by)
        )
        open_units.append({**entry, "fix_by": cn_date(due)})
    overdue_rows.sort(key=lambda r: (-r["days_over"], r["case"]))
    return {
        "open_units": open_units,
        "overdue": overdue_rows[:OVERDUE_LISTED],
        "overdue_count": len(overdue_rows),
    }


def _typical(publication: Publication, rows: list[dict]) -> list[dict]:
    """The period's failed inspection lines of the scored units, those with photos and most points first."""
    tops = _subtree(rows)
    before = Prefetch(
        "case__photos", queryset=CasePhoto.objects.filter(kind=CasePhoto.Kind.BEFORE), to_attr="before_photos"
    )
    findings = (
        Finding.objects.filter(
            verdict=Verdict.FAIL, **in_period(publication.scheme.period, "visit__submitted_at")
        )
        .select_related("visit__site__town", "visit__site__keeper", "check_item", "case__unit")
        .prefetch_related(before)
        .order_by("-points", "pk")
    )
    chosen: list[tuple[bool, dict]] = []
    for finding in findings[:200]:
        site, case = finding.visit.site, finding.case
        unit = case.unit if case and case.unit else site.town
        owner = _owner(unit.path, tops)
        if owner is None:
            continue
        photo = case.before_photos[0] if case and case.before_photos else None
        detail = "；".join(
            x
            for x in (
                finding.note,
                f"问题编号{case.number}，{case.get_state_display()}" if case else "",
                f"责任单位{owner['unit']}",
            )
            if x
        )
        chosen.append(
            (
                photo is not None,
                {
                    "heading": f"{site.town.name}{site.name}：{finding.check_item.text}",
                    "text": f"{detail}。",
                    "photo_data": photo_bytes(photo),
                },
            )
        )
    chosen.sort(key=lambda item: not item[0])  # stable: photos first, then by points
    return [problem for _, problem in chosen[:TYPICAL_PROBLEMS]]


def bulletin_context(publication: Publication, number: str = "", now: dt.datetime | None = None) -> dict:
    """Everything the bulletin says, in Chinese (it goes out as a 公文). `number` is the 文号 once issued; a draft
    leaves the number blank for the office to fill in."""
    now = now or timezone.now()
    with translation.override("zh-hans"):
        return _context(publication, number, now)


def _context(publication: Publication, number: str, now: dt.datetime) -> dict:
    scheme = publication.scheme
    period = period_label(scheme.period)
    unit_kind = str(scheme.get_unit_kind_display()).replace("/", "")
    rows, columns = _rows(publication)
    active = [c for c in columns if c["active"]]
    fix_by = (timezone.localtime(now) + dt.timedelta(days=FIX_DAYS)).date()
    open_problems = _open_problems(rows, now, fix_by)
    totals = [Decimal(r["total"]) for r in rows]
    adjustments = [
        {
            "unit": row["unit"],
            "reason": a["reason"],
            "kind": a["kind"],
            "points": a["points"],
            "signed": signed(a["points"], a["kind"]) if a["kind"] in ("bonus", "penalty") else "一票否决",
        }
        for row in rows
        for a in row["adjustments"]
    ]
    context = {
        **document_parts(DocumentKind.BULLETIN, now, number),
        "title": f"{settings.CHUANGWEN_JURISDICTION}{period}{unit_kind}文明城市创建工作考核情况通报",
        "doc_kind": "考核情况通报",
        "addressee": ADDRESSEES.get(scheme.unit_kind, "各有关单位："),
        "jurisdiction": settings.CHUANGWEN_JURISDICTION,
        "period": period,
        "unit_kind": unit_kind,
        "version": publication.version,
        "published_at": cn_date(publication.published_at),
        "intro": (
            f"根据{period}文明城市创建工作考核方案，县创建办对{len(rows)}个{unit_kind}单位的创建工作进行了考核"
            f"（第{publication.version}次发布）。现将有关情况通报如下。"
        ),
        "scope_text": (
            f"考核对象为全县{len(rows)}个{unit_kind}单位。考核满分{sum(Decimal(c['weight']) for c in active):.2f}分，"
            f"由{'、'.join(c['name'] for c in active) or '各分项'}组成，另计加分（上限{scheme.bonus_cap}分）、扣分和一票否决。"
        ),
        "method": [
            {
                "name": c["name"],
                "weight": c["weight"] if c["active"] else NOT_APPLICABLE,
                "how": METHODS.get(c["kind"], ""),
            }
            for c in columns
        ],
        "method_text": "未设分值的分项本期不计分，表中以“—”表示；扣分以“−”号表示。",
        "columns": [c["name"] for c in columns],
        "rows": rows,
        "count": len(rows),
        "result_text": _result_text(rows, totals),
        "adjustments": adjustments,
        **_lists(rows, scheme.list_size, scheme.list_ties),
        "problems": _typical(publication, rows),
        **open_problems,
        "fix_by": cn_date(fix_by),
    }
    context["problems_text"] = (
        f"考核期间实地测评发现的典型问题如下（共列{len(context['problems'])}个）。"
        if context["problems"]
        else "考核期间实地测评未发现需要通报的典型问题。"
    )
    overdue_units = [u for u in context["open_units"] if u["overdue"]]
    context["overdue_text"] = (
        f"截至{context['date']}，{len(overdue_units)}个单位有{context['overdue_count']}个问题逾期未整改："
        + "、".join(f"{u['unit']}{u['overdue']}个" for u in overdue_units)
        + "。"
        + (
            f"逾期最久的{len(context['overdue'])}个问题如下，完整清单见系统问题列表。"
            if context["overdue_count"] > len(context["overdue"])
            else "具体问题如下。"
        )
        if context["overdue"]
        else f"截至{context['date']}，无逾期未整改问题。"
    )
    context["fix_text"] = (
        f"逾期未整改的问题，请责任单位于{context['fix_by']}前整改到位；其余未整改问题，请在各自整改时限内完成，"
        "并将整改情况报县创建办。"
        if context["open_units"]
        else "请各单位巩固创建成果，持续做好日常管理。"
    )
    context["closing"] = "请各单位对照通报，举一反三，压实责任，确保创建工作取得实效。"
    return context


def _result_text(rows: list[dict], totals: list[Decimal]) -> str:
    if not rows:
        return "本期无参加考核的单位。"
    average = sum(totals) / len(totals)
    return (
        f"{len(rows)}个单位平均得分{average:.2f}分，最高{max(totals):.2f}分，最低{min(totals):.2f}分。"
        "得分相同的单位名次并列。各单位得分及名次如下。"
    )


def default_template() -> bytes:
    """The shipped template (bulletins/layout.py builds it; `chuangwen word-templates` writes it)."""
    return (TEMPLATES / "bulletin.docx").read_bytes()


def ranking_columns(context: dict) -> list[od.Column]:
    return [
        od.Column("名次", numeric=True),
        od.Column("单位"),
        *[od.Column(name, numeric=True) for name in context["columns"]],
        od.Column("加分", numeric=True),
        od.Column("扣分", numeric=True),
        od.Column("总分", numeric=True),
    ]


def ranking_cells(row: dict) -> list[str]:
    total = f"{row['total']}（{row['veto']}）" if row["veto"] else row["total"]
    return [str(row["rank"]), row["unit"], *row["parts"], row["bonus"], row["penalty"], total]


def _tables(context: dict) -> dict[str, tuple[list[od.Column], list[list]]]:
    """The document's tables: columns and rows, placed where the template's tags stand."""

    return {
        "method_table": (
            [od.Column("分项"), od.Column("分值", numeric=True), od.Column("考核方法")],
            [[m["name"], m["weight"], m["how"]] for m in context["method"]],
        ),
        "ranking_table": (ranking_columns(context), [ranking_cells(r) for r in context["rows"]]),
        "overdue_table": (
            [
                od.Column("单位"),
                od.Column("问题编号", keep=True),
                od.Column("问题"),
                od.Column("整改时限", keep=True),
                od.Column("逾期天数", numeric=True),
            ],
            [[r["unit"], r["case"], r["what"], r["deadline"], r["days_over"]] for r in context["overdue"]],
        ),
        "fix_table": (
            [
                od.Column("单位"),
                od.Column("未整改问题", numeric=True),
                od.Column("其中逾期", numeric=True),
                od.Column("整改完成时限", keep=True),
            ],
            [[u["unit"], u["open"], u["overdue"], u["fix_by"]] for u in context["open_units"]],
        ),
    }


def render_docx(context: dict, template: bytes | None = None) -> bytes:
    document = DocxTemplate(io.BytesIO(template or default_template()))
    tables = _tables(context)
    values = {**context, **{name: od.table_marker(name) for name in tables}}
    values["problems"] = [
        {
            **p,
            "photo": InlineImage(document, io.BytesIO(p["photo_data"]), width=Mm(PHOTO_MM))
            if p.get("photo_data")
            else "",
        }
        for p in context["problems"]
    ]
    # The template is the office's upload: rendered in the sandbox (core.sandbox), every value escaped for XML.
    document.render(values, jinja_env=document_environment(), autoescape=True)
    for name, (columns, rows) in tables.items():
        od.place_table(document.docx, name, columns, rows)
    od.fit_masthead(document.docx)
    od.center_signature(document.docx)
    buffer = io.BytesIO()
    document.save(buffer)
    return place_footer_block(buffer.getvalue())  # the 版记 on the last even page


def render_pdf(context: dict, template: bytes | None = None) -> bytes:
    """The PDF of the Word file: the same content, laid out with the free fallback fonts."""
    return docx_to_pdf(render_docx(context, template))


def _number(value: Any) -> Any:
    """A score as a number; what is not one ("—" for a component the scheme gives no points) stays as written."""
    try:
        return Decimal(str(value).replace(MINUS, "-"))  # the context writes deductions with the minus sign
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
        {"rank": 1, "unit": "城关街道", "unit_id": 0, "parts": ["50.00", "45.50"], "bonus": "+1.00",
         "penalty": "0.00", "veto": "", "total": "96.50", "lost": "4.50", "adjustments": []},
        {"rank": 2, "unit": "柳河镇", "unit_id": 0, "parts": ["48.00", "—"], "bonus": "0.00",
         "penalty": "−2.00", "veto": "", "total": "46.00", "lost": "2.00", "adjustments": []},
    ]  # fmt: skip
    problem = {"heading": "城关街道城关农贸市场：地面干净", "text": "地面有积水。", "photo_data": None}
    overdue = {
        "unit": "柳河镇",
        "case": "2026-000001",
        "what": "地面有积水",
        "deadline": "2026年6月11日",
        "days_over": 3,
    }
    open_unit = {"unit": "柳河镇", "open": 1, "overdue": 1, "fix_by": "2026年12月31日"}
    text = {k: "示例" for k in ("intro", "scope_text", "method_text", "result_text", "red_text", "black_text",
                                "lists_rule", "problems_text", "overdue_text", "fix_text", "closing", "cc")}  # fmt: skip
    return {
        **text,
        "office": "示范县创建文明城市工作办公室",
        "number": "示创办〔2026〕1号",
        "issued": True,
        "title": "示例通报",
        "doc_kind": "考核情况通报",
        "addressee": "各街道（乡镇）：",
        "jurisdiction": "示范县",
        "period": "2026年第四季度",
        "unit_kind": "街道乡镇",
        "version": 1,
        "published_at": "2026年12月31日",
        "method": [
            {"name": "问题整改", "weight": "50.00", "how": "示例"},
            {"name": "问卷调查", "weight": "—", "how": ""},
        ],
        "columns": ["问题整改", "问卷调查"],
        "rows": rows,
        "count": 2,
        "adjustments": [
            {"unit": "城关街道", "reason": "示例", "kind": "bonus", "points": "1.00", "signed": "+1.00"}
        ],
        "red_list": rows[:1],
        "black_list": rows[1:],
        "problems": [problem],
        "overdue": [overdue],
        "open_units": [open_unit],
        "overdue_count": 1,
        "fix_by": "2026年12月31日",
        "signature": "示范县创建文明城市工作办公室",
        "date": "2026年12月31日",
        "printer": "示范县创建文明城市工作办公室",
        "printed_on": "2026年12月31日",
    }
