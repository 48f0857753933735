"""Files made in the background (bulletins, round reports, large case exports, material bundles) with their progress.

The ground layer: a job knows its requester only as the user model, so any app above can start one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    # The outbox: the Celery task that makes the file, and when the broker took the job (empty: not handed over yet,
    # so the sweeper hands it over again). `updated_at` moves with every progress step: a running job whose
    # `updated_at` stands still past the time limit lost its worker. `attempts` counts the runs a worker began.
    task = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename or self.kind

    # A job its worker began this many times without finishing (each run killed the worker) is failed, not retried.
    MAX_ATTEMPTS = 3

    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
