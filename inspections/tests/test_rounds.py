"""Rounds: scope and seeded sampling (same seed → same sites), and 暗访 results hidden until published."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from framework.queries import checklist_for
from inspections.actions import Answer, create_round, publish_round, submit_visit
from inspections.models import Round, RoundKind
from inspections.queries import sample_sites
from inspections.tests.conftest import TODAY


@pytest.fixture
def many_sites(make_site, county):
    for i in range(6):
        make_site(f"A市场{i}")
        make_site(f"B市场{i}", at=(117.015, 35.505), keeper=county.community_b)


def test_it_picks_the_same_sites_with_the_same_seed(many_sites, market_type):
    first = sample_sites([market_type], [], 2, seed=42)
    again = sample_sites([market_type], [], 2, seed=42)
    assert [s.pk for s in first] == [s.pk for s in again]
    assert len(first) == 4  # 2 per town × 2 towns
    others = [sample_sites([market_type], [], 2, seed=s) for s in range(1, 20)]
    assert any([s.pk for s in o] != [s.pk for s in first] for o in others)


def test_a_round_records_its_seed_and_reproduces_its_draw(county, edition, many_sites, market_type):
    def draw(seed):
        round_ = create_round(
            county.office_admin,
            name=f"抽查{seed}",
            kind=RoundKind.OPEN,
            edition=edition,
            starts_on=TODAY,
            ends_on=TODAY,
            site_types=[market_type],
            towns=[county.town_a],
            per_type_per_town=3,
            seed=seed,
            inspectors=[county.inspector],
        )
        return round_, sorted(round_.visits.values_list("site_id", flat=True))

    first, sites = draw(5)
    _, again = draw(5)
    assert first.seed == 5 and sites == again and len(sites) == 3
    assert set(first.visits.values_list("site__town", flat=True)) == {county.town_a.pk}


def test_all_sites_when_no_sample_size(open_round, market_a, market_b):
    round_ = open_round()
    assert set(round_.visits.values_list("site_id", flat=True)) == {market_a.pk, market_b.pk}
    assert round_.visits.filter(inspector__isnull=True).count() == 0


def test_a_unit_person_cannot_create_a_round(county, edition):
    with pytest.raises(PermissionDenied):
        create_round(
            county.handler_a, name="x", kind=RoundKind.OPEN, edition=edition, starts_on=TODAY, ends_on=TODAY
        )
    assert not Round.objects.exists()


def _submit_all_pass(county, round_, site):
    visit = round_.visits.get(site=site)
    items = list(checklist_for(site.site_type, round_.edition))
    with time_machine.travel(dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)):
        submit_visit(county.inspector, visit, [Answer(item=i, verdict="pass") for i in items])
    return visit


def test_secret_visit_results_are_hidden_from_units_until_published(county, login, open_round, market_a):
    round_ = open_round(RoundKind.SECRET)
    visit = _submit_all_pass(county, round_, market_a)
    client = login(county.handler_a)
    assert client.get(reverse("inspections:visit_detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("inspections:round_detail", args=[round_.pk])).status_code == 404
    assert round_.name not in client.get(reverse("inspections:site_detail", args=[market_a.pk])).text
    # A unit person cannot publish it either.
    assert client.post(reverse("inspections:round_publish", args=[round_.pk])).status_code == 404
    round_.refresh_from_db()
    assert not round_.is_published()

    publish_round(county.office_admin, round_)
    assert client.get(reverse("inspections:visit_detail", args=[visit.pk])).status_code == 200
    assert round_.name in client.get(reverse("inspections:site_detail", args=[market_a.pk])).text


def test_open_round_results_are_seen_at_once_but_not_by_another_town(county, login, open_round, market_a):
    round_ = open_round(RoundKind.OPEN)
    visit = _submit_all_pass(county, round_, market_a)
    assert (
        login(county.handler_a).get(reverse("inspections:visit_detail", args=[visit.pk])).status_code == 200
    )
    assert (
        login(county.handler_b).get(reverse("inspections:visit_detail", args=[visit.pk])).status_code == 404
    )


def test_the_office_creates_a_round_through_the_form(county, login, edition, market_a, market_type):
    response = login(county.office_admin).post(
        reverse("inspections:round_create"),
        {
            "name": "七月明查",
            "kind": RoundKind.OPEN,
            "edition": edition.pk,
            "starts_on": "2026-07-01",
            "ends_on": "2026-07-10",
            "site_types": [market_type.pk],
            "per_type_per_town": 0,
            "seed": 9,
            "inspectors": [county.inspector.pk],
        },
    )
    assert response.status_code == 302
    round_ = Round.objects.get(name="七月明查")
    assert round_.seed == 9 and round_.visits.count() == 1


def test_a_unit_person_cannot_open_the_round_form(county, login):
    assert login(county.handler_a).post(reverse("inspections:round_create"), {"name": "x"}).status_code == 403
    assert not Round.objects.exists()
