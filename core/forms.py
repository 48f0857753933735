"""Form helpers shared by every app: Bootstrap classes and error states on any widget, and date fields bounded to
dates a person can mean."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypeVar

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

F = TypeVar("F", bound=forms.Field)

# The mixin is only ever mixed into a form: the type checker sees it as one.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


# Dates a person can mean. Year 1 or 9999 parse, and then the first step of arithmetic on them (the next day, the
# start of the day in UTC) overflows: such input is refused as invalid, like any other malformed date.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


class DateField(forms.DateField):
    """A date between EARLIEST and LATEST."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(EARLIEST), MaxValueValidator(LATEST)]


class DateTimeField(forms.DateTimeField):
    """A date and time on a date between EARLIEST and LATEST."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(within(EARLIEST)), MaxValueValidator(within(LATEST))]


def within(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def form_field(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's field `name`, known to be a `kind` (`form.fields` knows each only as a Field): for setting a
    choice field's queryset or choices when the form is made."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


class StyledFormMixin(_FormBase):
    """Give every widget its Bootstrap class, and mark fields with errors as invalid."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
