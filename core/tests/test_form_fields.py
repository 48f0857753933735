"""A blank form's fields are written once per process and language (core.forms.form_fields): the same text as
core/_form_fields.html writes, and a form with values or options is written afresh every time."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin, form_fields


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=20)
    photos = forms.FileField(label="照片", required=False, help_text="可不填")


OPTIONS = [("a", "一")]


class PickForm(StyledFormMixin, forms.Form):
    pick = forms.ChoiceField(label=_("Category"), choices=lambda: OPTIONS)


def included(form: forms.Form) -> str:
    return render_to_string("core/_form_fields.html", {"form": form})


def test_a_blank_forms_fields_are_the_includes_text_written_once_per_language():
    for language, label in (("zh-hans", "备注"), ("en", "Note")):
        with translation.override(language):
            first = form_fields(NoteForm())
            assert first == included(NoteForm()) and f">{label}" in first
            assert form_fields(NoteForm()) is first  # the process's copy


def test_a_form_with_values_or_options_is_written_afresh():
    bound = NoteForm({"note": "很长很长很长很长很长很长很长很长很长很长很长"})
    assert not bound.is_valid()
    assert form_fields(bound) == included(bound) and "is-invalid" in form_fields(bound)
    given = NoteForm(initial={"note": "已清理"})
    assert "已清理" in form_fields(given)
    assert "已清理" not in form_fields(NoteForm())
    assert 'value="a"' in form_fields(PickForm())
    OPTIONS[:] = [("b", "二")]
    assert 'value="b"' in form_fields(PickForm()) and 'value="a"' not in form_fields(PickForm())
