from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from notify.models import WebhookEndpoint
from org.forms import UnitChoiceField
from org.models import Unit


class WebhookForm(StyledFormMixin, forms.ModelForm):
    url = forms.URLField(label=_("webhook URL"), max_length=300, assume_scheme="https")
    unit = UnitChoiceField(queryset=Unit.objects.order_by("path"), required=False, label=_("unit"))

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "unit", "url", "format", "is_active"]
