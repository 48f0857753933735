"""Notifications: an in-app inbox for every recipient, and deliveries over email, SMS and robot webhooks.

A notification is created once per (recipient, dedupe key); each delivery once per (notification, channel,
address). A worker that crashes and runs again finds the rows already there and only sends what is still pending,
so nobody is notified twice. Many messages of one kind at once are folded into one summary (notify.actions).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Person, Unit


class Notification(models.Model):
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Folded into a summary the recipient got instead (flood control, notify.actions.notify_many): kept so that
    # its dedupe key counts as sent, born read and never listed.
    folded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    def is_read(self) -> bool:
        return self.read_at is not None


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("WeCom (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk (钉钉)")
    WEBHOOK = "webhook", _("Robot webhook")


# The channels a person may choose per kind of message (robots post to a unit's group, not to a person).
PERSONAL_CHANNELS = [Channel.SMS, Channel.WECOM, Channel.DINGTALK, Channel.EMAIL]


class Delivery(models.Model):
    """One message to send outside the app, to a person (`person`) or to a unit's number or robot (no person).

    `due_at` is when it may go next: at once, after quiet hours (SMS held until morning), or after a failed
    attempt's backoff. A delivery is sent once: (channel, address, key) is unique, and the row is locked while sent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    MAX_ATTEMPTS = 5

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=300)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    text = models.TextField(_("message"))
    # The SMS template's parameters (SMS providers send only approved templates), in template order.
    params = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200)
    status = models.CharField(
        _("state"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["channel", "address", "dedupe_key"], name="delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_status_due")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.address}"

    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    def is_held(self) -> bool:
        """Waiting for its time: quiet hours, or the pause after a failed attempt."""
        return self.status == self.Status.PENDING and self.due_at > timezone.now()

    def backoff(self) -> dt.timedelta:
        """How long to wait after the current attempt failed: 1, 2, 4, 8 minutes…"""
        return dt.timedelta(minutes=2 ** max(self.attempts - 1, 0))


def default_quiet_start() -> dt.time:
    return dt.time(22, 0)


def default_quiet_end() -> dt.time:
    return dt.time(7, 30)


class Preferences(models.Model):
    """What reaches a person on which channel, their quiet hours and their accounts in the work apps.

    `channels` maps a kind of message (notify.catalogue) to the channels chosen for it; a kind not in it gets the
    catalogue's default. The inbox always gets everything.
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="notify_preferences")
    channels = models.JSONField(default=dict, blank=True)
    quiet_start = models.TimeField(_("quiet from"), default=default_quiet_start)
    quiet_end = models.TimeField(_("quiet until"), default=default_quiet_end)
    wecom_userid = models.CharField(_("WeCom user ID"), max_length=64, blank=True)
    dingtalk_userid = models.CharField(_("DingTalk user ID"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.person)


class WebhookEndpoint(models.Model):
    """A WeCom (企业微信) or DingTalk (钉钉) group robot that receives a unit's notifications (or all, unit empty)."""

    class Format(models.TextChoices):
        WECOM = "wecom", _("WeCom robot")
        DINGTALK = "dingtalk", _("DingTalk robot")

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE)
    url = models.URLField(_("webhook URL"), max_length=300)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.WECOM)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name
