"""Starting a file job, handing it to the worker (the job row is its own outbox), recording its progress, running
it once to done or failed, retrying it, and failing jobs that got stuck.

A job is handed to the broker only after the transaction that created it commits, and the row records whether the
broker took it: a job the broker refused fails at once with a retry button; one whose hand-over never ran (the
process died between commit and hand-over) is handed over by the sweeper. A worker that dies mid-job gives the
message back (acks_late, reject_on_worker_lost) and another runs it, up to MAX_ATTEMPTS; the time limits stop a job
that hangs; the sweeper fails whatever is still stuck, so no page says "running" for ever.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Protocol

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core import replicas
from jobs.models import GeneratedFile

logger = logging.getLogger(__name__)
Status = GeneratedFile.Status

# Stored untranslated (the job is read later, perhaps in another language) and translated when shown.
UNAVAILABLE = gettext_noop("The background service is unavailable; please try again later.")
NO_WORKER = gettext_noop(
    "No background worker took the job. Please try again; if it happens again, tell the IT staff."
)
WORKER_LOST = gettext_noop("The background worker stopped while making the file. Please try again.")
TOO_LONG = gettext_noop("Making the file took longer than the time limit. Narrow the request and try again.")
GAVE_UP = gettext_noop(
    "The file could not be made: the worker stopped every time it tried. Tell the IT staff."
)

# A job not yet handed over this long after it was created lost its hand-over (the on-commit hook never ran).
HAND_OVER_GRACE = dt.timedelta(seconds=30)


class Task(Protocol):
    """A Celery task taking the job's id (`shared_task` functions are)."""

    name: str

    def delay(self, job_id: int) -> Any: ...


def start_job(actor: AbstractBaseUser, kind: str, params: dict, task: Task) -> GeneratedFile:
    """Record the job and hand it to the worker once the caller's transaction commits (the caller has checked
    permission). Its page (jobs:job) follows the progress."""
    job = GeneratedFile.objects.create(kind=kind, params=params, created_by_id=actor.pk, task=task.name)
    transaction.on_commit(lambda: hand_over(job, task))
    return job


def hand_over(job: GeneratedFile, task: Task | None = None) -> bool:
    """Give the job to the broker and record that it took it; with the broker down, fail the job at once with a
    message its page shows (and a retry button) instead of leaving it queued for ever."""
    try:
        (task or current_app.tasks[job.task]).delay(job.pk)
    except (
        Exception
    ) as exc:  # kombu/redis raise their own connection errors; any failure to queue means the same
        logger.warning("Job %s could not be handed to the broker: %s", job.pk, exc)
        _fail(job.pk, UNAVAILABLE, Status.QUEUED)
        return False
    # A filter-update: in eager mode the job has already run and saved its own status.
    GeneratedFile.objects.filter(pk=job.pk, published_at__isnull=True).update(published_at=timezone.now())
    return True


def _fail(pk: int, message: str, *states: str) -> bool:
    """Fail the job if it is still in one of `states`; False when it moved on meanwhile."""
    rows = GeneratedFile.objects.filter(pk=pk, status__in=states)
    return bool(
        rows.update(
            status=Status.FAILED, error=message, finished_at=timezone.now(), updated_at=timezone.now()
        )
    )


def step(job: GeneratedFile, progress: int) -> None:
    """Record progress (percent) so the job's page can show it; each step is also the job's sign of life."""
    if progress != job.progress or job.status != Status.RUNNING:
        job.progress, job.status = progress, Status.RUNNING
        job.save(update_fields=["progress", "status", "updated_at"])


