"""The field component as one SQL aggregate: departments get the visits of the sites they (or their units) keep."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Period
from org.models import Unit, UnitKind
from scoring import actions
from scoring.engine import field_scores
from scoring.models import ComponentKind


def test_it_scores_departments_by_the_sites_they_and_their_units_keep(county, make_site, inspect):
    company = Unit.objects.create(name="城管物业", kind=UnitKind.ENTERPRISE, parent=county.department)
    kept = make_site("城管局市场", keeper=county.department)
    by_company = make_site("物业市场", keeper=company)
    other = make_site("社区市场")  # kept by a community: not the department's
    inspect(
        {kept: ["fail", "pass", "pass"], by_company: ["pass", "fail", "na"], other: ["fail"] * 3},
    )
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 2)
    scheme = period.schemes.get(unit_kind=UnitKind.DEPARTMENT)
    component = scheme.components.get(kind=ComponentKind.FIELD)
    component.weight = Decimal("30")
    with CaptureQueriesContext(connection) as queries:
        scores = field_scores(scheme, component, [county.department])
    # (2.5/3.5 + 1/1.5) / 2 = (5/7 + 2/3) / 2 = 29/42 → 30 × 29/42 = 20.714… → 20.71
    assert scores[county.department.pk].points == Decimal("20.71")
    assert scores[county.department.pk].facts["inspections"] == 2
    assert len(queries) == 2, "the unit tree and one GROUP BY, whatever the number of visits"


def test_it_scores_every_town_in_one_query(county, make_site, inspect):
    a = make_site("城关市场")
    b = make_site("柳河市场", at=(117.015, 35.505), keeper=county.community_b)
    inspect({a: ["pass", "pass", "fail"], b: ["na", "na", "pass"]})
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 2)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    component = scheme.components.get(kind=ComponentKind.FIELD)
    component.weight = Decimal("40")
    with CaptureQueriesContext(connection) as queries:
        scores = field_scores(scheme, component, [county.town_a, county.town_b])
    assert len(queries) == 1
    assert scores[county.town_a.pk].points == Decimal("17.14")  # 40 × 1.5/3.5
    assert scores[county.town_b.pk].points == Decimal("40.00")
