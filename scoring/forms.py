from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin, form_field
from core.models import Period
from org.forms import UnitChoiceField
from org.models import Unit
from scoring.models import DEFAULT_PARAMS, Adjustment, Component, Scheme

PARAM_LABELS = {
    "on_time_target": _("On-time closure target (%)"),
    "per_point_below": _("Points off per percentage point below target"),
    "per_rework": _("Points off per rework"),
    "late_penalty": _("Share of a material's score lost when first submitted after its deadline (%)"),
}
# Parameters kept as a share (0.7) and entered as a percentage (70), as people say them.
PERCENT_PARAMS = {"on_time_target", "late_penalty"}


class PeriodForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Period
        fields = ["kind", "year", "number"]


class SchemeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["bonus_cap", "target_total", "list_size", "list_ties", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class ComponentForm(StyledFormMixin, forms.Form):
    weight = forms.DecimalField(label=_("points"), min_value=0, max_digits=6, decimal_places=2)

    def __init__(self, *args, component: Component, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.component = component
        self.fields["weight"].initial = component.weight
        for name, default in DEFAULT_PARAMS[component.kind].items():
            value = component.params.get(name, default)
            percent = name in PERCENT_PARAMS
            self.fields[f"param_{name}"] = forms.FloatField(
                label=PARAM_LABELS.get(name, name),
                min_value=0,
                max_value=100 if percent else None,
                initial=round(value * 100, 4) if percent else value,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
            )

    def params(self) -> dict:
        """The parameters as stored: a percentage entered becomes a share."""
        return {
            name[6:]: value / 100 if name[6:] in PERCENT_PARAMS else value
            for name, value in self.cleaned_data.items()
            if name.startswith("param_")
        }

    @property
    def weight_value(self) -> Decimal:
        return self.cleaned_data["weight"]


class AdjustmentForm(StyledFormMixin, forms.ModelForm):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("unit"))

    class Meta:
        model = Adjustment
        fields = ["unit", "kind", "points", "reason"]

    def __init__(self, *args, scheme: Scheme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(kind=scheme.unit_kind).order_by("path")
        form_field(self, "unit", forms.ModelChoiceField).queryset = units
