"""In Chromium (zh-CN): the closed loop with a rework, step by step, as the office and the town see it."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from cases import actions
from conftest import PASSWORD
from core.tests.browser import pick

pytestmark = pytest.mark.browser
# Each step uploads and re-encodes photos; on a busy CI machine that can take longer than the 5 s default.
expect.set_options(timeout=15_000)


def sign_in(page: Page, base: str, username: str) -> None:
    # Leave the page first: a response still in flight would set the old session cookie again (every response
    # renews it), and /login/ would then send the old user home instead of showing the form.
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def open_from_queue(page: Page, base: str, queue: str, case) -> None:
    """The case is in the person's queue; then open its page."""
    page.goto(f"{base}/cases/?queue={queue}")
    expect(
        page.get_by_test_id("case-table").get_by_role("link", name=case.number, exact=True)
    ).to_be_visible()
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.get_by_test_id("steps")).to_be_visible()


def take_step(page: Page, label: str, note: str | None = None, photo=None) -> None:
    steps = page.get_by_test_id("steps")
    header = steps.locator(".accordion-button", has_text=label).first
    panel = steps.locator(header.get_attribute("data-bs-target") or "")
    if not panel.is_visible():
        header.click()  # opens the step's panel
    expect(panel).to_be_visible()
    if note is not None:
        panel.locator("textarea").fill(note)
    if photo is not None:
        panel.locator("input[type=file]").set_input_files(str(photo))
    panel.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("已完成")


def test_dispatch_rectify_rework_report_again_and_close(live_server, county, new_case, page: Page, tmp_path):
    photo = tmp_path / "after.jpg"
    Image.new("RGB", (640, 480), "green").save(photo, "JPEG")
    case = actions.accept_case(county.inspector, new_case(description="新华路口暴露垃圾"))
    url = f"{live_server.url}/cases/{case.pk}/"

    sign_in(page, live_server.url, "admin")
    page.goto(url)
    pick(page.get_by_test_id("steps"), "责任单位", "城关街道")
    take_step(page, "派遣")
    expect(page.get_by_test_id("case-unit")).to_have_text("城关街道")

    sign_in(page, live_server.url, "handler_a")
    open_from_queue(page, live_server.url, "", case)
    take_step(page, "反馈整改结果", "已清理完毕", photo)
    expect(page.get_by_test_id("case-state")).to_have_text("待核查")

    sign_in(page, live_server.url, "inspector")
    open_from_queue(page, live_server.url, "to_verify", case)
    take_step(page, "核查不通过，返工", "路沿仍有残留垃圾")
    expect(page.get_by_test_id("case-state")).to_have_text("整改中")

    sign_in(page, live_server.url, "handler_a")
    open_from_queue(page, live_server.url, "rework", case)
    take_step(page, "反馈整改结果", "残留垃圾已清除", photo)

    sign_in(page, live_server.url, "inspector")
    page.goto(url)
    take_step(page, "核查通过并结案", "现场核查通过")
    expect(page.get_by_test_id("case-state")).to_have_text("已结案")
    timeline = page.get_by_test_id("timeline")
    for text in ["派遣", "整改反馈", "核查不通过，返工", "核查通过，结案", "路沿仍有残留垃圾"]:
        expect(timeline).to_contain_text(text)
    expect(timeline.locator("li[data-action=report_back]")).to_have_count(2)
    expect(timeline.locator("li[data-action=report_back] img")).to_have_count(2)
    page.screenshot(path=tmp_path / "case.png", full_page=True)

    page.goto(f"{live_server.url}/cases/metrics/")
    row = page.locator("tr[data-unit=城关街道]")
    expect(row.locator("[data-metric=rework]")).to_have_text("100.0%")


def test_a_unit_handler_on_a_phone_sees_what_to_rectify(live_server, county, new_case, page: Page):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    actions.dispatch_case(county.inspector, new_case(), unit=county.town_b)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "handler_a")
    page.goto(f"{live_server.url}/cases/")
    cards = page.get_by_test_id("case-cards")
    expect(cards.locator("a")).to_have_count(1)
    expect(cards).to_contain_text(case.number)
    expect(cards).to_contain_text("暴露垃圾")
