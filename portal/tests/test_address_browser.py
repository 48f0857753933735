"""Acceptance (issue 16), in Chromium at a phone's size in Chinese: a citizen types "人民" in the report form's
address search, picks 人民路18号, sees the map centred on the street drawn from the registry, submits, and the
case's address reads as picked; a point picked by tapping fills the address by reverse lookup."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from addresses.tests.fixtures import build_registry
from cases.models import Case

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 390, "height": 844}
SHOTS = os.environ.get("CW_SHOTS")  # a folder to keep the screenshots in (the report's, /tmp/shots/i16)


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png")


def centre(page: Page) -> dict:
    return page.evaluate(
        "() => { const c = document.getElementById('report-map').cwMap.getCenter(); return {lat: c.lat, lon: c.lng}; }"
    )


def test_search_pick_submit_and_the_case_reads_as_picked(live_server, county, service, page: Page):
    registry = build_registry(county)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/report/")
    page.get_by_label("问题类型").select_option(label="暴露垃圾")
    search = page.get_by_placeholder("搜索街道、门牌或地点，如 人民路 18")
    search.fill("人民")
    option = page.get_by_role("option", name="人民路18号")
    expect(option).to_be_visible()
    option.click()
    expect(page.locator("#id_address")).to_have_value("人民路18号")
    expect(page.get_by_test_id("location-status")).to_contain_text("已标记位置")
    at = centre(page)
    assert at["lon"] == pytest.approx(registry.plate_18.lon, abs=0.0005)
    assert at["lat"] == pytest.approx(registry.plate_18.lat, abs=0.0005)
    # The street is drawn: its name is written on the county's own base map.
    expect(page.locator(".cw-map-text-road", has_text="人民路")).to_be_visible()
    page.locator("#report-map").scroll_into_view_if_needed()
    shot(page, "acceptance-report-map")
    page.get_by_label("问题描述").fill("人民路18号门前垃圾成堆")
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_test_id("tracking-code")).to_be_visible()
    case = Case.objects.get()
    assert case.address == "人民路18号"
    assert (case.lon, case.lat) == pytest.approx((registry.plate_18.lon, registry.plate_18.lat), abs=1e-6)
    assert case.grid == county.grid_a
    expect(page.get_by_test_id("track-map").locator(".leaflet-interactive").first).to_be_attached()
    shot(page, "acceptance-tracking")


def test_a_tapped_point_fills_the_address_by_reverse_lookup(live_server, county, service, page: Page):
    registry = build_registry(county)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/report/")
    page.evaluate(
        "([lat, lon]) => document.getElementById('report-map').cwMap.setView([lat, lon], 17, {animate: false})",
        [registry.plate_26.lat, registry.plate_26.lon],
    )
    point = page.evaluate(
        """([lat, lon]) => { const map = document.getElementById('report-map').cwMap;
             const p = map.latLngToContainerPoint([lat, lon]); return {x: p.x, y: p.y}; }""",
        [registry.plate_26.lat - 0.0002, registry.plate_26.lon + 0.0001],
    )
    page.locator("#report-map").click(position=point)
    expect(page.locator("#id_address")).to_have_value("人民路26号附近，柳河镇 王庄第1网格")
