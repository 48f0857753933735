"""Public reporting (随手拍): which categories the public may use, the citizen's side of a case (tracking code,
phone hash, Open311 attributes), the API keys of client systems, and photos hidden from the public.

A public report is an ordinary `cases.Case` (source citizen, state reported); this app only adds what the public
side needs around it, so the office verifies it in its usual screens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CasePhoto, Category, State

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def phone_hash(phone: str, key: str | None = None) -> str:
    """A keyed hash of the phone number: the tracking identity for points and ranking, not reversible to it. Keyed
    on PHONE_HASH_KEY (not SECRET_KEY: rotating one must not change the other)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    secret = key if key is not None else settings.PHONE_HASH_KEY
    return hmac.new(secret.encode(), f"phone:{digits}".encode(), hashlib.sha256).hexdigest()


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class PublicService(models.Model):
    """A category offered to the public and over Open311 (a service), with its own public name."""

    service_code = models.SlugField(_("service code"), max_length=40, unique=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    name = models.CharField(_("public name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    group = models.CharField(_("group"), max_length=50, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("public service")
        verbose_name_plural = _("public services")
        ordering = ["order", "service_code"]

    def __str__(self) -> str:
        return self.name


class ServiceAttribute(models.Model):
    """An extra question of a service (Open311 service definition attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLE = "singlevaluelist", _("One of a list")
        MULTI = "multivaluelist", _("Several of a list")

    LIST_TYPES = frozenset({Datatype.SINGLE, Datatype.MULTI})

    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(_("code"), max_length=40)
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=300)
    datatype_description = models.CharField(_("hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # [[key, name], ...] for the list types
    values = models.JSONField(_("values"), default=list, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="attribute_unique_code")]

    def __str__(self) -> str:
        return self.code

    def is_list(self) -> bool:
        return self.datatype in self.LIST_TYPES

    def value_keys(self) -> set[str]:
        return {str(key) for key, _name in self.values}


class ApiKey(models.Model):
    """The key of one client system (a 12345 platform, a city app). Only its hash is stored."""

    name = models.CharField(_("client system"), max_length=100)
    prefix = models.CharField(_("key starts with"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)


# What a citizen reads for each case state: the office's words (待处置, 退回…) mean little outside it.
PUBLIC_STATUS: dict[str, StrOrPromise] = {
    State.REPORTED: _("Being checked by the office"),
    State.ACCEPTED: _("Accepted, being handled"),
    State.DISPATCHED: _("Being handled"),
    State.RETURNED: _("Being handled"),
    State.RECTIFYING: _("Being handled"),
    State.SUBMITTED: _("Fixed, being checked"),
    State.DEFERRED: _("Being handled"),
    State.CLOSED: _("Fixed"),
    State.REJECTED: _("Not taken up"),
    State.DUPLICATE: _("Already reported by someone else"),
}


class CitizenReport(models.Model):
    """The public side of a case reported by a citizen (web page or Open311 client)."""

    class Channel(models.TextChoices):
        WEB = "web", _("Report page")
        OPEN311 = "open311", _("Open311 client")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="citizen_report")
    service = models.ForeignKey(PublicService, on_delete=models.PROTECT, related_name="reports")
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.tracking_code

    def public_status(self) -> str:
        return str(PUBLIC_STATUS[self.case.state])


class ReceivedReport(models.Model):
    """A web report taken in and not filed yet: the intake's inbox.

    The report page checks what the citizen sent, stores this one row and answers with the tracking page at once;
    the work after that (the grid, the nearest address, the relapse link, the case's number, its history) is
    `portal.tasks.file_received_reports`, queued to run just after the row commits. Filing writes the case and its
    `CitizenReport` (same tracking code) and deletes this row in one transaction, so a report is in exactly one
    of the two tables; beat runs the same task every INTAKE_SWEEP_SECONDS, so a row whose job was never queued
    (broker down) or was lost is filed all the same.
    """

    # Written by every report (portal.actions.receive_report), read only by tracking code and in id order: the
    # unique constraint is the code's one index (no pattern-ops twin), and the service is checked by the request and
    # protected by the ORM (PROTECT), not by a foreign-key check that locks the service's row at each commit.
    tracking_code = models.CharField(_("tracking code"), max_length=16)
    service = models.ForeignKey(
        PublicService, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    description = models.TextField(_("description"))
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(max_length=20, blank=True)  # private, as the case's reporter_phone will be
    channel = models.CharField(max_length=10, choices=CitizenReport.Channel.choices)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="portal_received_tracking_code_unique")
        ]

    def __str__(self) -> str:
        return self.tracking_code


class HiddenPhoto(models.Model):
    """A photo the office keeps off the public pages and the API (a face, a number plate)."""

    photo = models.OneToOneField(CasePhoto, on_delete=models.CASCADE, related_name="hidden_from_public")
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.photo_id)


class PointsRule(models.Model):
    """The office's rules for points (积分); one row. Awards keep the numbers that applied when they were made."""

    points_valid = models.PositiveSmallIntegerField(_("points for a valid report"), default=10)
    points_repeat = models.PositiveSmallIntegerField(
        _("points for a repeat"),
        default=3,
        help_text=_("The same reporter, category and place (grid or address) again within the window."),
    )
    repeat_window_days = models.PositiveSmallIntegerField(_("repeat window (days)"), default=30)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("points rule")

    def __str__(self) -> str:
        return f"{self.points_valid}/{self.points_repeat}/{self.repeat_window_days}d"

    @classmethod
    def current(cls) -> PointsRule:
        return cls.objects.get_or_create(pk=1)[0]


class PointsAward(models.Model):
    """Points earned by one accepted report, written once (the ledger the ranking and the export read)."""

    class Reason(models.TextChoices):
        VALID = "valid", _("Valid report")
        REPEAT = "repeat", _("Repeat on the same place and category")

    report = models.OneToOneField(CitizenReport, on_delete=models.CASCADE, related_name="points_award")
    phone_hash = models.CharField(max_length=64, db_index=True)
    points = models.PositiveSmallIntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)

    class Meta:
        ordering = ["-awarded_at"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.points}"


class HotlineTicket(models.Model):
    """A case forwarded by a hotline (12345 / 12319), with the hotline's own work-order number."""

    class Hotline(models.TextChoices):
        H12345 = "12345", "12345"
        H12319 = "12319", "12319"

    SOURCES: ClassVar[dict[str, str]] = {Hotline.H12345: "hotline_12345", Hotline.H12319: "hotline_12319"}

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="hotline_ticket")
    hotline = models.CharField(_("hotline"), max_length=5, choices=Hotline.choices)
    work_order = models.CharField(_("work-order number"), max_length=40)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "work_order"], name="hotline_unique_work_order"),
        ]

    def __str__(self) -> str:
        return f"{self.hotline} {self.work_order}"
