"""No one is shown a link they cannot open: a crawl of the demo county as each demo role, from the home page,
following every link on the pages it reaches, fails on a link that answers 403 or 404 (a town user shown another
town's material reviews, say). Each URL pattern is followed a few times, so the crawl stays small."""

from __future__ import annotations

import io
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, resolve

from demo.county import demo_logins
from org.models import Person

PER_PATTERN = 2  # distinct URLs followed per URL pattern and role
SKIPPED_PREFIXES = ("/logout/", "/i18n/", "/django-admin/", "/static/", "/media/", "/api/", "/open311/")
# Downloads build files (some start jobs); their pages are checked, not the files.
SKIPPED_NAMES = ("export", "download", "docx", "pdf", "xlsx", "bundle", "photo", "file", "template")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return [urldefrag(h)[0] for h in parser.hrefs if h.startswith("/") and not h.startswith("//")]


def _pattern(url: str) -> str | None:
    path = urlsplit(url).path
    if path.startswith(SKIPPED_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return "unresolved"
    name = match.view_name or match.route
    return None if any(word in name for word in SKIPPED_NAMES) else name


def crawl(client) -> dict[str, tuple[int, str]]:
    """url → (status, the page that showed it) for every link that did not open."""
    seen: set[str] = {"/"}
    followed: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque([("/", "")])
    dead: dict[str, tuple[int, str]] = {}
    while queue:
        url, source = queue.popleft()
        response = client.get(url)
        if response.status_code in (403, 404):
            dead[url] = (response.status_code, source)
            continue
        assert response.status_code < 500, (url, source)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in links(response.content.decode()):
            pattern = _pattern(href)
            if href in seen or pattern is None or followed[pattern] >= PER_PATTERN:
                continue
            seen.add(href)
            followed[pattern] += 1
            queue.append((href, url))
    return dead


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker):
    """The demo county, built once for the module and rolled back after it."""
    # The demo refuses DEBUG=0 (its accounts share a published password); tests run with DEBUG off.
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True):
        call_command("demo", stdout=io.StringIO())
        yield [login.username for login in demo_logins()]
        transaction.set_rollback(True)


def test_every_link_each_demo_role_is_shown_opens(demo_county, db, client):
    assert len(demo_county) >= 8
    failures = {}
    for username in demo_county:
        client.force_login(Person.objects.get(username=username))
        dead = crawl(client)
        if dead:
            failures[username] = dead
    assert failures == {}
