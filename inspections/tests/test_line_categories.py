"""Each failed line opens its case in a category: the office's choice for the line, else a default from its text."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases.categories import CJT_214, load_categories
from cases.models import Case, Category
from framework.models import SiteType
from framework.queries import checklist_for
from inspections.actions import Answer, set_line_categories, submit_visit
from inspections.categories import default_code
from inspections.models import LineCategory

NOW = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)


@pytest.fixture
def categories(db):
    load_categories()


def event(code: str) -> Category:
    return Category.objects.get(standard_ref=CJT_214, kind="event", code=code)


def test_it_suggests_a_category_from_the_line_and_the_site_type(db):
    road, market, site = (SiteType.objects.get(code=c) for c in ("09", "17", "23"))
    assert default_code("无乱贴乱画、小广告", market) == "0201"
    assert default_code("无乱堆乱放", market) == "0507"
    assert default_code("非机动车停放有序", road) == "0506"
    assert default_code("地面干净", market) == "0102"  # dirt at a market: 暴露垃圾
    assert default_code("路面干净", road) == "0104"  # dirt on a road: 道路不洁
    assert (
        default_code("公益广告不少于 3 处", market) == "C101"
    )  # the campaign's own classes (standard "local")
    assert default_code("公示服务承诺", site) == "C103"
    assert default_code("200 米内无网吧", site) == "C105"
    assert default_code("消防通道畅通", site) == "0399"  # nothing known: the site type's fallback
    assert default_code("消防通道畅通", market) == "0199"


@time_machine.travel(NOW)
def test_failed_lines_open_cases_in_the_mapped_or_default_category(county, categories, open_round, market_a):
    visit = open_round().visits.get(site=market_a)
    items = list(checklist_for(visit.site.site_type, visit.round.edition))  # 地面干净, 摊位整齐, 无乱堆乱放
    set_line_categories(county.office_admin, {items[1]: event("0504")})
    answers = [Answer(item=item, verdict="fail") for item in items]
    submit_visit(county.inspector, visit, answers)
    by_line = {f.check_item_id: f.case.category.code for f in visit.findings.select_related("case__category")}
    assert by_line == {items[0].pk: "0102", items[1].pk: "0504", items[2].pk: "0507"}
    # The deadline is the category's: 暴露垃圾 is one working day.
    case = Case.objects.get(category__code="0102")
    assert case.deadline is not None and case.dispatched_at is not None
    assert case.deadline < case.dispatched_at + dt.timedelta(days=4)


def test_the_office_edits_the_mapping_on_its_screen(county, login, categories, edition, market_type):
    items = list(checklist_for(market_type, edition))
    client = login(county.office_admin)
    url = reverse("inspections:line_categories") + f"?type={market_type.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "地面干净" in page.text and "Default: 暴露垃圾" in page.text
    response = client.post(url, {f"cat-{items[0].pk}": event("0104").pk, f"cat-{items[1].pk}": ""})
    assert response.status_code == 302
    assert LineCategory.objects.get().category.code == "0104"
    client.post(url, {f"cat-{items[0].pk}": ""})  # back to the default
    assert not LineCategory.objects.exists()


def test_only_the_office_maps_lines(county, login, categories, edition, market_type):
    item = checklist_for(market_type, edition)[0]
    with pytest.raises(PermissionDenied):
        set_line_categories(county.inspector, {item: event("0104")})
    url = reverse("inspections:line_categories") + f"?type={market_type.pk}"
    assert login(county.handler_a).post(url, {f"cat-{item.pk}": event("0104").pk}).status_code == 403
    assert not LineCategory.objects.exists()
