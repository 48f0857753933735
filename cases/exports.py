"""Excel export of a filtered case list: one function, an ordered column list, explicit filters from the caller."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Priority, Source, State, category_label
from core.workbooks import Column, ExcelFile, Kind, Title
from org.models import Person

MAX_EXPORT_ROWS = 100_000
DIRECT_EXPORT_ROWS = 2_000  # larger lists are made in the background with a progress page (reports.tasks)
PROGRESS_EVERY = 1_000
CHUNK_ROWS = 2_000  # rows fetched at a time from the server-side cursor


# What a row reads: plain values in one query (joined names included), never a Case per row. A 100k-row export
# spent most of its time making model instances and translating each row's choice labels.
FIELDS = (
    "number",
    "state",
    "source",
    "category_ref",
    "category__kind",
    "category_code",
    "category_name",
    "description",
    "address",
    "grid__code",
    "unit__name",
    "priority",
    "reported_at",
    "dispatched_at",
    "deadline",
    "submitted_at",
    "closed_at",
    "rework_count",
    "relapse_of_id",
    "lon",
    "lat",
    "reporter_name",
    "reporter_phone",
)


def export_columns(can_see_contact: bool) -> list[Column]:
    columns = [
        Column(_("Number"), Kind.CODE),
        Column(_("State")),
        Column(_("Source")),
        Column(_("Category standard")),
        Column(_("Category")),
        Column(_("Description"), Kind.LONG),
        Column(_("Address")),
        Column(_("Grid"), Kind.CODE),
        Column(_("Responsible unit")),
        Column(_("Priority")),
        Column(_("Reported at"), Kind.DATETIME),
        Column(_("Dispatched at"), Kind.DATETIME),
        Column(_("Deadline"), Kind.DATETIME),
        Column(_("Reported back at"), Kind.DATETIME),
        Column(_("Closed at"), Kind.DATETIME),
        Column(_("Overdue")),
        Column(_("Reworks"), Kind.INTEGER),
        Column(_("Relapse")),
        Column(_("Longitude"), Kind.NUMBER, decimals=6),
        Column(_("Latitude"), Kind.NUMBER, decimals=6),
    ]
    if can_see_contact:
        columns += [Column(_("Reporter")), Column(_("Reporter's phone"), Kind.CODE)]
    return columns


def export_rows(cases: QuerySet[Case], can_see_contact: bool, *, small: bool = False) -> Iterator[list[Any]]:
    """One list of cell values per case, in `export_columns` order, read in chunks through a server-side cursor
    (or at once if `small`: at most DIRECT_EXPORT_ROWS). Labels are translated once per export, not once per
    row."""
    states = {value: str(label) for value, label in State.choices}
    sources = {value: str(label) for value, label in Source.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    standards: dict[tuple[str, str, str], str] = {}  # as many as categories: a few hundred
    yes, now, with_unit = _("yes"), timezone.now(), Case.UNIT_STATES
    values = cases.values_list(*FIELDS)
    for (
        number,
        state,
        source,
        ref,
        kind,
        code,
        category,
        description,
        address,
        grid,
        unit,
        priority,
        reported_at,
        dispatched_at,
        deadline,
        submitted_at,
        closed_at,
        reworks,
        relapse_of,
        lon,
        lat,
        reporter,
        phone,
    ) in values if small else values.iterator(chunk_size=CHUNK_ROWS):
        standard = standards.get((ref, kind or "", code))
        if standard is None:
            standard = standards[(ref, kind or "", code)] = category_label(ref, kind or "", code)
        overdue = state in with_unit and deadline is not None and deadline < now
        row = [
            number,
            states.get(state, state),
            sources.get(source, source),
            standard,
            category,
            description,
            address,
            grid,
            unit,
            priorities.get(priority, priority),
            reported_at,
            dispatched_at,
            deadline,
            submitted_at,
            closed_at,
            yes if overdue else "",
            reworks,
            yes if relapse_of is not None else "",
            lon,
            lat,
        ]
        if can_see_contact:
            row += [reporter, phone]
        yield row


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
    *,
    small: bool = False,
) -> ExcelFile:
    """A workbook with one row per case (at most MAX_EXPORT_ROWS), in the list's order, streamed in constant
    memory unless `small` (at most DIRECT_EXPORT_ROWS cases); `progress(rows_written)` is called every
    PROGRESS_EVERY rows."""
    excel = ExcelFile(in_memory=small)
    sheet = excel.sheet(_("Cases"), export_columns(can_see_contact), title or Title(_("Case list")))
    if not cases.ordered:
        cases = cases.order_by("-reported_at")
    rows = export_rows(cases[:MAX_EXPORT_ROWS], can_see_contact, small=small)
    for written, row in enumerate(rows, start=1):
        sheet.append(row)
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    return excel
