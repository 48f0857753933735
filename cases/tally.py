"""The repair of the tallies the cases keep: counted again from the cases (cases.models.OpenTally, CohortTally and
HeldTally, HistoryTally say how they are kept).

Every write through the ORM keeps them (`Case.save`, `Case.delete`, the filing statement); what skips them, the
bulk loads of the demo and the benchmarks (bulk_create, COPY, generated SQL, `QuerySet.update`), calls
`rebuild_case_tallies` after. It also runs nightly (cases.tasks) and as `chuangwen rebuild_open_tally`, and says
how many counts it corrected: anything but 0 outside a bulk load means a write went round `Case.save`.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from cases.models import (
    COUNTED_STEPS,
    Case,
    CaseEvent,
    CohortTally,
    HeldTally,
    HistoryTally,
    OpenKey,
    OpenTally,
    State,
)
from core.tallies import Counts, Key, kept_tally, month_in_sql, rewrite_tally


def counted_open_cases() -> dict[OpenKey, int]:
    """Open cases per (unit, category) counted from the cases themselves: what the tally must hold."""
    rows = (
        Case.objects.filter(state__in=Case.OPEN_STATES)
        .values_list("unit_id", "category_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(unit or 0, category or 0): n for unit, category, n in rows}


def kept_open_cases() -> dict[OpenKey, int]:
    """What the tally holds (rows that came down to 0 left out)."""
    rows = OpenTally.objects.exclude(open_cases=0).values_list("unit_key", "category_key", "open_cases")
    return {(unit, category): n for unit, category, n in rows}


@transaction.atomic
def rebuild_open_tally() -> int:
    """Count the open cases again and write the tally from the count; returns how many (unit, category) counts
    were wrong. On PostgreSQL the tally is locked against writes first (EXCLUSIVE: reads go on), so a case step
    running meanwhile either committed its shift before the count, which sees its case, or waits for the lock
    and shifts the rebuilt rows after (SQLite writes one at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(OpenTally._meta.db_table)} IN EXCLUSIVE MODE"
            )
    counted, kept = counted_open_cases(), kept_open_cases()
    wrong = sum(counted.get(key, 0) != kept.get(key, 0) for key in counted.keys() | kept.keys())
    if wrong:
        OpenTally.objects.all().delete()
        OpenTally.objects.bulk_create(
            OpenTally(unit_key=unit, category_key=category, open_cases=n)
            for (unit, category), n in counted.items()
        )
    return wrong


def counted_cohort() -> dict[Key, Counts]:
    """CohortTally's rows counted from the cases: what it must hold."""
    closed = Q(state=State.CLOSED)
    pending = ~closed & ~Q(state=State.DEFERRED) & Q(deadline__isnull=False)
    rows = (
        Case.objects.filter(unit__isnull=False, first_dispatched_at__isnull=False)
        .annotate(month_key=month_in_sql("first_dispatched_at"), deadline_key=month_in_sql("deadline"))
        .values_list("unit_id", "month_key", "deadline_key")
        .annotate(
            n_dispatched=Count("*"),
            n_closed=Count("id", filter=closed),
            n_on_time=Count("id", filter=closed & Q(closed_on_time=True)),
            n_back=Count("id", filter=Q(submit_count__gt=0)),
            n_reworked=Count("id", filter=Q(rework_count__gt=0)),
            n_extended=Count("id", filter=Q(extension_count__gt=0)),
            n_pending=Count("id", filter=pending),
        )
        .order_by()
    )
    return {tuple(row[:3]): tuple(row[3:]) for row in rows}


def counted_held() -> dict[Key, Counts]:
    """HeldTally's rows counted from the cases."""
    rows = (
        Case.objects.filter(state__in=Case.UNIT_STATES, deadline__isnull=False)
        .annotate(unit_key=Coalesce("unit_id", 0), deadline_key=month_in_sql("deadline"))
        .values_list("unit_key", "deadline_key")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {(unit, month): (n,) for unit, month, n in rows}


def counted_history() -> dict[Key, Counts]:
    """HistoryTally's rows counted from the history."""
    dispatch, back, urge, supervise = COUNTED_STEPS
    rows = (
        CaseEvent.objects.filter(action__in=COUNTED_STEPS)
        .annotate(unit_key=Coalesce("unit_id", 0), month_key=month_in_sql("at"))
        .values_list("unit_key", "month_key")
        .annotate(
            n_dispatches=Count("id", filter=Q(action=dispatch)),
            n_returns=Count("id", filter=Q(action=back)),
            n_urged=Count("id", filter=Q(action=urge)),
            n_supervised=Count("id", filter=Q(action=supervise)),
        )
        .order_by()
    )
    return {tuple(row[:2]): tuple(row[2:]) for row in rows}


def kept_history() -> dict[Key, Counts]:
    return kept_tally(HistoryTally, HistoryTally.KEYS, HistoryTally.COUNTERS)


def kept_cohort() -> dict[Key, Counts]:
    return kept_tally(CohortTally, CohortTally.KEYS, CohortTally.COUNTERS)


def kept_held() -> dict[Key, Counts]:
    return kept_tally(HeldTally, HeldTally.KEYS, HeldTally.COUNTERS)


def rebuild_case_tallies() -> int:
    """Every tally the cases keep counted again and rewritten where wrong; returns how many counts were wrong."""
    return (
        rebuild_open_tally()
        + rewrite_tally(CohortTally, CohortTally.KEYS, CohortTally.COUNTERS, counted_cohort)
        + rewrite_tally(HeldTally, HeldTally.KEYS, HeldTally.COUNTERS, counted_held)
        + rewrite_tally(HistoryTally, HistoryTally.KEYS, HistoryTally.COUNTERS, counted_history)
    )
