"""The online geocoder: off by default; when configured, asked for office staff only, for what the registry lacks;
GCJ-02 answers come back as WGS-84; an unreachable service is no answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from addresses import geocoder
from core.geo import wgs84_to_gcj02


@pytest.fixture
def amap(settings, monkeypatch):
    settings.ADDRESS_GEOCODER, settings.ADDRESS_GEOCODER_KEY = "amap", "k"
    asked: list[str] = []
    lon, lat = wgs84_to_gcj02(117.005, 35.505)

    def fetch(url):
        asked.append(url)
        return {
            "status": "1",
            "geocodes": [{"location": f"{lon},{lat}", "formatted_address": "示范县某某路1号"}],
        }

    monkeypatch.setattr(geocoder, "_fetch", fetch)
    return asked


def test_off_by_default(settings):
    assert settings.ADDRESS_GEOCODER == "" and not geocoder.is_configured()
    assert geocoder.geocode("某某路1号") is None


def test_amap_answers_are_shifted_to_wgs84(amap):
    hit = geocoder.geocode("某某路1号")
    assert hit is not None and hit.label == "示范县某某路1号"
    assert hit.lon == pytest.approx(117.005, abs=1e-6) and hit.lat == pytest.approx(35.505, abs=1e-6)


def test_asked_for_office_staff_only_and_only_when_the_registry_has_nothing(county, client, login, amap):
    url = reverse("addresses:search")
    assert client.get(url, {"q": "某某路"}).json()["results"] == []
    assert amap == []
    results = login(county.inspector).get(url, {"q": "某某路"}).json()["results"]
    assert [r["kind"] for r in results] == ["online"]


def test_an_unreachable_service_is_no_answer(settings, monkeypatch):
    settings.ADDRESS_GEOCODER, settings.ADDRESS_GEOCODER_KEY = "tianditu", "k"

    def fail(url):
        raise OSError("no route to host")

    monkeypatch.setattr(geocoder, "_fetch", fail)
    assert geocoder.geocode("人民路") is None
