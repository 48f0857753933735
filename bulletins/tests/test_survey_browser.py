"""In Chromium (zh-CN): the office opens a survey run, has the draft report made and downloads it, issues it with
a number and finds it in the register; the run's page on a phone and on a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from surveys.actions import submit_response
from surveys.models import Channel
from surveys.tests.conftest import questionnaire, run, submission  # noqa: F401

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/doc")


def test_the_office_issues_a_survey_report_from_the_runs_page(
    live_server,
    county,
    run,  # noqa: F811
    questionnaire,  # noqa: F811
    page: Page,
):
    submit_response(
        run, questionnaire, submission(questionnaire, county.community_a), Channel.HOUSEHOLD, county.surveyor
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/surveys/runs/{run.pk}/")
    # Made in the background: the job's page offers the file.
    page.get_by_role("button", name="调查报告 Word").click()
    with page.expect_download() as draft:
        page.get_by_role("link", name="下载").click()
    assert draft.value.suggested_filename == "示范县第四季度测评问卷调查情况报告（草稿）.docx"
    page.goto(f"{live_server.url}/surveys/runs/{run.pk}/")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=SHOTS / "survey-run-1920.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SHOTS / "survey-run-390.png", full_page=True)
    page.get_by_test_id("issue").click()
    number = f"示创办调〔{timezone.localdate().year}〕1号"
    expect(page.get_by_role("alert").first).to_contain_text(number)
    expect(page.get_by_role("main")).to_contain_text("示范县第四季度测评问卷调查情况报告")
    page.screenshot(path=SHOTS / "register-390.png", full_page=True)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=SHOTS / "register-1920.png")
