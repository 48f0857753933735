"""Forms of the case screens: filing, each step of the loop, the list filters, categories."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category, Priority, Source, State
from cases.queries import FilteredList, filtered_list
from core.forms import DateField, DateTimeField, StyledFormMixin, form_field, hold_as
from core.geo import gcj02_to_wgs84
from org.access import grids_for, scope_of, visible_units
from org.forms import UnitChoiceField
from org.models import Grid, Person, Unit, UnitKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each is checked by content in the action (core.uploads)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(PhotosField, self).clean(item, initial) for item in files]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def category_choices() -> QuerySet[Category]:
    return (
        Category.objects.filter(is_active=True, parent__isnull=False)
        .select_related("parent")
        .order_by("-kind", "standard_ref", "parent__code", "code")  # "event" before "component"
    )


class GroupedCategoryIterator(ModelChoiceIterator):
    """The minor classes under their major class (an <optgroup> "CJ/T 214 · 事件 · 01 市容环境"), events first."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[int, tuple[str, list]] = {}
        for category in self.queryset:
            major = category.parent
            name = major.label if major is not None else ""
            groups.setdefault(major.pk if major else 0, (name, []))[1].append(self.choice(category))
        yield from groups.values()


class CategoryChoiceField(forms.ModelChoiceField):
    """Minor categories grouped by major class, each named with its standard and kind so codes never clash
    ("CJ/T 214 · 事件 · 0101 私搭乱建"); the picker (Tom Select) searches them by code, name or class."""

    iterator = GroupedCategoryIterator

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", forms.Select(attrs={"data-picker": "search"}))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Category) -> str:
        return obj.label


class CaseForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    category = CategoryChoiceField(
        label=_("Category"), queryset=category_choices(), required=False, empty_label=_("Choose later")
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    site_name = forms.CharField(label=_("Site"), max_length=100, required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    gcj02 = forms.BooleanField(
        label=_("The coordinates come from a Chinese map (GCJ-02)"),
        required=False,
        help_text=_("Gaode/Tencent map coordinates are shifted; they are converted to GPS (WGS-84) on save."),
    )
    reporter_name = forms.CharField(label=_("Reporter"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), max_length=20, required=False)
    photos = PhotosField(label=_("Photos (before)"), required=False)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        lon, lat = data.get("lon"), data.get("lat")
        if (lon is None) != (lat is None):
            raise forms.ValidationError(_("Give both longitude and latitude, or neither."))
        if lon is not None and lat is not None and data.pop("gcj02", False):
            data["lon"], data["lat"] = gcj02_to_wgs84(lon, lat)
        data.pop("gcj02", None)
        return data


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class RequiredNoteForm(NoteForm):
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class CheckForm(NoteForm):
    """核查: the office's look at the fix on site, with its own photos (kept apart from the unit's)."""

    photos = PhotosField(label=_("Photos of the check"), required=False)


class ReworkForm(RequiredNoteForm):
    photos = PhotosField(label=_("Photos of what is still wrong"), required=False)


class AcceptForm(NoteForm):
    category = CategoryChoiceField(
        label=_("Category"), queryset=category_choices(), required=False, empty_label=_("Keep as reported")
    )


def dispatch_units() -> QuerySet[Unit]:
    """The units a case can go to: not the office nor the command post (指挥部), who dispatch, never fix."""
    return (
        Unit.objects.filter(is_active=True)
        .exclude(kind__in=[UnitKind.OFFICE, UnitKind.COMMAND_POST])
        .order_by("path")
    )


class DispatchForm(NoteForm):
    unit = UnitChoiceField(
        label=_("Responsible unit"),
        queryset=dispatch_units(),
        required=False,
        empty_label=_("Automatic (grid, else category)"),
        help_text=_("Empty: the unit owning the grid, else the category's default unit."),
    )
    deadline = DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Empty: computed from the category in working time."),
    )


class ReportBackForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    photos = PhotosField(label=_("Photos (after)"))


class ExtensionRequestForm(StyledFormMixin, forms.Form):
    until = DateTimeField(label=_("New deadline"), widget=DateTimeLocalInput())
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class ApproveExtensionForm(NoteForm):
    until = DateTimeField(
        label=_("New deadline"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Empty: the date the unit asked for."),
    )


class ShortenDeadlineForm(NoteForm):
    until = DateTimeField(label=_("New deadline"), widget=DateTimeLocalInput())


class DuplicateForm(NoteForm):
    original = forms.CharField(label=_("Number of the original case"), max_length=20)

    def clean_original(self) -> Case:
        number = self.cleaned_data["original"].strip()
        original = Case.objects.filter(number=number).first()
        if original is None:
            raise forms.ValidationError(_("No case has the number %(number)s.") % {"number": number})
        return original


class BulkDispatchForm(StyledFormMixin, forms.Form):
    cases = forms.ModelMultipleChoiceField(queryset=Case.objects.none(), widget=forms.MultipleHiddenInput)
    unit = UnitChoiceField(
        label=_("Responsible unit"),
        queryset=dispatch_units(),
        required=False,
        help_text=_("Empty: each case goes to the unit its location or category routes it to."),
    )

    def __init__(self, *args, cases: QuerySet[Case], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "cases", forms.ModelChoiceField).queryset = cases


class CaseFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *State.choices]
    )
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    category = CategoryChoiceField(label=_("Category"), queryset=category_choices(), required=False)
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All sources")), *Source.choices]
    )
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    date_from = DateField(
        label=_("Reported from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DateField(
        label=_("Reported until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args, units: QuerySet[Unit], grids: QuerySet[Grid], scope: str | None = None, **kwargs
    ) -> None:
        """`units` and `grids` are those the person may see; `scope` (org.access.scope_of), when given, is what
        they were made from, and the pickers' options are held under it (core.forms.hold_as)."""
        super().__init__(*args, **kwargs)
        form_field(self, "unit", forms.ModelChoiceField).queryset = units.order_by("path")
        form_field(self, "grid", forms.ModelChoiceField).queryset = (
            grids.select_related(None).only("id", "code", "name").order_by("code")
        )
        hold_as(self.fields["category"], "case-filter:categories")  # the same list for everyone
        if scope is not None:
            hold_as(self.fields["unit"], ("case-filter:units", scope))
            hold_as(self.fields["grid"], ("case-filter:grids", scope))
        self.fields["q"].widget.attrs["placeholder"] = _("Number, description or address")
        for name in ("unit", "category", "grid"):
            form_field(self, name, forms.ModelChoiceField).empty_label = _("All")

    def filters(self) -> dict[str, Any]:
        """The chosen filters, for cases.queries.filter_cases (none when the form was not sent or is wrong)."""
        return self.cleaned_data if self.is_valid() else {}


def list_from_query(
    person: Person, params: QueryDict, default_queue: bool = True
) -> tuple[CaseFilterForm, FilteredList]:
    """The filter form and the list it chooses, from a list page's query string (a background export keeps that
    string and rebuilds its list here too)."""
    form = CaseFilterForm(
        params or None, units=visible_units(person), grids=grids_for(person), scope=scope_of(person)
    )
    first_visit = default_queue and not params
    return form, filtered_list(person, form.filters(), params.get("queue", ""), default_queue=first_visit)


class CategoryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "parent",
            "kind",
            "standard_ref",
            "code",
            "name",
            "deadline_amount",
            "deadline_unit",
            "default_unit",
            "accept_conditions",
            "close_conditions",
            "note",
            "is_active",
        ]
        widgets = {
            "accept_conditions": forms.Textarea(attrs={"rows": 2}),
            "close_conditions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        majors = Category.objects.filter(parent__isnull=True)
        form_field(self, "parent", forms.ModelChoiceField).queryset = majors
        units = Unit.objects.filter(is_active=True).order_by("path")
        form_field(self, "default_unit", forms.ModelChoiceField).queryset = units
