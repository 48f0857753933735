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


@pytest.mark.parametrize("size", [(390, 844), (1920, 1080)])
def test_an_admin_issues_an_api_token_shown_once_in_chinese(live_server, county, page: Page, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/org/tokens/")
    expect(page.get_by_role("heading", name="API 令牌")).to_be_visible()
    page.get_by_label("代表").select_option(label="inspector")
    page.get_by_label("接入系统").fill("12345热线平台")
    page.get_by_label("登记案件").check()
    page.get_by_role("button", name="签发").click()
    expect(page.get_by_text("它只显示这一次")).to_be_visible()
    raw = page.get_by_test_id("raw-token").inner_text()
    assert raw.startswith("cw_")
    page.screenshot(path=f"/tmp/shots/i20/token-issued-{size[0]}.png", full_page=True)
    page.get_by_role("link", name="返回 API 令牌").click()
    expect(page.get_by_test_id("tokens")).to_contain_text("12345热线平台")
    expect(page.get_by_test_id("tokens")).not_to_contain_text(raw)
    page.screenshot(path=f"/tmp/shots/i20/tokens-{size[0]}.png", full_page=True)
