"""The navbar's entries, written once per process for each set of entries and language.

A person's entries depend on their role and on which section is open; the markup (about thirty links in menus) was
rendered by the template engine on every page. It is held here under exactly the data it is written from, so two
pages with the same entries share it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

HELD_MARKUPS = 512  # a few roles × a dozen sections × two languages, with room to spare
_written: dict[tuple, SafeString] = {}


def _frozen(items: list[dict[str, Any]]) -> tuple:
    """The entries as a key: every value the template reads (labels as text, in the active language)."""
    return tuple(
        (
            str(item["label"]),
            item.get("url", ""),
            item["icon"],
            item["active"],
            _frozen(item["children"]) if item.get("children") else (),
        )
        for item in items
    )


@register.simple_tag
def nav_items(items: list[dict[str, Any]]) -> SafeString:
    key = (get_language(), _frozen(items))
    markup = _written.get(key)
    if markup is None:
        if len(_written) >= HELD_MARKUPS:
            _written.clear()
        markup = _written[key] = mark_safe(render_to_string("shell/_nav_items.html", {"nav_items": items}))
    return markup
