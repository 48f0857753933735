"""In Chromium at a phone's size (zh-CN): a citizen reports with a photo and a map pick, gets a tracking code,
the office verifies and dispatches, and the citizen's status page shows the progress."""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.sync_api import Page, ViewportSize, expect

from cases.models import Case, Source, State
from cases.tests.test_browser import sign_in, take_step
from core.tests.browser import pick

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 390, "height": 844}
SHOTS = None  # set to a folder path to keep screenshots while working on the screens


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_report_verify_dispatch_and_follow(live_server, county, service, page: Page, tmp_path):
    picture = tmp_path / "rubbish.jpg"
    Image.new("RGB", (800, 600), "brown").save(picture, "JPEG")
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/report/")
    expect(page.locator("#report-map path").first).to_be_visible()  # the county's outline
    shot(page, "1-report")
    page.get_by_label("问题类型").select_option(label="暴露垃圾")
    page.get_by_label("照片").set_input_files(str(picture))
    page.locator("#report-map").click()  # the map is fitted to the county: its centre is inside
    expect(page.get_by_test_id("location-status")).to_contain_text("已标记位置")
    page.get_by_label("问题描述").fill("新华路口垃圾成堆")
    page.get_by_label("您的手机号（选填）").fill("13912345678")
    page.get_by_role("button", name="提交举报").click()

    code = page.get_by_test_id("tracking-code")
    expect(code).to_be_visible()
    tracking = code.inner_text().strip()
    expect(page.get_by_test_id("state")).to_have_text("创建办核实中")
    shot(page, "2-tracking")
    case = Case.objects.get()
    assert (case.source, case.state, case.photos.count()) == (Source.CITIZEN, State.REPORTED, 1)
    assert case.grid in {county.grid_a, county.grid_b}

    sign_in(page, live_server.url, "inspector")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    take_step(page, "立案")
    pick(page.get_by_test_id("steps"), "责任单位", "城关街道")
    take_step(page, "派遣")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/track/")
    page.get_by_label("查询码").fill(tracking.lower())
    page.get_by_role("button", name="查看进度").click()
    expect(page.get_by_test_id("state")).to_have_text("处理中")
    timeline = page.get_by_test_id("timeline")
    for text in ["立案", "派遣", "已交由城关街道整改"]:
        expect(timeline).to_contain_text(text)
    expect(page.locator("body")).not_to_contain_text("13912345678")
    shot(page, "3-progress")
