"""The rectification component against a hand-computed fixture of cases (a town's communities count as the town's)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent, Source, State
from core.models import Period
from org.models import UnitKind
from scoring import actions
from scoring.engine import compute_sheet
from scoring.models import ComponentKind

TZ = ZoneInfo("Asia/Shanghai")
NUMBERS = count(1)


def _case(
    unit, *, state=State.CLOSED, on_time=True, reworks=0, dispatched=datetime(2026, 10, 10, 9, tzinfo=TZ)
):
    return Case.objects.create(
        number=f"2026-9{next(NUMBERS):05d}",
        source=Source.PATROL,
        description="x",
        unit=unit,
        state=state,
        dispatched_at=dispatched,
        deadline=datetime(2026, 10, 20, 17, tzinfo=TZ),
        closed_on_time=on_time,
        rework_count=reworks,
        submit_count=1 if state == State.CLOSED else 0,
    )


@pytest.fixture
def scheme(county):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 4)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    actions.update_component(
        county.office_admin,
        scheme.components.get(kind=ComponentKind.RECTIFICATION),
        Decimal("50"),
        {"on_time_target": 0.7, "per_point_below": 1.0, "per_rework": 0.2},
    )
    return scheme


def test_points_follow_the_on_time_rate_and_the_reworks(county, scheme):
    # Town A (its community's cases count too): 10 due, 5 on time → 50% vs 70% → −20; 3 reworks → −0.6 → 29.40
    for _ in range(3):
        _case(county.town_a, on_time=True)
    for _ in range(2):
        _case(county.community_a, on_time=True, reworks=1)
    _case(county.community_a, on_time=False, reworks=1)
    for _ in range(4):
        _case(county.town_a, state=State.DISPATCHED, on_time=None)  # past the deadline, not closed: due, late
    _case(county.town_a, state=State.DEFERRED, on_time=None)  # deferred: leaves the denominator
    _case(
        county.town_a, dispatched=datetime(2026, 9, 30, 9, tzinfo=TZ)
    )  # dispatched last quarter: not counted
    # Town B: 4 due, all on time → full 50
    for _ in range(4):
        _case(county.town_b)
    sheet = {row.unit_name: row for row in compute_sheet(scheme)}
    town_a = sheet["城关街道"].component(ComponentKind.RECTIFICATION)
    assert town_a.facts["due"] == 10 and town_a.facts["closed_on_time"] == 5 and town_a.facts["reworked"] == 3
    assert town_a.points == Decimal("29.40")
    assert sheet["柳河镇"].component(ComponentKind.RECTIFICATION).points == Decimal("50.00")


def test_points_never_go_below_zero(county, scheme):
    for _ in range(5):
        _case(county.town_a, state=State.DISPATCHED, on_time=None, reworks=0)
    for _ in range(300):
        _case(county.town_b, on_time=True, reworks=1)
    sheet = {row.unit_name: row for row in compute_sheet(scheme)}
    assert sheet["城关街道"].component(ComponentKind.RECTIFICATION).points == Decimal("0.00")  # 0% → −70
    assert sheet["柳河镇"].component(ComponentKind.RECTIFICATION).points == Decimal("0.00")  # 300 × 0.2 = 60


def test_the_explanation_counts_the_times_the_office_chased_and_leader_supervision(county, scheme):
    """催办次数 and 领导督办 (CaseEvent rows of the period, a community's for its town) are told on the sheet,
    costing nothing."""
    case = _case(county.community_a, state=State.DISPATCHED, on_time=None)
    for at, action in (
        (datetime(2026, 10, 21, 9, tzinfo=TZ), CaseEvent.Action.URGE),
        (datetime(2026, 10, 22, 9, tzinfo=TZ), CaseEvent.Action.URGE),
        (datetime(2026, 10, 23, 9, tzinfo=TZ), CaseEvent.Action.SUPERVISE),
    ):
        CaseEvent.objects.create(
            case=case,
            action=action,
            from_state=case.state,
            to_state=case.state,
            unit=county.community_a,
            at=at,
        )
    sheet = {row.unit_name: row for row in compute_sheet(scheme)}
    town_a = sheet["城关街道"].component(ComponentKind.RECTIFICATION)
    assert (town_a.facts["urged"], town_a.facts["supervised"]) == (2, 1)
    assert town_a.explanation.endswith("; chased (催办) 2 times; 1 under leader supervision (领导督办)")
    assert "chased" not in sheet["柳河镇"].component(ComponentKind.RECTIFICATION).explanation


def test_the_on_time_target_is_entered_and_shown_as_a_percentage(county, scheme, login):
    """Issue 19.12: people say "70%", not "0.7"; the share stays the stored value."""
    component = scheme.components.get(kind=ComponentKind.RECTIFICATION)
    client = login(county.office_admin)
    page = client.get(
        reverse("scoring:scheme_detail", args=[scheme.pk]), headers={"Accept-Language": "zh-hans"}
    )
    html = page.content.decode()
    assert "按期结案率目标（%）" in html and 'name="param_on_time_target" value="70.0"' in html
    client.post(
        reverse("scoring:component_edit", args=[component.pk]),
        {
            "weight": "50",
            "param_on_time_target": "85",
            "param_per_point_below": "1",
            "param_per_rework": "0.2",
        },
    )
    component.refresh_from_db()
    assert component.params["on_time_target"] == pytest.approx(0.85)
    over = {
        "weight": "50",
        "param_on_time_target": "120",
        "param_per_point_below": "1",
        "param_per_rework": "0.2",
    }
    client.post(reverse("scoring:component_edit", args=[component.pk]), over)
    component.refresh_from_db()
    assert component.params["on_time_target"] == pytest.approx(0.85)  # 120% refused
