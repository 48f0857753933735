"""In Chromium (zh-CN): each hand-off reaches the unit at once. The office dispatches → the town's handler finds it
in the inbox and on the home page's "new" list; the office sends it back → the handler finds it as sent back; the
office chases it (催办) → the count shows on the case page and on the handler's queue and home page."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from cases import actions
from cases.tests.test_browser import sign_in, take_step
from core.tests.browser import pick

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)
SHOTS = Path("/tmp/shots/i15")


def inbox_shows(page: Page, base: str, *texts: str) -> None:
    page.goto(f"{base}/inbox/")
    entry = page.get_by_test_id("inbox").locator("li, a, .list-group-item").filter(has_text=texts[0]).first
    for text in texts:
        expect(entry).to_contain_text(text)


def test_dispatch_rework_and_chase_reach_the_handler_at_once(
    live_server, county, new_case, page: Page, tmp_path
):
    photo = tmp_path / "after.jpg"
    Image.new("RGB", (640, 480), "green").save(photo, "JPEG")
    case = actions.accept_case(county.inspector, new_case(description="新华路口暴露垃圾"))
    base, url = live_server.url, f"{live_server.url}/cases/{case.pk}/"

    sign_in(page, base, "admin")
    page.goto(url)
    pick(page.get_by_test_id("steps"), "责任单位", "城关街道")
    take_step(page, "派遣")

    sign_in(page, base, "handler_a")
    expect(page.get_by_test_id("inbox-link")).to_contain_text("1")  # unread, before any tick or digest
    page.goto(f"{base}/")
    expect(page.get_by_test_id("work-new")).to_contain_text(case.number)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "flow-handler-new.png"), full_page=True)
    inbox_shows(page, base, case.number, "新派案件")
    page.goto(url)
    take_step(page, "反馈整改结果", "已清理完毕", photo)

    sign_in(page, base, "admin")
    page.goto(url)
    take_step(page, "核查不通过，返工", "路沿仍有残留垃圾")

    sign_in(page, base, "handler_a")
    page.goto(f"{base}/")
    expect(page.get_by_test_id("work-rework")).to_contain_text(case.number)
    expect(page.get_by_test_id("work-rework")).to_contain_text("返工")
    inbox_shows(page, base, "核查不通过，返工", case.number, "路沿仍有残留垃圾")

    sign_in(page, base, "admin")
    page.goto(url)
    take_step(page, "催办", "今天下班前反馈")
    expect(page.get_by_test_id("urged")).to_contain_text("1")
    take_step(page, "催办", "再次催办")
    expect(page.get_by_test_id("urged")).to_contain_text("2")

    sign_in(page, base, "handler_a")
    page.goto(f"{base}/cases/?queue=rework")
    expect(page.locator('[data-urged="2"]').first).to_be_visible()
    page.goto(f"{base}/")
    expect(page.get_by_test_id("work-rework")).to_contain_text("催办 2")
    inbox_shows(page, base, "第2次", case.number)
    page.screenshot(path=str(SHOTS / "flow-handler-chased.png"), full_page=True)

    sign_in(page, base, "head_a")  # the unit head hears from the second 催办 on
    inbox_shows(page, base, "第2次", case.number)
