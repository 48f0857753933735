"""Walking the site as one person: from the home page, every link on the pages reached, each URL pattern a few
times. The dead-link test (no one is shown a link they cannot open) and `chuangwen bench pages` (how long each
page takes) walk the same way, so they judge the same pages."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

PER_PATTERN = 2  # distinct URLs followed per URL pattern
SKIPPED_PREFIXES = ("/logout/", "/i18n/", "/django-admin/", "/static/", "/media/", "/api/", "/open311/")
# Downloads build files (some start jobs); their pages are walked, not the files.
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


def url_pattern(url: str) -> str | None:
    """The view name a link leads to, "unresolved" for none, None for what a walk does not follow."""
    path = urlsplit(url).path
    if path.startswith(SKIPPED_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return "unresolved"
    name = match.view_name or match.route
    return None if any(word in name for word in SKIPPED_NAMES) else name


@dataclass
class Visit:
    url: str
    pattern: str
    response: Any  # the test client's response
    source: str  # the page that showed the link ("" for the home page)


def walk(get: Callable[..., Any], per_pattern: int = PER_PATTERN) -> Iterator[Visit]:
    """Each page reached, once; links are followed from pages that opened as HTML."""
    seen: set[str] = {"/"}
    followed: Counter[str] = Counter()
    queue: deque[tuple[str, str, str]] = deque([("/", "home", "")])
    while queue:
        url, pattern, source = queue.popleft()
        response = get(url)
        yield Visit(url, pattern, response, source)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in links(response.content.decode()):
            target = url_pattern(href)
            if href in seen or target is None or followed[target] >= per_pattern:
                continue
            seen.add(href)
            followed[target] += 1
            queue.append((href, target, url))
