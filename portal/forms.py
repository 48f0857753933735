from __future__ import annotations

import math
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from cases.forms import PhotosField
from cases.models import Category
from core.forms import DateTimeField, StyledFormMixin
from portal import queries
from portal.models import HotlineTicket, PublicService


class ServiceField(forms.ModelChoiceField):
    """The public services, read from each process's copy when a report comes in (no query per report)."""

    def to_python(self, value: object) -> PublicService | None:
        if value in self.empty_values:
            return None
        try:
            service = queries.active_service(int(str(value)))
        except ValueError:
            service = None
        if service is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return service


class ReportForm(StyledFormMixin, forms.Form):
    """The citizen's report. Location comes from the map (WGS-84, filled by the page's script)."""

    service = ServiceField(
        label=_("What kind of problem?"), queryset=queries.public_services(), empty_label=_("Choose…")
    )
    photos = PhotosField(
        label=_("Photos"), required=False, help_text=_("Up to 4 photos, taken now or from the album.")
    )
    description = forms.CharField(
        label=_("What is wrong?"),
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("e.g. rubbish piled at the corner of the market")}
        ),
    )
    address = forms.CharField(label=_("Place (optional)"), max_length=200, required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only the office sees it. With it, your reports earn points."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    # A field people never see: bots fill it in.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("website"):
            raise forms.ValidationError(_("Your report could not be accepted. Please try again."))
        if data.get("lon") is None or data.get("lat") is None:
            self.add_error(None, _("Mark the place on the map, or tap “Use my location”."))
        return data


def plain_report(data: QueryDict, files: MultiValueDict) -> dict[str, Any] | None:
    """ReportForm's cleaned data for a plain, valid submission (no photos, every field in order), without building
    the form: a form deep-copies its eight fields and their widgets on every request, half a millisecond on the
    public side's busiest write. None for anything else (a photo, a mistake, a field missing), which the form then
    checks and explains. It accepts nothing the form refuses and cleans every value as the form does
    (portal/tests/test_plain_report.py holds it to that on generated submissions)."""
    if files:
        return None
    fields = ReportForm.base_fields
    try:
        service = queries.active_service(int(str(data["service"])))
        lon, lat = float(str(data["lon"])), float(str(data["lat"]))
        description = str(data["description"]).strip()
    except (KeyError, ValueError, TypeError):
        return None
    address, phone = (data.get("address") or "").strip(), (data.get("phone") or "").strip()
    fits = all(
        "\x00" not in text and len(text) <= (fields[name].max_length or 0)  # type: ignore[attr-defined]
        for name, text in (("description", description), ("address", address), ("phone", phone))
    )
    if (
        service is None
        or not description
        or not fits
        or not (math.isfinite(lon) and math.isfinite(lat))
        or (data.get("website") or "").strip()
    ):
        return None
    return {
        "service": service,
        "photos": [],
        "description": description,
        "address": address,
        "lon": lon,
        "lat": lat,
        "phone": phone,
        "website": "",
    }


class TrackForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=16)


class ApiKeyForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Client system"), max_length=100, help_text=_("e.g. 12345 hotline platform")
    )


class PointsRuleForm(StyledFormMixin, forms.Form):
    points_valid = forms.IntegerField(label=_("Points for a valid report"), min_value=0, max_value=1000)
    points_repeat = forms.IntegerField(
        label=_("Points for a repeat"),
        min_value=0,
        max_value=1000,
        help_text=_("The same reporter, category and place (grid or address) again within the window."),
    )
    repeat_window_days = forms.IntegerField(label=_("Repeat window (days)"), min_value=1, max_value=365)


class HotlineForm(StyledFormMixin, forms.Form):
    hotline = forms.ChoiceField(label=_("Hotline"), choices=HotlineTicket.Hotline.choices)
    work_order = forms.CharField(label=_("Work-order number"), max_length=40)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True, parent__isnull=False).order_by(
            "standard_ref", "code"
        ),
        required=False,
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lon = forms.FloatField(label=_("Longitude (WGS-84)"), required=False)
    lat = forms.FloatField(label=_("Latitude (WGS-84)"), required=False)
    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=20, required=False)
    received_at = DateTimeField(
        label=_("Received by the hotline at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class HotlineImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"))
