"""Findings 10 and 11 of the probe: with Redis down a bulletin request hung 19 s, then 500, leaving a job "queued"
for ever; a killed worker left a job "running 1%" for ever. Jobs are handed over from their own row after commit,
fail at once (with a retry button) when the broker refuses them, are bounded in time and attempts, and a sweeper
fails whatever still got stuck; the progress page stops polling and says what happened."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core import periodic
from jobs import actions
from jobs.actions import run_job, start_job, step, sweep_jobs
from jobs.models import GeneratedFile

Status = GeneratedFile.Status


@shared_task(name="jobs.tests.make_note")
def make_note(job_id: int) -> str:
    return run_job(job_id, lambda job: step(job, 50))


class BrokenQueue:
    name = "jobs.tests.make_note"

    def delay(self, job_id: int) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def _job(person, **fields) -> GeneratedFile:
    return GeneratedFile.objects.create(kind="note", created_by=person, task="jobs.tests.make_note", **fields)


def _age(job: GeneratedFile, **ago) -> None:
    """Move the job's clocks back (updated_at is auto_now: only an update() writes it as given)."""
    then = timezone.now() - dt.timedelta(**ago)
    GeneratedFile.objects.filter(pk=job.pk).update(created_at=then, updated_at=then)


def test_with_the_broker_down_the_job_fails_at_once_and_offers_a_retry(
    county, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(county.office_admin, "note", {}, BrokenQueue())
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.published_at is None
    page = login(county.office_admin).get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert "The background service is unavailable" in page and 'data-testid="job-retry"' in page
    assert "hx-get" not in page, "a failed job's page stops polling"


def test_a_retried_job_is_handed_over_again_and_made(county, login, django_capture_on_commit_callbacks):
    job = _job(county.office_admin, status=Status.FAILED, error=actions.UNAVAILABLE)
    client = login(county.office_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:retry", args=[job.pk]))
    assert response["Location"] == reverse("jobs:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Status.DONE and job.published_at is not None and job.error == ""


def test_only_the_requester_retries_and_only_a_failed_job(county, login):
    job = _job(county.office_admin, status=Status.FAILED)
    assert login(county.leader).post(reverse("jobs:retry", args=[job.pk])).status_code == 404
    done = _job(county.office_admin, status=Status.DONE)
    login(county.office_admin).post(reverse("jobs:retry", args=[done.pk]))
    done.refresh_from_db()
    assert done.status == Status.DONE


def test_a_job_whose_worker_was_killed_is_failed_by_the_sweeper(county):
    job = _job(county.office_admin, status=Status.RUNNING, progress=1, published_at=timezone.now())
    _age(job, seconds=settings.JOB_TIME_LIMIT_SECONDS + 61)
    fresh = _job(county.office_admin, status=Status.RUNNING, progress=1, published_at=timezone.now())
    assert sweep_jobs() == {"handed_over": 0, "failed": 1}
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == Status.FAILED and job.error == actions.WORKER_LOST and job.finished_at is not None
    assert fresh.status == Status.RUNNING, "a job still within its time limit is left to run"


def test_a_queued_job_no_worker_took_is_failed(county):
    job = _job(
        county.office_admin,
        published_at=timezone.now() - dt.timedelta(minutes=settings.JOB_STALE_MINUTES + 1),
    )
    sweep_jobs()
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.error == actions.NO_WORKER


def test_a_job_whose_hand_over_was_lost_is_handed_over_by_the_sweeper(county):
    """The outbox: the process died between commit and hand-over; the row still says it was never handed over."""
    job = _job(county.office_admin)
    _age(job, minutes=1)
    assert sweep_jobs()["handed_over"] == 1
    job.refresh_from_db()
    assert job.status == Status.DONE and job.published_at is not None


def test_the_progress_page_of_a_stuck_job_stops_polling_and_says_what_happened(county, login):
    """Even without beat running the sweeper, the page itself finds the job stuck."""
    job = _job(county.office_admin, status=Status.RUNNING, progress=1, published_at=timezone.now())
    _age(job, seconds=settings.JOB_TIME_LIMIT_SECONDS + 61)
    client = login(county.office_admin)
    page = client.get(reverse("jobs:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "stopped while making the file" in page and "hx-get" not in page and "job-retry" in page
    zh = client.get(
        reverse("jobs:job", args=[job.pk]), headers={"Accept-Language": "zh-hans"}
    ).content.decode()
    assert "后台" in zh


def test_a_job_that_kills_its_worker_every_time_gives_up(county):
    job = _job(county.office_admin, status=Status.RUNNING, attempts=GeneratedFile.MAX_ATTEMPTS)
    assert make_note(job.pk) == Status.FAILED
    job.refresh_from_db()
    assert job.error == actions.GAVE_UP


def test_a_job_over_its_time_limit_fails_saying_so(county):
    def too_slow(job: GeneratedFile) -> None:
        raise SoftTimeLimitExceeded()

    job = _job(county.office_admin)
    assert run_job(job.pk, too_slow) == Status.FAILED
    job.refresh_from_db()
    assert job.error == actions.TOO_LONG and job.attempts == 1


def test_the_sweeper_is_on_beats_schedule():
    assert periodic.beat_schedule()["jobs-sweep"] == {
        "task": "jobs.tasks.sweep_jobs",
        "schedule": float(settings.JOB_SWEEP_SECONDS),
    }
