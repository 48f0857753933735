"""The working calendar's form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, StyledFormMixin


class CalendarOverrideForm(StyledFormMixin, forms.Form):
    date = DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("This day is"),
        choices=[("1", _("a working day")), ("0", _("a day off"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=100, required=False)
