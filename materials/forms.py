from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, StyledFormMixin, form_field
from core.models import Period
from framework.forms import MultipleFileField, UnitMultipleChoiceField
from framework.models import Criterion, Node
from materials.grading import plain
from org.models import Unit


class CriterionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Criterion) -> str:
        return f"{obj.code} {obj.text[:60]}".strip()


class IssueForm(StyledFormMixin, forms.Form):
    period = forms.ModelChoiceField(Period.objects.all(), label=_("Period"))
    criteria = CriterionChoiceField(
        Criterion.objects.none(),
        label=_("Criteria"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Criteria of the active edition that ask for materials (网上申报)."),
    )
    deadline = DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    breakdown_units = forms.BooleanField(
        label=_("Ask the lead and responsible units of the task breakdown"), required=False, initial=True
    )
    extra_units = UnitMultipleChoiceField(
        Unit.objects.none(),
        label=_("Also ask these units"),
        required=False,
    )
    note = forms.CharField(
        label=_("Note to the units"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, criteria, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "criteria", forms.ModelChoiceField).queryset = criteria
        units = Unit.objects.filter(is_active=True).order_by("path")
        form_field(self, "extra_units", forms.ModelChoiceField).queryset = units
        self.fields["criteria"].widget.attrs["class"] = "form-check-input"

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


class UploadForm(forms.Form):
    # The form metaclass moves declared fields to base_fields, so `form.files` stays the uploads; the stubs
    # see this field as overriding it.
    files = MultipleFileField(label=_("Files"))  # type: ignore[assignment]


class TextForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Written report"), required=False, max_length=50000, widget=forms.Textarea(attrs={"rows": 10})
    )


class ReviewForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment to the unit"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    points = forms.CharField(label=_("Points"), required=False, max_length=20)
    grade = forms.ChoiceField(label=_("Grade"), required=False, choices=[])

    def __init__(self, *args, grades=None, possible=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if grades is None:
            del self.fields["grade"]
            self.fields["points"].label = _("Points (of %(max)s)") % {"max": plain(possible)}
            self.fields["points"].initial = plain(possible)
            self.fields["points"].widget.attrs.update({"inputmode": "decimal"})
        else:
            del self.fields["points"]
            form_field(self, "grade", forms.ChoiceField).choices = [(g.code, g.label) for g in grades]


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class MatrixFilterForm(forms.Form):
    period = forms.ModelChoiceField(Period.objects.all(), required=False)
    project = forms.ModelChoiceField(Node.objects.none(), required=False)
