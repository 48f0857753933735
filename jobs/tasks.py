"""The Celery side of file jobs: the decorator every app's job task takes, and the sweeper beat runs, so no job
stays queued or running for ever (jobs.actions.sweep_jobs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.conf import settings

from core import periodic
from jobs import actions


def job_task(function: Callable[[int], str]) -> Any:
    """A Celery task making a job's file: stopped at JOB_TIME_LIMIT_SECONDS (softly 30 seconds before, so the job
    fails saying it took too long), its message acknowledged only when it ran and given back if its worker died."""
    limit = settings.JOB_TIME_LIMIT_SECONDS
    return shared_task(
        time_limit=limit, soft_time_limit=max(limit - 30, 1), acks_late=True, reject_on_worker_lost=True
    )(function)


@shared_task
def sweep_jobs() -> str:
    return str(periodic.run_alone("jobs-sweep", actions.sweep_jobs))


periodic.register("jobs-sweep", sweep_jobs, seconds=float(settings.JOB_SWEEP_SECONDS))
