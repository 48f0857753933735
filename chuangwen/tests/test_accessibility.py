"""GB/T 37668-2019 / WCAG 2.1 A and AA, checked by axe-core in Chromium on every page a person can reach.

On the demo county, each demo role and a visitor walk the site from their home page and every page without
parameters, following links; one page per URL pattern is audited (a case list and a case's page, not every case),
at a desktop's size and at a phone's (390×844). Any violation fails the test with the page, role, viewport, rule
and element named, so whoever adds a screen can fix it.
"""

from __future__ import annotations

import time
from collections import deque
from contextlib import suppress
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import Resolver404, get_resolver, resolve
from playwright.sync_api import Browser, BrowserContext, Error, Page, Request, ViewportSize

from demo.county import DEMO_PASSWORD, demo_logins
from shell.tests.test_every_page import SKIPPED, _paths

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1366, "height": 900},
    "phone": {"width": 390, "height": 844},
}
VISITOR = "visitor"
# Three frames: the resize event's, the one the page's handler asked for, and one after it.
NEXT_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(done))))"
VISITOR_PAGES = ["/", "/report/", "/track/", "/reports/", "/login/"]
# A page has settled when no request has been in flight this long: longer than the map's 120 ms pause before it
# asks for what is in view (static/js/map.js).
QUIET_SECONDS = 0.25
# What no axe rule sees, checked on every page too: each map and chart names a text alternative on the page (the
# list beside the map, the chart's data table); each form field has a label one can see (a <label>, or an
# aria-labelledby naming shown text such as a table's column and row headers), not a placeholder or an aria-label.
OUR_CHECKS = """() => {
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? `[name=${el.name}]` : "");
  const shown = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const found = [];
  for (const el of document.querySelectorAll(".leaflet-container, [_echarts_instance_]")) {
    const ids = (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
    if (!ids.some((id) => document.getElementById(id)?.textContent.trim()))
      found.push(["text-alternative", name(el), "a map or chart with no aria-describedby naming its list or table"]);
  }
  const fields = "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]), select, textarea";
  for (const el of document.querySelectorAll(fields)) {
    if (!shown(el) || el.closest("[aria-hidden=true]")) continue;
    const labels = [...(el.labels || [])];
    const by = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).map((id) => document.getElementById(id));
    if (![...labels, ...by].some((label) => shown(label) && label.textContent.trim()))
      found.push(["visible-label", name(el), "a form field without a label one can see"]);
  }
  return found;
}"""
# What a third-party widget does that we cannot change, by (path, rule, CSS selector fragment) with the reason.
# Our own markup never goes here: fix it instead.
ALLOWED: dict[tuple[str, str, str], str] = {
    (
        "/api/v1/docs",
        "html-has-lang",
        "html",
    ): "django-ninja's Swagger UI page, a developers' tool the library renders",
}


@dataclass(frozen=True)
class Violation:
    path: str
    role: str
    viewport: str
    rule: str
    impact: str
    target: str
    summary: str

    def __str__(self) -> str:
        return (
            f"{self.path} as {self.role} at {self.viewport}: {self.rule} ({self.impact}) on {self.target}: "
            f"{self.summary}"
        )


def _pattern(path: str) -> str | None:
    """The URL pattern a path belongs to: pages of one pattern share a template, so one of them is audited."""
    if path.startswith(("/static/", "/media/", *(f"/{skipped}" for skipped in SKIPPED))):
        return None
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _audit(page: Page, path: str, role: str, viewport: str, axe: bool = True) -> list[Violation]:
    """axe's rules (unless this page's template was already run through them) and ours."""
    found = _axe(page, path, role, viewport) if axe else []
    return found + [
        Violation(path, role, viewport, rule, "serious", target, summary)
        for rule, target, summary in page.evaluate(OUR_CHECKS)
    ]


def _axe(page: Page, path: str, role: str, viewport: str) -> list[Violation]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return [
        Violation(path, role, viewport, rule["id"], rule["impact"], target, node["failureSummary"])
        for rule in result["violations"]
        for node in rule["nodes"]
        if not _allowed(path, rule["id"], target := " ".join(map(str, node["target"])))
    ]


def _allowed(path: str, rule: str, target: str) -> bool:
    return any(
        (path, rule) == (allowed_path, allowed_rule) and fragment in target
        for allowed_path, allowed_rule, fragment in ALLOWED
    )


