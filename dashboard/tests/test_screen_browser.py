"""In Chromium (zh-CN): the 大屏 fits 16:9 displays without scrolling, draws every chosen panel, and shows a new
case without a reload."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from core.models import Period
from dashboard import actions as screen_actions
from dashboard.access import sign_link
from dashboard.models import Screen
from dashboard.tests.test_dashboard import overdue_case
from org.models import UnitKind
from scoring import actions as scoring_actions
from surveys.models import Answer, Channel, Question, Questionnaire, Response, SurveyRun
from surveys.tally import rebuild_answer_tally

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/i18")
SIZES = [(1920, 1080), (1366, 768), (3840, 2160)]
CHARTS = ["ranking", "overdue", "categories", "surveys", "trend"]


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


@pytest.fixture
def facts(county):
    for number, (year, quarter) in enumerate([(2026, 2), (2026, 3), (2026, 4)]):
        period = scoring_actions.create_period(county.office_admin, Period.Kind.QUARTER, year, quarter)
        scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
        scheme.target_total = Decimal("1")
        scheme.save()
        scoring_actions.add_adjustment(
            county.office_admin,
            scheme,
            unit=county.town_b,
            kind="bonus",
            points=Decimal(number + 1),
            reason="荣誉",
        )
        scoring_actions.publish(county.office_admin, scheme)
    overdue_case(county)
    answer_surveys(county)


def answer_surveys(county) -> None:
    """Two towns' answers this quarter to one question with an 80% target: 柳河镇 above it, 城关街道 below."""
    questionnaire = Questionnaire.objects.create(name="满意度测评")
    question = Question.objects.create(
        questionnaire=questionnaire,
        order=1,
        text="满意吗",
        options=["是", "否"],
        favourable_options=["A"],
        target_rate=Decimal("0.800"),
    )
    today = timezone.localdate()
    run = SurveyRun.objects.create(name="测评", starts_on=today, ends_on=today)
    for town, community, favourable in [
        (county.town_a, county.community_a, 6),
        (county.town_b, county.community_b, 9),
    ]:
        for index in range(10):
            response = Response.objects.create(
                run=run,
                questionnaire=questionnaire,
                client_id=uuid.uuid4(),
                channel=Channel.HOUSEHOLD,
                unit=community,
                town=town,
                submitted_at=timezone.now(),
            )
            Answer.objects.create(
                response=response, question=question, choices=["A"], favourable=index < favourable
            )
    rebuild_answer_tally()  # written round submit_response, which keeps the period facts


def painted(page: Page, key: str) -> int:
    """Coloured pixels in a panel's chart canvas (a drawn chart has many)."""
    return page.locator(f"[data-testid=panel-{key}] canvas").first.evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"
    )


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_screen_fits_without_scrolling_and_draws_every_panel(
    live_server, facts, page: Page, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/screen/")
    expect(page.locator("nav.navbar")).to_have_count(0)
    expect(page.get_by_test_id("as-of")).to_contain_text("数据截至")
    # Four slots with two rows of charts; the fifth chart rotates in.
    for key in ["figures", "map", "ticker", *CHARTS[:4]]:
        panel = page.get_by_test_id(f"panel-{key}")
        expect(panel).to_be_visible()
        box = panel.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["width"] <= width + 0.5 and box["y"] + box["height"] <= height + 0.5, key
    for key in CHARTS[:4]:
        expect(page.locator(f"[data-testid=panel-{key}] canvas")).to_have_count(1)
    page.wait_for_timeout(800)
    for key in CHARTS[:4]:
        assert painted(page, key) > 500, key
    expect(
        page.locator("#screen-map svg path.leaflet-interactive, #screen-map svg path").first
    ).to_be_attached()
    expect(page.locator("[data-figure=overdue] .value")).to_have_text("1")
    scroll = page.evaluate(
        "() => [document.documentElement.scrollWidth, innerWidth, document.documentElement.scrollHeight, innerHeight,"
        " document.body.scrollWidth, document.body.scrollHeight]"
    )
    assert scroll[0] <= scroll[1] and scroll[2] <= scroll[3], scroll
    assert scroll[4] <= scroll[1] and scroll[5] <= scroll[3], scroll
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"screen-{width}x{height}.png"))


def test_the_charts_rotate_and_a_new_case_appears_without_a_reload(live_server, county, facts, page: Page):

    screen = screen_actions.save_screen(
        county.office_admin,
        Screen(),
        name="指挥部",
        town=None,
        rotation_seconds=5,
        panels=["figures", "map", *CHARTS, "ticker"],
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/screen/{screen.pk}/")
    expect(page.get_by_test_id("panel-ranking")).to_be_visible()
    expect(page.get_by_test_id("panel-trend")).to_be_visible(timeout=8000)  # rotated into the first slot
    assert painted(page, "trend") > 500
    page.evaluate("() => { window.__marker = 1; }")
    overdue_case(county, number="2026-000999")
    cache.clear()
    expect(page.get_by_test_id("panel-ticker")).to_contain_text("2026-000999", timeout=30_000)
    expect(page.locator("[data-figure=overdue] .value")).to_have_text("2")
    assert page.evaluate("() => window.__marker") == 1  # the same page: no reload


def test_a_network_blip_keeps_the_data_and_says_so(live_server, facts, page: Page):
    page.set_viewport_size({"width": 1920, "height": 1080})
    sign_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/screen/")
    expect(page.locator("[data-figure=overdue] .value")).to_have_text("1")
    page.route("**/screen/panel/**", lambda route: route.abort())
    expect(page.locator("#stale")).to_be_visible(timeout=30_000)
    expect(page.locator("[data-figure=overdue] .value")).to_have_text("1")
    page.unroute("**/screen/panel/**")
    expect(page.locator("#stale")).to_be_hidden(timeout=30_000)


def test_a_revoked_display_link_stops_showing_on_the_tv(live_server, county, facts, page: Page):

    screen = screen_actions.save_screen(
        county.office_admin,
        Screen(),
        name="大厅",
        town=None,
        rotation_seconds=20,
        panels=["figures", "ranking"],
    )
    link = screen_actions.make_link(county.office_admin, screen, "一楼大厅")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/screen/tv/{sign_link(link)}/")
    expect(page.locator("[data-figure=overdue] .value")).to_have_text("1")
    expect(page.get_by_test_id("panel-ranking").locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("panel-map")).to_have_count(0)  # not on this screen
    screen_actions.revoke_link(county.office_admin, link)
    expect(page.get_by_test_id("screen")).to_have_count(0, timeout=30_000)  # the next poll puts up the 404
