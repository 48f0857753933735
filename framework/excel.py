"""Excel import and export of a framework edition: sheet 测评体系 (the tree, one row per criterion) and sheet
测评方法 (method requirements, tied to a criterion by 标准序号), plus an optional 版本 sheet.

Export → import reproduces the edition exactly (see `snapshot`). A file with any problem is refused whole; each
problem names sheet, row, column and reason.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.excel import (
    Column,
    ImportProblem,
    ImportReport,
    SheetRow,
    choice_labels,
    read_sheet,
    template_workbook,
)
from core.workbooks import Column as SheetColumn
from core.workbooks import ExcelFile, Kind, Title
from framework.models import (
    Criterion,
    Edition,
    EditionLevel,
    EditionStatus,
    MaterialType,
    MethodKind,
    Requirement,
    RuleKind,
    SiteType,
)
from framework.queries import node_rows
from framework.rules import check_rule, describe_rule
from framework.tree import EditionBuilder

TREE_SHEET = "测评体系"
METHOD_SHEET = "测评方法"
EDITION_SHEET = "版本"
CHECK_LINE = re.compile(r"^\[\s*(?P<deduction>[^\]]*)\]\s*(?P<text>.*)$")
SPLIT = re.compile(r"[、,，;；\n]+")


def _choices_parser(choices: Any):
    def parse(text: str) -> str:
        for value, label in choices.choices:
            names = {str(value)}
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    names.add(str(label))
            if text in names:
                return value
        raise ValidationError(_("Unknown value “%(text)s”.") % {"text": text})

    return parse


def _decimal(text: str) -> Decimal:
    try:
        number = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise ValidationError(_("“%(text)s” is not a number.") % {"text": text}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError(_("A number of zero or more is needed."))
    return number / 100 if text.strip().endswith("%") else number


def _integer(text: str) -> int:
    if not text.isdigit():
        raise ValidationError(_("A whole number is needed."))
    return int(text)


def _json(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        raise ValidationError(_('Not valid JSON, e.g. {"per_item": "1", "cap": "4"}.')) from None
    if not isinstance(value, dict):
        raise ValidationError(_("The rule parameters must be an object."))
    return value


def _material_types(text: str) -> list[str]:
    parse = _choices_parser(MaterialType)
    short = {label.split("(")[-1].rstrip(")"): value for value, label in MaterialType.choices}
    return [short.get(piece.strip()) or parse(piece.strip()) for piece in SPLIT.split(text) if piece.strip()]


def _check_items(text: str) -> list[tuple[str, Decimal]]:
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = CHECK_LINE.match(line.strip())
        if match:
            items.append((match["text"].strip(), _decimal(match["deduction"] or "0")))
        else:
            items.append((line.strip(), Decimal(0)))
    return items


TREE_COLUMNS = [
    Column("project_code", "项目编号", help="测评项目编号，如 Ⅰ-1。"),
    Column("project_title", "测评项目", required=True),
    Column("indicator_code", "指标编号", help="可空：该层级缺失时留空。"),
    Column("indicator_title", "测评指标"),
    Column("content_code", "内容编号"),
    Column("content_title", "测评内容"),
    Column(
        "key",
        "标准序号",
        parse=_integer,
        help="本文件内唯一的整数，测评方法表用它关联标准。留空表示只有节点、没有标准的行。",
    ),
    Column("code", "标准编号"),
    Column("text", "测评标准", help="标准序号不为空时必填。"),
    Column("points", "分值", parse=_decimal),
    Column(
        "rule_kind",
        "计分规则",
        parse=_choices_parser(RuleKind),
        help="逐项扣分 / 分档计分 / 达标/不达标 / 按项加分（封顶） / 负面清单扣分 / 一票否决 / 前置条件。",
        choices=choice_labels(RuleKind),
    ),
    Column("rule_text", "规则说明", help="导出时写明规则的含义，供阅读；导入时不读，以规则参数为准。"),
    Column(
        "rule",
        "规则参数",
        parse=_json,
        help='JSON，如分档 {"tiers": [["0.80", "1"], ["0.75", "0.5"]]}，加分 {"per_item": "1", "cap": "4"}；'
        "逐项扣分等无参数的规则留空。",
    ),
    Column("note", "备注"),
]
METHOD_COLUMNS = [
    Column("key", "标准序号", required=True, parse=_integer, help="测评体系表中的标准序号。"),
    Column(
        "kind",
        "测评方法",
        required=True,
        parse=_choices_parser(MethodKind),
        help="实地考察 / 网上申报 / 问卷调查 / 实景模拟。",
        choices=choice_labels(MethodKind),
    ),
    Column("text", "测评要求"),
    Column("site_label", "点位（原文）"),
    Column("site_types", "点位类型编号", help="点位类型编号，用顿号分隔，如 09、11。"),
    Column("check_items", "检查项", help="每行一项，扣分写在方括号里：[1] 地面干净。"),
    Column("material_types", "材料类型", help="规范文件、说明报告、统计表格、实景图片，用顿号分隔。"),
    Column("word_limit", "字数要求", parse=_integer),
    Column("photo_limit", "图片数量", parse=_integer),
    Column("question", "问卷题目"),
    Column("target_rate", "目标比率", parse=_decimal, help="0 到 1 之间的小数，或百分数如 80%。"),
    Column("favourable_answers", "肯定答案"),
    Column("source_row", "来源行"),
]
EDITION_COLUMNS = [
    Column("name", "版本名称", required=True),
    Column(
        "level",
        "层级",
        required=True,
        parse=_choices_parser(EditionLevel),
        choices=choice_labels(EditionLevel),
    ),
    Column("year", "年度", required=True, parse=_integer),
    Column("status", "状态", parse=_choices_parser(EditionStatus), choices=choice_labels(EditionStatus)),
    Column("note", "备注"),
]
NOTES = [
    "测评体系导入模板。测评体系表每行一条测评标准（或一个没有标准的节点），测评方法表每行一项测评方法要求。",
    "节点按（编号，名称）逐级识别：同一上级下编号和名称相同的行属于同一节点；某一层级缺失时留空。",
    "任何一行有问题时整个文件都不导入，并逐条列出问题所在的表、行、列和原因。",
]


# --- Export ----------------------------------------------------------------------------------


SHEET_KINDS = {
    "key": Kind.INTEGER,
    "text": Kind.LONG,
    "points": Kind.NUMBER,
    "rule_text": Kind.LONG,
    "check_items": Kind.LONG,
    "word_limit": Kind.INTEGER,
    "photo_limit": Kind.INTEGER,
    "target_rate": Kind.PERCENT,
    "year": Kind.INTEGER,
}


def _sheet_columns(columns: list[Column]) -> list[SheetColumn]:
    return [
        SheetColumn(c.header, SHEET_KINDS.get(c.key, Kind.TEXT), choices=c.choices() if c.choices else ())
        for c in columns
    ]


def export_filename(edition: Edition) -> str:
    return f"测评体系-{edition.name}.xlsx"


def export_edition(edition: Edition) -> bytes:
    """The edition in the template's words (逐项扣分, 实地考察, 已发布), 分值 as numbers, each rule as readable text
    beside the parameters the import reads; `import_edition` reads the file back to the same edition."""
    with translation.override("zh-hans"):
        return _export_edition(edition)


def _export_edition(edition: Edition) -> bytes:
    excel = ExcelFile()
    title = Title(f"测评体系：{edition.name}", edition.get_level_display(), f"{edition.year}年")
    tree = excel.sheet(TREE_SHEET, _sheet_columns(TREE_COLUMNS), title)
    methods = excel.sheet(METHOD_SHEET, _sheet_columns(METHOD_COLUMNS), title)
    key = 0
    requirements = Requirement.objects.filter(criterion__edition=edition).prefetch_related(
        "site_types", "check_items"
    )
    by_criterion: dict[int, list[Requirement]] = {}
    for requirement in requirements.order_by("sort_order", "pk"):
        by_criterion.setdefault(requirement.criterion_id, []).append(requirement)
    for levels, criteria in node_rows(edition):
        flat = [value for level in levels for value in level]
        if not criteria:
            tree.append(flat)
        for criterion in criteria:
            key += 1
            tree.append(
                [
                    *flat,
                    key,
                    criterion.code,
                    criterion.text,
                    criterion.points,
                    criterion.get_rule_kind_display(),
                    describe_rule(criterion.rule_kind, criterion.rule),
                    json.dumps(criterion.rule, ensure_ascii=False) if criterion.rule else "",
                    criterion.note,
                ]
            )
            for requirement in by_criterion.get(criterion.pk, []):
                methods.append(_requirement_row(key, requirement))
    meta = excel.sheet(EDITION_SHEET, _sheet_columns(EDITION_COLUMNS), title, autofilter=False)
    meta.append(
        [edition.name, edition.get_level_display(), edition.year, edition.get_status_display(), edition.note]
    )
    return excel.to_bytes()


def _requirement_row(key: int, requirement: Requirement) -> list[Any]:
    material_names = dict(MaterialType.choices)
    return [
        key,
        requirement.get_kind_display(),
        requirement.text,
        requirement.site_label,
        "、".join(site_type.code for site_type in requirement.site_types.all()),
        "\n".join(f"[{item.deduction}] {item.text}" for item in requirement.check_items.all()),
        "、".join(str(material_names.get(code, code)) for code in requirement.material_types),
        requirement.word_limit,
        requirement.photo_limit,
        requirement.question,
        requirement.target_rate,
        requirement.favourable_answers,
        requirement.source_row,
    ]


def template() -> bytes:
    examples_tree = [
        [
            "Ⅰ-1",
            "公共环境",
            "Ⅱ-1",
            "市容市貌",
            "Ⅲ-1",
            "环境卫生",
            1,
            "Ⅲ-1",
            "农贸市场干净整洁。",
            5,
            "逐项扣分",
            "",
            "",
            "",
        ]
    ]
    examples_methods = [
        [
            1,
            "实地考察",
            "农贸市场：地面干净。",
            "农贸市场",
            "17",
            "[1] 地面干净\n[0.5] 摊位整齐",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    ]
    return template_workbook(
        [(TREE_SHEET, TREE_COLUMNS, examples_tree), (METHOD_SHEET, METHOD_COLUMNS, examples_methods)], NOTES
    )


# --- Import ----------------------------------------------------------------------------------


def _check_tree(rows: list[SheetRow], problems: list[ImportProblem]) -> dict[int, SheetRow]:
    keyed: dict[int, SheetRow] = {}
    for row in rows:
        key = row.values.get("key") or None
        if not isinstance(key, int):
            continue
        if not row.ok:  # its bad cells are reported already; keep the number so method rows find it
            keyed[key] = row
        elif key in keyed:
            problems.append(
                ImportProblem(TREE_SHEET, row.number, row.columns["key"], _("This number is used twice."))
            )
        elif not row.values.get("text"):
            problems.append(
                ImportProblem(
                    TREE_SHEET, row.number, row.columns.get("text", "text"), _("This cell is required.")
                )
            )
        else:
            try:
                check_rule(row.values.get("rule_kind") or RuleKind.DEDUCTION, row.values.get("rule") or {})
            except ValidationError as error:
                column = row.columns.get("rule", "rule")
                problems.append(ImportProblem(TREE_SHEET, row.number, column, "; ".join(error.messages)))
            keyed[key] = row
    return keyed


def _check_methods(
    rows: list[SheetRow],
    keyed: dict[int, SheetRow],
    types: dict[str, SiteType],
    problems: list[ImportProblem],
) -> None:
    for row in rows:
        if not row.ok:
            continue
        if row.values["key"] not in keyed:
            problems.append(
                ImportProblem(
                    METHOD_SHEET, row.number, row.columns["key"], _("No criterion has this number.")
                )
            )
        codes = [code.strip() for code in SPLIT.split(row.values.get("site_types", "")) if code.strip()]
        unknown = [code for code in codes if code not in types]
        if unknown:
            message = _("Unknown site type codes: %(codes)s") % {"codes": "、".join(unknown)}
            problems.append(ImportProblem(METHOD_SHEET, row.number, row.columns["site_types"], message))
        for name, parse in (("material_types", _material_types), ("check_items", _check_items)):
            try:
                row.values[name] = parse(row.values.get(name, ""))
            except ValidationError as error:
                problems.append(
                    ImportProblem(METHOD_SHEET, row.number, row.columns[name], "; ".join(error.messages))
                )
        rate = row.values.get("target_rate")
        if rate is not None and rate != "" and rate > 1:
            problems.append(
                ImportProblem(
                    METHOD_SHEET, row.number, row.columns["target_rate"], _("A rate is at most 1 (100%).")
                )
            )
        row.values["site_types"] = [types[code] for code in codes if code in types]


def import_edition(workbook: Any, name: str = "", year: int | None = None) -> ImportReport:
    """Read the whole workbook first; build the edition only when there is no problem at all."""
    report = ImportReport()
    problems = report.problems
    meta_rows = (
        read_sheet(workbook, EDITION_SHEET, EDITION_COLUMNS, [])
        if EDITION_SHEET in workbook.sheetnames
        else []
    )
    tree_rows = read_sheet(workbook, TREE_SHEET, TREE_COLUMNS, problems)
    method_rows = read_sheet(workbook, METHOD_SHEET, METHOD_COLUMNS, problems)
    keyed = _check_tree(tree_rows, problems)
    _check_methods(method_rows, keyed, {t.code: t for t in SiteType.objects.all()}, problems)
    meta = meta_rows[0].values if meta_rows and meta_rows[0].ok else {}
    name = name or meta.get("name", "")
    if not name:
        problems.append(ImportProblem(EDITION_SHEET, None, "", _("Give the edition a name.")))
    elif Edition.objects.filter(name=name).exists():
        problems.append(
            ImportProblem(
                EDITION_SHEET, None, "", _("An edition named “%(name)s” exists already.") % {"name": name}
            )
        )
    if problems:
        return report
    edition = Edition(
        name=name,
        level=meta.get("level") or EditionLevel.LOCAL,
        year=year or meta.get("year") or 2026,
        status=meta.get("status") or EditionStatus.DRAFT,
        note=meta.get("note", ""),
    )
    try:
        with transaction.atomic():
            edition.save()
            _build(edition, tree_rows, method_rows)
    except ValidationError as error:
        problems.append(ImportProblem(TREE_SHEET, None, "", "; ".join(error.messages)))
        return report
    report.created.append(edition)
    return report


def _build(edition: Edition, tree_rows: list[SheetRow], method_rows: list[SheetRow]) -> None:
    builder = EditionBuilder(edition)
    criteria: dict[int, Criterion] = {}
    for row in tree_rows:
        v = row.values
        levels = [
            (v.get(f"{lv}_code", ""), v.get(f"{lv}_title", "")) for lv in ("project", "indicator", "content")
        ]
        node = builder.node(levels)
        if not v.get("key"):
            continue
        criteria[v["key"]], _created = builder.criterion(
            node,
            v["text"],
            key=v["key"],
            code=v.get("code", ""),
            points=v.get("points") or Decimal(0),
            rule_kind=v.get("rule_kind") or RuleKind.DEDUCTION,
            rule=v.get("rule") or {},
            note=v.get("note", ""),
        )
    for row in method_rows:
        v = row.values
        builder.requirement(
            criteria[v["key"]],
            site_types=v["site_types"],
            check_items=v["check_items"],
            kind=v["kind"],
            text=v.get("text", ""),
            site_label=v.get("site_label", ""),
            material_types=v["material_types"],
            word_limit=v.get("word_limit") or None,
            photo_limit=v.get("photo_limit") or None,
            question=v.get("question", ""),
            target_rate=v.get("target_rate") if v.get("target_rate") not in ("", None) else None,
            favourable_answers=v.get("favourable_answers", ""),
            source_row=v.get("source_row", ""),
        )


def snapshot(edition: Edition) -> list:
    """Everything an edition holds, in order, without ids: two editions with equal snapshots are the same."""
    requirements: dict[int, list] = {}
    for r in (
        Requirement.objects.filter(criterion__edition=edition)
        .prefetch_related("site_types", "check_items")
        .order_by("sort_order", "pk")
    ):
        requirements.setdefault(r.criterion_id, []).append(
            (
                r.kind,
                r.text,
                r.site_label,
                sorted(t.code for t in r.site_types.all()),
                [(i.text, i.deduction) for i in r.check_items.all()],
                r.material_types,
                r.word_limit,
                r.photo_limit,
                r.question,
                r.target_rate,
                r.favourable_answers,
                r.source_row,
            )
        )
    return [
        (
            levels,
            [
                (c.code, c.text, c.points, c.rule_kind, c.rule, c.note, requirements.get(c.pk, []))
                for c in criteria
            ],
        )
        for levels, criteria in node_rows(edition)
    ]
