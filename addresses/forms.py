from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from addresses.geometry import CoordinateSystem
from addresses.imports import GIS_LAYERS
from addresses.models import Doorplate, Place, Road


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx) from the template, or GeoJSON / a zipped Shapefile from the GIS office."),
    )
    layer = forms.ChoiceField(
        label=_("GIS file holds"),
        choices=[
            ("roads", _("Roads (lines)")),
            ("places", _("Places (areas or points)")),
            ("water", _("Water (areas)")),
        ],
        initial="roads",
        help_text=_("Only for GeoJSON and Shapefile: an Excel file says it by its sheets."),
    )
    system = forms.ChoiceField(label=_("Coordinate system"), choices=CoordinateSystem.choices)

    def clean_layer(self) -> str:
        layer = self.cleaned_data["layer"]
        if layer not in GIS_LAYERS:
            raise forms.ValidationError(_("Unknown layer."))
        return layer


class PointFields(forms.ModelForm):
    """The location as two numbers (the form's map and its search box fill them)."""

    lon = forms.FloatField(label=_("Longitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    lat = forms.FloatField(label=_("Latitude"), widget=forms.NumberInput(attrs={"step": "any"}))


class DoorplateForm(PointFields):
    class Meta:
        model = Doorplate
        fields = ["road", "number", "building", "lon", "lat"]


class PlaceForm(PointFields):
    class Meta:
        model = Place
        fields = ["name", "kind", "doorplate", "lon", "lat"]
        widgets = {"doorplate": forms.NumberInput()}


class RoadForm(forms.ModelForm):
    class Meta:
        model = Road
        fields = ["name", "kind"]
