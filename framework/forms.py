from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, StyledFormMixin
from framework.models import CheckItem, Criterion, SiteType
from org.forms import UnitChoiceField, UnitSelectMultiple
from org.models import Unit


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several units from the indented tree, searchable, with a button that adds every town (镇街) at once."""

    widget = UnitSelectMultiple

    def label_from_instance(self, obj: Unit) -> str:
        return f"{'　' * obj.depth}{obj.name}"


class AssignForm(StyledFormMixin, forms.Form):
    lead_unit = UnitChoiceField(
        queryset=Unit.objects.filter(is_active=True).order_by("path"), label=_("Lead unit")
    )
    responsible_units = UnitMultipleChoiceField(
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        label=_("Responsible units"),
        required=False,
        help_text=_("Type to search; pick as many as needed."),
    )
    deadline = DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label=_("Why a second breakdown"),
        required=False,
        max_length=500,
        help_text=_("Needed only when this is already broken down; otherwise edit the existing task."),
    )

    def __init__(self, *args, again: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not again:  # the reason is asked only of a deliberate second breakdown
            del self.fields["reason"]

    def clean_deadline(self) -> date:
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline is in the past."))
        return deadline


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ReportForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    # The form metaclass moves declared fields to base_fields, so `form.files` stays the uploads; the stubs
    # see this field as overriding it.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint or photos; up to 10 files of 20 MB each."),
    )
    done = forms.BooleanField(label=_("The task is done: ask the office to confirm"), required=False)


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class CriterionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["code", "text", "points", "rule_kind", "rule", "note"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "rule": _(
                'Graded: {"tiers": [["0.80", "1"], ["0.75", "0.5"]]}; bonus: {"per_item": "1", "cap": "4"}; '
                'negative list: {"per_item": "2"}; prerequisite: {"minimum": "85"}; others: {}.'
            )
        }


class SiteTypeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = SiteType
        fields = ["code", "name", "active", "sort_order"]


class EditionImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    name = forms.CharField(
        label=_("Edition name"),
        required=False,
        max_length=120,
        help_text=_("Leave empty to take it from the file."),
    )


class CheckItemForm(StyledFormMixin, forms.ModelForm):
    """One row of the criterion's check-item table: the column heading and the row's site are its visible label."""

    class Meta:
        model = CheckItem
        fields = ["text", "deduction"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].widget.attrs["aria-labelledby"] = f"checks-{name} {self.prefix}-site"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:  # the error under the field is read out with it
                self.fields[name].widget.attrs["aria-describedby"] = f"{self.prefix}-{name}-error"


CheckItemFormSet = forms.modelformset_factory(CheckItem, form=CheckItemForm, extra=0, can_delete=False)
