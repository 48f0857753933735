"""Resident surveys (问卷调查): questionnaires, survey runs with quotas and surveyors, responses and answers.

A rate (知晓率, 支持率, 满意率, 参与率) is favourable answers ÷ valid answers of a question; whether an answer is
favourable is decided once, when the response is submitted, and stored on the answer so rates are SQL averages.
"""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Person, Unit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class RateKind(models.TextChoices):
    AWARENESS = "awareness", _("Awareness rate")
    SUPPORT = "support", _("Support rate")
    SATISFACTION = "satisfaction", _("Satisfaction rate")
    PARTICIPATION = "participation", _("Participation rate")
    OTHER = "other", _("Other rate")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    RATING = "rating", _("Rating scale")
    TEXT = "text", _("Short text")


class Channel(models.TextChoices):
    HOUSEHOLD = "household", _("Household visit")
    STREET = "street", _("Street interview")
    ONLINE = "online", _("Online link")
    PAPER = "paper", _("Paper, typed in")


def option_code(index: int) -> str:
    """Options are coded A, B, C … in the order they are listed."""
    return string.ascii_uppercase[index]


class Questionnaire(models.Model):
    """One version of a questionnaire for one respondent group (e.g. A 居民卷, B 军人卷)."""

    name = models.CharField(_("name"), max_length=200)
    group_code = models.CharField(_("version"), max_length=10, default="A", help_text=_("e.g. A, B, C, D"))
    group_label = models.CharField(_("respondent group"), max_length=50, default="居民")
    description = models.TextField(
        _("introduction"), blank=True, help_text=_("Read to or shown to the respondent.")
    )
    min_residence_months = models.PositiveIntegerField(_("minimum residence (months)"), default=6)
    min_age = models.PositiveIntegerField(_("minimum age"), default=18)
    max_age = models.PositiveIntegerField(_("maximum age"), default=65)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["name", "group_code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.group_code} {self.group_label}）"

    def clean(self) -> None:
        if self.min_age > self.max_age:
            raise ValidationError({"max_age": _("The maximum age must not be below the minimum age.")})

    def screen(self, age: int | None, residence_months: int | None) -> str:
        """The reason a respondent is screened out of the rates, or '' when they count."""
        if age is None or residence_months is None:
            return str(_("screening questions not answered"))
        if not self.min_age <= age <= self.max_age:
            return str(_("age outside %(low)d–%(high)d") % {"low": self.min_age, "high": self.max_age})
        if residence_months < self.min_residence_months:
            return str(_("lived here under %(months)d months") % {"months": self.min_residence_months})
        return ""


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    text = models.TextField(_("question"))
    required = models.BooleanField(_("required"), default=True)
    options = models.JSONField(_("options"), default=list, blank=True)
    favourable_options = models.JSONField(_("favourable options"), default=list, blank=True)
    scale_max = models.PositiveSmallIntegerField(_("scale points"), default=5)
    favourable_min = models.PositiveSmallIntegerField(_("favourable from"), null=True, blank=True)
    rate_kind = models.CharField(_("rate"), max_length=20, choices=RateKind.choices, blank=True)
    target_rate = models.DecimalField(_("target rate"), max_digits=4, decimal_places=3, null=True, blank=True)
    criterion_code = models.CharField(
        _("criterion"),
        max_length=30,
        blank=True,
        help_text=_("The framework criterion this question measures."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "order", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def option_pairs(self) -> list[tuple[str, str]]:
        return [(option_code(i), label) for i, label in enumerate(self.options)]

    def is_rated(self) -> bool:
        """A rated question contributes to a rate: it knows which answers are favourable."""
        if self.kind == QuestionKind.RATING:
            return self.favourable_min is not None
        return self.kind != QuestionKind.TEXT and bool(self.favourable_options)

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        codes = {code for code, _label in self.option_pairs}
        if self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            if len(self.options) < 2:
                errors["options"] = _("A choice question needs at least two options.")
            elif len(self.options) > 26:
                errors["options"] = _("At most 26 options (A–Z).")
            unknown = set(self.favourable_options) - codes
            if unknown:
                errors["favourable_options"] = _("Unknown option codes: %(codes)s") % {
                    "codes": ", ".join(sorted(unknown))
                }
        if self.kind == QuestionKind.RATING:
            if not 2 <= self.scale_max <= 10:
                errors["scale_max"] = _("A rating scale has 2 to 10 points.")
            if self.favourable_min is not None and not 1 <= self.favourable_min <= self.scale_max:
                errors["favourable_min"] = _("Must lie on the scale.")
        if self.target_rate is not None and not 0 < self.target_rate <= 1:
            errors["target_rate"] = _("A target rate lies between 0 and 1 (e.g. 0.8 for 80%).")
        if errors:
            raise ValidationError(errors)

    def is_favourable(self, choices: list[str], rating: int | None) -> bool | None:
        """Whether an answer counts as favourable; None when the question has no rate or was not answered."""
        if not self.is_rated():
            return None
        if self.kind == QuestionKind.RATING:
            return None if rating is None or self.favourable_min is None else rating >= self.favourable_min
        if not choices:
            return None
        return any(code in self.favourable_options for code in choices)


def new_public_token() -> str:
    return secrets.token_urlsafe(9)


class SurveyRun(models.Model):
    """A round of fieldwork: a period, the questionnaires used, quotas per community and the surveyors."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    questionnaires = models.ManyToManyField(
        Questionnaire, verbose_name=_("questionnaires"), related_name="runs"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    public_link = models.BooleanField(_("public link open"), default=False)
    public_token = models.CharField(max_length=20, unique=True, default=new_public_token, editable=False)
    min_seconds_per_question = models.PositiveIntegerField(
        _("too fast below (seconds per question)"),
        default=3,
        help_text=_("Responses completed faster than this are flagged as implausibly fast."),
    )
    surveyors = models.ManyToManyField(
        Person, verbose_name=_("surveyors"), related_name="survey_runs", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey run")
        verbose_name_plural = _("survey runs")
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The run cannot end before it starts.")})

    def is_accepting(self) -> bool:
        today = timezone.localdate()
        return self.status == self.Status.OPEN and self.starts_on <= today <= self.ends_on


class Quota(models.Model):
    run = models.ForeignKey(SurveyRun, on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey(Unit, verbose_name=_("community or town"), on_delete=models.PROTECT)
    target = models.PositiveIntegerField(_("target responses"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="quota_unique_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.target}"


class Response(models.Model):
    """One completed questionnaire. `client_id` makes a resubmission (after a dropped network) count once."""

    VALID: ClassVar[dict] = {"screen_reason": ""}

    run = models.ForeignKey(SurveyRun, on_delete=models.PROTECT, related_name="responses")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    client_id = models.UUIDField(_("client id"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("community"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        Unit,
        verbose_name=_("town / street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    surveyor = models.ForeignKey(
        Person, verbose_name=_("surveyor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    device_hash = models.CharField(max_length=64, blank=True)
    # A public response's sender as a keyed hash of its address and browser (surveys.views.origin_hash): a second
    # one from the same sender in a run is kept but screened out (repeat_origin), for the office to see.
    origin_hash = models.CharField(max_length=64, blank=True, db_index=True)
    repeat_origin = models.BooleanField(_("repeat from the same address and browser"), default=False)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    residence_months = models.PositiveIntegerField(_("months lived here"), null=True, blank=True)
    screen_reason = models.CharField(_("screened out because"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    too_fast = models.BooleanField(_("implausibly fast"), default=False)
    # Digest of the answers: the same answers typed twice at the same community are flagged as a likely duplicate.
    answers_digest = models.CharField(max_length=64, blank=True, db_index=True)
    possible_duplicate = models.BooleanField(_("possible duplicate"), default=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["run", "client_id"], name="response_unique_client_id"),
            models.UniqueConstraint(
                fields=["run", "device_hash"],
                condition=~models.Q(device_hash=""),
                name="response_one_per_device",
            ),
        ]
        indexes = [models.Index(fields=["run", "unit"]), models.Index(fields=["run", "surveyor"])]

    def __str__(self) -> str:
        return f"{self.run} #{self.pk}"

    def is_valid_for_rates(self) -> bool:
        return not self.screen_reason


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choices = models.JSONField(default=list, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.CharField(max_length=500, blank=True)
    favourable = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique_question")
        ]
        indexes = [models.Index(fields=["question", "favourable"])]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class AnswerTally(models.Model):
    """The period facts of the surveys: valid and favourable answers per town, question and month of the response,
    counting the rated answers of responses not screened out, as the survey component and the 大屏 read them
    (surveys.queries.period_answers). Kept by `surveys.actions.submit_response` in the response's transaction
    (a response is screened when it is submitted and never changes after); bulk loads call
    `surveys.tally.rebuild_answer_tally()`, as the nightly repair does. At 1M cases the bench's quarter holds 60k
    answers (a hash join of ~100 ms); its tally, 48 rows.

    Plain integers rather than foreign keys, as cases.models.OpenTally: 0 is "no town"."""

    town_key = models.BigIntegerField()  # org.Unit id of the response's town, 0: none
    question_key = models.BigIntegerField()  # Question id
    month = models.DateField()  # first day of the (local) month the response was submitted in
    valid = models.IntegerField(default=0)
    favourable = models.IntegerField(default=0)

    KEYS: ClassVar[tuple[str, ...]] = ("town_key", "question_key", "month")
    COUNTERS: ClassVar[tuple[str, ...]] = ("valid", "favourable")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["town_key", "question_key", "month"], name="answertally_key")
        ]

    def __str__(self) -> str:
        return f"{self.town_key}/{self.question_key}/{self.month}: {self.favourable}/{self.valid}"
