"""The open-case tally's repair: counted again from the cases (cases.models.OpenTally says how it is kept).

Every write through the ORM keeps the tally (`Case.save`, `Case.delete`, the filing statement); what skips them,
the bulk loads of the demo and the benchmarks (bulk_create, COPY, generated SQL), calls `rebuild_open_tally`
after. It also runs nightly (cases.tasks) and as `chuangwen rebuild_open_tally`, and says how many counts it
corrected: anything but 0 outside a bulk load means a write went round `Case.save`.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count

from cases.models import Case, OpenKey, OpenTally


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
