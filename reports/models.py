"""Files made in the background (bulletins, large exports), with their progress, and the office's Word templates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from org.models import Person


class GeneratedFile(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.FileField(upload_to="generated/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename or self.kind

    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class TemplateKind(models.TextChoices):
    BULLETIN = "bulletin", _("Score bulletin (考核通报)")
    ROUND = "round", _("Inspection round report (督查通报)")


class BulletinTemplate(models.Model):
    """A Word template (docxtpl) the office edited and uploaded; the newest active one of its kind is used."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=TemplateKind.choices, default=TemplateKind.BULLETIN
    )
    name = models.CharField(_("name"), max_length=100)
    file = models.FileField(_("Word template (.docx)"), upload_to="templates/")
    is_active = models.BooleanField(_("active"), default=True)
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bulletin template")
        verbose_name_plural = _("bulletin templates")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.name
