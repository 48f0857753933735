"""Starting a file job, recording its progress, and running it once to done or failed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from jobs.models import GeneratedFile


class Task(Protocol):
    """A Celery task taking the job's id (`shared_task` functions are)."""

    def delay(self, job_id: int) -> Any: ...


def start_job(actor: AbstractBaseUser, kind: str, params: dict, task: Task) -> GeneratedFile:
    """Record the job and hand it to the worker once the caller's transaction commits (the caller has checked
    permission). Its page (jobs:job) follows the progress."""
    job = GeneratedFile.objects.create(kind=kind, params=params, created_by_id=actor.pk)
    transaction.on_commit(lambda: _hand_over(job, task))
    return job


def _hand_over(job: GeneratedFile, task: Task) -> None:
    """Give the job to the worker; with the broker down, the job fails at once with a message its page shows,
    instead of waiting for ever in the queue."""
    try:
        task.delay(job.pk)
    except Exception:  # kombu/redis raise their own connection errors; any failure to queue means the same
        job.status, job.finished_at = GeneratedFile.Status.FAILED, timezone.now()
        job.error = gettext("The background service is unavailable; please try again later.")
        job.save(update_fields=["status", "error", "finished_at"])


def step(job: GeneratedFile, progress: int) -> None:
    """Record progress (percent) so the job's page can show it."""
    if progress != job.progress or job.status != GeneratedFile.Status.RUNNING:
        job.progress, job.status = progress, GeneratedFile.Status.RUNNING
        job.save(update_fields=["progress", "status"])


def run_job(job_id: int, make: Callable[[GeneratedFile], None], *related: str) -> str:
    """Let `make` fill the job's file and filename (reporting progress with `step`), then mark it done or failed.

    A finished job is left alone: a re-delivered task message must not make the file twice.
    """
    job = GeneratedFile.objects.select_related(*related).get(pk=job_id)
    if job.is_finished():
        return job.status
    try:
        make(job)
        job.status, job.progress, job.finished_at = GeneratedFile.Status.DONE, 100, timezone.now()
    except Exception as exc:  # the page shows the failure instead of spinning for ever
        job.status, job.error, job.finished_at = GeneratedFile.Status.FAILED, str(exc)[:300], timezone.now()
    job.save()
    return job.status
