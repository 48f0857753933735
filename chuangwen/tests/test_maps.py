"""Every map of every app is set up by static/js/map.js and opens on the county, whichever page it is on."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from addresses.actions import save_road
from addresses.models import RoadKind
from addresses.tests.fixtures import build_registry
from framework.models import SiteType
from inspections.models import Site
from org.tests.test_maps import page_config, sign_in


def test_every_map_is_set_up_by_the_map_module():
    """No page script makes its own map, tile layer or HTML tooltip, or knows where the county lies."""
    scripts = [
        path
        for path in (settings.BASE_DIR / "static" / "js").glob("*.js")
        if path.name not in {"map.js", "mapcrs.js"}
    ]
    assert len(scripts) >= 6
    for path in scripts:
        text = path.read_text()
        for setup in ("L.map(", "L.tileLayer(", "bindTooltip(", "bindPopup(", "setView(["):
            assert setup not in text, f"{path.name} calls {setup}"
        assert not re.search(r"\b3\d\.\d+\s*,\s*1[01]\d\b", text), f"{path.name} has a place in it"


def test_the_public_pages_open_on_the_county_too(county, client):
    for name in ("portal:report", "portal:public_list"):
        config = page_config(client.get(reverse(name)).content.decode())
        assert config["bounds"][0] == [35.5, 117.0]


@pytest.mark.browser
def test_every_map_page_draws_its_map(live_server, county, page: Page):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server.url, "admin")
    for path in [
        "/cases/map/",
        "/inspections/sites/map/",
        "/org/grids/",
        f"/org/grids/{county.grid_a.pk}/",
        "/screen/",
        "/reports/",
        "/report/",
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator(".leaflet-container .leaflet-zoom-animated").first).to_be_attached()
    assert errors == []


@pytest.mark.browser
def test_the_report_map_opens_on_the_county(live_server, county, page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/report/")
    outline = page.locator("#report-map path").first
    expect(outline).to_be_visible()
    frame, drawn = page.locator("#report-map").bounding_box(), outline.bounding_box()
    assert frame is not None and drawn is not None
    assert frame["x"] <= drawn["x"] and drawn["x"] + drawn["width"] <= frame["x"] + frame["width"]
    assert frame["y"] <= drawn["y"] and drawn["y"] + drawn["height"] <= frame["y"] + frame["height"]
    assert drawn["width"] > 0.8 * frame["width"] or drawn["height"] > 0.8 * frame["height"]


PAYLOAD = '<img src=x onerror="window.__xss=1">'


@pytest.mark.browser
def test_names_on_maps_are_text_never_html(live_server, county, page: Page):
    """Issue 20 item 7: a site, road or place named with markup (Excel imports carry anything) is shown as text in
    tooltips, popups, base-map labels and search results, and no script runs."""
    build_registry(county)
    save_road(
        county.office_admin,
        None,
        name=PAYLOAD,
        kind=RoadKind.MAIN,
        lon=117.01,
        lat=35.5056,
        geometry={"type": "LineString", "coordinates": [[117.003, 35.5056], [117.007, 35.5056]]},
    )
    site = Site.objects.create(
        name=PAYLOAD,
        site_type=SiteType.objects.order_by("pk")[0],
        address=PAYLOAD,
        lon=117.005,
        lat=35.505,
        grid=county.grid_a,
        town=county.town_a,
        keeper=county.community_a,
    )
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/inspections/sites/{site.pk}/")
    page.locator("#site-place-map .leaflet-interactive").first.hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text(PAYLOAD)
    expect(page.locator("#site-place-map", has_text=PAYLOAD).first).to_be_visible()
    road_label = page.locator(".cw-map-text-road", has_text=PAYLOAD)
    expect(road_label).to_be_visible()
    search = page.locator("#site-place-map .cw-map-search input")
    assert search.count() == 0  # the site's map has no search; the registry page's has
    page.goto(f"{live_server.url}/addresses/")
    box = page.locator("#registry-map .cw-map-search input")
    box.fill("img")
    expect(page.get_by_role("option", name=PAYLOAD)).to_be_visible()
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("() => window.__xss") is None
