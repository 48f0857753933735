"""The scoring engine's field component against a hand-computed fixture."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from core.models import Period
from framework.queries import checklist_for
from inspections.actions import Answer, create_round, publish_round, submit_visit
from inspections.models import RoundKind
from org.models import UnitKind
from scoring import actions as scoring_actions
from scoring.engine import compute_sheet
from scoring.models import ComponentKind


def _round(county, edition, market_type, kind, name):
    return create_round(
        county.office_admin,
        name=name,
        kind=kind,
        edition=edition,
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 6, 30),
        site_types=[market_type],
        seed=1,
        inspectors=[county.inspector],
    )


def _inspect(county, round_, site, verdicts, when):
    visit = round_.visits.get(site=site)
    items = list(checklist_for(site.site_type, round_.edition))
    with time_machine.travel(when):
        submit_visit(
            county.inspector, visit, [Answer(item=i, verdict=v) for i, v in zip(items, verdicts, strict=True)]
        )


def test_the_field_component_matches_the_hand_computed_fixture(county, edition, market_type, make_site):
    a1, a2 = make_site("城关一市场"), make_site("城关二市场")
    b1 = make_site("柳河市场", at=(117.015, 35.505), keeper=county.community_b)
    period = scoring_actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 2)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    scoring_actions.update_component(
        county.office_admin, scheme.components.get(kind=ComponentKind.FIELD), Decimal("40"), {}
    )
    in_q2 = dt.datetime(2026, 6, 10, 2, tzinfo=dt.UTC)
    open_ = _round(county, edition, market_type, RoundKind.OPEN, "明查")
    # Lines are worth 1, 0.5 and 2 points.
    _inspect(county, open_, a1, ["pass", "pass", "pass"], in_q2)  # 3.5/3.5 = 1.0
    _inspect(county, open_, a2, ["fail", "pass", "na"], in_q2)  # 0.5/1.5 = 1/3
    _inspect(county, open_, b1, ["pass", "fail", "fail"], in_q2)  # 1/3.5 = 2/7
    secret = _round(county, edition, market_type, RoundKind.SECRET, "暗访")
    _inspect(county, secret, b1, ["pass", "pass", "pass"], in_q2)  # 1.0, but hidden until published

    sheet = {row.unit_name: row for row in compute_sheet(scheme)}
    # Town A: 40 × (1 + 1/3) / 2 = 26.666… → 26.67; town B: 40 × 2/7 = 11.428… → 11.43
    assert sheet["城关街道"].component(ComponentKind.FIELD).points == Decimal("26.67")
    assert sheet["柳河镇"].component(ComponentKind.FIELD).points == Decimal("11.43")
    assert sheet["城关街道"].component(ComponentKind.FIELD).facts["inspections"] == 2

    publish_round(county.office_admin, secret)
    sheet = {row.unit_name: row for row in compute_sheet(scheme)}
    # Town B: 40 × (2/7 + 1) / 2 = 25.714… → 25.71
    assert sheet["柳河镇"].component(ComponentKind.FIELD).points == Decimal("25.71")
