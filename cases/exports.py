"""Excel export of a filtered case list: one function, an ordered column list, explicit filters from the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from core.workbooks import Column, ExcelFile, Kind, Title
from org.models import Person

MAX_EXPORT_ROWS = 100_000
DIRECT_EXPORT_ROWS = 2_000  # larger lists are made in the background with a progress page (reports.tasks)
PROGRESS_EVERY = 1_000


def export_columns(can_see_contact: bool) -> list[tuple[Column, Callable[[Case], Any]]]:
    columns: list[tuple[Column, Callable[[Case], Any]]] = [
        (Column(_("Number"), Kind.CODE), lambda c: c.number),
        (Column(_("State")), lambda c: c.get_state_display()),
        (Column(_("Source")), lambda c: c.get_source_display()),
        (Column(_("Category standard")), lambda c: c.category_standard),
        (Column(_("Category")), lambda c: c.category_name),
        (Column(_("Description"), Kind.LONG), lambda c: c.description),
        (Column(_("Address")), lambda c: c.address),
        (Column(_("Grid"), Kind.CODE), lambda c: c.grid.code if c.grid else ""),
        (Column(_("Responsible unit")), lambda c: c.unit.name if c.unit else ""),
        (Column(_("Priority")), lambda c: c.get_priority_display()),
        (Column(_("Reported at"), Kind.DATETIME), lambda c: c.reported_at),
        (Column(_("Dispatched at"), Kind.DATETIME), lambda c: c.dispatched_at),
        (Column(_("Deadline"), Kind.DATETIME), lambda c: c.deadline),
        (Column(_("Reported back at"), Kind.DATETIME), lambda c: c.submitted_at),
        (Column(_("Closed at"), Kind.DATETIME), lambda c: c.closed_at),
        (Column(_("Overdue")), lambda c: _("yes") if c.is_overdue() else ""),
        (Column(_("Reworks"), Kind.INTEGER), lambda c: c.rework_count),
        (Column(_("Relapse")), lambda c: _("yes") if c.is_relapse() else ""),
        (Column(_("Longitude"), Kind.NUMBER, decimals=6), lambda c: c.lon),
        (Column(_("Latitude"), Kind.NUMBER, decimals=6), lambda c: c.lat),
    ]
    if can_see_contact:
        columns += [
            (Column(_("Reporter")), lambda c: c.reporter_name),
            (Column(_("Reporter's phone"), Kind.CODE), lambda c: c.reporter_phone),
        ]
    return columns


def export_title(person: Person, filters: dict[str, Any]) -> Title:
    """What the file is, whose list (the person's unit), and the reporting dates chosen, if any."""
    period = ""
    if filters.get("date_from") or filters.get("date_to"):
        period = _("reported %(start)s – %(end)s") % {
            "start": filters.get("date_from") or "…",
            "end": filters.get("date_to") or "…",
        }
    return Title(_("Case list"), person.unit.name if person.unit else "", period)


def export_filename() -> str:
    """问题清单-20261202-1730.xlsx: what and when, in the language of the person (Chinese first)."""
    return f"{_('Case list')}-{timezone.localtime().strftime('%Y%m%d-%H%M')}.xlsx"


def cases_workbook(
    cases: QuerySet[Case],
    can_see_contact: bool,
    progress: Callable[[int], None] | None = None,
    title: Title | None = None,
) -> ExcelFile:
    """A streamed workbook (constant memory) with one row per case (at most MAX_EXPORT_ROWS), in the list's
    order; `progress(rows_written)` is called every PROGRESS_EVERY rows."""
    excel = ExcelFile()
    columns = export_columns(can_see_contact)
    sheet = excel.sheet(_("Cases"), [column for column, _get in columns], title or Title(_("Case list")))
    if not cases.ordered:
        cases = cases.order_by("-reported_at")
    rows = cases.select_related("unit", "grid", "category")[:MAX_EXPORT_ROWS]
    for written, case in enumerate(rows.iterator(chunk_size=2000), start=1):
        sheet.append([get(case) for _column, get in columns])
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    return excel
