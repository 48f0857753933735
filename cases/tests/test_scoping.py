"""A unit person cannot see or act on another unit's case, on the screens or through the API; nothing changes."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cases import actions
from cases.conftest import photo
from cases.models import Case, CaseEvent, State


@pytest.fixture
def town_a_case(county, new_case) -> Case:
    return actions.dispatch_case(county.inspector, new_case(reporter_phone="13900000000"), unit=county.town_a)


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.state,
        case.unit_id,
        case.deadline,
        CaseEvent.objects.filter(case=case).count(),
        case.photos.count(),
    )


def test_another_towns_handler_gets_404_on_every_screen_and_step(county, login, town_a_case):
    before = snapshot(town_a_case)
    client = login(county.handler_b)
    assert client.get(reverse("cases:detail", args=[town_a_case.pk])).status_code == 404
    for step in ("start", "return", "report_back", "request_extension", "verify", "dispatch"):
        response = client.post(
            reverse("cases:step", args=[town_a_case.pk, step]), {"note": "x", "photos": [photo()]}
        )
        assert response.status_code == 404, step
    page = client.get(reverse("cases:list") + "?queue=").content.decode()
    assert town_a_case.number not in page
    assert town_a_case.number not in client.get(reverse("cases:map_data")).content.decode()
    export = client.get(reverse("cases:export"))
    assert export.status_code == 200 and town_a_case.number.encode() not in export.content
    assert snapshot(town_a_case) == before


def test_another_towns_handler_gets_404_through_the_api(county, login, town_a_case):
    before = snapshot(town_a_case)
    client = login(county.handler_b)
    assert client.get(f"/api/v1/cases/{town_a_case.pk}").status_code == 404
    listed = client.get("/api/v1/cases").json()
    assert listed["count"] == 0
    for step in ("start", "return", "verify"):
        response = client.post(
            f"/api/v1/cases/{town_a_case.pk}/{step}",
            json.dumps({"note": "x"}),
            content_type="application/json",
        )
        assert response.status_code == 404, step
    assert snapshot(town_a_case) == before


def test_the_responsible_unit_sees_it_but_cannot_take_office_steps(county, login, town_a_case):
    actions.report_back(county.handler_a, town_a_case, "已清理", [photo()])
    before = snapshot(town_a_case)
    client = login(county.handler_a)
    page = client.get(reverse("cases:detail", args=[town_a_case.pk])).content.decode()
    assert town_a_case.number in page and "13900000000" not in page  # the reporter's contact is private
    assert (
        client.post(reverse("cases:step", args=[town_a_case.pk, "verify"]), {"note": ""}).status_code == 403
    )
    response = client.post(
        f"/api/v1/cases/{town_a_case.pk}/verify", json.dumps({"note": ""}), content_type="application/json"
    )
    assert response.status_code == 403
    assert "13900000000" not in client.get(f"/api/v1/cases/{town_a_case.pk}").content.decode()
    assert snapshot(town_a_case) == before


def test_a_community_handler_does_not_see_the_towns_own_case(county, login, town_a_case):
    client = login(county.community_handler_a)
    assert client.get(reverse("cases:detail", args=[town_a_case.pk])).status_code == 404


def test_the_leader_reads_everything_and_changes_nothing(county, login, town_a_case):
    before = snapshot(town_a_case)
    client = login(county.leader)
    assert client.get(reverse("cases:detail", args=[town_a_case.pk])).status_code == 200
    assert client.post(reverse("cases:step", args=[town_a_case.pk, "start"]), {"note": ""}).status_code == 403
    assert (
        client.post(reverse("cases:step", args=[town_a_case.pk, "defer"]), {"note": "x"}).status_code == 403
    )
    response = client.post(
        "/api/v1/cases", json.dumps({"source": "media", "description": "x"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert snapshot(town_a_case) == before and Case.objects.count() == 1


def test_photos_are_served_only_within_scope_and_originals_only_to_the_office(county, login, new_case):
    case = actions.open_case(
        county.inspector, source="patrol", description="x", lon=117.005, lat=35.505, photos=[photo()]
    )
    case = actions.dispatch_case(county.inspector, case, unit=county.town_a)
    pk = case.photos.get().pk
    assert login(county.handler_b).get(reverse("cases:photo", args=[pk, "thumbnail"])).status_code == 404
    client = login(county.handler_a)
    assert client.get(reverse("cases:photo", args=[pk, "thumbnail"])).status_code == 200
    assert client.get(reverse("cases:photo", args=[pk, "original"])).status_code == 403
    assert login(county.inspector).get(reverse("cases:photo", args=[pk, "original"])).status_code == 200
    assert Case.objects.get(pk=case.pk).state == State.DISPATCHED
