"""A score sheet links the facts behind a score only where the reader may open them: a town's staff see the link
to their own town's material reviews, never to another town's (which would answer 404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import Period
from org.models import UnitKind
from scoring import actions
from scoring.models import Publication


def _row(unit, rank: int, period: Period) -> dict:
    url = reverse("materials:reviews", args=[period.pk, unit.pk])
    material = {"kind": "material", "weight": "10", "points": "8.00", "available": True, "explanation": "",
                "facts": {"url": url}}  # fmt: skip
    return {"unit_id": unit.pk, "unit_name": unit.name, "components": [material], "bonus": "0", "penalty": "0",
            "veto": "", "subtotal": "8.00", "total": "8.00", "rank": rank, "adjustments": []}  # fmt: skip


@pytest.fixture
def publication(county):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 2)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    sheet = [_row(county.town_a, 1, period), _row(county.town_b, 2, period)]
    return Publication.objects.create(scheme=scheme, version=1, sheet=sheet, published_by=county.office_admin)


def test_a_town_sees_only_the_links_it_can_open(county, publication, login):
    client = login(county.handler_a)
    html = client.get(reverse("scoring:publication_detail", args=[publication.pk])).content.decode()
    period = publication.scheme.period_id
    own = reverse("materials:reviews", args=[period, county.town_a.pk])
    other = reverse("materials:reviews", args=[period, county.town_b.pk])
    assert f'href="{own}"' in html and client.get(own).status_code == 200
    assert f'href="{other}"' not in html
    assert client.get(other).status_code == 404


def test_the_office_sees_every_link(county, publication, login):
    html = login(county.office_admin).get(reverse("scoring:publication_detail", args=[publication.pk]))
    period = publication.scheme.period_id
    for town in (county.town_a, county.town_b):
        assert reverse("materials:reviews", args=[period, town.pk]) in html.content.decode()
