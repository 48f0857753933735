"""In Chromium (zh-CN): a leader opens the lost points of a period and follows a figure to its failed lines."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from core.models import Period
from inspections.models import Finding
from scoring import actions

pytestmark = pytest.mark.browser


def test_a_leader_follows_a_lost_figure_to_the_failed_lines(
    live_server, county, make_site, inspect, page: Page
):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 2)
    market = make_site("城关一市场")
    inspect({market: ["fail", "pass", "fail"]})
    case = Finding.objects.filter(verdict="fail").order_by("pk")[0].case
    assert case is not None
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/scores/lost/?period={period.pk}")
    expect(page.get_by_test_id("lost-summary")).to_contain_text("−3.00")
    page.get_by_test_id("lost-sites").get_by_role("link", name="−3.00").click()
    facts = page.get_by_test_id("lost-facts")
    expect(facts.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_text("城关一市场").first).to_be_visible()
    facts.get_by_role("link", name=case.number).click()
    expect(page).to_have_url(f"{live_server.url}/cases/{case.pk}/")
