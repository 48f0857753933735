"""In Chromium at a phone's size (zh-CN): an inspector fills a site's checklist with one failed line and a photo,
reloads mid-way and loses the network before submitting; nothing is lost and the case reaches the keeper."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from cases.models import Case, Source
from conftest import PASSWORD
from framework.queries import checklist_for
from inspections.actions import create_round
from inspections.models import Round, RoundKind, Visit

pytestmark = pytest.mark.browser


def make_round(county, edition, market_type) -> Round:
    today = timezone.localdate()
    return create_round(
        county.office_admin,
        name="六月明查",
        kind=RoundKind.OPEN,
        edition=edition,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=1),
        site_types=[market_type],
        seed=3,
        inspectors=[county.inspector],
    )


def test_an_inspector_fails_a_line_with_a_photo_and_a_case_goes_to_the_keeper(
    live_server, county, edition, market_a, market_type, page: Page, tmp_path
):
    round_ = make_round(county, edition, market_type)
    visit = round_.visits.get()
    items = list(checklist_for(market_type, edition))
    picture = tmp_path / "problem.jpg"
    Image.new("RGB", (80, 60), "red").save(picture, "JPEG")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/inspections/mine/")
    page.get_by_test_id("my-visits").get_by_text("城关农贸市场").click()
    expect(page.get_by_test_id("checklist")).to_contain_text("地面干净")

    page.locator(f"label[for=v-{items[0].pk}-fail]").click()
    page.locator(f"textarea[name=note-{items[0].pk}]").fill("地面有积水和垃圾")
    page.locator(f"#p-{items[0].pk}").set_input_files(str(picture))
    expect(page.get_by_test_id("kept-photos-1")).to_contain_text("1")
    expect(page.get_by_test_id("offline-status")).to_contain_text("已保存在本机")

    # Reloading mid-way (a dropped page, a dead battery) loses nothing: answer, note and photo come back.
    page.reload()
    expect(page.get_by_test_id("offline-status")).to_contain_text("已恢复")
    expect(page.locator(f"#v-{items[0].pk}-fail")).to_be_checked()
    expect(page.locator(f"textarea[name=note-{items[0].pk}]")).to_have_value("地面有积水和垃圾")
    expect(page.get_by_test_id("kept-photos-1")).to_contain_text("1")

    # The network drops: the rest is answered and submitted offline; the form locks and waits.
    page.context.set_offline(True)
    page.locator(f"label[for=v-{items[1].pk}-pass]").click()
    page.locator(f"label[for=v-{items[2].pk}-na]").click()
    page.screenshot(path=tmp_path / "checklist.png", full_page=True)
    page.get_by_role("button", name="提交检查结果").click()
    expect(page.get_by_test_id("offline-status")).to_contain_text("没有网络")
    expect(page.locator(f"#v-{items[1].pk}-pass")).to_be_disabled()
    visit.refresh_from_db()
    assert not visit.is_submitted() and not Case.objects.exists()

    # Back online: the queued inspection goes by itself.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_test_id("submitted")).to_contain_text("已提交")
    expect(page.get_by_test_id("case-link")).to_be_visible()
    page.screenshot(path=tmp_path / "submitted.png", full_page=True)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SUBMITTED and (visit.lines_checked, visit.lines_passed) == (2, 1)
    case = Case.objects.get()
    assert case.source == Source.INSPECTION and case.unit == county.community_a
    assert "地面有积水和垃圾" in case.description and case.photos.count() == 1
    # The copy on the phone is gone once the server has the inspection.
    page.wait_for_function(
        """() => new Promise((ok) => { const r = indexedDB.open("chuangwen-inspections");
             r.onsuccess = () => { const g = r.result.transaction("drafts").objectStore("drafts").count();
                                   g.onsuccess = () => ok(g.result === 0); }; })"""
    )
