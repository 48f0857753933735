"""网上申报/台账: evidence requested from a unit for one criterion in a scoring period, the unit's submissions
(versions with files and text), the office's review and score, and the history of every step.

A request snapshots what is needed (material types, word and photo limits, the requirement texts) when it is
issued, so a later change to the framework never changes what a unit was asked for.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import Event, Versioned, action_field, state_field
from core.models import Period
from framework.models import Criterion, MaterialType
from org.models import Person, Unit


class RequestState(models.TextChoices):
    REQUESTED = "requested", _("Not started")
    DRAFT = "draft", _("Draft saved")
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


def submitted_late(first_submitted_at: datetime | None, deadline: date) -> bool:
    """A material first sent on a day (local time) after its deadline; the score sheet and the pages agree on it."""
    return first_submitted_at is not None and timezone.localdate(first_submitted_at) > deadline


class MaterialRequest(Versioned):
    """One unit's share of one criterion's materials for one period. Versioned: the office's review, rescoring
    and deadline forms send the version they showed, and a request that changed since is refused."""

    # The unit still owes something: these count as overdue after the deadline.
    OPEN_STATES: ClassVar[set[str]] = {RequestState.REQUESTED, RequestState.DRAFT, RequestState.RETURNED}
    UNIT_EDITS: ClassVar[set[str]] = OPEN_STATES
    # Not columns: set on the rows of a list for display (materials.queries, the reviews page).
    overdue: bool
    grade_label: str

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="material_requests"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="material_requests"
    )
    deadline = models.DateField(_("deadline"))
    instructions = models.TextField(_("what is needed"), blank=True)
    material_types = models.JSONField(_("material types"), default=list)
    word_limit = models.PositiveIntegerField(_("word limit"), null=True, blank=True)
    photo_limit = models.PositiveIntegerField(_("photo limit"), null=True, blank=True)
    note = models.TextField(_("note from the office"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=RequestState.choices, default=RequestState.REQUESTED
    )
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    possible = models.DecimalField(_("out of"), max_digits=7, decimal_places=2, default=Decimal(0))
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    reviewed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    issued_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("material request")
        verbose_name_plural = _("material requests")
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "criterion", "unit"], name="material_request_once")
        ]
        indexes = [models.Index(fields=["period", "state"]), models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.criterion.code or self.criterion.text[:20]} · {self.unit}"

    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def unit_can_edit(self) -> bool:
        return self.state in self.UNIT_EDITS

    def is_submitted(self) -> bool:
        return self.state == RequestState.SUBMITTED

    def is_accepted(self) -> bool:
        return self.state == RequestState.ACCEPTED

    def is_returned(self) -> bool:
        return self.state == RequestState.RETURNED

    def is_overdue(self, today: date) -> bool:
        return self.is_open() and self.deadline < today

    def was_submitted_late(self) -> bool:
        """First sent after the deadline: the mark stays after submission, since the score sheet deducts for it."""
        return submitted_late(self.first_submitted_at, self.deadline)

    def needs(self, kind: str) -> bool:
        return kind in self.material_types

    def material_type_labels(self) -> list[str]:
        return [str(MaterialType(v).label) for v in self.material_types if v in MaterialType.values]


class Submission(models.Model):
    """One version of what the unit sends. The newest is the draft or the one under review; older ones stay."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    request = models.ForeignKey(MaterialRequest, on_delete=models.CASCADE, related_name="submissions")
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    text = models.TextField(_("written report"), blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["request", "-version"]
        constraints = [models.UniqueConstraint(fields=["request", "version"], name="submission_version_once")]

    def __str__(self) -> str:
        return f"{self.request} v{self.version}"

    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT


def material_path(instance: MaterialFile, filename: str) -> str:
    # The stored name is ours, never the uploaded one; the original name is kept in `name` for download.
    return f"materials/{instance.submission.request_id}/{instance.token}"


class MaterialFile(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    material_type = models.CharField(_("material type"), max_length=20, choices=MaterialType.choices)
    file = models.FileField(upload_to=material_path, max_length=200)
    thumbnail = models.FileField(upload_to=material_path, max_length=200, blank=True)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    token = models.CharField(max_length=60)
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("material file")
        verbose_name_plural = _("material files")
        ordering = ["material_type", "pk"]

    def __str__(self) -> str:
        return self.name

    def is_photo(self) -> bool:
        return self.material_type == MaterialType.PHOTO


class EventKind(models.TextChoices):
    ISSUED = "issued", _("Requested")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned to the unit")
    ACCEPTED = "accepted", _("Accepted")
    SCORED = "scored", _("Score changed")
    REMINDED = "reminded", _("Reminder (催办)")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Escalated to the unit head")
    DEADLINE = "deadline", _("Deadline changed")


class RequestEvent(Event):
    """The history of a request: who did what and when; the timeline and the review record are queries on it."""

    request = models.ForeignKey(MaterialRequest, on_delete=models.CASCADE, related_name="events")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    action = action_field(EventKind.choices, _("event"))
    from_state = state_field(RequestState.choices, _("from"))
    to_state = state_field(RequestState.choices, _("to"))

    class Meta(Event.Meta):
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"
