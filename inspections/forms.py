from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, StyledFormMixin, form_field
from framework.models import Edition, SiteType
from inspections.models import Round, RoundKind
from org.models import Person, Role, Unit, UnitKind


class RoundForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=RoundKind.choices)
    edition = forms.ModelChoiceField(label=_("framework edition"), queryset=Edition.objects.all())
    starts_on = DateField(label=_("starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = DateField(label=_("ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    site_types = forms.ModelMultipleChoiceField(
        label=_("site types"),
        queryset=SiteType.objects.filter(active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"data-picker": "search"}),
        help_text=_("None chosen: all types."),
    )
    towns = forms.ModelMultipleChoiceField(
        label=_("towns"),
        queryset=Unit.objects.filter(kind=UnitKind.TOWN),
        required=False,
        widget=forms.SelectMultiple(attrs={"data-picker": "search"}),
        help_text=_("None chosen: all towns."),
    )
    per_type_per_town = forms.IntegerField(
        label=_("sites per type per town"), min_value=0, initial=0, help_text=_("0: every site in scope.")
    )
    seed = forms.IntegerField(
        label=_("sampling seed"),
        min_value=1,
        required=False,
        help_text=_("Empty: a new seed is drawn and recorded. The same seed picks the same sites."),
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("inspectors"),
        queryset=Person.objects.filter(role=Role.INSPECTOR, is_active=True),
        widget=forms.SelectMultiple(attrs={"data-picker": "search"}),
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The round cannot end before it starts."))
        return data


class TownFilterForm(StyledFormMixin, forms.Form):
    town = forms.ModelChoiceField(
        label=_("town"), queryset=Unit.objects.none(), required=False, empty_label=_("All towns")
    )
    site_type = forms.ModelChoiceField(
        label=_("site type"), queryset=SiteType.objects.all(), required=False, empty_label=_("All site types")
    )

    def __init__(self, *args, towns=None, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "town", forms.ModelChoiceField).queryset = (
            towns if towns is not None else Unit.objects.none()
        )


class ResultsFilterForm(StyledFormMixin, forms.Form):
    round = forms.ModelChoiceField(
        label=_("inspection round"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=_("All rounds"),
    )
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", _("All kinds")), *RoundKind.choices], required=False
    )
    starts = DateField(
        label=_("Rounds starting from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends = DateField(
        label=_("Rounds starting until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "round", forms.ModelChoiceField).queryset = (
            rounds if rounds is not None else Round.objects.none()
        )

    def filter(self, visits):
        """The visits of the chosen round, or of the rounds of that kind starting in the dates."""
        if not self.is_valid():
            return visits
        data = self.cleaned_data
        if data["round"]:
            return visits.filter(round=data["round"])
        if data["kind"]:
            visits = visits.filter(round__kind=data["kind"])
        if data["starts"]:
            visits = visits.filter(round__starts_on__gte=data["starts"])
        if data["ends"]:
            visits = visits.filter(round__starts_on__lte=data["ends"])
        return visits


class SiteImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


__all__ = ["Round", "RoundForm", "TownFilterForm"]
