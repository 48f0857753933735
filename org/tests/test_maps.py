"""The maps open on the jurisdiction: its extent comes from the grids (cached, forgotten on a grid write) and
{% map_scripts %} writes it into the page for static/js/map.js. Labels on a map are text, never HTML."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import PASSWORD, square
from org.actions import save_grid
from org.models import Grid
from org.queries import jurisdiction_extent
from org.templatetags.maps import tile_layers

CONFIG = re.compile(r'<script id="cw-map" type="application/json">(.*?)</script>', re.S)


def page_config(html: str) -> dict:
    found = CONFIG.search(html)
    assert found, "the page has no map settings"
    return json.loads(found.group(1))


def test_the_extent_is_the_box_around_every_grid(county):
    assert jurisdiction_extent() == pytest.approx((117.0, 35.5, 117.02, 35.51))


def test_without_grids_there_is_no_extent(db):
    assert jurisdiction_extent() is None


def test_the_extent_is_kept_until_a_grid_is_saved(county, django_assert_num_queries):
    jurisdiction_extent()
    with django_assert_num_queries(0):
        assert jurisdiction_extent() == pytest.approx((117.0, 35.5, 117.02, 35.51))
    save_grid(
        county.office_admin,
        None,
        code="37099900100102",
        name="新华第2网格",
        unit=county.community_a,
        boundary=square(117.1, 35.6),
    )
    assert jurisdiction_extent() == pytest.approx((117.0, 35.5, 117.11, 35.61))


def test_a_map_page_carries_the_tiles_and_the_extent(county, login, settings):
    settings.MAP_TILES = "xyz"
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 示例"
    html = login(county.office_admin).get(reverse("org:grid_list")).content.decode()
    config = page_config(html)
    assert config["layers"] == [
        {"url": "https://tiles.example/{z}/{x}/{y}.png", "subdomains": "abc", "attribution": "© 示例"}
    ]
    assert config["basemap"] is None  # online tiles: the county's own base map is not drawn under them
    assert config["bounds"] == [[35.5, 117.0], [pytest.approx(35.51), pytest.approx(117.02)]]
    assert html.index('id="cw-map"') < html.index("js/map.js") < html.index("js/gridmap.js")


def test_offline_by_default_the_maps_draw_the_countys_own_base_map(county, login, settings):
    assert settings.MAP_TILES == "offline"
    config = page_config(login(county.office_admin).get(reverse("org:grid_list")).content.decode())
    assert config["layers"] == []
    assert config["basemap"] == reverse("addresses:basemap")
    assert config["search"] == reverse("addresses:search") and config["reverse"] == reverse(
        "addresses:reverse"
    )


@pytest.mark.parametrize(
    ("preset", "host", "crs"),
    [
        ("tianditu", "tianditu.gov.cn/vec_w", "wgs84"),
        ("tianditu-image", "tianditu.gov.cn/img_w", "wgs84"),
        ("amap", "autonavi.com", "gcj02"),
        ("tencent", "map.gtimg.com", "gcj02"),
    ],
)
def test_tile_presets(county, login, settings, preset, host, crs):
    settings.MAP_TILES, settings.MAP_TIANDITU_KEY = preset, "tk123"
    layers = tile_layers()
    assert host in layers[0]["url"] and layers[0]["attribution"]
    if preset.startswith("tianditu"):
        assert len(layers) == 2 and all(
            layer["url"].endswith("tk=tk123") for layer in layers
        )  # with annotation
    assert ("gcj02" if preset in {"amap", "tencent"} else "wgs84") == crs


@pytest.mark.browser
def test_the_grid_map_frames_the_county_and_shows_names_as_text(live_server, county, page: Page):
    name = '<img src=x onerror="window.injected=1">新华'
    Grid.objects.filter(pk=county.grid_a.pk).update(name=name)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/org/grids/")
    box = page.locator("#grid-map").bounding_box()
    assert box is not None
    # The two grids side by side fill the map's width; just left of the centre is grid A.
    page.mouse.move(box["x"] + box["width"] / 2 - 30, box["y"] + box["height"] / 2)
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text(f"{county.grid_a.code} {name}")
    expect(tooltip.locator("img")).to_have_count(0)
    assert page.evaluate("() => window.injected") is None


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
