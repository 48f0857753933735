"""Properties that make the what-if and lost-points figures agree, whatever the facts: no unit recovers more than
it has lost (per component and in all), what the what-if calls lost is what the lost-points page shows, and
lost + kept = possible on every sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cases.models import Case, Source, State
from core.models import Period
from org.models import UnitKind
from scoring import actions, lost, whatif
from scoring.engine import compute_sheet, money, rectification_gain, rectification_points
from scoring.models import Adjustment, Component, ComponentKind

NOW = dt.datetime(2026, 6, 10, 3, tzinfo=dt.UTC)
DISPATCHED = dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC)
NUMBERS = count(1)

# A case of the cohort, by what became of it: closed on time, closed late, open and overdue, open and on time.
KINDS = ["closed_on_time", "closed_late", "overdue", "open_on_time", "reworked_on_time"]


@given(
    weight=st.decimals(min_value=0, max_value=100, places=2),
    target=st.floats(min_value=0, max_value=1),
    per_point=st.floats(min_value=0, max_value=5),
    per_rework=st.floats(min_value=0, max_value=5),
    due=st.integers(min_value=0, max_value=500),
    on_time_share=st.floats(min_value=0, max_value=1),
    reworked=st.integers(min_value=0, max_value=50),
    closing=st.integers(min_value=0, max_value=100),
)
def test_closing_cases_on_time_never_wins_back_more_than_was_lost(
    weight, target, per_point, per_rework, due, on_time_share, reworked, closing
):
    component = Component(
        kind=ComponentKind.RECTIFICATION,
        weight=weight,
        params={"on_time_target": target, "per_point_below": per_point, "per_rework": per_rework},
    )
    on_time = int(due * on_time_share)
    counts = {"due": due, "closed_on_time": on_time, "reworked": reworked}
    now = money(rectification_points(component, due, on_time, reworked))
    gain = rectification_gain(component, counts, closing)
    assert Decimal(0) <= gain <= weight - now
    # More cases closed on time never recover less.
    assert rectification_gain(component, counts, closing + 1) >= gain


def _case(unit, kind: str) -> Case:
    closed = kind.startswith("closed")
    open_deadline = dt.datetime(2026, 6, 1 if kind == "overdue" else 20, tzinfo=dt.UTC)
    return Case.objects.create(
        number=f"2026-9{next(NUMBERS):05d}",
        source=Source.PATROL,
        description="x",
        unit=unit,
        state=State.CLOSED if closed else State.DISPATCHED,
        dispatched_at=DISPATCHED,
        deadline=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC) if closed else open_deadline,
        closed_on_time=(kind == "closed_on_time") if closed else None,
        submit_count=1 if closed or kind == "reworked_on_time" else 0,
        rework_count=1 if kind == "reworked_on_time" else 0,
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


VERDICTS = st.lists(st.sampled_from(["pass", "fail", "na"]), min_size=3, max_size=3)


# Each example builds its facts in a savepoint rolled back at the end; no shrinking (each step is a database round).
@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    cases_a=st.lists(st.sampled_from(KINDS), max_size=12),
    cases_b=st.lists(st.sampled_from(KINDS), max_size=12),
    visits_a=st.lists(VERDICTS, max_size=2),
    visits_b=st.lists(VERDICTS, max_size=2),
    bonus=st.sampled_from([None, Decimal("3"), Decimal("40")]),
    penalty=st.sampled_from([None, Decimal("2.5"), Decimal("200")]),
)
def test_no_unit_recovers_more_than_it_lost_and_lost_plus_kept_is_possible(
    county, period, make_site, inspect, cases_a, cases_b, visits_a, visits_b, bonus, penalty
):
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    with transaction.atomic():
        for unit, kinds in ((county.community_a, cases_a), (county.town_b, cases_b)):
            for kind in kinds:
                _case(unit, kind)
        sites = {}
        for index, verdicts in enumerate(visits_a):
            sites[make_site(f"甲{index}")] = verdicts
        for index, verdicts in enumerate(visits_b):
            sites[make_site(f"乙{index}", keeper=county.community_b)] = verdicts
        if sites:
            inspect(sites)
        if bonus:
            Adjustment.objects.create(
                scheme=scheme,
                unit=county.town_a,
                kind="bonus",
                points=bonus,
                reason="x",
                created_by=county.office_admin,
            )
        if penalty:
            Adjustment.objects.create(
                scheme=scheme,
                unit=county.town_a,
                kind="penalty",
                points=penalty,
                reason="x",
                created_by=county.office_admin,
            )
        with time_machine.travel(NOW):
            sheet = compute_sheet(scheme)
            result = whatif.recoveries(period, Case.objects.all())
        _assert_agree(scheme, sheet, result)
        transaction.set_rollback(True)


def _assert_agree(scheme, sheet, result) -> None:
    full = scheme.full_marks
    losses = {row.unit_id: row for row in lost.sheet_losses(sheet, full)}
    for row in sheet:
        loss = losses.get(row.unit_id)
        if loss is None:  # lost nothing, or gained more in bonus than it lost
            assert row.total >= full
            continue
        assert loss.lost + row.total == full
        assert sum(loss.parts.values()) + loss.adjusted == loss.lost
        for component in row.components:
            assert Decimal(0) <= loss.parts[component.kind] <= component.weight
        if not row.adjustments:
            assert loss.adjusted == 0, "without adjustments the components' losses are the whole loss"
    parts = {row.unit_id: {c.kind: c.weight - c.points for c in row.components} for row in sheet}
    for unit in result.units:
        lost_now = parts[unit.unit_id]
        # The what-if's "lost now" is the lost-points page's figure.
        assert unit.lost_rectification == lost_now[ComponentKind.RECTIFICATION]
        assert unit.lost_field == lost_now[ComponentKind.FIELD]
        assert Decimal(0) <= unit.rectification <= unit.lost_rectification
        assert Decimal(0) <= unit.field <= unit.lost_field
        assert unit.total <= sum(lost_now.values())
    for recovery in result.cases:
        assert recovery.rectification >= 0 and recovery.field >= 0
        assert recovery.total <= sum((u.total for u in result.units), Decimal(0))
