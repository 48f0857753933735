from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cases.models import Case, Source, State
from conftest import PASSWORD
from core.models import Period
from org.models import UnitKind
from scoring import actions
from scoring.models import Adjustment


@pytest.fixture
def scores(county):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 4)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    actions.add_adjustment(
        county.office_admin,
        scheme,
        unit=county.town_b,
        kind=Adjustment.Kind.BONUS,
        points=Decimal("2"),
        reason="荣誉",
    )
    actions.publish(county.office_admin, scheme)
    return scheme


def test_the_dashboard_data_has_rankings_and_the_map(county, scores, login):
    data = login(county.leader).get(reverse("dashboard:dashboard_data")).json()
    panels = {panel["key"]: panel for panel in data["panels"]}
    assert panels["score_ranking"]["labels"] == ["柳河镇", "城关街道"]
    assert panels["score_ranking"]["values"] == [2.0, 0.0]
    assert len(panels["grid_map"]["features"]) == 2


def test_units_do_not_get_the_dashboard(county, login):
    client = login(county.handler_a)
    assert client.get(reverse("dashboard:dashboard")).status_code == 403
    assert client.get(reverse("dashboard:dashboard_data")).status_code == 403


def test_rankings_show_gaps_and_lists(county, scores, login):
    page = login(county.handler_a).get(reverse("scoring:rankings"))
    rows = page.context["ranking"]["rows"]
    assert [(r["unit_name"], r["gap_to_leader"]) for r in rows] == [
        ("柳河镇", Decimal("0")),
        ("城关街道", Decimal("2.00")),
    ]


@pytest.mark.browser
def test_the_dashboard_draws_its_charts(live_server, county, scores, page: Page):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/dashboard/")
    chart = page.get_by_test_id("chart").first
    expect(chart.locator("canvas")).to_have_count(1)
    page.wait_for_timeout(500)
    # A drawn chart has coloured pixels: count the non-blank ones in the canvas.
    painted = chart.locator("canvas").evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"
    )
    assert painted > 500
    expect(page.get_by_test_id("map").locator(".leaflet-overlay-pane canvas")).to_have_count(1)


def test_overdue_cases_count_for_the_town_of_their_community(county, login):
    from datetime import timedelta

    from django.utils import timezone

    Case.objects.create(
        number="2026-000901",
        source=Source.PATROL,
        description="x",
        unit=county.community_a,
        state=State.DISPATCHED,
        deadline=timezone.now() - timedelta(hours=2),
        lon=117.005,
        lat=35.505,
        category_name="暴露垃圾",
    )
    panels = {
        p["key"]: p for p in login(county.leader).get(reverse("dashboard:dashboard_data")).json()["panels"]
    }
    assert panels["overdue_per_town"]["labels"] == ["城关街道"] and panels["overdue_per_town"]["values"] == [
        1
    ]
    assert panels["open_cases_by_category"]["labels"] == ["暴露垃圾"]
    assert panels["grid_map"]["points"][0]["color"] == "#b71c1c"
