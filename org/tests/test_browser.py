"""In Chromium (zh-CN): a town's handler signs in, sees the Chinese UI and only their own subtree."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_unit_handler_sees_chinese_and_only_their_subtree(live_server, county, page: Page, tmp_path):
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill("handler_a")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("own-unit")).to_contain_text("城关街道")
    page.get_by_test_id("whoami").click()  # the account menu says who is signed in, as what
    expect(page.locator(".dropdown-menu.show")).to_contain_text("经办人")
    page.keyboard.press("Escape")

    page.get_by_role("button", name="组织机构").or_(page.get_by_role("link", name="组织机构")).first.click()
    page.locator(".dropdown-menu").get_by_role("link", name="单位", exact=True).click()
    table = page.get_by_test_id("unit-table")
    expect(table).to_contain_text("城关街道")
    expect(table).to_contain_text("新华社区")
    expect(table).not_to_contain_text("柳河镇")
    expect(table).not_to_contain_text("王庄村")
    page.screenshot(path=tmp_path / "units.png", full_page=True)

    response = page.goto(f"{live_server.url}/org/units/{county.town_b.pk}/")
    assert response is not None and response.status == 404


def test_a_wrong_password_shows_a_chinese_error(live_server, county, page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("handler_a")
    page.get_by_label("密码").fill("wrong-Password1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名")