class Requests:
    """The page's requests in flight, from Playwright's events, to know when the page has settled."""

    def __init__(self, page: Page) -> None:
        self.page, self.last = page, time.monotonic()
        self.in_flight: set[Request] = set()
        self.visits, self.waited = 0, 0.0  # said at the end of the crawl
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request: Request) -> None:
        self.in_flight.add(request)
        self.last = time.monotonic()

    def _ended(self, request: Request) -> None:
        self.in_flight.discard(request)
        self.last = time.monotonic()

    def forget(self) -> None:
        """A new page: what the last one still had in flight is abandoned (its end may never be reported)."""
        self.in_flight.clear()

    def settle(self, limit: float = 5.0) -> None:
        """Wait until no request has been in flight for QUIET_SECONDS (charts, maps and HTMX panels fill in after
        the load), at most `limit`. Playwright's "networkidle" waits a fixed 500 ms of quiet after every page; over
        the crawl's six hundred page visits that was five minutes or more of waiting."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            self.page.wait_for_timeout(50)  # milliseconds; lets Playwright deliver the request events
            if not self.in_flight and time.monotonic() - self.last >= QUIET_SECONDS:
                break
        self.visits, self.waited = self.visits + 1, self.waited + time.monotonic() - started


def _open(page: Page, requests: Requests, url: str) -> bool:
    """Open a page; False for what is not an HTML page (a download, an image, JSON)."""
    requests.forget()
    try:
        response = page.goto(url, wait_until="load")
    except Error:  # a download aborts the navigation
        return False
    if (
        response is None
        or response.status == 405
        or "text/html" not in response.headers.get("content-type", "")
    ):
        return False  # 405: an address for a form to post to, not a page
    with suppress(Error):
        requests.settle()
    return True


def _links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    return [urlsplit(href).path for href in hrefs if href.startswith(base)]


def crawl(
    context: BrowserContext, base: str, role: str, start: list[str], audited: set[str]
) -> tuple[list[Violation], int, Requests]:
    """Check each URL pattern this role reaches from the start pages: axe on the patterns no role before it had
    audited, our own checks (visible labels, text alternatives) on every one.

    axe runs once per pattern: its template was checked, and running axe on it once per role would multiply the
    time by the number of roles. But what a page shows differs by role (the unit's report-back form, the
    inspector's checklist), so our cheaper checks run on each role's pages. The home page differs by role, so each
    role's is audited in full; a visitor sees the public pages without the staff's menu (and with the
    elder-friendly switch), so a visitor's pages are audited apart from the staff's.
    """
    page = context.new_page()
    requests = Requests(page)
    queue = deque(start)
    seen: set[str] = set()  # this role's patterns
    violations: list[Violation] = []
    while queue:
        pattern = _key(path := queue.popleft(), role)
        if pattern is None or pattern in seen:
            continue
        seen.add(pattern)
        page.set_viewport_size(VIEWPORTS["desktop"])
        if not _open(page, requests, base + path):
            continue
        landed = urlsplit(page.url).path
        landed_pattern = _key(landed, role) or pattern
        if landed_pattern != pattern and landed_pattern in seen:  # sent on to a page already checked
            continue
        seen.add(landed_pattern)
        queue.extend(_links(page, base))
        axe = landed_pattern not in audited
        audited.add(landed_pattern)
        for viewport, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            if axe:  # let the page answer the resize first (a11y.js marks the tables that now scroll)
                page.evaluate(NEXT_FRAMES)
            violations += _audit(page, landed, role, viewport, axe)
    page.close()
    return violations, len(seen), requests


def _key(path: str, role: str) -> str | None:
    pattern = _pattern(path)
    if pattern is None:
        return None
    return f"{pattern} as {role}" if pattern == "" or role == VISITOR else pattern


def _open_to_visitors(context: BrowserContext, base: str, paths: list[str]) -> list[str]:
    """The pages a visitor may open (the rest send to the sign-in page), asked without drawing each one."""
    return [path for path in paths if context.request.get(base + path, max_redirects=0).status == 200]


def _context(browser: Browser, context_args: dict) -> BrowserContext:
    # The page's Content-Security-Policy would refuse the axe script the test adds; the pages' own scripts still run.
    return browser.new_context(**context_args, bypass_csp=True)


def _signed_in(browser: Browser, context_args: dict, base: str, username: str) -> BrowserContext:
    context = _context(browser, context_args)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    page.close()
    return context


@pytest.mark.flaky(
    reruns=0
)  # a real failure here costs a quarter of an hour per rerun, and a flake is a fault
@pytest.mark.timeout(2400)  # every page as every role at two sizes: about 15 minutes on a loaded machine
def test_every_page_meets_wcag_21_aa_for_every_role(live_server, browser: Browser, browser_context_args):
    with override_settings(DEBUG=True):  # the demo loads its shared-password accounts only for development
        call_command("demo", stdout=StringIO())
    base = live_server.url
    every_page = _paths(get_resolver().url_patterns)
    started, violations, report = time.monotonic(), [], []
    visits, waited = 0, 0.0
    audited: set[str] = set()
    for role in [login.username for login in demo_logins()] + [VISITOR]:
        if role == VISITOR:
            context = _context(browser, browser_context_args)
        else:
            context = _signed_in(browser, browser_context_args, base, role)
        start = [
            "/",
            *VISITOR_PAGES,
            *(_open_to_visitors(context, base, every_page) if role == VISITOR else every_page),
        ]
        before = len(audited)
        found, checked, requests = crawl(context, base, role, start, audited)
        violations += found
        visits, waited = visits + requests.visits, waited + requests.waited
        context.close()
        report.append(f"{role} {checked} ({len(audited) - before} new)")
    # The time this takes is watched (CI's budget): say it in the output of a run with -s.
    print(
        f"axe crawl: {len(audited)} URL patterns, checked per role ({', '.join(report)}) in "
        f"{time.monotonic() - started:.0f} s, {waited:.0f} s of it waiting {visits} pages to settle"
    )
    assert not violations, f"{len(violations)} WCAG 2.1 AA violations:\n" + "\n".join(map(str, violations))
