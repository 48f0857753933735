"""The cases benchmark (`chuangwen bench cases`): intake, metrics and the office queue at scale, each measured
side by side with a reference on the same machine in the same run, so the ratios mean something anywhere.

It runs in a throw-away database (Django's test database machinery), never in the configured one.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from bench.measure import Figures, copy_rows, demo_county, interleaved, timed
from cases.models import Case, Category, CohortTally, HeldTally, HistoryTally, OpenTally, Source, State
from cases.queries import unit_metrics
from cases.tally import rebuild_case_tallies
from org.models import Unit, UnitKind

BENCH_TABLE = "bench_row"


@csrf_exempt
def bare_insert(request: HttpRequest) -> HttpResponse:
    """The reference for intake: a Django view that inserts one row and answers, nothing else."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BENCH_TABLE} (payload) VALUES (%s)", [request.body[:200].decode()])
    return HttpResponse(status=201)


urlpatterns = [path("bench/insert/", bare_insert), path("", include("chuangwen.urls"))]


def fill_cases(
    total: int, seed: int = 7, batch: int = 20_000, progress: Callable[[int], None] = lambda n: None
) -> None:
    """`total` cases spread over four quarters ending now, in every state, on the county's units."""
    rng = random.Random(seed)
    units = list(
        Unit.objects.filter(kind__in=[UnitKind.TOWN, UnitKind.COMMUNITY, UnitKind.DEPARTMENT]).values_list(
            "pk", flat=True
        )
    )
    categories = list(Category.objects.values_list("pk", "code", "name"))
    now = timezone.now()
    states = [State.CLOSED] * 6 + [
        State.DISPATCHED,
        State.RECTIFYING,
        State.SUBMITTED,
        State.REPORTED,
        State.DEFERRED,
    ]
    made = 0
    while made < total:
        rows = []
        for index in range(made, min(made + batch, total)):
            reported = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
            dispatched = reported + timedelta(hours=rng.randint(1, 30))
            state = rng.choice(states)
            category = rng.choice(categories) if categories else (None, "", "")
            closed = state == State.CLOSED
            rows.append(
                Case(
                    number=f"B{index:09d}",
                    source=Source.PATROL,
                    description="bench",
                    state=state,
                    unit_id=rng.choice(units) if state != State.REPORTED else None,
                    category_id=category[0],
                    category_code=category[1],
                    category_name=category[2],
                    lon=117.0 + rng.random() * 0.36,
                    lat=35.4 + rng.random() * 0.27,
                    reported_at=reported,
                    dispatched_at=dispatched if state != State.REPORTED else None,
                    first_dispatched_at=dispatched if state != State.REPORTED else None,
                    deadline=dispatched + timedelta(days=rng.randint(1, 10)),
                    closed_at=dispatched + timedelta(days=rng.randint(1, 12)) if closed else None,
                    closed_on_time=rng.random() < 0.8 if closed else None,
                    submit_count=1 if closed or state == State.SUBMITTED else 0,
                    rework_count=1 if rng.random() < 0.05 else 0,
                    handling_hours=rng.uniform(2, 80) if closed else None,
                )
            )
        copy_rows(Case, rows)
        made += len(rows)
        progress(made)
    rebuild_case_tallies()  # COPY and bulk_create skip Case.save, which keeps the tally


