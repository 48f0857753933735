"""Running a file job (GeneratedFile) once, with its progress and its failure shown on the job's page."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from reports.models import GeneratedFile


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
