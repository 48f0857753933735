"""`format_html` and `conditional_escape` without Django's check for lazy arguments, for the code that writes long
lists by hand (the queue's rows and cards, the filter lists' options).

Django wraps `escape` in `keep_lazy`, which looks through every argument for a lazy translation on every call: on
the queue page, 3,300 escapes a page spent more time in that check than in escaping. These give the same text
(core/tests/test_markup.py compares them with Django's on generated values).
"""

from __future__ import annotations

import html
from typing import cast

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def escaped(value: object) -> str:
    """`conditional_escape(value)`: safe text as it is, anything else escaped."""
    kind = type(value)
    if kind is str:  # most values, then numbers and safe text: asked by exact type, the cheapest test
        return html.escape(cast(str, value))
    if kind is int:
        return str(value)
    if kind is SafeString:
        return cast(SafeString, value)
    if isinstance(value, Promise):
        value = str(value)
    as_html = getattr(value, "__html__", None)
    return as_html() if as_html is not None else html.escape(str(value))


def html_format(format_string: str, *args: object) -> SafeString:
    """`format_html(format_string, *args)`."""
    # SafeString itself: mark_safe, too, checks every argument for a lazy translation, and this one is a str.
    return SafeString(format_string.format(*map(escaped, args)))


def html_lines(parts: list[SafeString]) -> SafeString:
    """`format_html_join("\\n", "{}", ((part,) for part in parts))` for parts already safe."""
    return SafeString("\n".join(parts))