# The SQL of each generated case column; the other columns take their model default. Mirrors bench.cases's mix:
# over the last year, six in eleven closed (80% on time), the rest dispatched, rectifying, reported back, reported
# (no unit yet) or deferred; 5% reworked.
CASE_COLUMNS = {
    "number": "%(prefix)s::text || lpad(g.i::text, 9, '0')",
    "source": "'patrol'",
    "description": "'bench'",
    "state": "g.state",
    "unit_id": "CASE WHEN g.state = 'reported' THEN NULL ELSE (%(units)s)[1 + floor(g.r1 * %(n_units)s)::int] END",
    "category_id": "(%(categories)s)[1 + g.c]",
    "category_code": "(%(codes)s)[1 + g.c]",
    "category_name": "(%(names)s)[1 + g.c]",
    "lon": "117.0 + g.r2 * 0.36",
    "lat": "35.4 + g.r3 * 0.27",
    "reported_at": "g.reported",
    "dispatched_at": "CASE WHEN g.state = 'reported' THEN NULL ELSE g.dispatched END",
    "first_dispatched_at": "CASE WHEN g.state = 'reported' THEN NULL ELSE g.dispatched END",
    "deadline": "g.dispatched + make_interval(days => 1 + floor(g.r4 * 10)::int)",
    "closed_at": "CASE WHEN g.state = 'closed' THEN g.dispatched + make_interval(days => 1 + floor(g.r5 * 12)::int) END",
    "closed_on_time": "CASE WHEN g.state = 'closed' THEN g.r6 < 0.8 END",
    "submit_count": "CASE WHEN g.state IN ('closed', 'submitted') THEN 1 ELSE 0 END",
    "rework_count": "CASE WHEN g.r7 < 0.05 THEN 1 ELSE 0 END",
    "handling_hours": "CASE WHEN g.state = 'closed' THEN 2 + g.r8 * 78 END",
    "updated_at": "now()",
}
CASE_ROWS = """
    SELECT i, r1, r2, r3, r4, r5, r6, r7, r8, c, reported,
           reported + make_interval(hours => 1 + floor(r9 * 30)::int) AS dispatched,
           CASE WHEN rs < 6 THEN 'closed' WHEN rs < 7 THEN 'dispatched' WHEN rs < 8 THEN 'rectifying'
                WHEN rs < 9 THEN 'submitted' WHEN rs < 10 THEN 'reported' ELSE 'deferred' END AS state
    FROM (SELECT i, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7,
                 random() r8, random() r9, floor(random() * 11) rs, floor(random() * %(n_categories)s)::int c,
                 now() - make_interval(mins => floor(random() * 525600)::int) AS reported
          FROM generate_series(%(first)s, %(last)s) AS i) AS r
"""


def fill_cases_in_sql(
    total: int, prefix: str = "S", chunk: int = 1_000_000, progress: Callable[[int], None] = lambda n: None
) -> None:
    """`total` cases generated by PostgreSQL itself (generate_series): a million in seconds, where building
    them in Python takes minutes (ten million: hours). Other databases: fill_cases. One INSERT per `chunk`
    cases, so a province-scale fill commits as it goes and reports progress."""
    if connection.vendor != "postgresql":
        fill_cases(total)
        return
    units = list(
        Unit.objects.filter(kind__in=[UnitKind.TOWN, UnitKind.COMMUNITY, UnitKind.DEPARTMENT]).values_list(
            "pk", flat=True
        )
    )
    categories: list[tuple[int | None, str, str]] = list(Category.objects.values_list("pk", "code", "name"))
    categories = categories or [(None, "", "")]
    values = {
        "units": "ARRAY[%s]::bigint[]" % ",".join(map(str, units)),  # noqa: UP031 (ids from the database)
        "n_units": len(units),
        "categories": "%(category_ids)s::bigint[]",
        "codes": "%(category_codes)s::text[]",
        "names": "%(category_names)s::text[]",
        "prefix": "%(prefix)s",
    }
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    params: dict = {
        "category_ids": [c[0] for c in categories],
        "category_codes": [c[1] for c in categories],
        "category_names": [c[2] for c in categories],
        "prefix": prefix,
        "n_categories": len(categories),
    }
    expressions = []
    for f in fields:
        if f.column in CASE_COLUMNS:
            expressions.append(CASE_COLUMNS[f.column] % values)
        else:
            params[f"default_{f.column}"] = f.get_db_prep_save(f.get_default(), connection)
            expressions.append(f"%(default_{f.column})s")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    insert = f"INSERT INTO {Case._meta.db_table} ({columns}) SELECT {', '.join(expressions)} FROM ({CASE_ROWS}) AS g"
    with connection.cursor() as cursor:
        # PostgreSQL's advice for a bulk load ("Populating a Database"): the indexes whose keys arrive in random
        # order (reported_at, deadline, unit...) are dropped and built after, by one sort each. Kept up row by row,
        # 10M cases took ten minutes a million on the shared machine and slowed as the indexes outgrew memory.
        # A built index is denser than one grown by inserts: the reads measured after are a little flattered.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [Case._meta.db_table, Case._meta.db_table],
        )
        indexes = [(name, definition) for name, definition in cursor.fetchall() if not name.endswith("_like")]
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute("SELECT setseed(0.7)")
        for first in range(1, total + 1, chunk):
            last = min(first + chunk - 1, total)
            cursor.execute(insert, {**params, "first": first, "last": last})
            progress(last)
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")
    rebuild_case_tallies()  # generated rows skip Case.save, which keeps the tally


