"""In Chromium at a phone's size (zh-CN): the inspector's home asks the phone where it is ("按距离排序",
static/js/behaviours.js) and lists today's visits nearest first, each with its distance; once the location is
allowed, the next visit to the home page sorts by itself."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from inspections.actions import create_round
from inspections.models import RoundKind
from inspections.tests.conftest import IN_GRID_B

pytestmark = pytest.mark.browser


def test_nearest_first_from_the_phones_location(
    live_server, county, edition, market_a, market_b, market_type, page: Page
):
    today = timezone.localdate()
    create_round(
        county.office_admin,
        name="本周明查",
        kind=RoundKind.OPEN,
        edition=edition,
        starts_on=today,
        ends_on=today + dt.timedelta(days=3),
        site_types=[market_type],
        seed=3,
        inspectors=[county.inspector],
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    visits = page.get_by_test_id("todays-visits")
    expect(visits.locator("li").first).to_contain_text(
        "城关农贸市场"
    )  # by town, before the phone says anything

    lon, lat = IN_GRID_B  # standing at 柳河农贸市场
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"longitude": lon, "latitude": lat})
    visits.get_by_role("button", name="按距离排序").click()
    expect(page).to_have_url(re.compile(r"lat=35\.50500"))
    expect(visits).to_contain_text("由近及远")
    expect(visits.locator("li").first).to_contain_text("柳河农贸市场")
    expect(visits.get_by_test_id("distance").nth(1)).to_contain_text("m")

    page.goto(f"{live_server.url}/")  # allowed once: the home page sorts by itself
    expect(page).to_have_url(re.compile(r"lon=117\.01500"))
    expect(visits.locator("li").first).to_contain_text("柳河农贸市场")
