"""Sites: the grid and town are found from the location; units see only their own towns' sites."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from inspections.actions import save_site
from inspections.models import Site


def test_it_finds_the_grid_and_town_from_the_location(county, market_a, market_b):
    assert market_a.grid == county.grid_a and market_a.town == county.town_a
    assert market_b.grid == county.grid_b and market_b.town == county.town_b


def test_it_takes_the_keepers_town_outside_every_grid(county, make_site):
    site = make_site("城外市场", at=(120.0, 30.0), keeper=county.community_b)
    assert site.grid is None and site.town == county.town_b


def test_it_refuses_a_site_from_a_unit_person(county, market_type):
    site = Site(name="x", site_type=market_type, lon=117.005, lat=35.505, keeper=county.town_a)
    with pytest.raises(PermissionDenied):
        save_site(county.handler_a, site)
    assert not Site.objects.exists()


def test_it_lists_only_the_units_sites(county, login, market_a, market_b):
    page = login(county.handler_a).get(reverse("inspections:site_list"))
    assert page.status_code == 200
    assert "城关农贸市场" in page.text and "柳河农贸市场" not in page.text
    assert (
        login(county.handler_a).get(reverse("inspections:site_detail", args=[market_a.pk])).status_code == 200
    )
    assert (
        login(county.handler_a).get(reverse("inspections:site_detail", args=[market_b.pk])).status_code == 404
    )


def test_the_office_sees_every_site_and_filters_by_town(county, login, market_a, market_b):
    page = login(county.office_admin).get(reverse("inspections:site_list"), {"town": county.town_b.pk})
    assert "柳河农贸市场" in page.text and "城关农贸市场" not in page.text
