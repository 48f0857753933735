"""The pages an office user opens every day read the database a fixed number of times, however many cases there
are: counted with a few cases and again with more, in more units; the counts are equal and pinned (a change that
adds queries to one of these pages updates PINNED on purpose). Likewise each role's home, queue and inbox, and the
大屏's panels (built afresh, as when their cache expires)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import actions
from cases.conftest import categories, new_case, rubbish  # noqa: F401 (fixtures)
from core.forms import forget_held_choices
from framework.models import SiteType
from inspections.tests.conftest import edition, make_site, market_a, market_type  # noqa: F401 (fixtures)

# Page → the most queries it may make for the office admin (measured 2026-12-03 on SQLite and PostgreSQL: 3 fewer
# than before on every page, the session being renewed once a minute instead of written by every page; 3 more fewer
# on the queue and the case page, their unit, grid and category lists held in the process, core.forms.hold_choices;
# the queue's and the homes' queue counts in one statement, core.counting.capped_counts).
PINNED: dict[str, int] = {
    "home": 10,
    "cases:list": 7,  # the supervised cases are read first through their own index (cases.queries.SupervisedFirst)
    "inspections:site_boards": 6,  # with boards to print: their duties in one query
    "inspections:round_list": 4,
    "materials:matrix": 6,
    "materials:list": 6,
    "scoring:period_list": 4,
    "scoring:what_if": 6,
    "scoring:lost_points": 5,
    "scoring:rankings": 4,
    "framework:task_list": 7,
    "notify:inbox": 4,
    "cases:detail": 9,  # the open cases around read once for the map and the duplicates (cases.queries.cases_around)
    "inspections:results": 14,
    "dashboard:screen": 4,
}
# (role, page) → the most queries; each role's own home, queue and inbox (measured 2026-12-03, as above).
PINNED_BY_ROLE: dict[tuple[str, str], int] = {
    ("inspector", "home"): 8,
    ("inspector", "cases:list"): 7,
    ("inspector", "notify:inbox"): 4,
    ("leader", "home"): 11,
    ("leader", "cases:list"): 7,
    ("leader", "notify:inbox"): 4,
    ("surveyor", "home"): 7,
    ("surveyor", "cases:list"): 5,
    ("surveyor", "notify:inbox"): 4,
    ("handler_a", "home"): 14,
    ("handler_a", "cases:list"): 7,
    ("handler_a", "notify:inbox"): 5,
    ("head_a", "home"): 19,
    ("head_a", "cases:list"): 7,
    ("head_a", "notify:inbox"): 5,
    ("community_handler_a", "home"): 14,
    ("community_handler_a", "cases:list"): 7,
    ("community_handler_a", "notify:inbox"): 5,
    ("department_handler", "home"): 14,
    ("department_handler", "cases:list"): 7,
    ("department_handler", "notify:inbox"): 5,
}
# The 大屏's panels: the first one asked for after the cache expires builds them all. 23 on SQLite and (since the
# open-case tally, 2026-12-03) on PostgreSQL too, where it was 22: the one GROUPING SETS pass over every open case
# became two small reads, the tally by category and the overdue per unit down its index.
PINNED_PANELS = {
    "built": 25,
    "cached": 3,
}  # built: the kept facts, and this month's overdue and due read down their indexes
ROLES = [
    "inspector",
    "leader",
    "surveyor",
    "handler_a",
    "head_a",
    "community_handler_a",
    "department_handler",
]
ROLE_PAGES = ["home", "cases:list", "notify:inbox"]
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
    "inspections:results",
    "dashboard:screen",
]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def _role_counts(county, client) -> dict[tuple[str, str], int]:
    counts = {}
    for role in ROLES:
        client.force_login(getattr(county, role))
        for name in ROLE_PAGES:
            url = reverse(name)
            if client.get(url).status_code != 200:  # not this role's page (the first visit also warms caches)
                continue
            counts[(role, name)] = _queries(client, url)
    return counts


def _panel_counts(client) -> dict[str, int]:
    cache.clear()
    # Clearing the cache drops the held option lists' token too; a process notices within two seconds, so the lists
    # would reload on whichever page came next, counted or not. Forget them now: the next warm-up reloads them.
    forget_held_choices()
    built = _queries(client, reverse("dashboard:default_panel_key", args=["figures"]))
    return {
        "built": built,
        "cached": _queries(client, reverse("dashboard:default_panel_key", args=["ranking"])),
    }


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


def test_the_daily_office_pages_make_a_fixed_number_of_queries(
    county,
    new_case,  # noqa: F811
    urls,
    client,
    edition,  # noqa: F811
    market_a,  # noqa: F811
    make_site,  # noqa: F811
):
    client.force_login(county.office_admin)
    for url in urls.values():  # the first visit warms caches (calendar, categories) that later visits reuse
        _queries(client, url)
    few = {name: _queries(client, url) for name, url in urls.items()}
    _cases(county, new_case, [county.town_a, county.town_b, county.community_a, county.community_b] * 3)
    for site_type in SiteType.objects.exclude(pk=market_a.site_type_id)[:3]:  # boards of more kinds of site
        make_site(f"{site_type.name}一号", site_type=site_type)
    many = {name: _queries(client, url) for name, url in urls.items()}
    assert many == few, "a page reads more as the cases grow"
    assert {name: count for name, count in few.items() if count > PINNED[name]} == {}


def test_each_roles_daily_pages_and_the_screens_panels_make_a_fixed_number_of_queries(
    county,
    new_case,  # noqa: F811
    client,
):
    units = [county.town_a, county.town_b, county.community_a, county.community_b, county.department]
    _cases(county, new_case, units)  # each role sees some (a prefetch over none makes no query)
    few = _role_counts(county, client)
    client.force_login(county.office_admin)
    few_panels = _panel_counts(client)
    _cases(county, new_case, units * 3)
    many = _role_counts(county, client)
    client.force_login(county.office_admin)
    many_panels = _panel_counts(client)
    assert many == few, "a page reads more as the cases grow"
    assert many_panels == few_panels, "the screen reads more as the cases grow"
    assert {key: count for key, count in few.items() if count > PINNED_BY_ROLE.get(key, 0)} == {}
    assert {key: count for key, count in few_panels.items() if count > PINNED_PANELS[key]} == {}
