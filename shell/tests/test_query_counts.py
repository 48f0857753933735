"""The pages an office user opens every day read the database a fixed number of times, however many cases there
are: counted with a few cases and again with more, in more units; the counts are equal and pinned (a change that
adds queries to one of these pages updates PINNED on purpose)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import actions
from cases.conftest import categories, new_case, rubbish  # noqa: F401 (fixtures)

# Page → the most queries it may make for the office admin (measured 2026-12-02, on SQLite and PostgreSQL).
PINNED: dict[str, int] = {
    "home": 22,
    "cases:list": 17,
    "inspections:site_boards": 8,
    "inspections:round_list": 8,
    "materials:matrix": 10,
    "materials:list": 10,
    "scoring:period_list": 8,
    "scoring:what_if": 10,
    "scoring:lost_points": 9,
    "scoring:rankings": 8,
    "framework:task_list": 11,
    "notify:inbox": 8,
    "cases:detail": 17,
}
PAGES = [
    "home",
    "cases:list",
    "inspections:site_boards",
    "inspections:round_list",
    "materials:matrix",
    "materials:list",
    "scoring:period_list",
    "scoring:what_if",
    "scoring:lost_points",
    "scoring:rankings",
    "framework:task_list",
    "notify:inbox",
]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def _cases(county, new_case, units) -> None:  # noqa: F811
    for unit in units:
        case = new_case()
        actions.accept_case(county.inspector, case)
        actions.dispatch_case(county.office_admin, case, unit=unit)


@pytest.fixture
def urls(county, new_case):  # noqa: F811
    _cases(county, new_case, [county.town_a])
    first = new_case()
    return {name: reverse(name) for name in PAGES} | {
        "cases:detail": reverse("cases:detail", args=[first.pk])
    }


def test_the_daily_office_pages_make_a_fixed_number_of_queries(county, new_case, urls, client):  # noqa: F811
    client.force_login(county.office_admin)
    for url in urls.values():  # the first visit warms caches (calendar, categories) that later visits reuse
        _queries(client, url)
    few = {name: _queries(client, url) for name, url in urls.items()}
    _cases(county, new_case, [county.town_a, county.town_b, county.community_a, county.community_b] * 3)
    many = {name: _queries(client, url) for name, url in urls.items()}
    assert many == few, "a page reads more as the cases grow"
    assert {name: count for name, count in few.items() if count > PINNED[name]} == {}
