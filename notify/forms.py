from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from notify.catalogue import KINDS
from notify.models import PERSONAL_CHANNELS, Preferences, WebhookEndpoint
from notify.routing import chosen_channels
from org.forms import UnitChoiceField
from org.models import Person, Unit, phone_validator


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


class LiaisonForm(StyledFormMixin, forms.Form):
    """The unit's liaison: one of its people (their name and phone are taken) or anyone, by name and number."""

    person = forms.ModelChoiceField(
        label=_("One of our people"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Someone else (type below)"),
    )
    name = forms.CharField(label=_("liaison"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("liaison's phone"), max_length=20, required=False, validators=[phone_validator]
    )

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = unit.people.filter(is_active=True).order_by("username")
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda p: f"{p} {p.phone}"  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        person = data.get("person")
        if person is not None:
            if not person.phone:
                raise forms.ValidationError(_("%(name)s has no phone number on record.") % {"name": person})
            data["name"], data["phone"] = person.get_full_name(), person.phone
        elif not data.get("name") or not data.get("phone"):
            raise forms.ValidationError(_("Choose one of your people, or give a name and a phone number."))
        return data
