"""The scores benchmark (`chuangwen bench scores`): the score sheets and the dashboard at scale, each measured side
by side with a reference on the same machine in the same run, so the ratios mean something anywhere.

- `scoring_ratio`: every unit of a quarter scored (both schemes: towns and departments, with field inspection,
  rectification and survey components) ÷ the raw SQL aggregates those sheets need, written by hand.
- `dashboard_cold_ratio`: the 大屏's every panel built from cold (cache cleared) at scale ÷ the same on empty fact
  tables; `dashboard_ratio` the same with the cache warm.

Each pair takes turns (TURNS times each, medians), so a burst of load on a shared machine slows both sides alike.

It runs in a throw-away database (Django's test database machinery), never in the configured one.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.cases import fill_cases_in_sql, reference_metrics
from bench.measure import Figures, copy_rows, demo_county, interleaved, timed
from cases.queries import open_by_category, overdue_by_unit
from core.models import Period
from dashboard.models import Panel
from demo.framework import build_demo_edition
from framework.models import CheckItem, Edition, SiteType
from inspections.models import Finding, Round, RoundKind, Site, Verdict, Visit
from inspections.tally import rebuild_visit_tally
from org.models import Person, Unit, UnitKind
from scoring import actions
from scoring.engine import compute_sheets
from scoring.models import ComponentKind, Scheme
from surveys.models import Answer, Channel, Question, Questionnaire, Response, SurveyRun
from surveys.tally import rebuild_answer_tally

SITES = 5_000
# Each side of a comparison runs this many times, the two sides taking turns; the figure is the median.
TURNS = 9
EMPTY_SCHEMA = "bench_empty"
# The facts the empty side goes without (the county, its people, schemes and publications stay).
FACT_TABLES = (
    "inspections_finding",
    "inspections_visit",
    "surveys_answer",
    "surveys_response",
    "cases_casephoto",
    "cases_caseevent",
    "cases_case",
    # Kept from the facts above (the open cases, the cohort, the held cases, the answers, the inspections): a new
    # database's are empty too.
    "cases_opentally",
    "cases_cohorttally",
    "cases_heldtally",
    "cases_historytally",
    "surveys_answertally",
    "inspections_visittally",
)


def last_quarter(now: datetime) -> tuple[int, int, datetime, datetime]:
    """(year, quarter, start, end) of the last full quarter before now."""
    quarter = (now.month - 1) // 3  # the current quarter's index 0..3; the previous one is this − 1
    year, number = (now.year, quarter) if quarter else (now.year - 1, 4)
    zone = timezone.get_current_timezone()
    start = datetime(year, 3 * number - 2, 1, tzinfo=zone)
    end = datetime(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1, tzinfo=zone)
    return year, number, start, end


def fill_sites(rng: random.Random) -> list[tuple[int, int]]:
    """SITES sites over the towns' communities: (site id, site type id)."""
    types = list(SiteType.objects.filter(requirement__kind="field").distinct().values_list("pk", flat=True))
    communities = list(Unit.objects.filter(kind=UnitKind.COMMUNITY).values_list("pk", "parent_id"))
    sites = []
    for index in range(SITES):
        community, town = rng.choice(communities)
        sites.append(
            Site(
                name=f"点位{index:05d}",
                site_type_id=rng.choice(types),
                lon=117.0 + rng.random() * 0.36,
                lat=35.4 + rng.random() * 0.27,
                town_id=town,
                keeper_id=community,
            )
        )
    copy_rows(Site, sites)
    return list(Site.objects.values_list("pk", "site_type_id"))


