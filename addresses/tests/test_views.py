"""The registry's pages: the office sees and searches it, the admins edit it (an edit form with its map), others
are refused; the base map answers by box and zoom and refuses absurd boxes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from addresses.models import Doorplate
from addresses.tests.fixtures import build_registry


@pytest.fixture
def registry(county):
    return build_registry(county)


def test_the_office_sees_and_searches_the_registry(county, login, registry):
    page = login(county.inspector).get(reverse("addresses:registry"), {"q": "rmlu 18"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "人民路18号" in html and "data-cw-map" in html


def test_units_and_visitors_may_not_open_it(county, login, registry):
    assert Client().get(reverse("addresses:registry")).status_code == 302  # to sign in
    assert login(county.handler_a).get(reverse("addresses:registry")).status_code == 403


def test_the_admin_adds_and_edits_a_doorplate(county, login, registry):
    admin = login(county.office_admin)
    response = admin.post(
        reverse("addresses:doorplate_new"),
        {"road": registry.renmin.pk, "number": "30", "building": "", "lon": "117.016", "lat": "35.5053"},
    )
    assert response.status_code == 302
    plate = Doorplate.objects.get(number="30")
    assert plate.town == county.town_b
    form = admin.get(reverse("addresses:doorplate_edit", args=[plate.pk])).content.decode()
    assert 'name="seen"' in form
    response = admin.post(
        reverse("addresses:doorplate_edit", args=[plate.pk]),
        {
            "road": registry.renmin.pk,
            "number": "30",
            "lon": "117.004",
            "lat": "35.5053",
            "seen": "2000-01-01T00:00:00+00:00",
        },
    )
    assert "changed this row" in response.content.decode()  # not what the editor saw: refused
    plate.refresh_from_db()
    assert plate.town == county.town_b


def test_an_inspector_may_not_edit(county, login, registry):
    url = reverse("addresses:doorplate_edit", args=[registry.plate_8.pk])
    assert login(county.inspector).post(url, {"delete": "1"}).status_code == 403
    assert Doorplate.objects.filter(pk=registry.plate_8.pk).exists()


def test_the_base_map_endpoint(client, registry):
    url = reverse("addresses:basemap")
    data = client.get(url, {"bbox": "117.0,35.5,117.02,35.51", "z": "16"}).json()
    assert {f["properties"]["layer"] for f in data["features"]} >= {"road", "place", "water", "town"}
    assert client.get(url, {"bbox": "100,20,130,50", "z": "5"}).json()["features"] == []
    assert client.get(url, {"bbox": "x", "z": "1"}).status_code == 400
