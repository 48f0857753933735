"""Phone (390×844, zh-CN): a surveyor fills a response, loses the network, comes back, submits; it counts once."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from surveys.models import Response

pytestmark = pytest.mark.browser


def test_a_response_survives_a_dropped_network_and_counts_once(
    live_server, county, run, questionnaire, page: Page
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("surveyor")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/surveys/runs/{run.pk}/fill/{questionnaire.pk}/")

    page.get_by_label("调查方式").select_option(label="街头拦访")
    page.get_by_label("调查社区").select_option(label="新华社区")
    expect(page.get_by_test_id("unit-quota")).to_have_text("新华社区配额：已完成 0 / 3 份有效问卷")
    page.get_by_label("年龄").fill("45")
    page.context.set_offline(True)
    page.get_by_label("在本县居住月数").fill("120")
    page.get_by_label("A. 支持").check()
    # The phone loses the page too: reloading while offline is not possible, so reload once back online.
    page.context.set_offline(False)
    page.reload()
    expect(page.get_by_label("年龄")).to_have_value("45")
    expect(page.get_by_label("A. 支持")).to_be_checked()

    page.context.set_offline(True)
    page.locator("fieldset", has_text="打几分").get_by_label("4", exact=True).check()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("survey-status")).to_contain_text("没有网络")
    assert Response.objects.count() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_test_id("survey-status")).to_contain_text("谢谢")
    assert Response.objects.count() == 1
    response = Response.objects.get()
    assert response.age == 45 and response.residence_months == 120
    assert [a.favourable for a in response.answers.exclude(favourable=None)] == [True, True]
    # The next respondent: same way of asking, same community; the counts moved (issue 19.7).
    expect(page.get_by_label("调查社区")).to_have_value(str(county.community_a.pk))
    expect(page.get_by_label("调查方式")).to_have_value(response.channel)
    expect(page.get_by_label("年龄")).to_have_value("")
    expect(page.get_by_test_id("unit-quota")).to_have_text("新华社区配额：已完成 1 / 3 份有效问卷")
    expect(page.get_by_test_id("surveyor-progress")).to_contain_text("您今天已录入 1")

    # A second flush of the same queue (a retry after a lost reply) must not count twice.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    assert Response.objects.count() == 1
