"""Every page without parameters opens for each role and for a visitor: no server error, and the signed-in
person's pages carry the navbar (every page renders the shell's navigation)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = [
    "office_admin",
    "inspector",
    "leader",
    "surveyor",
    "handler_a",
    "head_a",
    "community_handler_a",
    "department_handler",
]
SKIPPED = ("django-admin/", "logout/", "i18n/")  # Django's own screens; signing out ends the walk


def _paths(patterns: list, prefix: str = "") -> list[str]:
    paths: list[str] = []
    for pattern in patterns:
        path = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            paths += _paths(pattern.url_patterns, path)
        elif isinstance(pattern, URLPattern) and "<" not in path and not path.startswith(SKIPPED):
            paths.append("/" + path)
    return sorted(set(paths))


def _walk(client) -> dict[str, int]:
    statuses = {}
    for path in _paths(get_resolver().url_patterns):
        response = client.get(path)
        statuses[path] = response.status_code
        assert response.status_code < 500, path
    return statuses


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_opens_for_each_role(county, client, persona):
    client.force_login(getattr(county, persona))
    statuses = _walk(client)
    assert statuses["/"] == 200
    assert b'class="navbar-nav' in client.get("/").content


def test_every_page_opens_or_asks_a_visitor_to_sign_in(db, client):
    statuses = _walk(client)
    assert statuses["/"] == 302
