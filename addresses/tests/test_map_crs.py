"""The address layers over GCJ-02 tiles (高德/腾讯): the browser and the server agree (core/tests/test_map_crs.py
checks the shift itself)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from addresses.tests.fixtures import build_registry
from core.geo import wgs84_to_gcj02


@pytest.mark.browser
def test_the_address_layers_agree_over_gcj02_tiles(live_server, county, settings, page: Page):
    """The registry's search and reverse lookup on 高德 tiles: a picked doorplate is stored as the registry's
    WGS-84 point, and a tap where the tiles draw a door (its GCJ-02 twin) comes back as that door in WGS-84."""
    settings.MAP_TILES, settings.MAP_TILE_CRS = "amap", "gcj02"
    registry = build_registry(county)
    page.goto(f"{live_server.url}/report/")
    page.locator("#address-search").fill("rmlu 18")
    page.get_by_role("option", name="人民路18号").click()
    lon, lat = (float(page.locator(f"#id_{name}").input_value()) for name in ("lon", "lat"))
    assert (lon, lat) == pytest.approx((registry.plate_18.lon, registry.plate_18.lat), abs=1e-6)
    plate = registry.plate_26
    g_lon, g_lat = wgs84_to_gcj02(plate.lon, plate.lat)
    point = page.evaluate(
        """([lon, lat, gLon, gLat]) => {
            const map = document.getElementById('report-map').cwMap;
            map.setView([lat, lon], 18, {animate: false});
            // Where a plain (unshifted) map would put the GCJ-02 twin: what the tiles show at that pixel.
            const plain = L.Projection.SphericalMercator.project(L.latLng(gLat, gLon));
            const origin = map.getPixelOrigin(), scale = map.options.crs.scale(map.getZoom());
            const world = L.point(plain.x, plain.y).multiplyBy(1);
            const p = map.options.crs.transformation.transform(world, scale).subtract(origin);
            return {x: p.x, y: p.y};
        }""",
        [plate.lon, plate.lat, g_lon, g_lat],
    )
    # The tap, as Leaflet hands it on: the pixel turned back into a place by the map's (shifted) projection.
    page.evaluate(
        """(p) => { const map = document.getElementById('report-map').cwMap;
                    map.fire('click', {latlng: map.containerPointToLatLng(L.point(p.x, p.y))}); }""",
        point,
    )
    lon, lat = (float(page.locator(f"#id_{name}").input_value()) for name in ("lon", "lat"))
    assert (lon, lat) == pytest.approx((plate.lon, plate.lat), abs=2e-5)  # a pixel at zoom 18 is ~0.6 m
    expect(page.locator("#id_address")).to_have_value(re.compile("^人民路26号"))