def fill_results(edition: Edition, total: int, seed: int = 11, batch: int = 20_000) -> None:
    """`total` submitted visits (inspection results) on the edition's checklists, with their line findings, in
    rounds over four quarters ending now; a line fails one time in six."""
    rng = random.Random(seed)
    sites = fill_sites(rng)
    lines: dict[int, list[tuple[int, Decimal]]] = {}
    for item in CheckItem.objects.filter(requirement__criterion__edition=edition).values(
        "pk", "deduction", "requirement__site_types"
    ):
        points = item["deduction"] if item["deduction"] > 0 else Decimal(1)
        lines.setdefault(item["requirement__site_types"], []).append((item["pk"], points))
    sites = [(pk, type_id) for pk, type_id in sites if lines.get(type_id)]
    inspector = Person.objects.filter(role="inspector").first()
    now = timezone.now()
    rounds_needed = -(-total // len(sites))
    rounds = []
    for index in range(rounds_needed):
        day = (now - timedelta(days=365 * (index + 0.5) / rounds_needed)).date()
        rounds.append(
            Round.objects.create(
                name=f"测评轮次{index}",
                kind=RoundKind.OPEN,
                edition=edition,
                starts_on=day,
                ends_on=day + timedelta(days=6),
            )
        )
    made = 0
    while made < total:
        visits, findings = [], []
        for index in range(made, min(made + batch, total)):
            round_ = rounds[index // len(sites)]
            site_id, type_id = sites[index % len(sites)]
            stake = kept = Decimal(0)
            passed = 0
            verdicts = []
            for item_id, points in lines[type_id]:
                verdict = Verdict.FAIL if rng.random() < 1 / 6 else Verdict.PASS
                verdicts.append((item_id, points, verdict))
                stake += points
                if verdict == Verdict.PASS:
                    kept, passed = kept + points, passed + 1
            submitted = timezone.make_aware(
                datetime.combine(round_.starts_on, datetime.min.time())
            ) + timedelta(hours=rng.randint(8, 120))
            visits.append(
                Visit(
                    round=round_,
                    site_id=site_id,
                    inspector=inspector,
                    status=Visit.Status.SUBMITTED,
                    submitted_at=submitted,
                    points_at_stake=stake,
                    points_kept=kept,
                    lines_checked=len(verdicts),
                    lines_passed=passed,
                )
            )
            findings.append(verdicts)
        copy_rows(Visit, visits)
        by_key = {
            (r, s): pk
            for pk, r, s in Visit.objects.filter(round__in={v.round_id for v in visits}).values_list(
                "pk", "round_id", "site_id"
            )
        }
        copy_rows(
            Finding,
            [
                Finding(
                    visit_id=by_key[(visit.round_id, visit.site_id)], check_item_id=item, verdict=v, points=p
                )
                for visit, lines_of_visit in zip(visits, findings, strict=True)
                for item, p, v in lines_of_visit
            ],
        )
        made += len(visits)


def fill_answers(responses: int, start: datetime, end: datetime, seed: int = 13) -> None:
    """`responses` survey responses in the quarter, each answering three rated questions."""
    rng = random.Random(seed)
    questionnaire = Questionnaire.objects.create(name="满意度测评")
    questions = [
        Question.objects.create(
            questionnaire=questionnaire,
            order=i,
            text=f"问题{i}",
            options=["是", "否"],
            favourable_options=["A"],
            target_rate=Decimal("0.800"),
        )
        for i in range(1, 4)
    ]
    run = SurveyRun.objects.create(
        name="测评", starts_on=start.date(), ends_on=(end - timedelta(days=1)).date()
    )
    communities = list(Unit.objects.filter(kind=UnitKind.COMMUNITY).values_list("pk", "parent_id"))
    seconds = int((end - start).total_seconds())
    rows = []
    for _ in range(responses):
        community, town = rng.choice(communities)
        rows.append(
            Response(
                run=run,
                questionnaire=questionnaire,
                client_id=uuid.uuid4(),
                channel=Channel.HOUSEHOLD,
                unit_id=community,
                town_id=town,
                submitted_at=start + timedelta(seconds=rng.randrange(seconds)),
            )
        )
    copy_rows(Response, rows)
    answers = []
    for response_id in Response.objects.filter(run=run).values_list("pk", flat=True):
        for question in questions:
            value = rng.random() < 0.82
            answers.append(
                Answer(
                    response_id=response_id,
                    question=question,
                    choices=["A" if value else "B"],
                    favourable=value,
                )
            )
    copy_rows(Answer, answers)


def reference_scores(start: datetime, end: datetime) -> list[tuple]:
    """The aggregates the two quarter sheets need, written by hand: the rectification metrics, 得分率 sums per town
    and per keeper, survey answers per town and question."""
    rows = list(reference_metrics(start, end))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.town_id, s.keeper_id, COUNT(*), SUM(v.points_kept / v.points_at_stake)
            FROM inspections_visit v JOIN inspections_site s ON s.id = v.site_id
            JOIN inspections_round r ON r.id = v.round_id
            WHERE v.status = 'submitted' AND v.points_at_stake > 0 AND v.submitted_at >= %s AND v.submitted_at < %s
              AND NOT (r.kind = 'secret' AND r.published_at IS NULL)
            GROUP BY s.town_id, s.keeper_id
            """,
            [start, end],
        )
        rows += cursor.fetchall()
        cursor.execute(
            """
            SELECT r.town_id, a.question_id, COUNT(*), COUNT(*) FILTER (WHERE a.favourable)
            FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
            WHERE a.favourable IS NOT NULL AND r.screen_reason = '' AND r.submitted_at >= %s AND r.submitted_at < %s
            GROUP BY r.town_id, a.question_id
            """,
            [start, end],
        )
        rows += cursor.fetchall()
    return rows


def _schemes(admin: Person, year: int, number: int) -> list[Scheme]:
    period = actions.create_period(admin, Period.Kind.QUARTER, year, number)
    weights: dict[str, dict[str, int]] = {
        UnitKind.TOWN: {ComponentKind.FIELD: 30, ComponentKind.RECTIFICATION: 50, ComponentKind.SURVEY: 20},
        UnitKind.DEPARTMENT: {ComponentKind.FIELD: 40, ComponentKind.RECTIFICATION: 60},
    }
    schemes = list(period.schemes.all())
    for scheme in schemes:
        for component in scheme.components.all():
            weight = weights[scheme.unit_kind].get(component.kind)
            if weight:
                actions.update_component(admin, component, Decimal(weight), dict(component.params))
    return schemes


def run(total: int, results: int, say: Callable[[str], None]) -> dict[str, float]:
    """Fill, measure, print `name: value` lines; returns the figures."""
    figures = Figures(say)
    report = figures.report
    admin = demo_county()
    edition = build_demo_edition()
    year, number, start, end = last_quarter(timezone.localtime())
    report("cases", total)
    report("inspection_results", results)
    started = time.perf_counter()
    fill_cases_in_sql(total)
    report("fill_cases_seconds", time.perf_counter() - started)
    lap = time.perf_counter()
    fill_results(edition, results)
    fill_answers(max(results // 5, 100), start, end)
    rebuild_visit_tally()  # COPY skips the writes that keep the tallies
    rebuild_answer_tally()
    if connection.vendor == "postgresql":
        # The state autovacuum leaves the tables in after a bulk load (as bench.cases): statistics, and the
        # visibility map that lets index-only scans skip the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    report("fill_results_seconds", time.perf_counter() - lap)

    schemes = _schemes(admin, year, number)
    both = lambda: compute_sheets(schemes)  # noqa: E731
    both(), reference_scores(start, end)  # warm up both
    ours, reference = interleaved(both, lambda: reference_scores(start, end), TURNS)
    report("scoring_ours_ms", ours * 1000)
    report("scoring_reference_ms", reference * 1000)

    client = Client()
    client.force_login(admin)
    screen = lambda: [client.get(f"/screen/panel/{key}/") for key in Panel.values]  # noqa: E731

    def cold() -> None:
        cache.clear()  # the session lives in the database, so clearing the cache keeps the login
        screen()

    assert all(reply.status_code == 200 for reply in screen())
    with EmptySide() as side:
        at_scale, empty = _turns(screen, side)
        cold_at_scale, cold_empty = _turns(cold, side)
    report("dashboard_cold_ms_at_scale", cold_at_scale * 1000)
    report("dashboard_cold_ms_empty", cold_empty * 1000)
    report("dashboard_cold_ratio", cold_at_scale / cold_empty)
    report("dashboard_ms_at_scale", at_scale * 1000)
    report("dashboard_ms_empty", empty * 1000)
    # The two reads of the open cases inside the cold build, at scale: the kept tally by category, and the overdue
    # per unit down its index (the one read that still grows with the data: with the cases units hold).
    report("screen_open_tally_ms", statistics.median(timed(lambda: open_by_category(None), TURNS)) * 1000)
    report("screen_overdue_ms", statistics.median(timed(overdue_by_unit, TURNS)) * 1000)

    report("scoring_ratio", ours / reference)
    report("dashboard_ratio", at_scale / empty)
    return figures


def _turns(function: Callable[[], object], side: EmptySide) -> tuple[float, float]:
    """Median seconds of `function` on the filled tables and on the empty ones, the two sides taking turns."""
    side.use(empty=False)
    function()
    side.use(empty=True)
    function()  # warm up both
    full, empty = [], []
    for _ in range(TURNS):
        side.use(empty=False)
        full += timed(function, 1)
        side.use(empty=True)
        empty += timed(function, 1)
    side.use(empty=False)
    return statistics.median(full), statistics.median(empty)


class EmptySide:
    """The database as a new one has it, beside the filled one: on PostgreSQL, empty copies of the fact tables in
    their own schema (as TRUNCATE leaves a table: no dead rows, fresh statistics), put in front of the filled
    ones by the search path, so the two sides can take turns request by request. Elsewhere the facts are deleted
    once and the sides run one after the other."""

    def __enter__(self) -> EmptySide:
        self.postgres = connection.vendor == "postgresql"
        self.emptied = False
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE SCHEMA {EMPTY_SCHEMA}")
                for table in FACT_TABLES:
                    cursor.execute(f"CREATE TABLE {EMPTY_SCHEMA}.{table} (LIKE public.{table} INCLUDING ALL)")
                cursor.execute(f"ANALYZE {', '.join(f'{EMPTY_SCHEMA}.{t}' for t in FACT_TABLES)}")
        return self

    def use(self, empty: bool) -> None:
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SET search_path TO {EMPTY_SCHEMA}, public" if empty else "SET search_path TO public"
                )
        elif empty and not self.emptied:
            with connection.cursor() as cursor:
                for table in FACT_TABLES:
                    cursor.execute(f"DELETE FROM {table}")
            self.emptied = True

    def __exit__(self, *exc: object) -> None:
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET search_path TO public")
                cursor.execute(f"DROP SCHEMA {EMPTY_SCHEMA} CASCADE")
