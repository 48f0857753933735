"""Load the shipped category lists (数字城管 events and components, GB/T 47678.5 examples) into the tree.

The CSVs come from the steering repository's `shared/data/` when it sits beside the project, else from the copy
shipped in `cases/data/`. Loading is idempotent: existing categories (and the office's edits to them) are kept,
missing ones are added.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cases.models import LOCAL_STANDARD, Category, CategoryKind
from core.workcalendar import DeadlineUnit

CJT_214 = "CJ/T 214-2007"
GBT_47678 = "GB/T 47678.5-2026"
# The campaign's own problem classes (公益宣传, 公示, 未成年人保护 …): checklist lines no 数字城管 class fits.
LOCAL = LOCAL_STANDARD
CAMPAIGN_FILE = "campaign_categories.csv"
FILES = ("event_categories.csv", "component_categories.csv", "gbt47678_event_examples.csv")
PACKAGED_DIR = Path(__file__).resolve().parent / "data"


def shared_data_dir() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "data"


def data_dir() -> Path:
    shared = shared_data_dir()
    return shared if all((shared / name).is_file() for name in FILES) else PACKAGED_DIR


@dataclass
class LoadReport:
    created: int = 0
    kept: int = 0

    def __str__(self) -> str:
        return f"{self.created} categories added, {self.kept} already present"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def _get_or_add(report: LoadReport, key: dict, defaults: dict) -> Category:
    category, created = Category.objects.get_or_create(**key, defaults=defaults)
    if created:
        report.created += 1
    else:
        report.kept += 1
    return category


def _load_cjt(report: LoadReport, path: Path, standard_ref: str = CJT_214) -> None:
    majors: dict[tuple[str, str], Category] = {}
    for row in _rows(path):
        kind = CategoryKind(row["kind"])
        major_key = (kind, row["major_code"])
        if major_key not in majors:
            majors[major_key] = _get_or_add(
                report,
                {"standard_ref": standard_ref, "kind": kind, "code": row["major_code"]},
                {"name": row["major_name"]},
            )
        deadline = row.get("example_deadline", "")
        _get_or_add(
            report,
            {"standard_ref": standard_ref, "kind": kind, "code": row["minor_code"]},
            {
                "parent": majors[major_key],
                "name": row["minor_name"],
                "deadline_amount": int(deadline) if deadline else None,
                "deadline_unit": row.get("deadline_unit") or DeadlineUnit.WORKING_DAYS,
                "close_conditions": row.get("note", ""),
            },
        )


def _load_gbt(report: LoadReport, path: Path) -> None:
    for row in _rows(path):
        _get_or_add(
            report,
            {"standard_ref": GBT_47678, "kind": CategoryKind.EVENT, "code": row["code"]},
            {"name": row["name"], "note": row.get("note", "")},
        )


@transaction.atomic
def load_categories(directory: Path | None = None) -> LoadReport:
    directory = directory or data_dir()
    report = LoadReport()
    _load_cjt(report, directory / "event_categories.csv")
    _load_cjt(report, directory / "component_categories.csv")
    _load_gbt(report, directory / "gbt47678_event_examples.csv")
    _load_cjt(report, PACKAGED_DIR / CAMPAIGN_FILE, standard_ref=LOCAL)
    return report
