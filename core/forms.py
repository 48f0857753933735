"""Form helpers shared by every app: Bootstrap classes and error states on any widget, date fields bounded to
dates a person can mean, and the option lists of a few small tables held in each process."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.exceptions import EmptyResultSet
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.markup import escaped
from core.processcopy import ProcessCopy

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
        else f" {escaped(name)}"
        if value is True
        else f' {escaped(name)}="{escaped(f"{value}")}"'  # `|stringformat:'s'`, then autoescape
        for name, value in attrs.items()
    )


class FastSelect(forms.Select):
    """A <select> written in Python, the same HTML as Django's templates write it: those render two template
    includes per option, and the office's filter lists (a hundred categories, every unit and grid) are on every
    queue page, where they took most of the rendering time."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        chosen = set(self.format_value(value))
        choices = self.choices
        if isinstance(choices, _HeldIterator) and chosen <= {""}:
            # Nothing chosen (a filter form as first shown): the same options for everyone in the scope, held
            # with the list they are written from.
            options = choices.markup(tuple(chosen), lambda: self._options(chosen))
        else:
            options = self._options(chosen)
        start = f'<select name="{escaped(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>'
        return mark_safe(f"{start}{options}\n</select>")

    def _options(self, chosen: set[str]) -> str:
        # Select.optgroups and create_option made a dict per option; this walks the choices once, as they do: an
        # option is selected when its value is among the field's, the first such one only.
        parts = []
        found = False
        for group_value, group_label in self.choices:
            if isinstance(group_label, list | tuple):
                group, options = group_value, group_label
            else:
                group, options = None, [(group_value, group_label)]
            if group:
                parts.append(f'\n  <optgroup label="{escaped(group)}">')
            for option_value, label in options:
                text = "" if option_value is None else str(option_value)
                selected = not found and text in chosen
                found |= selected
                parts.append(
                    f'\n  <option value="{escaped(text)}"{" selected" if selected else ""}>'
                    f"{escaped(label)}</option>\n"  # the option template's last line break
                )
            if group:
                parts.append("\n  </optgroup>")
        return "".join(parts)


