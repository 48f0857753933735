"""Maps over GCJ-02 tiles (MAP_TILE_CRS=gcj02): the browser shifts WGS-84 exactly as core/geo.py does."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from playwright.sync_api import Page

from core.geo import gcj02_to_wgs84, wgs84_to_gcj02

POINTS = [(117.1, 35.5), (121.4737, 31.2304), (87.6168, 43.8256), (2.35, 48.85)]  # the last is outside China


def test_an_unknown_tile_system_is_refused(settings):
    settings.MAP_TILE_CRS = "baidu"
    assert "chuangwen.E004" in {message.id for message in run_checks()}


@pytest.mark.browser
def test_the_browser_converts_like_the_server_and_clicks_come_back_in_wgs84(
    live_server, settings, page: Page
):
    settings.MAP_TILE_CRS = "gcj02"
    page.goto(f"{live_server.url}/report/")
    assert page.locator("html").get_attribute("data-map-crs") == "gcj02"
    for lon, lat in POINTS:
        gcj = page.evaluate("([lon, lat]) => cwGeo.toGcj(lon, lat)", [lon, lat])
        assert gcj == pytest.approx(wgs84_to_gcj02(lon, lat), abs=1e-9)
        wgs = page.evaluate("([lon, lat]) => cwGeo.toWgs(lon, lat)", [gcj[0], gcj[1]])
        assert wgs == pytest.approx(gcj02_to_wgs84(*gcj), abs=1e-9)
        assert wgs == pytest.approx([lon, lat], abs=1e-7)
    # The map's projection: a stored point lands where its GCJ-02 twin lands on a plain map; pixels map back.
    shift, back = page.evaluate(
        """() => {
            const crs = cwMapOptions({}).crs, p = L.latLng(35.5, 117.1);
            const g = cwGeo.toGcj(117.1, 35.5);
            const ours = crs.projection.project(p), plain = L.Projection.SphericalMercator.project(L.latLng(g[1], g[0]));
            const again = crs.projection.unproject(ours);
            return [[ours.x - plain.x, ours.y - plain.y], [again.lng, again.lat]];
        }"""
    )
    assert shift == pytest.approx([0, 0], abs=1e-6)
    assert back == pytest.approx([117.1, 35.5], abs=1e-7)


@pytest.mark.browser
def test_maps_stay_plain_by_default(live_server, page: Page):
    page.goto(f"{live_server.url}/report/")
    assert page.evaluate("() => cwMapOptions({ a: 1 })") == {"a": 1}
