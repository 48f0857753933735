"""The report's address from the standard address registry, and the maps of the tracking page."""

from __future__ import annotations

import json

from django.urls import reverse

from addresses.tests.fixtures import build_registry
from portal.actions import submit_report


def test_a_point_without_words_gets_the_registrys_nearest_address(county, plain_service):
    """A phone without scripts (or an Open311 client) sends a point only: the registry writes its address."""
    build_registry(county)
    report = submit_report(service=plain_service, description="垃圾", lon=117.0051, lat=35.5051)
    assert report.case.address == "人民路18号 nearby, 城关街道 新华第1网格"


def test_words_given_are_kept(county, plain_service):
    build_registry(county)
    report = submit_report(
        service=plain_service, description="垃圾", lon=117.0051, lat=35.5051, address="门口"
    )
    assert report.case.address == "门口"


def test_the_tracking_page_maps_the_place_with_the_category_only(county, plain_service, client):
    report = submit_report(service=plain_service, description="<b>私密描述</b>", lon=117.0051, lat=35.5051)
    html = client.get(reverse("portal:track", args=[report.tracking_code])).content.decode()
    assert 'id="track-map-data"' in html
    data = json.loads(html.split('id="track-map-data" type="application/json">')[1].split("</script>")[0])
    assert [point["label"] for point in data["points"]] == ["乱扔垃圾"]
    assert "私密" not in json.dumps(data, ensure_ascii=False)
