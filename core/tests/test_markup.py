"""`core.markup` writes what Django's `format_html` and `conditional_escape` write, for any value."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from hypothesis import given
from hypothesis import strategies as st

from core.markup import escaped, html_format, html_lines

lazy_text = lazy(str, str)

VALUES = st.one_of(
    st.text(),
    st.text().map(mark_safe),
    st.text().map(lazy_text),
    st.integers(),
    st.booleans(),
    st.floats(),
    st.none(),
    st.sampled_from(["<script>alert('x')</script>", 'a"b', "a&amp;b", "&", "'", "市场门口<垃圾>"]),
)


@given(VALUES)
def test_escaped_is_conditional_escape(value):
    assert escaped(value) == conditional_escape(value)


@given(st.lists(VALUES, min_size=1, max_size=4))
def test_html_format_is_format_html(values):
    pattern = " ".join('<span title="{}">{}</span>' for _ in values)
    doubled = [v for value in values for v in (value, value)]
    written = html_format(pattern, *doubled)
    assert written == format_html(pattern, *doubled) and isinstance(written, SafeString)


@given(st.lists(st.text().map(lambda text: format_html("<li>{}</li>", text))))
def test_html_lines_is_format_html_join(parts):
    written = html_lines(parts)
    assert written == format_html_join("\n", "{}", ((part,) for part in parts)) and isinstance(
        written, SafeString
    )
