"""The navbar of the signed-in person: what the apps registered (core.navigation) that this person may open."""

from __future__ import annotations

from functools import lru_cache

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from core.navigation import Entry, Menu, registry


def navigation(request: HttpRequest) -> dict:
    person = getattr(request, "user", None)
    if person is None or not person.is_authenticated:
        return {"nav_items": []}
    return {
        "unread_count": person.notifications.filter(read_at__isnull=True).count(),
        "nav_items": [_item(item, request.path) for item in registry.bar(person)],
    }


def _item(item: Entry | Menu, current: str) -> dict:
    """A link, or a menu of links, marked active when the open page is (or lies under) its target."""
    if isinstance(item, Menu):
        children = [_item(entry, current) for entry in item.entries]
        return {
            "label": item.group.label,
            "icon": item.group.icon,
            "children": children,
            "active": any(child["active"] for child in children),
        }
    url = _url(item.url_name, get_script_prefix(), get_urlconf())
    active = url == current or (url != "/" and current.startswith(url))
    return {"label": item.label, "url": url, "icon": item.icon, "active": active}


@lru_cache(maxsize=256)
def _url(name: str, prefix: str, urlconf: str | None) -> str:
    """An entry's URL, reversed once per process (the thirty entries of the bar were reversed on every page, half
    of base.html's cost); the script prefix and the URLconf it was reversed under are part of the key."""
    return reverse(name, urlconf=urlconf)
