from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from notify.catalogue import KINDS
from notify.models import PERSONAL_CHANNELS, Preferences, WebhookEndpoint
from notify.routing import chosen_channels
from org.forms import UnitChoiceField
from org.models import Unit


class WebhookForm(StyledFormMixin, forms.ModelForm):
    url = forms.URLField(label=_("webhook URL"), max_length=300, assume_scheme="https")
    unit = UnitChoiceField(queryset=Unit.objects.order_by("path"), required=False, label=_("unit"))

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "unit", "url", "format", "is_active"]


class PreferencesForm(StyledFormMixin, forms.ModelForm):
    """Quiet hours, the work-app accounts, and for each kind of message the channels it goes to (the inbox always
    gets it)."""

    class Meta:
        model = Preferences
        fields = ["quiet_start", "quiet_end", "wecom_userid", "dingtalk_userid"]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in KINDS.values():
            self.fields[f"kind:{kind.code}"] = forms.MultipleChoiceField(
                label=str(kind.label),
                choices=[(c.value, c.label) for c in PERSONAL_CHANNELS],
                initial=sorted(chosen_channels(self.instance, kind)),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("kind:")]

    def channels(self) -> dict[str, list[str]]:
        return {
            name.split(":", 1)[1]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("kind:")
        }