class _FastInput:
    """An <input> written in Python, the same HTML as Django's input.html and attrs.html write it (a text, date
    or checkbox field cost two template includes each; the queue's filter form has four)."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = widget["value"]
        # `|stringformat:'s'` then autoescape: formatting makes plain text of safe text too, then escaped.
        value_attr = "" if shown is None else f' value="{escaped(f"{shown}")}"'
        return mark_safe(
            f'<input type="{escaped(widget["type"])}" name="{escaped(widget["name"])}"{value_attr}'
            f"{_attrs(widget['attrs'])}>"
        )


# Widgets whose template is input.html and nothing else, and their Python-written twins, under the same class
# names (a bound field's `widget_type`, which templates test, is made from the name).
FAST_INPUTS: dict[type, type] = {
    kind: type(kind.__name__, (_FastInput, kind), {"__module__": __name__})
    for kind in (
        forms.TextInput,
        forms.NumberInput,
        forms.EmailInput,
        forms.URLInput,
        forms.DateInput,
        forms.DateTimeInput,
        forms.TimeInput,
        forms.CheckboxInput,
    )
}


# --- Option lists held in each process -------------------------------------------------------------------------
# The office's pages list every unit, grid and category in their pickers (the queue's filters, dispatch, accept):
# hundreds of rows read and made into objects on every page, for tables that change a few times a month. Each
# process keeps the options it has listed, one list per query (a unit sees its own subtree), until a row of the
# table is saved or deleted (the model's app calls `hold_choices` in its ready(): that connects the forgetting) and
# in any case for HELD_CHOICES_SECONDS. Only the options are held: a submitted value is still checked against the
# field's queryset in the database.

HELD_CHOICES_SECONDS = 300
_held: dict[type[Model], ProcessCopy[dict]] = {}


def hold_choices(model: type[Model]) -> None:
    """From now on, every styled form lists `model`'s options from this process's copy (see above)."""
    if model in _held:
        return
    _held[model] = ProcessCopy(
        f"choices:{model._meta.label}", dict, check_seconds=2, max_age_seconds=HELD_CHOICES_SECONDS
    )
    post_save.connect(_forget_choices, sender=model, dispatch_uid=f"held-choices-{model._meta.label}")
    post_delete.connect(_forget_choices, sender=model, dispatch_uid=f"held-choices-d-{model._meta.label}")


def forget_held_choices() -> None:
    """Every held list, here and in every process (the tests' database is rolled back under them)."""
    for copy in _held.values():
        copy.forget()


def _forget_choices(sender: type[Model], **kwargs: object) -> None:
    """A signal receiver: a row of a held table changed, every process lists its options afresh."""
    _held[sender].forget()


def _plain(choices: list) -> list:
    """ModelChoiceIterator's options without the objects they carry: (id as text, label), and groups of those; the
    labels escaped once here rather than on every page (escaped text is safe: it is not escaped again)."""
    return [
        (conditional_escape(label), _plain(value))
        if isinstance(value, list)
        else (str(label), conditional_escape(value))
        for label, value in choices
    ]


class _HeldIterator(BaseChoiceIterator):
    """A model choice field's options as its own iterator lists them, from the process's copy: looked up when the
    field is rendered, so a queryset a form sets after its __init__ (a scope) is the one listed."""

    def __init__(self, field: forms.ModelChoiceField, listing: type) -> None:
        self.field, self.listing = field, listing

    def _held(self) -> tuple[dict, tuple] | None:
        """This process's lists of the field's model, and the key of the field's own: its `held_key` (hold_as)
        or its query's SQL, parameters included (one list per scope); None when the query can match nothing."""
        field, queryset = self.field, self.field.queryset
        if queryset is None:
            return None
        scope = getattr(field, "held_key", None)
        if scope is None:
            try:
                scope = str(queryset.query)
            except EmptyResultSet:
                return None
        lists = _held[queryset.model].get()
        return lists, (get_language(), scope)  # labels may be translated (a category's kind)

    def _options(self) -> list:
        held = self._held()
        if held is None:
            return []
        lists, key = held
        options = lists.get(key)
        if options is None:
            listed = list(self.listing(self.field))
            options = lists[key] = _plain(listed[1:] if self.field.empty_label is not None else listed)
        return options

    def markup(self, chosen: tuple[str, ...], write: Callable[[], str]) -> str:
        """The options as `write` writes them with `chosen` selected, held beside the list (one per empty label:
        two forms may name "none" differently)."""
        held = self._held()
        if held is None:
            return write()
        lists, key = held
        empty = None if self.field.empty_label is None else str(self.field.empty_label)
        markup_key = (*key, "markup", empty, chosen)
        markup = lists.get(markup_key)
        if markup is None:
            markup = lists[markup_key] = write()
        return markup

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self._options()

    def __len__(self) -> int:
        return len(self._options()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self._options())


def hold_as(field: forms.Field, key: Hashable) -> None:
    """Hold `field`'s options under `key` rather than its query's SQL: for a picker on a busy page whose queryset
    is a function of `key` alone (a scope, org.access.scope_of), where writing out the SQL on every page to find
    the list cost as much as listing it."""
    field.held_key = key  # type: ignore[attr-defined]


def _hold(field: forms.ModelChoiceField) -> None:
    listing = field.iterator
    field.iterator = lambda field: _HeldIterator(field, listing)  # type: ignore[assignment]
    field.widget.choices = field.choices


class StyledFormMixin(_FormBase):
    """Give every widget its Bootstrap class, and mark fields with errors as invalid; list the options of a held
    table (hold_choices) from this process's copy."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                isinstance(field, forms.ModelChoiceField)
                and not isinstance(field, forms.ModelMultipleChoiceField)
                and field.queryset is not None
                and field.queryset.model in _held
            ):
                _hold(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
                if type(widget) is forms.Select:
                    widget.__class__ = FastSelect  # the same widget, rendered without a template per option
            else:
                css = "form-control"
            fast = FAST_INPUTS.get(type(widget))
            if fast is not None and widget.template_name == type(widget).template_name:
                widget.__class__ = fast
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"


# --- A blank form's fields, written once per process ------------------------------------------------------------
# The case page offers each step the person may take as a form of its own: a note, a reason, a few photos. The
# fields of such a form, blank, are the same text for everyone as long as the code and the language are: each
# process writes them once (core/_form_fields.html, as an include would) and reuses the text. A form with values
# (bound, or given initial ones), with a field whose initial value is computed, or with options (which may come
# from the database or a function) is written afresh every time.

FORM_FIELDS_TEMPLATE = "core/_form_fields.html"
_blank_fields: dict[tuple[type, str | None, Any, str | None], SafeString] = {}


def _fixed_text(form: forms.BaseForm) -> bool:
    """Whether the form's fields are the same text whenever it is written (see above)."""
    return (
        not form.is_bound
        and not form.initial
        and not any(
            isinstance(field, forms.ChoiceField) or callable(field.initial) for field in form.fields.values()
        )
    )


def form_fields(form: forms.BaseForm) -> SafeString:
    """The form's fields as core/_form_fields.html writes them (a blank form's from this process's copy)."""
    if not _fixed_text(form):
        return render_to_string(FORM_FIELDS_TEMPLATE, {"form": form})
    key = (type(form), form.prefix, form.auto_id, get_language())
    text = _blank_fields.get(key)
    if text is None:
        text = _blank_fields[key] = render_to_string(FORM_FIELDS_TEMPLATE, {"form": form})
    return text
