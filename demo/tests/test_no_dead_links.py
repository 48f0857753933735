"""No one is shown a link they cannot open: a crawl of the demo county as each demo role, from the home page,
following every link on the pages it reaches, fails on a link that answers 403 or 404 (a town user shown another
town's material reviews, say). Each URL pattern is followed a few times, so the crawl stays small."""

from __future__ import annotations

import pytest

from demo.crawl import walk
from org.models import Person


def crawl(client) -> dict[str, tuple[int, str]]:
    """url → (status, the page that showed it) for every link that did not open."""
    dead: dict[str, tuple[int, str]] = {}
    for visit in walk(client.get):
        status = visit.response.status_code
        if status in (403, 404):
            dead[visit.url] = (status, visit.source)
        assert status < 500, (visit.url, visit.source)
    return dead


@pytest.mark.timeout(1200)  # every page the demo shows each of its logins
def test_every_link_each_demo_role_is_shown_opens(demo_county, db, client):
    assert len(demo_county) >= 8
    failures = {}
    for username in demo_county:
        client.force_login(Person.objects.get(username=username))
        dead = crawl(client)
        if dead:
            failures[username] = dead
    assert failures == {}
