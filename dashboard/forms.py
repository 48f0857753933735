from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from dashboard.models import DisplayLink, Panel, Screen
from org.forms import UnitChoiceField
from org.models import Unit, UnitKind


class ScreenForm(StyledFormMixin, forms.ModelForm):
    """A screen's name, scope and pace, and per panel its place in the order (empty: not shown)."""

    town = UnitChoiceField(
        queryset=Unit.objects.filter(kind=UnitKind.TOWN).order_by("path"),
        required=False,
        label=_("town (empty: the whole county)"),
    )

    class Meta:
        model = Screen
        fields = ["name", "town", "rotation_seconds"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        chosen = self.instance.chosen()
        for key, label in Panel.choices:
            self.fields[f"panel_{key}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=1,
                max_value=len(Panel.values),
                initial=chosen.index(key) + 1 if key in chosen else None,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )

    def panel_fields(self) -> list[forms.BoundField]:
        return [self[f"panel_{key}"] for key in Panel.values]

    def clean(self) -> dict:
        data = super().clean() or {}
        places = [(data.get(f"panel_{key}"), index, key) for index, key in enumerate(Panel.values)]
        chosen = [key for place, _i, key in sorted(p for p in places if p[0] is not None)]
        if not chosen:
            raise forms.ValidationError(_("Choose at least one panel."))
        data["panels"] = chosen
        return data


class LinkForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = DisplayLink
        fields = ["label"]
