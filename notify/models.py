"""Notifications: an in-app inbox for every recipient, and deliveries over email, SMS and robot webhooks.

A notification is created once per (recipient, dedupe key); each delivery once per (notification, channel,
address). A worker that crashes and runs again finds the rows already there and only sends what is still pending,
so nobody is notified twice. Many messages of one kind at once are folded into one summary (notify.actions).
"""

from __future__ import annotations

from django.db import models
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
    WEBHOOK = "webhook", _("Robot webhook")


class Delivery(models.Model):
    """One message to send outside the app. Unit-wide ones (SMS to the head, a webhook) have no notification."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    MAX_ATTEMPTS = 5

    channel = models.CharField(max_length=10, choices=Channel.choices)
    address = models.CharField(max_length=300)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    dedupe_key = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["channel", "address", "dedupe_key"], name="delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.address}"


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
