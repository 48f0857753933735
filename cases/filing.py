"""Writing a new case: its number, its row and its first history rows.

Filing is the hottest write of the system (every citizen report, hotline ticket and failed inspection line), and a
request's cost is its number of round trips to the database (docs/performance.md). On PostgreSQL the number, the
case and its report row are therefore one statement with data-modifying CTEs: one round trip, atomic without a
transaction of its own. Elsewhere (SQLite, the embedded default) the same rows are written with the ORM.

Both paths write every concrete column from the same model instances, so a field added to `Case` or `CaseEvent`
is written by both without touching this module; `cases/tests/test_filing.py` compares their rows.

The creation of a case is recorded in its history (the `report` row: who, when, from which source), not also as
an audit-log entry: the case row holds what was filed, and every later change is audited with its old values, so
an entry at creation would only repeat them (and cost a round trip on every report).
"""

from __future__ import annotations

import functools
import threading
from typing import Any

import psycopg
from auditlog.context import disable_auditlog
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

from cases.models import Case, CaseCounter, CaseEvent, OpenTally, cohort_row, held_row

NUMBER_DIGITS = 6


def format_number(year: int, serial: int) -> str:
    return f"{year}-{serial:0{NUMBER_DIGITS}d}"


def _draw_sql() -> str:
    """Take the year's next serial: the counter row is created by the year's first case and stays locked until
    the transaction (or the statement) ends, so concurrent cases never share a number and numbers have no gaps."""
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    return (
        f"INSERT INTO {table} (year, last) VALUES (%s, 1) "
        f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )


def next_number(year: int) -> str:
    """`2026-000123`, drawn in one statement (both PostgreSQL and SQLite ≥ 3.35 know UPSERT … RETURNING)."""
    with connection.cursor() as cursor:
        cursor.execute(_draw_sql(), [year])
        (serial,) = cursor.fetchone()
    return format_number(year, serial)


def file_rows(case: Case, report: CaseEvent, year: int) -> None:
    """Give `case` the year's next number and write it with its `report` history row. Both come back saved, with
    their primary keys. (A case with more rows to write, such as a relapse's links, uses `insert_rows`.)"""
    facts = case.facts()
    if connection.vendor == "postgresql" and cohort_row(facts) is None and held_row(facts) is None:
        # (Filed as reported, as every channel files: a case filed already dispatched counts in the cohort and
        # the held tallies too, which `Case.save` keeps.)
        _file_in_one_statement(case, report, year)
        return
    with transaction.atomic():
        case.number = next_number(year)
        insert_rows(case, [report])


def insert_rows(case: Case, events: list[CaseEvent]) -> None:
    """Write a numbered case and history rows (its own, or others' it touches) with the ORM."""
    with disable_auditlog():
        case.save(force_insert=True)
    CaseEvent.objects.bulk_create(events)


@functools.cache
def _columns(model: type[Model], skip: frozenset[str]) -> tuple[Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key and f.name not in skip)


CASE_COLUMNS = frozenset({"number"})  # drawn in the statement
EVENT_COLUMNS = frozenset({"case"})  # the case's new id


def _values(instance: Model, fields: tuple[Field, ...], db: BaseDatabaseWrapper) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(instance, True), db) for f in fields]


