"""Load a framework from the CSV layout of the shipped 2016 district data (framework_nankai_2016.csv).

The data is accepted as it is. Each oddity is kept and reported, row by row:
- an empty 测评指标 (Ⅱ) or 测评内容 (Ⅲ): the level is skipped, the row hangs under the nearest level it has;
- an exact duplicate of an earlier row (all columns but row_id and note): skipped;
- no standard text (survey rows): the criterion takes the title of its content (or indicator);
- TAB characters (spreadsheet paste residue, graded tiers): each run becomes a line break;
- a 实地考察 row whose "site" is ringing a telephone line: loaded as a simulation (实景模拟);
- site labels that match no site type: kept as written, reported.
Both frameworks of the file (city and minors) go into one edition; the minors' projects are coded "1" … "5".
There are no points in the source: every criterion starts at 0 and the office sets points after import.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from framework.models import (
    Edition,
    EditionLevel,
    EditionStatus,
    MaterialType,
    MethodKind,
    Node,
    RuleKind,
    SiteType,
)
from framework.tree import EditionBuilder

COLUMNS = [
    "row_id",
    "framework",
    "method",
    "project_code",
    "project_title",
    "indicator_code",
    "indicator_title",
    "content_code",
    "content_title",
    "standard_text",
    "requirement_text",
    "site_types",
    "report_materials_text",
    "note",
]
METHODS = {"网上申报": MethodKind.MATERIAL, "实地考察": MethodKind.FIELD, "问卷调查": MethodKind.SURVEY}
MATERIAL_WORDS = {
    "规范文件": MaterialType.REGULATION,
    "说明报告": MaterialType.REPORT,
    "统计表格": MaterialType.TABLE,
    "实景图片": MaterialType.PHOTO,
}
PHONE_CALL = re.compile(r"拨打.*电话")
SITE_SPLIT = re.compile(r"[、，,；;和及]|等公共场所|（[^）]*）|\([^)]*\)")
LIST_MARK = re.compile(r"^\s*(?:[①-⑳]|\d+[.、）)])\s*")
PERCENT = re.compile(r"([＞>≥]|≤)\s*(\d+(?:\.\d+)?)\s*%")


def shipped_csv_path() -> Path:
    """The shipped data lives beside the project (../shared/data), in development and in CI alike."""
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "framework_nankai_2016.csv"


@dataclass
class LoadReport:
    edition: Edition
    rows_read: int = 0
    rows_by_method: Counter = field(default_factory=Counter)  # (framework, method) → rows in the file
    duplicates: list[str] = field(default_factory=list)
    oddities: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        summary = ", ".join(f"{fw} {method}: {n}" for (fw, method), n in sorted(self.rows_by_method.items()))
        return [f"Read {self.rows_read} rows ({summary}).", *self.oddities]


def _clean_text(text: str, row_id: str, what: str, report: LoadReport) -> str:
    if "\t" in text:
        report.oddities.append(f"row {row_id}: TAB characters in {what} replaced by line breaks.")
        text = re.sub(r"\t+", "\n", text)
    return text.strip()


def _site_pieces(label: str) -> list[str]:
    return [piece.strip() for piece in SITE_SPLIT.split(label) if piece and piece.strip()]


def match_site_types(label: str, types: list[SiteType]) -> list[SiteType]:
    """Site types named in a free-text label: a label piece equal to, or ending with, a piece of the type name."""
    found = []
    pieces = _site_pieces(label)
    for site_type in types:
        names = _site_pieces(site_type.name)
        if any(piece == name or piece.endswith(name) for piece in pieces for name in names if len(name) > 1):
            found.append(site_type)
    return found


def check_lines(requirement: str, label: str) -> list[tuple[str, Decimal]]:
    """The check items of a field requirement: the text after "点位：", one item per line or ①② mark."""
    body = requirement
    if label and body.startswith(label):
        body = body[len(label) :].lstrip("：: \n")
    lines = [LIST_MARK.sub("", line).strip() for line in re.split(r"\n|(?=[②-⑳])", body)]
    return [(line, Decimal(0)) for line in lines if line]


def _survey_target(standard: str) -> tuple[Decimal | None, list[list[str]] | None]:
    marks = PERCENT.findall(standard)
    if len(marks) >= 3:  # 三档: ＞80% ＞75% ≤75%
        high, part = (Decimal(marks[0][1]) / 100, Decimal(marks[1][1]) / 100)
        return high, [[str(high), "1"], [str(part), "0.5"]]
    if marks:
        return Decimal(marks[0][1]) / 100, None
    return None, None


def _material_fields(text: str) -> dict:
    types = [value for word, value in MATERIAL_WORDS.items() if word in text]
    words = re.search(r"(\d+)\s*字", text)
    photos = re.search(r"(\d+)\s*张", text)
    return {
        "material_types": types,
        "word_limit": int(words.group(1)) if words else None,
        "photo_limit": int(photos.group(1)) if photos else None,
    }


def read_rows(data: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(f"The CSV lacks the columns: {', '.join(missing)}")
    return list(reader)


@transaction.atomic
def load_csv(data: str, name: str, year: int = 2016, level: str = EditionLevel.NATIONAL) -> LoadReport:
    rows = read_rows(data)
    edition = Edition.objects.create(
        name=name, level=level, year=year, status=EditionStatus.PUBLISHED, note="Loaded from CSV."
    )
    report = LoadReport(edition, rows_read=len(rows))
    builder = EditionBuilder(edition)
    types = list(SiteType.objects.all())
    seen: dict[tuple, str] = {}
    for row in rows:
        row_id = row["row_id"]
        report.rows_by_method[(row["framework"], row["method"])] += 1
        if row["method"] not in METHODS:
            report.oddities.append(f"row {row_id}: unknown method “{row['method']}”; skipped.")
            continue
        content = tuple(value for key, value in row.items() if key not in ("row_id", "note"))
        if content in seen:
            report.duplicates.append(row_id)
            report.oddities.append(f"row {row_id}: exact duplicate of row {seen[content]}; skipped.")
            continue
        seen[content] = row_id
        _load_row(builder, row, types, report)
    _sort_nodes(builder)
    report.oddities.append(
        f"No points in the source: all {edition.criteria.count()} criteria start at 0 points for the office to set."
    )
    return report


def _code_number(code: str) -> int:
    match = re.search(r"\d+", code)
    return int(match.group()) if match else 0


def _sort_nodes(builder: EditionBuilder) -> None:
    """Siblings in code order (Ⅰ-1 … Ⅰ-12, then the minors' 1 … 5), not the source's row order."""
    nodes = sorted(
        builder.nodes.values(),
        key=lambda n: (not n.code.startswith(("Ⅰ", "Ⅱ", "Ⅲ")), _code_number(n.code), n.sort_order),
    )
    for rank, node in enumerate(nodes, start=1):
        node.sort_order = rank
    Node.objects.bulk_update(nodes, ["sort_order"])


def _load_row(
    builder: EditionBuilder, row: dict[str, str], types: list[SiteType], report: LoadReport
) -> None:
    row_id = row["row_id"]
    project = (row["project_code"].strip(), row["project_title"].strip())
    indicator = (row["indicator_code"].strip(), row["indicator_title"].strip())
    content = (row["content_code"].strip(), row["content_title"].strip())
    if not any(indicator):
        report.oddities.append(
            f"row {row_id}: no indicator (Ⅱ) in the source; kept directly under {project[0]}."
        )
    if not any(content) and row["framework"] == "city":
        report.oddities.append(
            f"row {row_id}: no content (Ⅲ) in the source; the criterion hangs one level up."
        )
    node = builder.node([project, indicator, content])
    standard = _clean_text(row["standard_text"], row_id, "the standard", report)
    text = standard
    if not standard or (standard.startswith("（") and row["method"] == "问卷调查"):
        text = (content[1] or indicator[1] or project[1]) + (f"\n{standard}" if standard else "")
        report.oddities.append(
            f"row {row_id}: no standard text of its own; the criterion takes the title “{text[:30]}”."
        )
    method = METHODS[row["method"]]
    requirement_text = _clean_text(row["requirement_text"], row_id, "the requirement", report)
    fields: dict = {"kind": method, "text": requirement_text, "source_row": row_id}
    criterion_fields: dict = {"code": content[0] or indicator[0]}
    check_items: list = []
    site_types: list[SiteType] = []
    if method == MethodKind.FIELD:
        label = row["site_types"].strip()
        fields["site_label"] = label[:300]
        if PHONE_CALL.search(label):
            fields["kind"] = MethodKind.SIMULATION
            report.oddities.append(f"row {row_id}: a telephone call, loaded as a simulation (实景模拟).")
        else:
            site_types = match_site_types(label, types)
            check_items = check_lines(requirement_text, label)
            if not site_types:
                report.oddities.append(f"row {row_id}: no site type matches “{label}”; kept as written.")
    elif method == MethodKind.MATERIAL:
        materials = _clean_text(row["report_materials_text"], row_id, "the materials", report)
        if materials:
            fields["text"] = f"{requirement_text}\n{materials}"
        fields.update(_material_fields(fields["text"]))
    else:
        target, tiers = _survey_target(standard)
        fields.update(question=requirement_text, target_rate=target)
        if tiers:
            criterion_fields.update(rule_kind=RuleKind.GRADED, rule={"tiers": tiers})
    criterion, _created = builder.criterion(node, text, **criterion_fields)
    builder.requirement(criterion, site_types=site_types, check_items=check_items, **fields)
