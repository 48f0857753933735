"""The scores benchmark (`chuangwen bench scores`): the score sheets and the dashboard at scale, each measured side
by side with a reference on the same machine in the same run, so the ratios mean something anywhere.

- `scoring_ratio`: every unit of a quarter scored (both schemes: towns and departments, with field inspection,
  rectification and survey components) ÷ the raw SQL aggregates those sheets need, written by hand.
- `dashboard_ratio`: the dashboard's data endpoint at scale ÷ the same endpoint with the facts deleted.

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
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from cases.bench import fill_cases, reference_metrics, timed
from framework.models import CheckItem, SiteType
from inspections.models import Finding, Round, RoundKind, Site, Verdict, Visit
from org.models import Person, Unit, UnitKind
from scoring import actions
from scoring.engine import compute_sheets
from scoring.models import ComponentKind, Period, Scheme

SITES = 5_000


def copy_rows(model: type[Model], rows: list[Model]) -> None:
    """PostgreSQL's COPY for any model (ids from the sequence); bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=5000)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields])


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


def fill_results(total: int, seed: int = 11, batch: int = 20_000) -> None:
    """`total` submitted visits (inspection results) with their line findings, in rounds over four quarters
    ending now; a line fails one time in six."""
    from framework.queries import active_edition

    rng = random.Random(seed)
    edition = active_edition()
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
    from surveys.models import Answer, Channel, Question, Questionnaire, Response, SurveyRun

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
    weights = {
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
    from django.core.management import call_command

    from demo.county import build_demo_county
    from demo.framework import build_demo_framework

    figures: dict[str, float] = {}

    def report(name: str, value: float) -> None:
        figures[name] = value
        say(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")

    build_demo_county()
    call_command("load_categories", verbosity=0)
    build_demo_framework()
    admin = Person.objects.get(username="admin")
    year, number, start, end = last_quarter(timezone.localtime())
    report("cases", total)
    report("inspection_results", results)
    started = time.perf_counter()
    fill_cases(total)
    report("fill_cases_seconds", time.perf_counter() - started)
    lap = time.perf_counter()
    fill_results(results)
    fill_answers(max(results // 5, 100), start, end)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    report("fill_results_seconds", time.perf_counter() - lap)

    schemes = _schemes(admin, year, number)
    both = lambda: compute_sheets(schemes)  # noqa: E731
    both(), reference_scores(start, end)  # warm up both
    ours = min(timed(both, 5))
    reference = min(timed(lambda: reference_scores(start, end), 5))
    report("scoring_ours_ms", ours * 1000)
    report("scoring_reference_ms", reference * 1000)

    client = Client()
    client.force_login(admin)
    data = lambda: client.get("/reports/dashboard/data/")  # noqa: E731

    def cold() -> None:
        cache.clear()  # the session lives in the database, so clearing the cache keeps the login
        data()

    assert data().status_code == 200
    at_scale, cold_at_scale = statistics.median(timed(data, 9)), statistics.median(timed(cold, 5))
    with connection.cursor() as cursor:
        for table in (
            "inspections_finding",
            "inspections_visit",
            "surveys_answer",
            "surveys_response",
            "cases_casephoto",
            "cases_caseevent",
            "cases_case",
        ):
            cursor.execute(f"DELETE FROM {table}")
    cold()
    empty, cold_empty = statistics.median(timed(data, 9)), statistics.median(timed(cold, 5))
    report("dashboard_cold_ms_at_scale", cold_at_scale * 1000)
    report("dashboard_cold_ms_empty", cold_empty * 1000)
    report("dashboard_cold_ratio", cold_at_scale / cold_empty)
    report("dashboard_ms_at_scale", at_scale * 1000)
    report("dashboard_ms_empty", empty * 1000)

    report("scoring_ratio", ours / reference)
    report("dashboard_ratio", at_scale / empty)
    return figures