def run_job(job_id: int, make: Callable[[GeneratedFile], None], *related: str) -> str:
    """Let `make` fill the job's file and filename (reporting progress with `step`), then mark it done or failed.

    A finished job is left alone: a re-delivered task message must not make the file twice. A job begun
    MAX_ATTEMPTS times already (each run killed its worker) fails instead of taking another worker down.
    """
    job = GeneratedFile.objects.select_related(*related).get(pk=job_id)
    if job.is_finished():
        return job.status
    if job.attempts >= GeneratedFile.MAX_ATTEMPTS:
        _fail(job.pk, GAVE_UP, Status.QUEUED, Status.RUNNING)
        return Status.FAILED
    job.attempts += 1
    job.save(update_fields=["attempts", "updated_at"])
    try:
        with replicas.reading_caught_up(GeneratedFile, job.pk):  # the file's data may come from a replica
            make(job)
        job.status, job.progress, job.finished_at = Status.DONE, 100, timezone.now()
    except SoftTimeLimitExceeded:
        job.status, job.error, job.finished_at = Status.FAILED, TOO_LONG, timezone.now()
    except Exception as exc:  # the page shows the failure instead of spinning for ever
        job.status, job.error, job.finished_at = Status.FAILED, str(exc)[:300], timezone.now()
    job.save()
    return job.status


@transaction.atomic
def retry_job(actor: AbstractBaseUser, job: GeneratedFile) -> GeneratedFile:
    """Start a failed job again, as its requester asked for it: same parameters, fresh progress."""
    job = GeneratedFile.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk:
        raise PermissionDenied
    if job.status != Status.FAILED or not job.task:
        raise ValidationError(gettext("Only a failed job can be tried again."))
    job.status, job.progress, job.error, job.attempts = Status.QUEUED, 0, "", 0
    job.finished_at = job.published_at = None
    job.save(
        update_fields=["status", "progress", "error", "attempts", "finished_at", "published_at", "updated_at"]
    )
    transaction.on_commit(lambda: hand_over(job))
    return job


def stale_reason(job: GeneratedFile, now: dt.datetime | None = None) -> str | None:
    """Why an unfinished job will never finish by itself, or None while it may still."""
    now = now or timezone.now()
    if job.status == Status.RUNNING and job.updated_at < now - _running_patience():
        return WORKER_LOST
    waiting_since = job.published_at or job.created_at
    if job.status == Status.QUEUED and waiting_since < now - dt.timedelta(minutes=settings.JOB_STALE_MINUTES):
        return NO_WORKER
    return None


def _running_patience() -> dt.timedelta:
    """A running job reports progress; one silent for longer than a job may run has lost its worker."""
    return dt.timedelta(seconds=settings.JOB_TIME_LIMIT_SECONDS + 60)


def fail_if_stale(job: GeneratedFile) -> GeneratedFile:
    """The job as its page should show it: failed, saying why, if it is stuck (the sweeper does the same for all)."""
    reason = stale_reason(job)
    if reason is not None and _fail(job.pk, reason, job.status):
        job.refresh_from_db()
    return job


def sweep_jobs(now: dt.datetime | None = None) -> dict[str, int]:
    """Hand over jobs whose hand-over was lost, and fail the stuck ones. Run every JOB_SWEEP_SECONDS by beat."""
    now = now or timezone.now()
    lost = GeneratedFile.objects.filter(
        status=Status.QUEUED, published_at__isnull=True, created_at__lt=now - HAND_OVER_GRACE
    ).exclude(task="")
    handed = sum(hand_over(job) for job in lost)
    queued_before = now - dt.timedelta(minutes=settings.JOB_STALE_MINUTES)
    waited = Q(published_at__lt=queued_before) | Q(published_at__isnull=True, created_at__lt=queued_before)
    no_worker = GeneratedFile.objects.filter(waited, status=Status.QUEUED)
    worker_lost = GeneratedFile.objects.filter(
        status=Status.RUNNING, updated_at__lt=now - _running_patience()
    )
    failed = no_worker.update(status=Status.FAILED, error=NO_WORKER, finished_at=now, updated_at=now)
    failed += worker_lost.update(status=Status.FAILED, error=WORKER_LOST, finished_at=now, updated_at=now)
    return {"handed_over": handed, "failed": failed}