def _empty_cases() -> None:
    """Leave the case tables as a new database has them. A DELETE would leave a million dead rows behind, which
    PostgreSQL's plans and scans still pay for until a vacuum: the "empty" page would then be measured slow."""
    tables = ["cases_casephoto", "cases_caseevent", "cases_case"] + [
        m._meta.db_table for m in (OpenTally, CohortTally, HeldTally, HistoryTally)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def reference_metrics(start: datetime, end: datetime) -> list[tuple]:
    """The same numbers as cases.queries.unit_metrics, written by hand in SQL."""
    as_of = min(end, timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT unit_id, COUNT(*),
                   COUNT(*) FILTER (WHERE state <> 'deferred' AND (state = 'closed' OR deadline < %(as_of)s)),
                   COUNT(*) FILTER (WHERE state = 'closed'),
                   COUNT(*) FILTER (WHERE state = 'closed' AND closed_on_time),
                   COUNT(*) FILTER (WHERE submit_count > 0), COUNT(*) FILTER (WHERE rework_count > 0),
                   COUNT(*) FILTER (WHERE extension_count > 0), AVG(handling_hours) FILTER (WHERE state = 'closed')
            FROM cases_case WHERE first_dispatched_at >= %(start)s AND first_dispatched_at < %(end)s
              AND unit_id IS NOT NULL
            GROUP BY unit_id
            """,
            {"as_of": as_of, "start": start, "end": end},
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT unit_id, COUNT(*) FILTER (WHERE action = 'dispatch'), COUNT(*) FILTER (WHERE action = 'return') "
            "FROM cases_caseevent WHERE at >= %s AND at < %s AND action IN ('dispatch', 'return') GROUP BY unit_id",
            [start, end],
        )
        return rows + cursor.fetchall()


def run(total: int, requests: int, say: Callable[[str], None]) -> dict[str, float]:
    """Fill, measure, print `name: value` lines; returns the figures."""
    figures = Figures(say)
    report = figures.report
    admin = demo_county()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {BENCH_TABLE} (id bigserial PRIMARY KEY, payload text)")
    started = time.perf_counter()
    fill_cases_in_sql(total, prefix="B", progress=lambda made: say(f"filled: {made}"))
    if connection.vendor == "postgresql":
        # The state autovacuum leaves a table in after a bulk load (it vacuums after inserts since PostgreSQL 13):
        # statistics, and the visibility map that lets index-only scans skip the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    report("cases", total)
    report("fill_seconds", time.perf_counter() - started)
    if connection.vendor == "postgresql":
        # What the cases cost on disk, for sizing a primary (docs/performance.md, province scale).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_table_size('cases_case'), pg_indexes_size('cases_case'), pg_total_relation_size('cases_case')"
            )
            table, indexes, total_bytes = cursor.fetchone()
        report("cases_table_mb", table / 2**20)
        report("cases_indexes_mb", indexes / 2**20)
        report("cases_total_mb", total_bytes / 2**20)

    client = Client()
    client.force_login(admin)
    body = json.dumps({"source": "patrol", "description": "bench intake", "lon": 117.1, "lat": 35.5})
    ours = lambda: client.post("/api/v1/cases", body, content_type="application/json")  # noqa: E731
    bare = lambda: client.post("/bench/insert/", body, content_type="application/json")  # noqa: E731
    assert ours().status_code == 201 and bare().status_code == 201
    timed(ours, 20), timed(bare, 20)  # warm up both
    ours_seconds, bare_seconds = interleaved(ours, bare, requests)
    report("intake_ours_rps", 1 / ours_seconds)
    report("intake_reference_rps", 1 / bare_seconds)

    now = timezone.localtime()
    quarter_start = now.replace(
        month=3 * ((now.month - 1) // 3) + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    start, end = quarter_start - timedelta(days=92), quarter_start  # the last full quarter
    unit_metrics(start, end), reference_metrics(start, end)  # warm up both
    metrics_ours, metrics_reference = interleaved(
        lambda: unit_metrics(start, end), lambda: reference_metrics(start, end), 9
    )
    report("metrics_ours_ms", metrics_ours * 1000)
    report("metrics_reference_ms", metrics_reference * 1000)

    page = lambda: client.get("/cases/")  # noqa: E731
    assert page().status_code == 200
    queue_full = statistics.median(timed(page, 15))
    _empty_cases()
    page()
    queue_empty = statistics.median(timed(page, 15))
    report("queue_ms_at_scale", queue_full * 1000)
    report("queue_ms_empty", queue_empty * 1000)

    report("intake_ratio", bare_seconds / ours_seconds)
    report("metrics_ratio", metrics_ours / metrics_reference)
    report("queue_ratio", queue_full / queue_empty)
    return figures
