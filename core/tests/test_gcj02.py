"""WGS-84 ↔ GCJ-02 for Chinese map tiles, and distances for duplicate detection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.geo import degree_box, distance_m, gcj02_to_wgs84, wgs84_to_gcj02


def test_it_converts_a_known_point_in_beijing():
    # Tiananmen in WGS-84 and the GCJ-02 value published for it by common converters (to ~1e-6 degrees).
    lon, lat = wgs84_to_gcj02(116.391305, 39.907345)
    assert lon == pytest.approx(116.397552, abs=2e-5)
    assert lat == pytest.approx(39.908746, abs=2e-5)


def test_it_leaves_points_outside_china_alone():
    assert wgs84_to_gcj02(2.3522, 48.8566) == (2.3522, 48.8566)
    assert gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)


def test_the_shift_in_china_is_a_few_hundred_metres():
    lon, lat = 117.005, 35.505
    assert 100 < distance_m(lon, lat, *wgs84_to_gcj02(lon, lat)) < 1000


@given(lon=st.floats(min_value=74, max_value=134), lat=st.floats(min_value=18, max_value=53))
def test_property_the_inverse_recovers_the_gps_point_within_a_centimetre(lon, lat):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert distance_m(lon, lat, *back) < 0.01


def test_distance_and_degree_box():
    assert distance_m(117.0, 35.5, 117.0, 35.5 + 50 / 111195) == pytest.approx(50, abs=0.5)
    box = degree_box(117.0, 35.5, 50)
    assert box.min_lon < 117.0 - 50 / 111195 < 117.0 < box.max_lon
