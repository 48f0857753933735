"""What-if: open cases priced by the score they would recover if closed on time, and the simulated framework
total (模拟测评) with the top-N fixes, against hand-computed fixtures."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from itertools import count

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, Source, State
from core.models import Period
from framework.models import Edition, MethodKind, RuleKind
from framework.tree import EditionBuilder
from inspections.models import Finding
from org.models import UnitKind
from scoring import actions, whatif
from scoring.models import ComponentKind
from scoring.simulation import simulate
from surveys.models import Answer, Channel, Question, Questionnaire, Response, SurveyRun

NOW = dt.datetime(2026, 6, 10, 3, tzinfo=dt.UTC)
NUMBERS = count(1)


def _case(unit, *, state=State.CLOSED, on_time=True, deadline=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC)):
    return Case.objects.create(
        number=f"2026-8{next(NUMBERS):05d}",
        source=Source.PATROL,
        description="x",
        unit=unit,
        state=state,
        dispatched_at=dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC),
        deadline=deadline,
        closed_on_time=on_time if state == State.CLOSED else None,
        submit_count=1 if state == State.CLOSED else 0,
    )


@pytest.fixture
def period(county):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 2)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    rectification = scheme.components.get(kind=ComponentKind.RECTIFICATION)
    actions.update_component(county.office_admin, rectification, Decimal("50"), dict(rectification.params))
    field = scheme.components.get(kind=ComponentKind.FIELD)
    actions.update_component(county.office_admin, field, Decimal("40"), {})
    return period


@pytest.fixture
def facts(county, period, make_site, inspect):
    """Town A: 9 closed cases (6 on time) and 1 overdue → due 10, on time 6: 60% against 70% → 40 of 50.
    An inspection of a1 fails line 1 (1 of 3.5 points) and opens a case; one more open case on time."""
    for index in range(9):
        _case(county.community_a, on_time=index < 6)
    overdue = _case(
        county.community_a, state=State.DISPATCHED, deadline=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    )
    on_time = _case(
        county.community_a, state=State.DISPATCHED, deadline=dt.datetime(2026, 6, 20, tzinfo=dt.UTC)
    )
    a1 = make_site("城关一市场")
    inspect({a1: ["fail", "pass", "pass"]})
    from_line = Finding.objects.get(verdict="fail").case
    assert from_line is not None
    from_line.deadline = dt.datetime(2026, 6, 25, tzinfo=dt.UTC)
    from_line.save(update_fields=["deadline"])  # through save, which keeps the period facts
    return {"overdue": overdue, "on_time": on_time, "from_line": from_line}


def test_each_open_case_is_priced_by_the_schemes_formulas(county, period, facts):
    with time_machine.travel(NOW):
        result = whatif.recoveries(period, Case.objects.all(), simulate(_edition(), period))
    by_case = {r.case.pk: r for r in result.cases}
    assert facts["overdue"].pk not in by_case, "an overdue case can no longer close on time"
    on_time, from_line = by_case[facts["on_time"].pk], by_case[facts["from_line"].pk]
    # Against the live sheet: (10 due, 6 on time) → 60%: 40.00 now; closed on time now → (11, 7) → 63.64%: 43.64
    assert on_time.rectification == Decimal("3.64")
    assert on_time.field == Decimal("0.00")
    # The failed line comes back: field points now 40 × 2.5 ÷ 3.5 = 28.57; with the line, 40 × 3.5 ÷ 3.5 = 40
    assert (from_line.rectification, from_line.field, from_line.total) == (
        Decimal("3.64"),
        Decimal("11.43"),
        Decimal("15.07"),
    )
    assert [r.case.pk for r in result.cases[:2]] == [from_line.case.pk, on_time.case.pk]
    # All of town A's cases fixed together: (12, 8) → 66.67%: 46.67 against 40 now: +6.67; plus the line 11.43.
    # Never more than lost: 10 in rectification, 11.43 in the field, as the lost-points page says.
    [town] = result.units
    assert (town.unit_name, town.rectification, town.field, town.total) == (
        "城关街道",
        Decimal("6.67"),
        Decimal("11.43"),
        Decimal("18.10"),
    )
    assert (town.lost_rectification, town.lost_field, len(town.cases)) == (
        Decimal("10.00"),
        Decimal("11.43"),
        2,
    )


def test_the_simulated_total_follows_the_rules_and_the_top_fixes(county, period, facts):
    edition = _edition()
    with time_machine.travel(NOW):
        simulation = simulate(edition, period)
        result = whatif.recoveries(period, Case.objects.all(), simulation)
    # Ⅲ-1 (5 points, deduction): 2.5 of 3.5 kept → 3.5714; the survey-only criterion has no answers: not measured
    assert round(simulation.total, 4) == Decimal("3.5714")
    assert (simulation.measured_points, simulation.full_points) == (Decimal("5.00"), Decimal("11.00"))
    from_line = next(r for r in result.cases if r.case.pk == facts["from_line"].pk)
    assert from_line.framework == Decimal("1.43")  # 5 × 1 ÷ 3.5
    moves = whatif.top_n_moves(simulation, result.cases)
    assert moves[0] == {"n": 5, "fixes": 1, "gain": Decimal("1.43"), "total": Decimal("5.00")}


def test_survey_rates_join_their_criterion_by_code(county, period, facts):
    edition = _edition()
    questionnaire = Questionnaire.objects.create(name="q")
    question = Question.objects.create(
        questionnaire=questionnaire,
        order=1,
        text="满意吗",
        options=["是", "否"],
        favourable_options=["A"],
        target_rate=Decimal("0.800"),
        criterion_code="Ⅲ-9",
    )
    run = SurveyRun.objects.create(name="r", starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2026, 6, 30))
    for value in [True, True, True, False, False]:
        response = Response.objects.create(
            run=run,
            questionnaire=questionnaire,
            client_id=uuid.uuid4(),
            channel=Channel.HOUSEHOLD,
            unit=county.community_a,
            town=county.town_a,
            submitted_at=NOW,
        )
        Answer.objects.create(response=response, question=question, choices=["A"], favourable=value)
    simulation = simulate(edition, period)
    # Ⅲ-9 (6 points, graded 80%/75%): 60% is in no tier → 0, but measured; Ⅲ-1 as before
    assert (simulation.measured_points, round(simulation.total, 4)) == (Decimal("11.00"), Decimal("3.5714"))


def test_only_the_office_and_leaders_see_the_what_if(county, period, facts, login):
    _edition()
    with time_machine.travel(NOW):
        page = login(county.leader).get(reverse("scoring:what_if"), {"period": period.pk})
        assert page.status_code == 200
        assert facts["from_line"].number in page.content.decode()
        assert login(county.handler_a).get(reverse("scoring:what_if")).status_code == 403


def _edition():
    """The inspections fixture's edition (Ⅲ-1, 5 points) plus a survey-only graded criterion Ⅲ-9 worth 6."""
    edition = Edition.objects.get(name="测试版")
    if not edition.criteria.filter(code="Ⅲ-9").exists():
        builder = EditionBuilder(edition)
        node = builder.node([("Ⅰ-1", "公共环境"), ("Ⅱ-2", "群众满意"), ("Ⅲ-9", "满意度")])
        criterion, _ = builder.criterion(
            node,
            "群众满意度高于80%。",
            code="Ⅲ-9",
            points=Decimal(6),
            rule_kind=RuleKind.GRADED,
            rule={"tiers": [["0.80", "1"], ["0.75", "0.5"]]},
        )
        builder.requirement(criterion, kind=MethodKind.SURVEY, question="满意吗", target_rate=Decimal("0.8"))
    return edition
