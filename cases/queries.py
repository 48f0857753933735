"""Reads of cases: routing, duplicates and relapses, the work queues and the rectification metrics."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.access import cases_for, is_office_actor
from cases.models import Case, CaseEvent, CohortTally, HeldTally, HistoryTally, OpenTally, State, overdue_q
from core.counting import CappedCount, capped_counts
from core.geo import degree_box, distance_m
from core.tallies import NO_DATE, month_of, month_start, months_between
from org.access import sees_everything
from org.models import Person, Unit, UnitKind

NEARBY_METRES = 50
RELAPSE_DAYS = 30


# --- Routing -----------------------------------------------------------------------------------


def route_unit(case: Case) -> Unit | None:
    """Who should fix it: the unit owning the grid of the location, else the category's default unit.

    (The site keeper comes first once sites exist; the office can always dispatch elsewhere.)
    """
    if case.grid is not None:
        return case.grid.unit
    if case.category is not None:
        return case.category.responsible_default()
    return None


# --- Nearby cases ------------------------------------------------------------------------------


def _near(case: Case, candidates: QuerySet[Case], metres: float) -> list[tuple[float, Case]]:
    """Cases of the same category within `metres` of this one with their distance, nearest first (box prefilter in
    SQL)."""
    lon, lat = case.lon, case.lat
    if lon is None or lat is None or not case.category_id:
        return []
    box = degree_box(lon, lat, metres)
    rows = candidates.filter(
        category_id=case.category_id,
        lon__gte=box.min_lon,
        lon__lte=box.max_lon,
        lat__gte=box.min_lat,
        lat__lte=box.max_lat,
    ).exclude(pk=case.pk)
    near = [
        (distance_m(lon, lat, other.lon, other.lat), other)
        for other in rows
        if other.lon is not None and other.lat is not None  # always, inside the box
    ]
    return [pair for pair in sorted(near, key=lambda pair: pair[0]) if pair[0] <= metres]


def _nearby(case: Case, candidates: QuerySet[Case], metres: float = NEARBY_METRES) -> list[Case]:
    """Cases of the same category within `metres` of this one, nearest first (box prefilter in SQL)."""
    return [other for _distance, other in _near(case, candidates, metres)]


def _open_cases() -> QuerySet[Case]:
    return Case.objects.filter(state__in=Case.OPEN_STATES)


def _duplicates_among(case: Case, near: list[tuple[float, Case]]) -> list[Case]:
    """What makes a likely duplicate, among open cases around `case` (with their distance, nearest first): within
    50 m and reported before it, while it is open. `likely_duplicates` and `cases_around` both ask it."""
    if not case.is_open():
        return []
    return [
        other
        for distance, other in near
        if distance <= NEARBY_METRES and other.reported_at <= case.reported_at
    ]


def likely_duplicates(case: Case) -> list[Case]:
    """Open cases of the same category within 50 m, reported before this one: candidates to merge into."""
    if not case.is_open():
        return []
    others = _open_cases().filter(reported_at__lte=case.reported_at).select_related("unit")
    return _duplicates_among(case, _near(case, others, NEARBY_METRES))


MAP_NEARBY_METRES = 500
MAP_NEARBY_LIMIT = 30


def nearby_open_cases(case: Case, visible: QuerySet[Case]) -> list[Case]:
    """Open cases of the same category within MAP_NEARBY_METRES, among those the person sees: the case page's
    map shows whether this problem is one of many around."""
    others = visible.select_related(None).filter(state__in=Case.OPEN_STATES)
    return _nearby(case, others, MAP_NEARBY_METRES)[:MAP_NEARBY_LIMIT]


# What the case page shows of the cases around it (the map's points, the duplicates' lines).
AROUND_FIELDS = ("id", "number", "state", "description", "lon", "lat", "reported_at")


@dataclass(frozen=True)
class Around:
    duplicates: list[Case]  # likely_duplicates, for the office; empty for anyone else
    nearby: list[Case]  # nearby_open_cases


def cases_around(case: Case, person: Person) -> Around:
    """The case page's open cases around the case: its likely duplicates (the office's to merge) and the map's
    nearby cases the person sees. For the office, who sees every case, one read of the open cases within
    MAP_NEARBY_METRES gives both: the duplicates are those of them within 50 m reported before the case."""
    office = is_office_actor(person)
    if office and sees_everything(person):
        near = _near(case, _open_cases().only(*AROUND_FIELDS), MAP_NEARBY_METRES)
        nearby = [other for _distance, other in near[:MAP_NEARBY_LIMIT]]
        return Around(_duplicates_among(case, near), nearby)
    visible = cases_for(person).select_related(None).only(*AROUND_FIELDS)
    return Around(
        likely_duplicates(case) if office else [],
        nearby_open_cases(case, visible),
    )


def case_map_points(case: Case, nearby: list[Case]) -> list[dict]:
    """The case page's map: the case (at its site, when an inspection opened it) and the open cases near it."""
    if not case.has_location():
        return []
    here = {"lon": case.lon, "lat": case.lat, "kind": "site" if case.site_name else "here"}
    here["label"] = case.site_name or case.address or case.number
    points = [here]
    for other in nearby:
        points.append(
            {
                "lon": other.lon,
                "lat": other.lat,
                "kind": "case",
                "label": f"{other.number} {other.get_state_display()}",
                "url": reverse("cases:detail", args=[other.pk]),
            }
        )
    return points


