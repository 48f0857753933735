from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin, form_field
from org.models import Person, Role, Unit, UnitKind
from surveys.actions import Submission
from surveys.models import Question, QuestionKind, Questionnaire, SurveyRun


class QuestionnaireForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = [
            "name",
            "group_code",
            "group_label",
            "description",
            "min_age",
            "max_age",
            "min_residence_months",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(StyledFormMixin, forms.ModelForm):
    options_text = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Coded A, B, C … in this order."),
    )
    favourable_text = forms.CharField(
        label=_("Favourable options"),
        required=False,
        help_text=_("Codes that count as favourable, e.g. A,B"),
    )
    target_percent = forms.DecimalField(
        label=_("Target rate (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
    )

    class Meta:
        model = Question
        fields = ["kind", "text", "required", "scale_max", "favourable_min", "rate_kind", "criterion_code"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        question = self.instance
        if question.pk and not self.is_bound:
            self.initial["options_text"] = "\n".join(question.options)
            self.initial["favourable_text"] = ",".join(question.favourable_options)
            if question.target_rate is not None:
                self.initial["target_percent"] = question.target_rate * 100

    def action_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["options"] = [
            line.strip() for line in self.cleaned_data["options_text"].splitlines() if line.strip()
        ]
        raw = self.cleaned_data["favourable_text"].replace("，", ",").upper()
        data["favourable_options"] = [code.strip() for code in raw.split(",") if code.strip()]
        percent = self.cleaned_data["target_percent"]
        data["target_rate"] = (
            None if percent is None else (percent / 100).quantize(percent.__class__("0.001"))
        )
        return data


class RunForm(StyledFormMixin, forms.ModelForm):
    questionnaires = forms.ModelMultipleChoiceField(
        label=_("questionnaires"), queryset=Questionnaire.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    surveyors = forms.ModelMultipleChoiceField(
        label=_("surveyors"),
        queryset=Person.objects.filter(role=Role.SURVEYOR, is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SurveyRun
        fields = ["name", "starts_on", "ends_on", "min_seconds_per_question"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }


class QuotaForm(StyledFormMixin, forms.Form):
    PER_CHOICES = [("community", _("each community / village")), ("town", _("each town / street"))]
    towns = forms.ModelMultipleChoiceField(
        label=_("Towns / streets"),
        queryset=Unit.objects.filter(kind=UnitKind.TOWN).order_by("path"),
        widget=forms.CheckboxSelectMultiple,
    )
    per = forms.ChoiceField(label=_("Quota for"), choices=PER_CHOICES)
    target = forms.IntegerField(label=_("Responses each"), min_value=1, max_value=10000)

    def units(self) -> list[Unit]:
        towns = list(self.cleaned_data["towns"])
        if self.cleaned_data["per"] == "town":
            return towns
        return list(Unit.objects.filter(parent__in=towns, kind=UnitKind.COMMUNITY).order_by("path"))


class CommunityIterator(ModelChoiceIterator):
    """The communities under their town (an <optgroup> per town), so a county's 300 villages can be found."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        towns: dict[str, list] = {}
        for unit in self.queryset:
            towns.setdefault(unit.parent.name if unit.parent else "", []).append(self.choice(unit))
        yield from towns.items()


class CommunityChoiceField(forms.ModelChoiceField):
    iterator = CommunityIterator


class ResponseForm(StyledFormMixin, forms.Form):
    """The questionnaire as a form: screening questions first, then one field per question (q<id>)."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    started_at = forms.IntegerField(
        widget=forms.HiddenInput, required=False
    )  # ms since the epoch, from the browser
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    unit = CommunityChoiceField(label=_("Community where you live"), queryset=Unit.objects.none())
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120)
    residence_months = forms.IntegerField(label=_("Months lived in this county"), min_value=0, max_value=1200)

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        units: QuerySet[Unit],
        public: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.questions = list(questionnaire.questions.all())
        form_field(self, "unit", forms.ModelChoiceField).queryset = units
        if not public:
            self.fields["unit"].label = _("Community surveyed")
        if public:
            # Bots fill every field; people never see this one.
            self.fields["website"] = forms.CharField(
                required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
            )
        for question in self.questions:
            field = self.fields[f"q{question.pk}"] = _question_field(question)
            if not isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                # A free answer's label is its question, the legend of its fieldset (fill.html).
                field.widget.attrs["aria-labelledby"] = f"q{question.pk}-legend"

    def question_fields(self) -> list[tuple[Question, forms.BoundField]]:
        return [(question, self[f"q{question.pk}"]) for question in self.questions]

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def submission(self) -> Submission:
        data = self.cleaned_data
        answers: dict[int, Any] = {}
        for question in self.questions:
            value = data.get(f"q{question.pk}")
            if value is None or value in ("", []):
                continue
            if question.kind == QuestionKind.SINGLE:
                answers[question.pk] = [value]
            elif question.kind == QuestionKind.MULTIPLE:
                answers[question.pk] = sorted(value)
            elif question.kind == QuestionKind.RATING:
                answers[question.pk] = int(value)
            else:
                answers[question.pk] = value.strip()
        started = data.get("started_at")
        return Submission(
            client_id=data["client_id"],
            answers=answers,
            unit=data["unit"],
            age=data["age"],
            residence_months=data["residence_months"],
            started_at=datetime.fromtimestamp(started / 1000, tz=UTC) if started else None,
            lat=data.get("lat"),
            lon=data.get("lon"),
        )


def _question_field(question: Question) -> forms.Field:
    label, required = question.text, question.required
    if question.kind == QuestionKind.SINGLE:
        return forms.ChoiceField(
            choices=question.option_pairs, widget=forms.RadioSelect, label=label, required=required
        )
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=question.option_pairs, widget=forms.CheckboxSelectMultiple, label=label, required=required
        )
    if question.kind == QuestionKind.RATING:
        scale = [(str(i), str(i)) for i in range(1, question.scale_max + 1)]
        return forms.TypedChoiceField(
            choices=scale, coerce=int, widget=forms.RadioSelect, label=label, required=required
        )
    return forms.CharField(
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        label=label,
        required=required,
    )
