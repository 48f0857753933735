"""In Chromium (zh-CN), the acceptance path of issue #9: the office issues a request; a town uploads a PDF and a
photo; the office returns it; the town resubmits; the office accepts and scores it; the matrix shows the new state.
On the way: a misnamed file is refused with a clear message and nothing uploaded is lost."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from materials.models import MaterialRequest, RequestState
from materials.tests.conftest import PDF, jpeg, xlsx

pytestmark = pytest.mark.browser


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("whoami")).to_be_visible()


def test_a_request_goes_from_the_office_to_a_town_and_back_until_accepted(
    live_server, county, period, ads, breakdown, deadline, page: Page, tmp_path
):
    base = live_server.url
    files = {"方案.pdf": PDF, "现场1.jpg": jpeg("red"), "现场2.jpg": jpeg("blue"), "统计表.pdf": xlsx()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)

    # The office issues the request from the menu.
    _sign_in(page, base, "admin")
    page.get_by_role("button", name="测评体系").first.click()
    page.locator(".dropdown-menu").get_by_role("link", name="网上申报").click()
    page.get_by_test_id("issue-link").click()
    page.get_by_label("1 公益广告占比不低于 20%。").check()
    page.get_by_label("完成时限").fill(deadline.isoformat())
    page.get_by_test_id("issue").click()
    expect(page.get_by_role("alert").first).to_contain_text("已向 3 个单位发起 3 项申报")
    request = MaterialRequest.objects.get(criterion=ads, unit=county.town_a)
    expect(page.get_by_test_id(f"cell-{request.pk}")).to_have_attribute("data-state", "requested")
    page.screenshot(path=tmp_path / "matrix-issued.png", full_page=True)

    # The town sees it under 我的任务 with what is needed, and uploads on a phone.
    _sign_in(page, base, "handler_a")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/framework/tasks/mine/")
    due = page.get_by_test_id("material-due")
    expect(due).to_contain_text("公益广告占比不低于 20%")
    expect(due).to_contain_text("图片不超过 12 张")
    due.click()
    expect(page.get_by_test_id("needs")).to_contain_text("上报公益广告刊播统计和照片。")
    page.get_by_label("上传规范文件").set_input_files([tmp_path / "方案.pdf", tmp_path / "统计表.pdf"])
    page.get_by_test_id("upload-button-regulation").click()
    expect(page.get_by_role("alert").filter(has_text="统计表.pdf")).to_contain_text("文件名与内容不符")
    expect(page.get_by_role("alert").filter(has_text="已上传 1 个文件")).to_contain_text("方案.pdf")
    page.get_by_label("上传实景图片").set_input_files(tmp_path / "现场1.jpg")
    page.get_by_test_id("upload-button-photo").click()
    expect(page.get_by_test_id("photo-count")).to_have_text("1 / 12")
    expect(page.get_by_test_id("section-regulation").get_by_test_id("file")).to_have_count(1)
    page.screenshot(path=tmp_path / "unit-draft.png", full_page=True)
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("alert").first).to_contain_text("第 1 版已报送创建办审核")

    # The office returns it with a comment.
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, base, "admin")
    page.goto(f"{base}/materials/requests/{request.pk}/")
    page.get_by_label("需要单位修改什么？").fill("照片看不清公益广告内容，请补拍。")
    page.get_by_test_id("return").click()
    expect(page.get_by_test_id("state")).to_contain_text("已退回")

    # The town reads the comment, adds a photo and submits again.
    _sign_in(page, base, "handler_a")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/materials/mine/")
    page.get_by_test_id("my-material").click()
    expect(page.get_by_test_id("returned-note")).to_contain_text("照片看不清公益广告内容")
    page.get_by_label("上传实景图片").set_input_files(tmp_path / "现场2.jpg")
    page.get_by_test_id("upload-button-photo").click()
    expect(page.get_by_test_id("photo-count")).to_have_text("2 / 12")
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("alert").first).to_contain_text("第 2 版已报送创建办审核")
    expect(page.get_by_test_id("versions")).to_contain_text("第 1 版")

    # The office accepts and scores it; the matrix shows the new state.
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, base, "admin")
    page.goto(f"{base}/materials/requests/{request.pk}/")
    photos = page.get_by_test_id("section-photo").get_by_role("img")
    expect(photos).to_have_count(2)
    assert photos.first.evaluate("img => img.complete && img.naturalWidth > 0")
    page.get_by_label("得分（满分 10）").fill("9")
    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("score")).to_contain_text("9.00 / 10.00")
    page.screenshot(path=tmp_path / "accepted.png", full_page=True)
    page.goto(f"{base}/materials/matrix/?period={period.pk}&kind=all")
    expect(page.get_by_test_id(f"cell-{request.pk}")).to_have_attribute("data-state", "accepted")
    page.screenshot(path=tmp_path / "matrix-accepted.png", full_page=True)
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED and request.submissions.count() == 2
