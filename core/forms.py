"""Form helpers shared by every app: Bootstrap classes and error states on any widget, and date fields bounded to
dates a person can mean."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

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


def _attrs(attrs: dict) -> str:
    """Django's widgets/attrs.html in Python."""
    return "".join(
        ""
        if value is False
        else f" {name}"
        if value is True
        else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
    )


class FastSelect(forms.Select):
    """A <select> written in Python, the same HTML as Django's templates write it: those render two template
    includes per option, and the office's filter lists (a hundred categories, every unit and grid) are on every
    queue page, where they took most of the rendering time."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"  # the option template's last line break
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


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
                if type(widget) is forms.Select:
                    widget.__class__ = FastSelect  # the same widget, rendered without a template per option
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
