"""Issue 19.6: pick lists that fit a county. The vendored Tom Select turns the unit tree and the categories into
searchable lists, by mouse or keyboard, under the Content-Security-Policy; the categories are grouped and named
with their standard; dispatch offers neither the office nor the command post; a multiple unit pick has "all towns"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cases.actions import accept_case
from cases.conftest import categories, new_case, rubbish  # noqa: F401
from cases.tests.test_browser import sign_in
from core.tests.browser import pick
from framework.tests.conftest import criterion, edition  # noqa: F401


@pytest.mark.browser
def test_the_category_and_unit_pickers_search_by_keyboard_under_the_policy(
    live_server,
    county,
    new_case,  # noqa: F811
    rubbish,  # noqa: F811
    page: Page,
):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, live_server.url, county.office_admin.username)
    page.goto(f"{live_server.url}/cases/new/")
    # The visible label names the picker's search box (not only the hidden select).
    category = page.locator(".ts-wrapper").get_by_role("combobox", name="问题类别")
    category.click()
    category.press_sequentially("暴露")
    found = page.locator(".ts-dropdown").get_by_role("option")
    expect(found.filter(has_text="CJ/T 214 · 事件 · 0102 暴露垃圾")).to_be_visible()
    # Another standard's 暴露垃圾 is listed too, told apart by its standard; the words narrow it to one.
    category.fill("214 暴露")
    expect(found).to_have_count(1)
    category.press("Enter")
    expect(page.locator("select[name=category]")).to_have_value(str(rubbish.pk))

    case = accept_case(county.inspector, new_case(description="派遣"))
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    options = page.locator("select[name=unit] option").all_inner_texts()
    assert "城关街道" in [o.strip() for o in options]
    assert not {"创建办", "指挥部"} & {o.strip() for o in options}
    pick(page, "责任单位", "柳河镇")
    expect(page.locator("select[name=unit]")).to_have_value(str(county.town_b.pk))
    assert violations == []


@pytest.mark.browser
def test_a_multiple_unit_pick_adds_every_town_at_once(live_server, county, criterion, page: Page):  # noqa: F811
    sign_in(page, live_server.url, county.office_admin.username)
    page.goto(f"{live_server.url}{reverse('framework:task_assign')}?criterion={criterion.pk}")
    page.get_by_role("button", name="全部镇街").click()
    chosen = page.locator("select[name=responsible_units] option:checked").all_inner_texts()
    assert sorted(o.strip() for o in chosen) == sorted([county.town_a.name, county.town_b.name])


def test_categories_are_grouped_and_named_with_their_standard(county, login, rubbish):  # noqa: F811
    zh = {"Accept-Language": "zh-hans"}
    page = login(county.office_admin).get(reverse("cases:create"), headers=zh).content.decode()
    select = re.search(r'<select name="category".*?</select>', page, re.S)
    assert select is not None and 'data-picker="search"' in select.group()
    assert re.search(
        r'<optgroup label="CJ/T 214 · 事件 · 01 市容环境">.*?CJ/T 214 · 事件 · 0102 暴露垃圾</option>',
        select.group(),
        re.S,
    )