def find_relapse_origin(case: Case) -> Case | None:
    """The most recent case of the same category within 50 m closed in the 30 days before this one was filed."""
    if not case.has_location() or not case.category_id:
        return None  # nothing to compare with (and no query built on every uncategorised report)
    since = case.reported_at - dt.timedelta(days=RELAPSE_DAYS)
    closed = Case.objects.filter(state=State.CLOSED, closed_at__gte=since, closed_at__lte=case.reported_at)
    near = _nearby(case, closed)
    return max(near, key=lambda other: other.closed_at or since) if near else None  # all closed since


# --- Counts of open cases ------------------------------------------------------------------------


def open_by_category(units: Iterable[int] | None = None) -> dict[int | None, int]:
    """Open cases per category id (None: uncategorised), of the cases held by `units` (ids) or of every case,
    read from the tally the case writes keep (cases.models.OpenTally): at most units × categories rows, however
    many cases there are."""
    rows = OpenTally.objects.all()
    if units is not None:
        rows = rows.filter(unit_key__in=list(units))
    counts = rows.values_list("category_key").annotate(n=Sum("open_cases")).order_by()
    return {category or None: n for category, n in counts if n}


def overdue_by_unit(now: dt.datetime | None = None) -> dict[int | None, int]:
    """Overdue cases per responsible unit id. Overdue follows the clock, so it is not kept as such: the cases
    units hold are kept per unit and month of their deadline (cases.models.HeldTally), every one of the months
    before this one is overdue, and this month's are counted down the partial index of the cases units hold
    (`case_held_deadline`, which includes the unit) to `now`: a month of deadlines at most, where counting every
    overdue case read 180k index entries at 1M cases. COUNT(*), not COUNT(id): the id is not in that index."""
    now = now or timezone.now()
    this_month = month_start(now)
    kept = (
        HeldTally.objects.filter(deadline_month__lt=month_of(now))
        .values_list("unit_key")
        .annotate(n=Sum("held"))
        .order_by()
    )
    counts: dict[int | None, int] = {unit or None: n for unit, n in kept if n}
    recent = (
        Case.objects.filter(overdue_q(now), deadline__gte=this_month)
        .values_list("unit_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for unit, n in recent:
        counts[unit] = counts.get(unit, 0) + n
    return counts


def overdue_by_town(limit: int = 16) -> list[tuple[str, int]]:
    """Overdue cases per town (a community's count for its town), most first: counted per unit in SQL (no
    joins), then rolled up to towns over the small unit table. Departments' and companies' cases belong to no
    town and are left out (they used to show as one nameless "—" row at the top)."""
    counts = overdue_by_unit()
    towns: dict[str, int] = {}
    for pk, kind, name, parent in Unit.objects.filter(pk__in=counts).values_list(
        "pk", "kind", "name", "parent__name"
    ):
        town = name if kind == UnitKind.TOWN else parent if kind == UnitKind.COMMUNITY else None
        if town:
            towns[town] = towns.get(town, 0) + counts[pk]
    return sorted(towns.items(), key=lambda item: (-item[1], item[0]))[:limit]


# --- Queues and filters -------------------------------------------------------------------------


# What each queue is called on screens (the office's first, then a unit's).
QUEUE_LABELS = {
    "to_accept": _("To accept"),
    "to_dispatch": _("To dispatch"),
    "to_verify": _("To verify"),
    "overdue": _("Overdue"),
    "extension_requests": _("Extension requests"),
    "to_rectify": _("To rectify"),
    "due_soon": _("Due within 2 days"),
    "rework": _("Returned for rework"),
}


def office_queues(now: dt.datetime | None = None) -> dict[str, Q]:
    """The office's queues, as conditions on a case list."""
    return {
        "to_accept": Q(state=State.REPORTED),
        "to_dispatch": Q(state__in=[State.ACCEPTED, State.RETURNED]),
        "to_verify": Q(state=State.SUBMITTED),
        "overdue": overdue_q(now),
        "extension_requests": Q(state__in=Case.UNIT_STATES, extension_requested_until__isnull=False),
    }


def unit_queues(
    now: dt.datetime | None = None, due_within: dt.timedelta = dt.timedelta(days=2)
) -> dict[str, Q]:
    """A unit's queues: what to rectify, what falls due soon, what is overdue, what came back for rework."""
    now = now or timezone.now()
    with_unit = Q(state__in=Case.UNIT_STATES)
    return {
        "to_rectify": with_unit,
        "due_soon": with_unit & Q(deadline__gte=now, deadline__lt=now + due_within),
        "overdue": with_unit & Q(deadline__lt=now),
        "rework": with_unit & Q(rework_count__gt=0),
    }


CASE_NUMBER_PREFIX = re.compile(r"^\d{4}-\d*$")  # 2026-000123, or its start (2026-0001)


def filter_cases(cases: QuerySet[Case], filters: Mapping[str, Any]) -> QuerySet[Case]:
    """The cases matching the list's filters: the cleaned values of cases.forms.CaseFilterForm (empty: all)."""
    text = (filters.get("q") or "").strip()
    if text:
        if CASE_NUMBER_PREFIX.match(text):
            # Someone typing a case number wants that case: the number's index answers at once, where the
            # text columns would be read in full (about 1 s at a million cases when nothing matches).
            cases = cases.filter(number__startswith=text)
        else:
            cases = (
                cases.filter(number__startswith=text)
                | cases.filter(description__icontains=text)
                | cases.filter(address__icontains=text)
            )
    for field in ("state", "source", "category", "grid"):
        if filters.get(field):
            cases = cases.filter(**{field: filters[field]})
    if filters.get("unit"):
        cases = cases.filter(unit__path__startswith=filters["unit"].path)
    if filters.get("overdue"):
        cases = cases.filter(overdue_q())
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        cases = cases.filter(reported_at__gte=dt.datetime.combine(filters["date_from"], dt.time(), tzinfo=tz))
    if filters.get("date_to"):
        end = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        cases = cases.filter(reported_at__lt=end)
    return cases


# The columns a queue's rows show (cases.templatetags.cases_tags: the table and the cards, and what their predicates
# read: is_overdue, is_relapse, is_supervised). A column used there must be named here, or every row reads it alone
# (shell/tests/test_query_counts.py would catch the extra queries).
ROW_FIELDS = (
    "version",
    "number",
    "state",
    "category_name",
    "description",
    "address",
    "deadline",
    "reported_at",
    "rework_count",
    "urge_count",
    "relapse_of",
    "supervised_by",
    "supervised_at",
    "unit__name",
)


class SupervisedFirst:
    """A queue's rows for its pages, 领导督办 first: the supervised cases (a handful, by the partial index
    `case_supervised`), then the others in the queue's order. The same order as
    `order_by(F("supervised_at").asc(nulls_last=True), *order)`, but each part is read from an index in order and
    stops at the page's end, where one ORDER BY over both keys sorts every matching case (3.2 s a page at 1M)."""

    ordered = True  # for Paginator's check

    def __init__(self, cases: QuerySet[Case], order: tuple[str, ...]) -> None:
        self.cases = cases
        self.order = order

    def order_by(self, *fields: str) -> QuerySet[Case]:
        """The rows in another order (the capped count asks for none)."""
        return self.cases.order_by(*fields)

    def count(self) -> int:
        return self.cases.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Case]:
        start, stop = window.start or 0, window.stop
        # Only what a row shows: the scoped queryset joins the grid and the category and reads all of a case's 42
        # columns; making 50 such cases was a quarter of the queue page.
        cases = self.cases.select_related(None).select_related("unit").only(*ROW_FIELDS)
        supervised = cases.filter(supervised_at__isnull=False).order_by("supervised_at", *self.order)
        head = list(supervised[:stop])
        rest = cases.filter(supervised_at__isnull=True).order_by(*self.order)
        rest_start, rest_stop = max(start - len(head), 0), stop - len(head)
        return head[start:stop] + (list(rest[rest_start:rest_stop]) if rest_stop > 0 else [])


@dataclass
class FilteredList:
    """A person's case list as a screen shows it: their filters, then the chosen queue, in the queue's order."""

    filtered: QuerySet[Case]  # the filters only: the queue counts are taken on this
    cases: QuerySet[Case]  # the filters and the queue, ordered
    queue: str
    queues: dict[str, Q]
    rows: SupervisedFirst  # `cases` as the pages read it


def filtered_list(
    person: Person, filters: Mapping[str, Any], queue: str = "", default_queue: bool = False
) -> FilteredList:
    """The list behind the queue page, its export and the map, always scoped to `person`. `default_queue`: the
    list was opened without any choice, so a unit starts on what it has to do."""
    filtered = filter_cases(cases_for(person), filters)
    office = sees_everything(person)
    queues = office_queues() if office else unit_queues()
    if default_queue and not office:
        queue = "to_rectify"
    cases = filtered.filter(queues[queue]) if queue in queues else filtered
    # The id breaks ties (cases filed in the same instant, a bulk import's): without it a page and the next may
    # both show, or both miss, a case, since each window is its own query.
    order = ("deadline", "pk") if queue in {"to_rectify", "due_soon", "overdue"} else ("-reported_at", "-pk")
    # 领导督办 first: a supervised case heads every queue.
    ordered = cases.order_by(F("supervised_at").asc(nulls_last=True), *order)
    return FilteredList(
        filtered, ordered, queue if queue in queues else "", queues, SupervisedFirst(cases, order)
    )


def queue_counts(cases: QuerySet[Case], queues: dict[str, Q]) -> dict[str, CappedCount]:
    """Each queue's size up to settings.CASE_COUNT_CAP ("10,000+" beyond), one bounded count per queue, all in one
    statement: each stops after cap + 1 rows of its index, where one aggregate over the open cases read every one
    of them."""
    open_cases = cases.filter(state__in=Case.OPEN_STATES)
    return capped_counts(
        {name: open_cases.filter(condition) for name, condition in queues.items()}, settings.CASE_COUNT_CAP
    )


# --- Metrics (DESIGN.md §5) ----------------------------------------------------------------------


@dataclass
class UnitMetrics:
    unit_id: int
    unit_name: str
    dispatched: int = 0  # cases first dispatched to the unit in the period (the cohort)
    due: int = 0  # of those, due to close by the end of the period, not deferred
    closed: int = 0
    closed_on_time: int = 0
    reported_back: int = 0
    reworked: int = 0
    extended: int = 0
    dispatches: int = 0  # dispatch steps to the unit in the period (history)
    returns: int = 0  # of which the unit returned as not theirs (history)
    urged: int = 0  # 催办次数: times the office chased the unit's cases in the period (history)
    supervised: int = 0  # 领导督办: the unit's cases a leader took under supervision in the period (history)
    avg_handling_hours: float | None = None

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def close_rate(self) -> float | None:  # 结案率
        return self._rate(self.closed, self.due)

    @property
    def on_time_rate(self) -> float | None:  # 按期结案率
        return self._rate(self.closed_on_time, self.due)

    @property
    def rework_rate(self) -> float | None:  # 返工率
        return self._rate(self.reworked, self.reported_back)

    @property
    def extension_rate(self) -> float | None:  # 延期率
        return self._rate(self.extended, self.dispatched)

    @property
    def accurate_dispatch_rate(self) -> float | None:  # 准确派遣率
        return self._rate(self.dispatches - self.returns, self.dispatches)


def unit_metrics(
    start: dt.datetime, end: dt.datetime, units: QuerySet[Unit] | None = None
) -> list[UnitMetrics]:
    """Rectification metrics per responsible unit for cases dispatched in [start, end), in two SQL GROUP BYs
    (and one look-up of the names).

    Cohort: the cases whose unit is U and whose first dispatch (in the history) fell in the period; a redispatch
    does not move a case to another period (DESIGN §5). "Due" = not deferred, and either
    closed or past their deadline by the end of the period (or now, if sooner). On time = reported back before
    the deadline. Dispatch accuracy comes from the history: dispatch steps to U and returns by U in the period.
    """
    as_of = min(end, timezone.now())
    closed = Q(state=State.CLOSED)
    due = ~Q(state=State.DEFERRED) & (closed | Q(deadline__lt=as_of))
    cohort = Case.objects.filter(
        first_dispatched_at__gte=start, first_dispatched_at__lt=end, unit__isnull=False
    )
    if units is not None:
        cohort = cohort.filter(unit__in=units)
    # Grouped by the unit id alone (names looked up after): grouping by the joined name too makes PostgreSQL
    # hash wide keys and costs about half again at a million cases.
    rows = list(
        cohort.values("unit_id").annotate(
            dispatched=Count("id"),
            due=Count("id", filter=due),
            # A closed case is always due: the simpler filter is cheaper per row.
            closed=Count("id", filter=closed),
            closed_on_time=Count("id", filter=closed & Q(closed_on_time=True)),
            reported_back=Count("id", filter=Q(submit_count__gt=0)),
            reworked=Count("id", filter=Q(rework_count__gt=0)),
            extended=Count("id", filter=Q(extension_count__gt=0)),
            avg_handling_hours=Avg("handling_hours", filter=closed),
        )
    )
    return _with_history(rows, _history_rows(start, end, units))


def cohort_metrics(start: dt.datetime, end: dt.datetime) -> list[UnitMetrics]:
    """`unit_metrics` of every unit from the kept cohort and history (cases.models.CohortTally, HistoryTally): a
    few hundred rows for a period, however many cases and steps it holds. The same numbers but the mean handling
    time, which is not kept (None: the score sheets and the 大屏 do not show it; the metrics page reads
    `unit_metrics`). A period that is not whole months is counted from the cases."""
    months = months_between(start, end)
    if months is None:
        return unit_metrics(start, end)
    as_of = min(end, timezone.now())
    first, after = months
    # "Due" by as_of: closed, or pending with a deadline in a month before as_of's, or earlier in as_of's month
    # (when as_of is now: read down the index of the cases with a deadline running).
    rows = list(
        CohortTally.objects.filter(month__gte=first, month__lt=after)
        .values("unit_key")
        .annotate(
            dispatched=Sum("dispatched"),
            closed=Sum("closed"),
            late=Sum("pending", filter=Q(deadline_month__lt=month_of(as_of), deadline_month__gt=NO_DATE)),
            closed_on_time=Sum("closed_on_time"),
            reported_back=Sum("reported_back"),
            reworked=Sum("reworked"),
            extended=Sum("extended"),
        )
        .order_by()
    )
    recent: dict[int, int] = {}
    if as_of != month_start(as_of):
        recent = dict(
            Case.objects.filter(
                first_dispatched_at__gte=start,
                first_dispatched_at__lt=end,
                unit__isnull=False,
                deadline__gte=month_start(as_of),
                deadline__lt=as_of,
            )
            .exclude(state__in=[State.CLOSED, State.DEFERRED])
            .values_list("unit_id")
            .annotate(n=Count("*"))
            .order_by()
        )
    cohort = []
    for row in rows:
        if not row["dispatched"]:
            continue
        unit = row.pop("unit_key")
        late = row.pop("late") or 0
        cohort.append({"unit_id": unit, "due": row["closed"] + late + recent.get(unit, 0), **row})
    steps = (
        HistoryTally.objects.filter(month__gte=first, month__lt=after)
        .values("unit_key")
        .annotate(
            dispatches=Sum("dispatches"),
            returns=Sum("returns"),
            urged=Sum("urged"),
            supervised=Sum("supervised"),
        )
        .order_by()
    )
    history = [
        {"unit_id": row["unit_key"] or None, **{name: row[name] for name in HistoryTally.COUNTERS}}
        for row in steps
        if any(row[name] for name in HistoryTally.COUNTERS)
    ]
    return _with_history(cohort, history)


def _history_rows(start: dt.datetime, end: dt.datetime, units: QuerySet[Unit] | None) -> list[dict]:
    """The history's counts per unit in [start, end): dispatch steps to it, returns by it, 催办, 领导督办."""
    events = CaseEvent.objects.filter(
        at__gte=start,
        at__lt=end,
        action__in=[
            CaseEvent.Action.DISPATCH,
            CaseEvent.Action.RETURN,
            CaseEvent.Action.URGE,
            CaseEvent.Action.SUPERVISE,
        ],
    )
    if units is not None:
        events = events.filter(unit__in=units)
    return list(
        events.values("unit_id").annotate(
            dispatches=Count("id", filter=Q(action=CaseEvent.Action.DISPATCH)),
            returns=Count("id", filter=Q(action=CaseEvent.Action.RETURN)),
            urged=Count("id", filter=Q(action=CaseEvent.Action.URGE)),
            supervised=Count("id", filter=Q(action=CaseEvent.Action.SUPERVISE)),
        )
    )


def _with_history(rows: list[dict], event_rows: list[dict]) -> list[UnitMetrics]:
    """The cohort's counts per unit with the history's (dispatch steps, returns, 催办, 领导督办) and the names."""
    ids = {row["unit_id"] for row in rows} | {row["unit_id"] for row in event_rows}
    # Every unit's name (a few hundred rows) rather than a list of ids: psycopg spends longer quoting a hundred
    # ids into the SQL than the database takes to read the whole table.
    names = dict(Unit.objects.order_by().values_list("pk", "name")) if ids else {}
    result = {
        row["unit_id"]: UnitMetrics(
            unit_name=names.get(row["unit_id"], ""),
            **{k: v for k, v in row.items() if k != "avg_handling_hours"},
            avg_handling_hours=round(row["avg_handling_hours"], 2)
            if row.get("avg_handling_hours") is not None
            else None,
        )
        for row in rows
    }
    for row in event_rows:
        metrics = result.setdefault(
            row["unit_id"], UnitMetrics(unit_id=row["unit_id"], unit_name=names.get(row["unit_id"], ""))
        )
        metrics.dispatches, metrics.returns = row["dispatches"], row["returns"]
        metrics.urged, metrics.supervised = row["urged"], row["supervised"]
    return sorted(result.values(), key=lambda m: m.unit_name)


# What the case page shows of a step's row and of who took it (cases.access.shows_actor reads the actor's role).
TIMELINE_FIELDS = (
    "action",
    "from_state",
    "to_state",
    "at",
    "note",
    "actor",
    "unit",
    "unit__name",
    *(f"actor__{name}" for name in ("full_name", "username", "role", "is_superuser", "is_active")),
)


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    """The case's steps, oldest first, with who took each and for which unit: what its page shows."""
    return case.events.select_related("actor", "unit").only(*TIMELINE_FIELDS)
