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
from core.forms import forget_held_choices
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


class _Adder:
    """Adds the categories not yet present, a list's major classes before its minor ones, each in one INSERT: the
    shipped lists hold about 150 classes, and a query per class was most of what loading them cost (every test
    that files a case loads them). What is present is kept as it is, the office's edits included."""

    def __init__(self, report: LoadReport) -> None:
        self.report = report
        self.present = {(c.standard_ref, c.kind, c.code): c for c in Category.objects.all()}
        self.pending: dict[tuple[str, str, str], Category] = {}

    def get_or_add(self, key: dict, defaults: dict) -> Category:
        lookup = (key["standard_ref"], key["kind"], key["code"])
        if (category := self.present.get(lookup) or self.pending.get(lookup)) is not None:
            self.report.kept += 1
            return category
        self.pending[lookup] = Category(**key, **defaults)
        self.report.created += 1
        return self.pending[lookup]

    def save(self) -> None:
        if not self.pending:
            return
        Category.objects.bulk_create(self.pending.values())
        self.present.update(self.pending)
        self.pending = {}
        # bulk_create sends no post_save: the pickers' held option lists are told here, as a save would tell them.
        transaction.on_commit(forget_held_choices)


def _load_cjt(adder: _Adder, path: Path, standard_ref: str = CJT_214) -> None:
    rows = _rows(path)
    majors: dict[tuple[str, str], Category] = {}
    for row in rows:
        kind = CategoryKind(row["kind"])
        if (kind, row["major_code"]) not in majors:
            majors[kind, row["major_code"]] = adder.get_or_add(
                {"standard_ref": standard_ref, "kind": kind, "code": row["major_code"]},
                {"name": row["major_name"]},
            )
    adder.save()  # the major classes have their ids before the minor ones point at them
    for row in rows:
        kind = CategoryKind(row["kind"])
        deadline = row.get("example_deadline", "")
        adder.get_or_add(
            {"standard_ref": standard_ref, "kind": kind, "code": row["minor_code"]},
            {
                "parent": majors[kind, row["major_code"]],
                "name": row["minor_name"],
                "deadline_amount": int(deadline) if deadline else None,
                "deadline_unit": row.get("deadline_unit") or DeadlineUnit.WORKING_DAYS,
                "close_conditions": row.get("note", ""),
            },
        )
    adder.save()


def _load_gbt(adder: _Adder, path: Path) -> None:
    for row in _rows(path):
        adder.get_or_add(
            {"standard_ref": GBT_47678, "kind": CategoryKind.EVENT, "code": row["code"]},
            {"name": row["name"], "note": row.get("note", "")},
        )
    adder.save()


@transaction.atomic
def load_categories(directory: Path | None = None) -> LoadReport:
    directory = directory or data_dir()
    report = LoadReport()
    adder = _Adder(report)
    _load_cjt(adder, directory / "event_categories.csv")
    _load_cjt(adder, directory / "component_categories.csv")
    _load_gbt(adder, directory / "gbt47678_event_examples.csv")
    _load_cjt(adder, PACKAGED_DIR / CAMPAIGN_FILE, standard_ref=LOCAL)
    return report
