"""Excel export of a filtered case list: one function, an ordered column list, explicit filters from the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cases.models import Case

MAX_EXPORT_ROWS = 100_000
DIRECT_EXPORT_ROWS = 2_000  # larger lists are made in the background with a progress page (reports.tasks)
PROGRESS_EVERY = 1_000


def _time(value) -> Any:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _columns(can_see_contact: bool) -> list[tuple[str, Callable[[Case], Any]]]:
    columns: list[tuple[str, Callable[[Case], Any]]] = [
        (_("Number"), lambda c: c.number),
        (_("State"), lambda c: c.get_state_display()),
        (_("Source"), lambda c: c.get_source_display()),
        (_("Category code"), lambda c: c.category_code),
        (_("Category"), lambda c: c.category_name),
        (_("Description"), lambda c: c.description),
        (_("Address"), lambda c: c.address),
        (_("Grid"), lambda c: c.grid.code if c.grid else ""),
        (_("Responsible unit"), lambda c: c.unit.name if c.unit else ""),
        (_("Priority"), lambda c: c.get_priority_display()),
        (_("Reported at"), lambda c: _time(c.reported_at)),
        (_("Dispatched at"), lambda c: _time(c.dispatched_at)),
        (_("Deadline"), lambda c: _time(c.deadline)),
        (_("Reported back at"), lambda c: _time(c.submitted_at)),
        (_("Closed at"), lambda c: _time(c.closed_at)),
        (_("Overdue"), lambda c: _("yes") if c.is_overdue() else ""),
        (_("Reworks"), lambda c: c.rework_count),
        (_("Relapse"), lambda c: _("yes") if c.is_relapse() else ""),
        (_("Longitude"), lambda c: c.lon),
        (_("Latitude"), lambda c: c.lat),
    ]
    if can_see_contact:
        columns += [
            (_("Reporter"), lambda c: c.reporter_name),
            (_("Reporter's phone"), lambda c: c.reporter_phone),
        ]
    return columns


def export_filename() -> str:
    return f"cases-{timezone.localtime().strftime('%Y%m%d-%H%M')}.xlsx"


def cases_workbook(
    cases: QuerySet[Case], can_see_contact: bool, progress: Callable[[int], None] | None = None
) -> Workbook:
    """A write-only workbook (constant memory) with one row per case (at most MAX_EXPORT_ROWS), in the list's
    order; `progress(rows_written)` is called every PROGRESS_EVERY rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Cases"))
    columns = _columns(can_see_contact)
    header = []
    for title, _get in columns:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    if not cases.ordered:
        cases = cases.order_by("-reported_at")
    rows = cases.select_related("unit", "grid")[:MAX_EXPORT_ROWS]
    for written, case in enumerate(rows.iterator(chunk_size=2000), start=1):
        sheet.append([get(case) for _title, get in columns])
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    return workbook
