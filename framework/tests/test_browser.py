"""In Chromium (zh-CN): the office assigns a criterion to a town, the town's handler reports with an attachment
under 我的任务, and the office confirms it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from core.tests.browser import pick
from framework.models import Progress, TaskUnit
from framework.tests.conftest import PDF

pytestmark = pytest.mark.browser


def _sign_in(page: Page, base: str, username: str) -> None:
    # Leave the page first: a response still in flight would set the old session cookie again (every response
    # renews it), and /login/ would then send the old user home instead of showing the form.
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("whoami")).to_be_visible()


def test_a_criterion_goes_from_the_office_to_a_town_and_back(
    live_server, county, edition, page: Page, tmp_path
):
    base = live_server.url
    criterion = edition.criteria.get(code="Ⅲ-1")

    # The office finds the criterion in the tree and assigns it to 城关街道.
    _sign_in(page, base, "admin")
    page.get_by_role("button", name="测评体系").first.click()
    page.locator(".dropdown-menu").get_by_role("link", name="测评体系").click()
    page.get_by_role("link", name="测试版").click()
    page.get_by_placeholder("搜索标准内容").fill("农贸市场")
    page.get_by_role("button", name="搜索").click()
    page.screenshot(path=tmp_path / "tree.png", full_page=True)
    page.get_by_role("link", name="农贸市场干净整洁").click()
    expect(page.get_by_test_id("criterion-text")).to_contain_text("农贸市场干净整洁")
    page.screenshot(path=tmp_path / "criterion.png", full_page=True)
    page.get_by_test_id("assign").click()
    pick(page, "牵头单位", "城关街道")
    page.get_by_label("完成时限").fill(str(date.today() + timedelta(days=30)))
    page.get_by_role("button", name="分解").click()
    expect(page.get_by_test_id("task-units")).to_contain_text("城关街道")

    # The town's handler sees it under 我的任务 and reports it done with a PDF.
    _sign_in(page, base, "handler_a")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/framework/tasks/mine/")
    expect(page.get_by_test_id("my-task")).to_contain_text("农贸市场干净整洁")
    page.screenshot(path=tmp_path / "my-tasks.png", full_page=True)
    page.get_by_test_id("my-task").click()
    page.get_by_label("工作进展").fill("已完成市场整治，附台账。")
    pdf = tmp_path / "台账.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("附件").set_input_files(pdf)
    page.get_by_label("任务已完成，提请创建办确认").check()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert")).to_contain_text("已报送")
    expect(page.get_by_test_id("history")).to_contain_text("台账.pdf")
    share = TaskUnit.objects.get(task__criterion=criterion, unit=county.town_a)
    expect(page.get_by_test_id(f"progress-{share.pk}")).to_have_text("已报完成")

    # The office confirms.
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, base, "admin")
    page.goto(f"{base}/framework/tasks/{share.task_id}/")
    page.get_by_test_id(f"confirm-{share.pk}").click()
    expect(page.get_by_test_id(f"progress-{share.pk}")).to_have_text("已确认")
    page.screenshot(path=tmp_path / "task.png", full_page=True)
    share.refresh_from_db()
    assert share.progress == Progress.CONFIRMED
