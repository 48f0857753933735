"""`chuangwen bench pages`: the server time of every page each demo role reaches, with the demo county's data.

Builds the demo county in a throw-away database, then walks the site as each demo login the way the dead-link test
does (`demo.crawl.walk`: from the home page, every link, each URL pattern twice) and asks each page it reached
`repeats` more times through Django's test client: the time measured is the server's alone (no network, no
browser). Prints each URL pattern's slowest median as `page_ms[<pattern>]`, then the survey Excel export
(`survey_export_ms`), `pages_over_300ms` and `slowest_page_ms` (the goal: every page under 300 ms).

A link the walk follows that answers with a file (not HTML: a Word or PDF draft) is a download, not a page: the
person stays on the page that offered it while the browser saves the file. Those are timed the same way but reported
apart, as `download_ms[<pattern>]` and `slowest_download_ms`, and do not count against the pages' goal.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from functools import partial

from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from bench.measure import Figures
from demo.county import demo_logins
from demo.crawl import walk
from org.models import Person
from surveys.models import SurveyRun

GOAL_MS = 300.0


def _median_ms(get: Callable[[], object], repeats: int) -> float:
    durations = []
    for _ in range(repeats):
        start = time.perf_counter()
        get()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations) * 1000


def _walk_as(client: Client, repeats: int) -> tuple[dict[str, float], dict[str, float]]:
    """pattern → the slowest median among the pages of that pattern this person reached, and the same for the
    downloads."""
    pages: dict[str, float] = {}
    downloads: dict[str, float] = {}
    for visit in walk(client.get):
        if visit.response.status_code != 200:
            continue
        median = _median_ms(partial(client.get, visit.url), repeats)
        slowest = pages if "text/html" in visit.response.get("Content-Type", "") else downloads
        slowest[visit.pattern] = max(slowest.get(visit.pattern, 0.0), median)
    return pages, downloads


def run(repeats: int, say: Callable[[str], None]) -> Figures:
    figures = Figures(say)
    started = time.monotonic()
    with override_settings(DEBUG=True):  # the demo refuses DEBUG=0 (its accounts share a published password)
        call_command("demo", stdout=io.StringIO())
    say(f"demo_seconds: {time.monotonic() - started:.0f}")
    slowest: dict[str, float] = {}
    downloads: dict[str, float] = {}
    for login in demo_logins():
        client = Client()
        client.force_login(Person.objects.get(username=login.username))
        pages, files = _walk_as(client, repeats)
        for pattern, median in pages.items():
            key = pattern if pattern != "home" else f"home as {login.username}"
            slowest[key] = max(slowest.get(key, 0.0), median)
        for pattern, median in files.items():
            downloads[pattern] = max(downloads.get(pattern, 0.0), median)
    for pattern, median in sorted(slowest.items(), key=lambda item: -item[1]):
        figures.report(f"page_ms[{pattern}]", median)
    for pattern, median in sorted(downloads.items(), key=lambda item: -item[1]):
        figures.report(f"download_ms[{pattern}]", median)
    office = Client()
    office.force_login(Person.objects.get(username="admin"))
    survey = SurveyRun.objects.order_by("-pk").first()
    if survey is not None:
        url = reverse("surveys:run_export", args=[survey.pk])
        figures.report("survey_export_ms", _median_ms(partial(office.get, url), repeats))
    figures.report("pages", len(slowest))
    figures.report("pages_over_300ms", sum(1 for median in slowest.values() if median > GOAL_MS))
    figures.report("slowest_page_ms", max(slowest.values(), default=0.0))
    figures.report("slowest_download_ms", max(downloads.values(), default=0.0))
    return figures
