"""The sign-in form (with its captcha step) and the working calendar's form."""

from __future__ import annotations

from typing import Any

from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, StyledFormMixin


class CalendarOverrideForm(StyledFormMixin, forms.Form):
    date = DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("This day is"),
        choices=[("1", _("a working day")), ("0", _("a day off"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=100, required=False)


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with a captcha when org.signin asks for one. With the captcha wrong the password is
    not even checked: the answer must not tell a guesser whether the password was right."""

    def __init__(self, *args: Any, captcha: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if captcha:
            self.ask_captcha()

    def ask_captcha(self) -> None:
        self.fields["captcha"] = CaptchaField(label=_("Characters in the picture"))

    def clean(self) -> dict[str, Any]:
        if "captcha" in self.errors:  # its own error, found before clean() runs
            return self.cleaned_data
        return super().clean()
