"""Finding 14 of the probe: odd input (a date in year 1 or 9999, integers past 64 bits, an over-long phone) made
server errors. Every page, and the public APIs, answer it with a page, a 404 or a 400: never a 5xx."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.urls import URLPattern, URLResolver, get_resolver

from shell.tests.test_every_page import SKIPPED

HUGE = "99999999999999999999"
ODD_QUERIES = [
    {"date_from": "0001-01-01", "date_to": "0001-01-01"},
    {"date_from": "9999-12-31", "date_to": "9999-12-31", "year": "9999", "quarter": "9"},
    {
        k: HUGE
        for k in (
            "page",
            "period",
            "unit",
            "grid",
            "category",
            "edition",
            "criterion",
            "project",
            "node",
            "parent",
            "year",
            "quarter",
            "v",
            "p",
            "kind",
            "state",
            "type",
            "old",
            "new",
            "run",
        )
    },
    {k: "-1" for k in ("page", "period", "unit", "year", "edition", "criterion", "project", "node", "run")},
    {"q": "\x00\x01", "term": "\x00", "by": "\x00", "progress": "\x00", "all": "\x00"},
]


def _patterns(patterns: list, prefix: str = "") -> list[str]:
    paths: list[str] = []
    for pattern in patterns:
        path = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            paths += _patterns(pattern.url_patterns, path)
        elif isinstance(pattern, URLPattern) and not path.startswith(SKIPPED) and not path.startswith("^"):
            paths.append("/" + path)
    return sorted(set(paths))


def _with_huge_keys(path: str) -> str:
    return re.sub(r"<(int:)?[a-z_]+>", HUGE, re.sub(r"<(str|slug|path):[a-z_]+>", "x", path))


def test_odd_input_answers_400_not_500_on_every_page(county, client):
    client.force_login(county.office_admin)
    failures = []
    for pattern in _patterns(get_resolver().url_patterns):
        path = _with_huge_keys(pattern)
        for query in ODD_QUERIES if "<" not in pattern else [{}]:
            url = f"{path}?{urlencode(query)}"
            try:
                status = client.get(url).status_code
            except Exception as exc:
                status = f"{type(exc).__name__}: {exc}"
            if not isinstance(status, int) or status >= 500:
                failures.append(f"{url} → {status}")
    assert failures == []
