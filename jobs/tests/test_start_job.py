"""Starting a job: the worker gets it after commit; with the broker down the job fails at once, saying why."""

from __future__ import annotations

from typing import Any

from jobs.actions import start_job
from jobs.models import GeneratedFile


class Queue:
    name = "jobs.tests.queue"

    def __init__(self, broken: bool = False) -> None:
        self.broken = broken
        self.sent: list[int] = []

    def delay(self, job_id: int) -> Any:
        if self.broken:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append(job_id)


def test_the_worker_gets_the_job_after_commit(county, django_capture_on_commit_callbacks):
    queue = Queue()
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(county.office_admin, "x", {}, queue)
        assert queue.sent == []
    job.refresh_from_db()
    assert queue.sent == [job.pk] and job.status == GeneratedFile.Status.QUEUED


def test_with_the_broker_down_the_job_fails_at_once_with_a_clear_message(
    county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(county.office_admin, "x", {}, Queue(broken=True))
    job.refresh_from_db()
    assert job.status == GeneratedFile.Status.FAILED and job.finished_at is not None
    assert job.error == "The background service is unavailable; please try again later."
