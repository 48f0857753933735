"""The widgets written in Python (core.forms.FastSelect and FAST_INPUTS) write what Django's templates write, for
any name, value and attributes."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from core.forms import FAST_INPUTS, FastSelect, StyledFormMixin

TEXT = st.one_of(st.text(max_size=12), st.sampled_from(['"<b>&', "a'b", "&amp;", "市场<垃圾>"]))
VALUES = st.one_of(
    TEXT,
    TEXT.map(mark_safe),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
)
ATTRS = st.dictionaries(
    st.sampled_from(["class", "placeholder", "data-picker", "required", "disabled", "id", "step"]),
    st.one_of(TEXT, TEXT.map(mark_safe), st.booleans(), st.integers()),
    max_size=4,
)


@settings(max_examples=300)
@given(st.sampled_from(sorted(FAST_INPUTS, key=lambda kind: kind.__name__)), TEXT, VALUES, ATTRS, ATTRS)
def test_a_fast_input_writes_what_the_template_writes(kind, name, value, attrs, more):
    assert FAST_INPUTS[kind](attrs=attrs).render(name, value, more) == kind(attrs=attrs).render(
        name, value, more
    )


@given(
    TEXT,
    st.lists(st.tuples(st.one_of(TEXT, st.integers()), TEXT), max_size=5),
    st.one_of(TEXT, st.none(), st.lists(TEXT, max_size=2)),
    ATTRS,
)
def test_a_fast_select_writes_what_the_template_writes(name, choices, value, attrs):
    fast, slow = FastSelect(attrs=attrs, choices=choices), forms.Select(attrs=attrs, choices=choices)
    assert fast.render(name, value) == slow.render(name, value)


def test_a_styled_form_swaps_in_the_fast_widgets_under_their_names():
    class Form(StyledFormMixin, forms.Form):
        done = forms.BooleanField(required=False)
        name = forms.CharField()
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    form = Form()
    assert [type(field.field.widget) for field in form] == [
        FAST_INPUTS[forms.CheckboxInput],
        FAST_INPUTS[forms.TextInput],
        FAST_INPUTS[forms.DateInput],
    ]
    assert [field.widget_type for field in form] == ["checkbox", "text", "date"]  # templates test these
    assert 'type="date"' in str(form["day"])
