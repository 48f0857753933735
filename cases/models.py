"""Problems to fix (问题/案件): categories, cases, their photos and their history.

State groups are data on the model (`Case.OPEN_STATES`, `Case.UNIT_STATES`...) and are asked through predicates
(`case.is_open()`); nobody compares state strings in views or templates.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any, ClassVar, NamedTuple

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.history import Event, Transition, Versioned, action_field, state_field
from core.tallies import add_to_tally, merge_moves, month_of
from core.workcalendar import DeadlineUnit
from org.models import Grid, Unit

# A category without its own deadline (and without a parent's) gets this one.
DEFAULT_DEADLINE = (5, DeadlineUnit.WORKING_DAYS)
# The standard_ref of the campaign's own problem classes (公益宣传, 公示 …): their codes are internal, never shown.
LOCAL_STANDARD = "local"


class CategoryKind(models.TextChoices):
    EVENT = "event", _("Event (事件)")
    COMPONENT = "component", _("Component (部件)")


CATEGORY_KINDS = frozenset(CategoryKind.values)  # `CategoryKind.values` makes a new list each time it is read


def category_label(standard_ref: str, kind: str, code: str, name: str = "") -> str:
    """The standard (without its year), the kind, the code and the name: "CJ/T 214 · 事件 · 0101 私搭乱建".

    A code alone clashes (0101 is an event class and a component class, in two standards); the campaign's own
    classes are named "创文自定" and show no code, theirs being an internal key ("C101")."""
    kind_label = str(CategoryKind(kind).label) if kind in CATEGORY_KINDS else ""
    if standard_ref in ("", LOCAL_STANDARD):
        parts = [str(_("Campaign's own")) if standard_ref else "", kind_label, name]
    else:
        parts = [standard_ref.rsplit("-", 1)[0], kind_label, f"{code} {name}".strip()]
    return " · ".join(part for part in parts if part)


class Category(models.Model):
    """A node of the problem-category tree: a major class (大类) or a minor class (小类) under it."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=CategoryKind.choices, default=CategoryKind.EVENT
    )
    standard_ref = models.CharField(
        _("standard"), max_length=50, help_text=_("e.g. CJ/T 214-2007, GB/T 47678.5-2026, local")
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    deadline_amount = models.PositiveSmallIntegerField(
        _("deadline"), null=True, blank=True, help_text=_("Empty: the parent category's deadline applies.")
    )
    deadline_unit = models.CharField(
        _("deadline unit"), max_length=20, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS
    )
    default_unit = models.ForeignKey(
        Unit,
        verbose_name=_("default responsible unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accept_conditions = models.TextField(_("conditions to accept (立案条件)"), blank=True)
    close_conditions = models.TextField(_("conditions to close (结案条件)"), blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["standard_ref", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["standard_ref", "kind", "code"], name="category_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def standard_name(self) -> str:
        """The standard as written ("CJ/T 214-2007"), or "创文自定" for the campaign's own classes."""
        return str(_("Campaign's own")) if self.standard_ref == LOCAL_STANDARD else self.standard_ref

    @property
    def label(self) -> str:
        """ "CJ/T 214 · 事件 · 0101 私搭乱建": the standard and kind make the code unique; what people read."""
        return category_label(self.standard_ref, self.kind, self.code, self.name)

    @property
    def major_code(self) -> str:
        return self.parent.code if self.parent is not None else self.code

    @property
    def minor_code(self) -> str:
        return self.code if self.parent_id else ""

    def deadline(self) -> tuple[int, str]:
        """(amount, unit) of this category, else its parent's, else the system default."""
        if self.deadline_amount:
            return self.deadline_amount, self.deadline_unit
        if self.parent is not None and self.parent.deadline_amount:
            return self.parent.deadline_amount, self.parent.deadline_unit
        return DEFAULT_DEADLINE

    def responsible_default(self) -> Unit | None:
        return self.default_unit or (self.parent.default_unit if self.parent is not None else None)


class Source(models.TextChoices):
    INSPECTION = "inspection", pgettext_lazy("case source", "Inspection")
    CITIZEN = "citizen", pgettext_lazy("case source", "Citizen report")
    HOTLINE_12345 = "hotline_12345", pgettext_lazy("case source", "Hotline 12345")
    HOTLINE_12319 = "hotline_12319", pgettext_lazy("case source", "Hotline 12319")
    PATROL = "patrol", pgettext_lazy("case source", "Patrol")
    LEADER = "leader", pgettext_lazy("case source", "Leader instruction")
    MEDIA = "media", pgettext_lazy("case source", "Media")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class State(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("case state", "Reported")
    ACCEPTED = "accepted", pgettext_lazy("case state", "Accepted")
    DISPATCHED = "dispatched", pgettext_lazy("case state", "Dispatched")
    RETURNED = "returned", pgettext_lazy("case state", "Returned by unit")
    RECTIFYING = "rectifying", pgettext_lazy("case state", "Rectifying")
    SUBMITTED = "submitted", pgettext_lazy("case state", "Reported back")
    DEFERRED = "deferred", pgettext_lazy("case state", "Deferred")
    CLOSED = "closed", pgettext_lazy("case state", "Closed")
    REJECTED = "rejected", pgettext_lazy("case state", "Not accepted")
    DUPLICATE = "duplicate", pgettext_lazy("case state", "Duplicate")


# Where an open case counts in the open tally: (unit id, category id), 0 for none. A closed case counts nowhere (None).
OpenKey = tuple[int, int]


class CaseFacts(NamedTuple):
    """What of a case its kept tallies count (the open tally, the cohort, the cases units hold): `Case.save`
    compares the row as read with the row as written and moves the counts when these differ."""

    state: str
    unit_id: int | None
    category_id: int | None
    deadline: dt.datetime | None
    first_dispatched_at: dt.datetime | None
    closed_on_time: bool | None
    submit_count: int
    rework_count: int
    extension_count: int


# The attributes a loaded row must have for its facts to be known (the foreign keys' columns: unit_id …).
_FACT_COLUMNS = frozenset(CaseFacts._fields)
# The facts of a case read without all of those fields (`only()`, `defer()`): looked up before a save.
UNREAD = CaseFacts("", -1, -1, None, None, None, -1, -1, -1)


class OpenTally(models.Model):
    """How many cases are open per responsible unit and category: the 大屏's open cases by category read these few
    rows (at most units × categories) instead of every open case (455k index entries, ~440 ms at 1M cases).

    Kept exactly by every write of a case, in the same transaction: `Case.save` and `Case.delete` shift it from
    where the row was read to where it is written (the case loop's steps lock the row first, so that is the row as
    it stands), the one-statement filing of a report (`cases.filing`) counts it in the same statement. Bulk writes
    that skip `save` (bulk_create, COPY, `QuerySet.update` of a state, unit or category, raw SQL: the demo's and
    the benchmarks' fillers) call `cases.tally.rebuild_open_tally()` after, as the nightly repair does.

    Plain integers rather than foreign keys: NULL never conflicts in a unique key (SQLite has no NULLS NOT
    DISTINCT), so "no unit" and "no category" are 0; and a derived table should not hold a unit or a category
    back from being deleted. No state bucket: the screen shows open cases only, and the overdue depends on the
    clock, which no tally can follow (it is read down `case_held_deadline`); so the steps within the open
    states (accept, start, report back, rework, defer, resume) write nothing here."""

    unit_key = models.BigIntegerField()  # org.Unit id, 0: not dispatched yet
    category_key = models.BigIntegerField()  # Category id, 0: uncategorised
    open_cases = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit_key", "category_key"], name="opentally_unit_category"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_key}/{self.category_key}: {self.open_cases}"


def shift_open_tally(before: OpenKey | None, after: OpenKey | None) -> None:
    """Move one case's count from `before` to `after` (None: not open) in one statement: an upsert that adds to
    the rows where they are, so two moves at once never lose a count (each waits for the other's row lock). The
    rows are written in key order, so two moves crossing between the same two keys cannot deadlock. (A transaction
    that files several cases, an inspection's failed lines or a hotline import, takes its rows statement by
    statement: it can cross an accept that changes a case's category between two of its categories at that very
    moment, and PostgreSQL then ends one of the two after deadlock_timeout, 1 s, writing nothing of it.)"""
    moves: Counter[OpenKey] = Counter()
    if before is not None:
        moves[before] -= 1
    if after is not None:
        moves[after] += 1
    rows = sorted((key, n) for key, n in moves.items() if n)
    if not rows:
        return
    table = connection.ops.quote_name(OpenTally._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_key, category_key, open_cases) VALUES {values} "
            f"ON CONFLICT (unit_key, category_key) DO UPDATE SET open_cases = {table}.open_cases + excluded.open_cases",
            [value for (unit, category), n in rows for value in (unit, category, n)],
        )


class CohortTally(models.Model):
    """The period facts of the case cohort (DESIGN §5: the cases whose unit is U and whose first dispatch fell in
    the period), kept per unit, month of first dispatch and month of the deadline, so a period's rectification
    metrics (cases.queries.cohort_metrics: the score sheets' and the 大屏's) read a few hundred rows instead of
    every case of the period (250k index entries, ~110 ms at 1M cases).

    "Due" follows the clock (closed, or past its deadline by the end of the period or now): `pending` counts the
    cohort's cases neither closed nor deferred that have a deadline, by the deadline's month, so "past its
    deadline by as_of" is the months before as_of's (and, when as_of is now, the cases whose deadline fell
    earlier this month, read down `case_due_deadline`).

    Kept as OpenTally is (`Case.save`, `Case.delete`; a case is filed outside the cohort); bulk loads call
    `cases.tally.rebuild_case_tallies()`, as the nightly repair does."""

    unit_key = models.BigIntegerField()  # org.Unit id
    month = models.DateField()  # first day of the (local) month of the first dispatch
    deadline_month = models.DateField()  # first day of the deadline's month; NO_DATE: no deadline
    dispatched = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    reported_back = models.IntegerField(default=0)
    reworked = models.IntegerField(default=0)
    extended = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)  # neither closed nor deferred, with a deadline

    KEYS: ClassVar[tuple[str, ...]] = ("unit_key", "month", "deadline_month")
    COUNTERS: ClassVar[tuple[str, ...]] = (
        "dispatched",
        "closed",
        "closed_on_time",
        "reported_back",
        "reworked",
        "extended",
        "pending",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit_key", "month", "deadline_month"], name="cohorttally_key"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_key}/{self.month}/{self.deadline_month}: {self.dispatched}"


class HeldTally(models.Model):
    """The cases units hold (Case.UNIT_STATES) with a deadline, per unit and month of the deadline: the overdue per
    unit (cases.queries.overdue_by_unit) is these rows before this month plus this month's cases past their
    deadline, read down `case_held_deadline` (a month of deadlines at most, where counting every overdue case read
    180k index entries at 1M cases). Kept as OpenTally is."""

    unit_key = models.BigIntegerField()  # org.Unit id, 0: none
    deadline_month = models.DateField()
    held = models.IntegerField(default=0)

    KEYS: ClassVar[tuple[str, ...]] = ("unit_key", "deadline_month")
    COUNTERS: ClassVar[tuple[str, ...]] = ("held",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_key", "deadline_month"], name="heldtally_key")]

    def __str__(self) -> str:
        return f"{self.unit_key}/{self.deadline_month}: {self.held}"


def cohort_row(facts: CaseFacts | None) -> tuple[tuple, tuple] | None:
    """(key, counts) of a case in CohortTally; None outside the cohort (never dispatched, or no unit)."""
    if facts is None or facts.unit_id is None or facts.first_dispatched_at is None:
        return None
    closed = facts.state == State.CLOSED
    pending = not closed and facts.state != State.DEFERRED and facts.deadline is not None
    key = (facts.unit_id, month_of(facts.first_dispatched_at), month_of(facts.deadline))
    counts = (
        1,
        int(closed),
        int(closed and facts.closed_on_time is True),
        int(facts.submit_count > 0),
        int(facts.rework_count > 0),
        int(facts.extension_count > 0),
        int(pending),
    )
    return key, counts


def held_row(facts: CaseFacts | None) -> tuple[tuple, tuple] | None:
    """(key, counts) of a case in HeldTally; None unless a unit holds it with a deadline."""
    if facts is None or facts.state not in Case.UNIT_STATES or facts.deadline is None:
        return None
    return (facts.unit_id or 0, month_of(facts.deadline)), (1,)


def _moves(row: Any, before: CaseFacts | None, after: CaseFacts | None) -> dict:
    """A case's counts in one tally, taken from its row before and added to its row after."""
    parts = []
    for facts, sign in ((before, -1), (after, 1)):
        found = row(facts)
        if found is not None:
            parts.append((*found, sign))
    return merge_moves(parts)


def shift_case_tallies(before: CaseFacts | None, after: CaseFacts | None) -> None:
    """Move one case's counts in every tally the cases keep, from the row as it was (None: no row) to the row as
    written (None: deleted): one statement per tally whose counts change, none when nothing they count moved."""
    if before == after:
        return
    shift_open_tally(open_key_of(before), open_key_of(after))
    for model, row in ((CohortTally, cohort_row), (HeldTally, held_row)):
        moves = _moves(row, before, after)
        if any(any(counts) for counts in moves.values()):
            add_to_tally(model, model.KEYS, model.COUNTERS, moves)


def open_key_of(facts: CaseFacts | None) -> OpenKey | None:
    """Where a case with these facts counts in the open tally; None when it is not open (or there is no row)."""
    if facts is None or facts.state not in Case.OPEN_STATES:
        return None
    return facts.unit_id or 0, facts.category_id or 0


class CaseCounter(models.Model):
    """The last case number handed out per year; its row is locked while a number is drawn."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(Versioned):
    """One problem, from report to close. Location is WGS-84; a map on GCJ-02 tiles converts (core.geo)."""

    OPEN_STATES: ClassVar[frozenset[str]] = frozenset(
        {
            State.REPORTED,
            State.ACCEPTED,
            State.DISPATCHED,
            State.RETURNED,
            State.RECTIFYING,
            State.SUBMITTED,
            State.DEFERRED,
        }
    )
    FINAL_STATES: ClassVar[frozenset[str]] = frozenset({State.CLOSED, State.REJECTED, State.DUPLICATE})
    # The unit holds the case and the deadline runs: these can be overdue.
    UNIT_STATES: ClassVar[frozenset[str]] = frozenset({State.DISPATCHED, State.RECTIFYING})
    OFFICE_QUEUE_STATES: ClassVar[frozenset[str]] = frozenset(
        {State.REPORTED, State.ACCEPTED, State.RETURNED, State.SUBMITTED}
    )
    # Not columns: photos prefetched (Prefetch to_attr) by the lists that show them: the public pages' (portal),
    # the round report's (bulletins).
    public_photos: list[CasePhoto]
    before_photos: list[CasePhoto]
    # What the kept tallies count of the row as the database has it (set when read and when saved): `save` moves
    # the counts from here. UNREAD for a row read without all of those fields.
    _stored: CaseFacts | None = UNREAD

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    description = models.TextField(_("description"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    site_name = models.CharField(_("site"), max_length=100, blank=True)
    # No index of its own on category and unit: the composite indexes below start with them, and every index is
    # written on every report (the hottest write of the system).
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    # Snapshot of the category when the case was filed: renaming a category never rewrites old cases.
    category_ref = models.CharField(_("standard"), max_length=50, blank=True)
    category_code = models.CharField(_("category code"), max_length=10, blank=True)
    category_name = models.CharField(_("category"), max_length=100, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    reporter_name = models.CharField(_("reporter"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REPORTED)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    # The time of the case's first dispatch step in its history: the period's cohort (DESIGN §5). A redispatch
    # changes dispatched_at (the clock of the current unit) but never this. Kept as a column so the metrics
    # filter by it at a million cases instead of grouping the history each time.
    first_dispatched_at = models.DateTimeField(_("first dispatched at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("reported back at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Counters the metrics read in SQL; each is written by the action that causes it.
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    submit_count = models.PositiveSmallIntegerField(default=0)
    handling_hours = models.FloatField(_("handling time (working hours)"), null=True, blank=True)
    closed_on_time = models.BooleanField(null=True, blank=True)
    extension_requested_until = models.DateTimeField(null=True, blank=True)
    extension_reason = models.CharField(max_length=500, blank=True)
    resume_state = models.CharField(max_length=20, blank=True)  # where a deferred case goes back to
    urge_count = models.PositiveSmallIntegerField(_("times chased (催办)"), default=0)
    # 领导督办: the leader who supervises the case; it heads the queues and its steps are reported to them.
    supervised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supervised_at = models.DateTimeField(_("supervised since"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    relapse_of = models.ForeignKey(
        "self",
        verbose_name=_("relapse of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="relapses",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Opened by a 暗访 whose round is not published yet: the office's people in its history are not named to the
    # units (cases.access.shows_actor) until the round is published (cases.actions.reveal_covert_cases).
    covert = models.BooleanField(_("from an unpublished secret visit"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["state", "deadline"], name="case_state_deadline"),
            models.Index(fields=["unit", "state"], name="case_unit_state"),
            models.Index(fields=["unit", "dispatched_at"], name="case_unit_dispatched"),
            # A period's cohort (cases first dispatched in it) counted per unit, for the score sheets and the 大屏,
            # reads this index alone: the range of the period, not the whole table (1M cases: 235 ms, not 520 ms of
            # a sequential scan). The included columns are every one cases.queries.unit_metrics counts.
            models.Index(
                fields=["first_dispatched_at", "unit"],
                include=[
                    "id",
                    "state",
                    "deadline",
                    "closed_on_time",
                    "submit_count",
                    "rework_count",
                    "extension_count",
                    "handling_hours",
                ],
                name="case_cohort_facts",
            ),
            models.Index(fields=["category", "state"], name="case_category_state"),
            models.Index(fields=["lon", "lat"], name="case_lon_lat"),
            # The queues list the newest first: without this a page sorts the whole table.
            models.Index(fields=["-reported_at"], name="case_reported_at"),
            # The 大屏's one pass over the open cases (per unit with the overdue, per category) reads this index
            # alone: at 100k cases, 45% open, a third of the time of reading the table.
            models.Index(
                fields=["unit", "category"],
                include=["state", "deadline"],
                name="case_open_tally",
                condition=models.Q(
                    state__in=[
                        State.REPORTED,
                        State.ACCEPTED,
                        State.DISPATCHED,
                        State.RETURNED,
                        State.RECTIFYING,
                        State.SUBMITTED,
                        State.DEFERRED,
                    ]  # OPEN_STATES
                ),
            ),
            # The 大屏's ticker lists the latest closures: without this it sorts every closed case.
            models.Index(
                fields=["-closed_at"], name="case_closed_at", condition=models.Q(closed_at__isnull=False)
            ),
            # The overdue and to-rectify queues list cases held by units by deadline: without this a page sorts
            # every such case (41 ms at 300k cases, 0.1 ms with it). With the unit included, the overdue counted
            # per unit (the 大屏, the office's home) reads this index alone.
            models.Index(
                fields=["deadline"],
                include=["unit"],
                name="case_held_deadline",
                condition=models.Q(state__in=[State.DISPATCHED, State.RECTIFYING]),  # UNIT_STATES
            ),
            # The cohort's cases with a deadline running (neither closed nor deferred) by deadline: when a period's
            # metrics are read as of now, the cases whose deadline fell earlier this month are counted down this
            # index (cases.queries.cohort_metrics; the months before are kept in CohortTally). A case enters it when
            # first dispatched, so filing a report does not write it.
            models.Index(
                fields=["deadline"],
                include=["unit", "first_dispatched_at"],
                name="case_due_deadline",
                condition=models.Q(first_dispatched_at__isnull=False)
                & ~models.Q(state__in=[State.CLOSED, State.DEFERRED]),
            ),
            # The extension-requests queue: a few rows among all the cases with a unit, which the state index
            # would make every queue count read one by one to find none.
            models.Index(
                fields=["state"],
                condition=models.Q(extension_requested_until__isnull=False),
                name="case_extension_requested",
            ),
            # 领导督办 heads every queue: the page reads the few supervised cases by this index, then the rest in
            # the queue's own order by the indexes above (one ORDER BY over both sorted the whole table: 3.2 s a
            # page at 1M cases). Null for nearly every case, so filing a case does not write it.
            models.Index(
                fields=["supervised_at"],
                condition=models.Q(supervised_at__isnull=False),
                name="case_supervised",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def is_closed(self) -> bool:
        return self.state == State.CLOSED

    def is_deferred(self) -> bool:
        return self.state == State.DEFERRED

    def open_key(self) -> OpenKey | None:
        """Where the case counts in the open tally (OpenTally), as it is in memory; None when it is not open."""
        return (self.unit_id or 0, self.category_id or 0) if self.is_open() else None

    def facts(self) -> CaseFacts:
        """What the kept tallies count of the case, as it is in memory."""
        return CaseFacts(*(getattr(self, name) for name in CaseFacts._fields))

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Case:
        case = super().from_db(db, field_names, values)
        case._stored = case._loaded_facts()
        return case

    def refresh_from_db(
        self,
        using: str | None = None,
        fields: Iterable[str] | None = None,
        from_queryset: models.QuerySet[Case] | None = None,
    ) -> None:
        fields = None if fields is None else list(fields)
        super().refresh_from_db(using, fields, from_queryset)
        # Some fields only (a deferred one being read, say): the others may be as read before, so the facts are
        # looked up when the row is saved.
        named = {name.removesuffix("_id") for name in fields or ()}
        whole = fields is None or {name.removesuffix("_id") for name in CaseFacts._fields} <= named
        self._stored = self._loaded_facts() if whole else UNREAD

    def _loaded_facts(self) -> CaseFacts:
        return self.facts() if self.__dict__.keys() >= _FACT_COLUMNS else UNREAD

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Write the row and, in the same transaction, move its counts in the kept tallies (OpenTally,
        CohortTally, HeldTally) from where the row was to where it is now."""
        adding = self._state.adding
        # A case written already dispatched (an import, a fixture) starts its cohort at that dispatch; the
        # dispatch action sets it otherwise.
        if adding and self.first_dispatched_at is None:
            self.first_dispatched_at = self.dispatched_at
        with transaction.atomic(savepoint=False):  # (which also keeps the look-up below on the primary)
            before = None if adding else self._stored
            if before == UNREAD:
                before = self._facts_in_database()
            super().save(*args, **kwargs)
            after = self._written_facts(before, kwargs.get("update_fields"))
            shift_case_tallies(before, after)
        self._stored = after

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic(savepoint=False):
            before = self._facts_in_database() if self._stored == UNREAD else self._stored
            steps = list(
                CaseEvent.objects.filter(case=self, action__in=COUNTED_STEPS).values_list(
                    "action", "unit_id", "at"
                )
            )
            deleted = super().delete(*args, **kwargs)
            shift_case_tallies(before, None)
            shift_history_tally(steps, [])  # its history rows went with it
        return deleted

    def _facts_in_database(self) -> CaseFacts | None:
        row = Case.objects.select_for_update().filter(pk=self.pk).values_list(*CaseFacts._fields).first()
        return None if row is None else CaseFacts(*row)

    def _written_facts(self, before: CaseFacts | None, update_fields: Iterable[str] | None) -> CaseFacts:
        """The facts of the row as written: a field left out of `update_fields` keeps its stored value."""
        mine = self.facts()
        if update_fields is None or before is None:
            return mine
        written = {name.removesuffix("_id") for name in update_fields}
        return CaseFacts._make(
            new if name.removesuffix("_id") in written else old
            for name, new, old in zip(CaseFacts._fields, mine, before, strict=True)
        )

    def is_with_unit(self) -> bool:
        return self.state in self.UNIT_STATES

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.is_with_unit() and self.deadline is not None and self.deadline < (now or timezone.now())

    def allows(self, action: str) -> bool:
        """Whether step `action` of the loop starts from the case's current state (TRANSITIONS)."""
        return TRANSITIONS[action].allows(self.state)

    def is_relapse(self) -> bool:
        return self.relapse_of_id is not None

    def has_location(self) -> bool:
        return self.lon is not None and self.lat is not None

    def is_supervised(self) -> bool:
        return self.supervised_by_id is not None

    def has_extension_request(self) -> bool:
        return self.extension_requested_until is not None

    @property
    def category_standard(self) -> str:
        """The filed category's standard, kind and code ("CJ/T 214 · 事件 · 0101"), from the snapshot."""
        kind = self.category.kind if self.category is not None else ""
        return category_label(self.category_ref, kind, self.category_code)

    def snapshot_category(self) -> None:
        category = self.category
        self.category_ref = category.standard_ref if category else ""
        self.category_code = category.code if category else ""
        self.category_name = category.name if category else ""


def overdue_q(now: dt.datetime | None = None) -> models.Q:
    """`Case.is_overdue` as a condition on a case list."""
    return models.Q(state__in=Case.UNIT_STATES, deadline__lt=now or timezone.now())


class CasePhoto(models.Model):
    """A photo of the problem (before) or of the fix (after). The original keeps its EXIF as evidence."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")
        CHECK = "check", _("On-site check (核查)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        "CaseEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    original = models.FileField(upload_to="cases/original/%Y/%m/")
    public = models.ImageField(upload_to="cases/public/%Y/%m/")  # re-encoded, without EXIF
    thumbnail = models.ImageField(upload_to="cases/thumb/%Y/%m/")
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    gps_lon = models.FloatField(null=True, blank=True)
    gps_lat = models.FloatField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


# What the history tally counts of a history row: (action, unit id, at); UNREAD_STEP for a row read without them.
HistoryKey = tuple[str, int | None, dt.datetime]
UNREAD_STEP: HistoryKey = ("", -1, dt.datetime.min.replace(tzinfo=dt.UTC))


class CaseEvent(Event):
    """One thing that happened to a case. Timelines, SLA figures and some metrics are queries over this table."""

    # The row as the database has it, for HistoryTally (set when read and when saved).
    _stored: HistoryKey | None = UNREAD_STEP

    class Action(models.TextChoices):
        REPORT = "report", pgettext_lazy("case step", "Reported")
        ACCEPT = "accept", pgettext_lazy("case step", "Accepted")
        REJECT = "reject", pgettext_lazy("case step", "Not accepted")
        MARK_DUPLICATE = "mark_duplicate", pgettext_lazy("case step", "Marked as duplicate")
        MERGE = "merge", pgettext_lazy("case step", "Duplicate merged in")
        DISPATCH = "dispatch", pgettext_lazy("case step", "Dispatched")
        RETURN = "return", pgettext_lazy("case step", "Returned by unit")
        START = "start", pgettext_lazy("case step", "Rectification started")
        REPORT_BACK = "report_back", pgettext_lazy("case step", "Reported back")
        VERIFY = "verify", pgettext_lazy("case step", "Verified and closed")
        REWORK = "rework", pgettext_lazy("case step", "Sent back for rework")
        REQUEST_EXTENSION = "request_extension", pgettext_lazy("case step", "Extension requested")
        APPROVE_EXTENSION = "approve_extension", pgettext_lazy("case step", "Extension approved")
        REFUSE_EXTENSION = "refuse_extension", pgettext_lazy("case step", "Extension refused")
        DEFER = "defer", pgettext_lazy("case step", "Deferred")
        RESUME = "resume", pgettext_lazy("case step", "Resumed")
        RELAPSE = "relapse", pgettext_lazy("case step", "Relapse linked")
        OVERDUE = "overdue", pgettext_lazy("case step", "Overdue")
        URGE = "urge", pgettext_lazy("case step", "Chased (催办)")
        SUPERVISE = "supervise", pgettext_lazy("case step", "Leader supervision (领导督办)")
        SHORTEN_DEADLINE = "shorten_deadline", pgettext_lazy("case step", "Deadline shortened")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = action_field(Action.choices, _("action"))
    from_state = state_field(State.choices, _("from"))
    to_state = state_field(State.choices, _("to"))
    # The responsible unit this step concerns (the unit dispatched to, the unit that returned...).
    # Indexed by caseevent_unit_action_at (which starts with it), not on its own.
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta(Event.Meta):
        indexes = [models.Index(fields=["unit", "action", "at"], name="caseevent_unit_action_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> CaseEvent:
        event = super().from_db(db, field_names, values)
        loaded = event.__dict__.keys()
        event._stored = event.history_key() if {"action", "unit_id", "at"} <= loaded else UNREAD_STEP
        return event

    def history_key(self) -> HistoryKey:
        return self.action, self.unit_id, self.at

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Write the row and, in the same transaction, move it in the history tally (HistoryTally) when it is a step
        the cohort metrics count."""
        with transaction.atomic(savepoint=False):
            before = None if self._state.adding else self._stored
            if before == UNREAD_STEP:
                before = (
                    CaseEvent.objects.select_for_update()
                    .filter(pk=self.pk)
                    .values_list("action", "unit_id", "at")
                    .first()
                )
            super().save(*args, **kwargs)
            after = self.history_key()
            fields = kwargs.get("update_fields")
            if before is not None and fields is not None:
                named = {name.removesuffix("_id") for name in fields}
                after = tuple(  # type: ignore[assignment]
                    new if name in named else old
                    for name, new, old in zip(("action", "unit", "at"), after, before, strict=True)
                )
            shift_history_tally([before] if before else [], [after])
        self._stored = after


# The history steps the cohort metrics count (UnitMetrics.dispatches, returns, urged, supervised), in that order.
COUNTED_STEPS = (
    CaseEvent.Action.DISPATCH,
    CaseEvent.Action.RETURN,
    CaseEvent.Action.URGE,
    CaseEvent.Action.SUPERVISE,
)


class HistoryTally(models.Model):
    """The cohort metrics' history counts (DESIGN §5: dispatch steps to a unit, returns by it, 催办 and 领导督办 of its
    cases) per unit and month of the step, so a period's metrics read a few hundred rows instead of the period's
    history (several rows a case). Kept by `CaseEvent.save` (every step of the loop writes its row through it) and
    `Case.delete` (its rows go with it); what writes history rows otherwise (the demo's and the benchmarks' bulk
    loads; the filing statement and the pressure job write only steps this does not count) calls
    `cases.tally.rebuild_case_tallies()` after, as the nightly repair does."""

    unit_key = models.BigIntegerField()  # org.Unit id, 0: none
    month = models.DateField()  # first day of the (local) month of the step
    dispatches = models.IntegerField(default=0)
    returns = models.IntegerField(default=0)
    urged = models.IntegerField(default=0)
    supervised = models.IntegerField(default=0)

    KEYS: ClassVar[tuple[str, ...]] = ("unit_key", "month")
    COUNTERS: ClassVar[tuple[str, ...]] = ("dispatches", "returns", "urged", "supervised")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_key", "month"], name="historytally_key")]

    def __str__(self) -> str:
        return f"{self.unit_key}/{self.month}: {self.dispatches}"


def history_row(key: HistoryKey) -> tuple[tuple, tuple] | None:
    """(key, counts) of a history row in HistoryTally; None for a step it does not count."""
    action, unit, at = key
    if action not in COUNTED_STEPS:
        return None
    counts = tuple(int(action == step) for step in COUNTED_STEPS)
    return (unit or 0, month_of(at)), counts


def shift_history_tally(before: Iterable[HistoryKey], after: Iterable[HistoryKey]) -> None:
    """Take history rows (as they were) out of HistoryTally and put rows (as written) in, in one statement."""
    parts = []
    for keys, sign in ((before, -1), (after, 1)):
        for key in keys:
            found = history_row(key)
            if found is not None:
                parts.append((*found, sign))
    moves = merge_moves(parts)
    if any(any(counts) for counts in moves.values()):
        add_to_tally(HistoryTally, HistoryTally.KEYS, HistoryTally.COUNTERS, moves)


# --- The case loop as data (DESIGN.md §4) -------------------------------------------------------------

OFFICE, UNIT, LEADER = "office", "unit", "leader"


def _t(sources: Iterable[str], target: str | None, by: str) -> Transition:
    return Transition(frozenset(sources), target, by)


_A = CaseEvent.Action

# Which states each step starts from, where it goes (None: the state does not change, as in the extension steps),
# and whose step it is, OFFICE or UNIT (cases.access asks `by`, cases.actions moves the case along).
TRANSITIONS: dict[str, Transition] = {
    _A.ACCEPT: _t({State.REPORTED}, State.ACCEPTED, OFFICE),
    _A.REJECT: _t({State.REPORTED}, State.REJECTED, OFFICE),
    _A.MARK_DUPLICATE: _t({State.REPORTED, State.ACCEPTED}, State.DUPLICATE, OFFICE),
    # The office can always (re)dispatch an unfinished case, also one the unit already holds.
    _A.DISPATCH: _t(
        {State.REPORTED, State.ACCEPTED, State.RETURNED, State.DISPATCHED, State.RECTIFYING},
        State.DISPATCHED,
        OFFICE,
    ),
    _A.RETURN: _t({State.DISPATCHED}, State.RETURNED, UNIT),
    _A.START: _t({State.DISPATCHED}, State.RECTIFYING, UNIT),
    _A.REPORT_BACK: _t({State.DISPATCHED, State.RECTIFYING}, State.SUBMITTED, UNIT),
    _A.VERIFY: _t({State.SUBMITTED}, State.CLOSED, OFFICE),
    _A.REWORK: _t({State.SUBMITTED}, State.RECTIFYING, OFFICE),
    _A.REQUEST_EXTENSION: _t({State.DISPATCHED, State.RECTIFYING}, None, UNIT),
    _A.APPROVE_EXTENSION: _t({State.DISPATCHED, State.RECTIFYING}, None, OFFICE),
    _A.REFUSE_EXTENSION: _t({State.DISPATCHED, State.RECTIFYING}, None, OFFICE),
    _A.DEFER: _t(
        {State.ACCEPTED, State.RETURNED, State.DISPATCHED, State.RECTIFYING}, State.DEFERRED, OFFICE
    ),
    _A.RESUME: _t({State.DEFERRED}, None, OFFICE),
    # 催办 and 领导督办 change no state: they press on whoever holds the case.
    _A.URGE: _t(Case.OPEN_STATES - {State.REPORTED}, None, OFFICE),
    _A.SUPERVISE: _t(Case.OPEN_STATES, None, LEADER),
    # A supervised case held by a unit may be given less time, by the office or the leaders (cases.access).
    _A.SHORTEN_DEADLINE: _t(Case.UNIT_STATES, None, OFFICE),
}
