"""`format_html` and `conditional_escape` without Django's check for lazy arguments, for the code that writes long
lists by hand (the queue's rows and cards, the filter lists' options).

Django wraps `escape` in `keep_lazy`, which looks through every argument for a lazy translation on every call: on
the queue page, 3,300 escapes a page spent more time in that check than in escaping. These give the same text
(core/tests/test_markup.py compares them with Django's on generated values).
"""

from __future__ import annotations

import html

from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe


def escaped(value: object) -> str:
    """`conditional_escape(value)`: safe text as it is, anything else escaped."""
    if isinstance(value, Promise):
        value = str(value)
    as_html = getattr(value, "__html__", None)
    return as_html() if as_html is not None else html.escape(str(value))


def html_format(format_string: str, *args: object) -> SafeString:
    """`format_html(format_string, *args)`."""
    return mark_safe(format_string.format(*map(escaped, args)))


def html_lines(parts: list[SafeString]) -> SafeString:
    """`format_html_join("\\n", "{}", ((part,) for part in parts))` for parts already safe."""
    return mark_safe("\n".join(parts))
