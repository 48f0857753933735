"""`chuangwen bench pages`: the server time of every page each demo role reaches, with the demo county's data.

Builds the demo county in a throw-away database, then walks the site as each demo login the way the dead-link test
does (`demo.crawl.walk`: from the home page, every link, each URL pattern twice) and asks each page it reached
`repeats` more times through Django's test client: the time measured is the server's alone (no network, no
browser). Prints each URL pattern's slowest median as `page_ms[<pattern>]`, then the survey Excel export
(`survey_export_ms`), `pages_over_300ms` and `slowest_page_ms` (the goal: every page under 300 ms).
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


def _walk_as(client: Client, repeats: int) -> dict[str, float]:
    """pattern → the slowest median among the pages of that pattern this person reached."""
    slowest: dict[str, float] = {}
    for visit in walk(client.get):
        if visit.response.status_code != 200:
            continue
        median = _median_ms(partial(client.get, visit.url), repeats)
        slowest[visit.pattern] = max(slowest.get(visit.pattern, 0.0), median)
    return slowest


def run(repeats: int, say: Callable[[str], None]) -> Figures:
    figures = Figures(say)
    started = time.monotonic()
    with override_settings(DEBUG=True):  # the demo refuses DEBUG=0 (its accounts share a published password)
        call_command("demo", stdout=io.StringIO())
    say(f"demo_seconds: {time.monotonic() - started:.0f}")
    slowest: dict[str, float] = {}
    for login in demo_logins():
        client = Client()
        client.force_login(Person.objects.get(username=login.username))
        for pattern, median in _walk_as(client, repeats).items():
            key = pattern if pattern != "home" else f"home as {login.username}"
            slowest[key] = max(slowest.get(key, 0.0), median)
    for pattern, median in sorted(slowest.items(), key=lambda item: -item[1]):
        figures.report(f"page_ms[{pattern}]", median)
    office = Client()
    office.force_login(Person.objects.get(username="admin"))
    survey = SurveyRun.objects.order_by("-pk").first()
    if survey is not None:
        url = reverse("surveys:run_export", args=[survey.pk])
        figures.report("survey_export_ms", _median_ms(partial(office.get, url), repeats))
    figures.report("pages", len(slowest))
    figures.report("pages_over_300ms", sum(1 for median in slowest.values() if median > GOAL_MS))
    figures.report("slowest_page_ms", max(slowest.values(), default=0.0))
    return figures
