from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from core.geo import parse_boundary, validate_lon_lat
from org.models import ApiScope, Grid, Person, Unit, UnitKind


class UnitSelectMultiple(forms.SelectMultiple):
    """A searchable multiple pick of units whose towns are marked, for the picker's "all towns" button."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"data-picker": "tree", "data-picker-all-label": _("All towns"), **(attrs or {})})

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        unit = getattr(value, "instance", None)
        if isinstance(unit, Unit) and unit.kind == UnitKind.TOWN:
            option["attrs"]["data-town"] = "1"
        return option


class UnitChoiceField(forms.ModelChoiceField):
    """Units as an indented tree (by their depth), searchable by name in the picker (static/js/pickers.js)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", forms.Select(attrs={"data-picker": "tree"}))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Unit) -> str:
        return f"{'　' * obj.depth}{obj.name}"


class UnitForm(StyledFormMixin, forms.ModelForm):
    parent = UnitChoiceField(queryset=Unit.objects.order_by("path"), required=False, label=_("parent unit"))

    class Meta:
        model = Unit
        fields = [
            "name",
            "kind",
            "parent",
            "division_code",
            "head_name",
            "head_phone",
            "liaison_name",
            "liaison_phone",
            "sort_order",
            "is_active",
        ]


class PersonCreateForm(StyledFormMixin, forms.ModelForm):
    unit = UnitChoiceField(queryset=Unit.objects.order_by("path"), label=_("unit"))

    class Meta:
        model = Person
        fields = ["username", "full_name", "unit", "role", "phone", "email"]


class PersonEditForm(StyledFormMixin, forms.ModelForm):
    unit = UnitChoiceField(queryset=Unit.objects.order_by("path"), label=_("unit"))

    class Meta:
        model = Person
        fields = ["full_name", "unit", "role", "phone", "email", "is_active"]


class GridForm(StyledFormMixin, forms.ModelForm):
    unit = UnitChoiceField(queryset=Unit.objects.order_by("path"), label=_("owning unit"))
    boundary = forms.CharField(
        label=_("boundary (GeoJSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        help_text=_("A GeoJSON Polygon or MultiPolygon in WGS-84 longitude, latitude."),
    )

    class Meta:
        model = Grid
        fields = ["code", "name", "unit", "boundary"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["boundary"] = json.dumps(self.instance.boundary, ensure_ascii=False)

    def clean_boundary(self) -> dict:

        text = self.cleaned_data["boundary"]
        parse_boundary(text)  # raises a readable ValidationError
        data = json.loads(text)
        return data.get("geometry", data) if data.get("type") == "Feature" else data


class LocateForm(StyledFormMixin, forms.Form):
    lon = forms.FloatField(label=_("longitude"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("latitude"), min_value=-90, max_value=90)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if "lon" in data and "lat" in data:
            validate_lon_lat(data["lon"], data["lat"])
        return data


class ImportForm(StyledFormMixin, forms.Form):
    KIND_CHOICES = [("units", _("Units")), ("people", _("People"))]
    kind = forms.ChoiceField(label=_("What to import"), choices=KIND_CHOICES)
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class TokenForm(StyledFormMixin, forms.Form):
    """Issue an API token: who it acts as (office admins choose among their people), for which client, what it
    may do and for how long."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("acts as"))
    name = forms.CharField(label=_("client"), max_length=100, help_text=_("e.g. 12345 hotline platform"))
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiScope.READ],
    )
    days = forms.IntegerField(label=_("valid for (days)"), min_value=1, max_value=366, initial=90)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people
        if people.count() == 1:
            field.initial = people.first()