@functools.cache
def _one_statement() -> str:
    """The SQL for a case and its report row (built once per process)."""
    quote = connection.ops.quote_name
    case_fields, event_fields = _columns(Case, CASE_COLUMNS), _columns(CaseEvent, EVENT_COLUMNS)
    pk, number = quote(Case._meta.pk.column), quote(Case._meta.get_field("number").column)
    # lpad cuts a longer string down to the length it is given: a serial past 999,999 keeps all its digits, as
    # format_number writes it.
    serial = f"lpad(last::text, greatest({NUMBER_DIGITS}, length(last::text)), '0')"
    # In VALUES each parameter takes its target column's type, so no casts are needed.
    return f"""
        WITH drawn AS ({_draw_sql()}),
        filed AS (
            INSERT INTO {quote(Case._meta.db_table)} ({number}, {", ".join(quote(f.column) for f in case_fields)})
            VALUES ((SELECT %s || '-' || {serial} FROM drawn), {", ".join(["%s"] * len(case_fields))})
            RETURNING {pk}, {number}
        ),
        history AS (
            INSERT INTO {quote(CaseEvent._meta.db_table)}
                ({quote(CaseEvent._meta.get_field("case").column)}, {", ".join(quote(f.column) for f in event_fields)})
            VALUES ((SELECT {pk} FROM filed), {", ".join(["%s"] * len(event_fields))})
            RETURNING {quote(CaseEvent._meta.pk.column)} AS id
        ),
        tallied AS ({_tally_sql()})
        SELECT filed.{pk}, filed.{number}, history.id FROM filed, history
    """


def _tally_sql() -> str:
    """Count the new case in the open tally (cases.models.OpenTally) as `Case.save` would, when it is filed open
    (the last parameter): a data-modifying CTE runs to completion whether or not the query reads it."""
    table = connection.ops.quote_name(OpenTally._meta.db_table)
    return (
        f"INSERT INTO {table} (unit_key, category_key, open_cases) SELECT %s::bigint, %s::bigint, 1 "
        f"WHERE %s::boolean ON CONFLICT (unit_key, category_key) DO UPDATE SET open_cases = {table}.open_cases + 1"
    )


def _file_in_one_statement(case: Case, report: CaseEvent, year: int) -> None:
    # The connection itself, not the `connection` proxy: each of the ~60 fields asks it for things, and every
    # question to the proxy is a context-local lookup.
    db = connections[DEFAULT_DB_ALIAS]
    params: list[Any] = [year, str(year), *_values(case, _columns(Case, CASE_COLUMNS), db)]
    params += _values(report, _columns(CaseEvent, EVENT_COLUMNS), db)
    key = case.open_key()
    params += [*(key or (0, 0)), key is not None]
    case.pk, case.number, report.pk = _execute_prepared(db, _one_statement(), params)
    case._stored = case.facts()
    report.case_id = case.pk
    for instance in (case, report):
        instance._state.adding, instance._state.db = False, db.alias  # as the ORM marks what it saved


class _PreparedCursor(psycopg.Cursor):
    """A cursor binding parameters on the server and preparing each statement once per connection: the statement
    is parsed and planned once, and its ~60 parameters are sent as typed values instead of being quoted into the
    SQL text. (Django binds on the client and never prepares; that is right for its varied queries, not for the
    one statement every report repeats.)"""

    prepare = True

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=self.prepare, binary=binary)


_local = threading.local()


def _execute_prepared(db: BaseDatabaseWrapper, sql: str, params: list[Any]) -> tuple:
    """Run `sql` on a server-binding cursor kept per connection (psycopg caches how each parameter type is sent
    on the cursor: a new cursor per report would look them all up again), wrapped as Django wraps its own, so
    query logging, execute wrappers and error translation work as usual."""
    db.close_if_health_check_failed()  # as Django does before handing out a cursor (CONN_HEALTH_CHECKS)
    db.ensure_connection()
    db.validate_thread_sharing()
    raw = getattr(_local, "cursor", None)
    if raw is None or raw.connection is not db.connection or raw.closed:
        raw = _local.cursor = _PreparedCursor(db.connection)
    # psycopg keeps no text for a prepared execution, which Django's query log would show as None: while queries
    # are logged (DEBUG, tests counting queries) the statement runs unprepared.
    raw.prepare = not db.queries_logged
    # Django wraps the driver's cursor; django-stubs types that argument as an already wrapped one.
    wrap = db.make_debug_cursor if db.queries_logged else db.make_cursor
    cursor = wrap(raw)  # type: ignore[arg-type]
    cursor.execute(sql, params)
    return cursor.fetchone()
