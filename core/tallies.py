"""Kept counts: small tables of counters that the writes of a domain keep in the same transaction, so a screen
reads a few hundred rows instead of counting the rows they summarise (cases.models.OpenTally and the period
facts: the case cohort, the cases units hold, the survey answers, the inspections).

A tally is a model with key columns (a unique constraint over them) and integer or decimal counters. A write
adds to it with `add_to_tally` (one upsert: the rows are changed where they are, so two writes at once never
lose a count, and in key order, so two cannot deadlock); a repair counts the facts again and rewrites it with
`rewrite_tally`, which says how many keys were wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

Key = tuple[Any, ...]
Counts = tuple[Any, ...]

# A key's date where the fact has none (a case without a deadline): a unique key cannot hold NULL (NULLs never
# conflict), and no real date comes before it.
NO_DATE = dt.date(1, 1, 1)


def month_of(value: dt.datetime | None) -> dt.date:
    """The first day of the month `value` falls in, in the installation's time zone (settings.TIME_ZONE, which
    periods are counted in); NO_DATE for none."""
    if value is None:
        return NO_DATE
    local = value.astimezone(_zone())
    return dt.date(local.year, local.month, 1)


def month_start(value: dt.datetime) -> dt.datetime:
    """Midnight of the first day of `value`'s month, in the installation's time zone."""
    local = value.astimezone(_zone())
    return dt.datetime(local.year, local.month, 1, tzinfo=local.tzinfo)


def months_between(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date] | None:
    """[first month, month after the last) when [start, end) is whole months in the installation's time zone
    (every period is: months, quarters, years), else None (the caller counts the facts themselves)."""
    if start != month_start(start) or end != month_start(end):
        return None
    return month_of(start), month_of(end)


def month_in_sql(field: str) -> Coalesce:
    """`month_of` in SQL: the first day of `field`'s month in the installation's time zone, NO_DATE when empty
    (what a rebuild groups by)."""
    month = Cast(TruncMonth(field, tzinfo=_zone()), models.DateField())
    return Coalesce(month, Value(NO_DATE, output_field=models.DateField()))


def _zone() -> dt.tzinfo:
    return timezone.get_default_timezone()


def add_to_tally(
    model: type[models.Model], keys: Sequence[str], counters: Sequence[str], moves: Mapping[Key, Counts]
) -> None:
    """Add each key's counts (negative to take away) to the tally's rows, creating the rows that are missing, in
    one statement. Keys whose counts are all zero are left alone."""
    rows = sorted((key, counts) for key, counts in moves.items() if any(counts))
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    prep = [_field(model, name) for name in keys]
    column = lambda name: connection.ops.quote_name(_field(model, name).column)  # noqa: E731
    columns = ", ".join(column(n) for n in (*keys, *counters))
    targets = ", ".join(column(n) for n in keys)
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in map(column, counters))
    one = "(" + ", ".join(["%s"] * (len(keys) + len(counters))) + ")"
    params: list[Any] = []
    for key, counts in rows:
        params += [field.get_db_prep_value(value, connection) for field, value in zip(prep, key, strict=True)]
        params += [_number(value) for value in counts]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))} "
            f"ON CONFLICT ({targets}) DO UPDATE SET {sets}",
            params,
        )


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # a tally's columns are plain fields
    return field


def _number(value: Any) -> Any:
    # SQLite stores decimals as text unless given them as strings it can read as numbers (Django does the same).
    return str(value) if isinstance(value, Decimal) and connection.vendor == "sqlite" else value


def merge_moves(*parts: Iterable[tuple[Key, Counts, int]]) -> dict[Key, Counts]:
    """Sum (key, counts, sign) triples into each key's counts: a write's rows before (sign −1) and after (+1)."""
    result: dict[Key, list] = {}
    for part in parts:
        for key, counts, sign in part:
            total = result.setdefault(key, [0] * len(counts))
            for index, value in enumerate(counts):
                total[index] += sign * value
    return {key: tuple(counts) for key, counts in result.items()}


def kept_tally(model: type[models.Model], keys: Sequence[str], counters: Sequence[str]) -> dict[Key, Counts]:
    """What the tally holds, rows that came down to zero left out."""
    width = len(keys)
    return {
        tuple(row[:width]): tuple(row[width:])
        for row in model._default_manager.values_list(*keys, *counters)
        if any(row[width:])
    }


@transaction.atomic
def rewrite_tally(model: type[models.Model], keys: Sequence[str], counters: Sequence[str], count: Any) -> int:
    """Rewrite the tally from `count()` (key → counts, from the facts themselves) when they differ; returns how
    many keys were wrong. On PostgreSQL the tally is locked against writes first (EXCLUSIVE: reads go on), so a
    write running meanwhile either committed before the count, which sees it, or waits for the lock and adds to
    the rewritten rows after."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN EXCLUSIVE MODE")
    counted = {key: counts for key, counts in count().items() if any(counts)}
    kept = kept_tally(model, keys, counters)
    zero = (0,) * len(counters)
    wrong = sum(counted.get(key, zero) != kept.get(key, zero) for key in counted.keys() | kept.keys())
    if wrong:
        model._default_manager.all().delete()
        model._default_manager.bulk_create(
            (
                model(**dict(zip(keys, key, strict=True)), **dict(zip(counters, counts, strict=True)))
                for key, counts in counted.items()
            ),
            batch_size=5000,
        )
    return wrong
