"""FastSelect writes the HTML Django's select templates write (issue 20.26: the queue page's filter lists)."""

from __future__ import annotations

from django import forms

from core.forms import FastSelect, StyledFormMixin

CHOICES = [
    ("", "All"),
    ("Group <1>", [(1, 'A & "B"'), (2, "C")]),
    ("x", "Plain <b>"),
    (3, "三"),
]


def test_it_renders_what_django_renders():
    for value in (None, "", 2, "x", [3]):
        for attrs in (
            {"class": "form-select", "data-picker": "search"},
            {"required": True, "disabled": False},
        ):
            django_html = forms.Select(attrs=attrs, choices=CHOICES).render("field", value)
            assert FastSelect(attrs=attrs, choices=CHOICES).render("field", value) == django_html


def test_styled_forms_use_it_for_plain_selects_only():
    class Filters(StyledFormMixin, forms.Form):
        kind = forms.ChoiceField(choices=CHOICES)
        many = forms.MultipleChoiceField(choices=CHOICES)
        radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)

    form = Filters()
    assert type(form.fields["kind"].widget) is FastSelect
    assert type(form.fields["many"].widget) is forms.SelectMultiple
    assert type(form.fields["radio"].widget) is forms.RadioSelect
    assert 'class="form-select"' in str(form["kind"])
