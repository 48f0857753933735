"""Queues that never wait on each other: a slow export on `files` does not delay an SMS on `notify`.

The second test runs real Celery workers, one per queue, on a Redis of its own, sharing the test's PostgreSQL
database; it holds the export's job row locked, so the export is stuck on its worker for as long as the test
wants, and sends a notification meanwhile.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection, transaction

from chuangwen.celery import app
from jobs.models import GeneratedFile
from notify.models import Channel, Delivery

QUEUE_OF = {
    "notify.tasks.deliver_pending": "notify",
    "cases.tick": "pressure",
    "cases.repair_open_tally": "pressure",
    "surveys.repair_answer_tally": "pressure",
    "inspections.repair_visit_tally": "pressure",
    "materials.tick": "pressure",
    "jobs.tasks.sweep_jobs": "pressure",
    "portal.tasks.file_received_reports": "default",
    "cases.tasks.make_case_export": "files",
    "surveys.tasks.make_run_export": "files",
    "bulletins.tasks.make_bulletin": "files",
    "bulletins.tasks.make_round_report": "files",
    "bulletins.tasks.make_survey_report": "files",
    "materials.tasks.make_bundle": "files",
    "addresses.tasks.make_address_import": "imports",
}


def test_it_routes_each_kind_of_task_to_its_queue():
    app.loader.import_default_modules()  # every app's tasks module, as a worker imports them
    for name, queue in QUEUE_OF.items():
        assert name in app.tasks, f"{name} is no longer a task: update the routes"
        assert app.amqp.router.route({}, name)["queue"].name == queue, name
    ours = {name for name in app.tasks if not name.startswith("celery.") and ".tests." not in name}
    assert ours == set(QUEUE_OF), "a new task needs its queue in CELERY_TASK_ROUTES"


def test_a_worker_without_queues_named_takes_them_all():
    assert set(app.amqp.queues) == {"default", "notify", "pressure", "files", "imports"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _until(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


@pytest.fixture
def broker() -> Iterator[str]:
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = _free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        redis.terminate()
        redis.wait(10)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def workers(broker, tmp_path, settings) -> Iterator[Celery]:
    """One worker for `files` and one for `notify`, each a single thread, and a client app to talk to them."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),  # the test database, which this test commits to
        "REDIS_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CHUANGWEN_VAR_DIR": str(tmp_path),
    }
    celery = str(Path(sys.executable).with_name("celery"))
    quiet = ["--without-gossip", "--without-mingle", "-l", "warning", "-P", "threads", "-c", "1"]
    started = [
        subprocess.Popen(
            [celery, "-A", "chuangwen", "worker", "-Q", queue, "-n", f"{queue}@test", *quiet],
            env=env,
            stdout=(tmp_path / f"{queue}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for queue in ("files", "notify")
    ]
    client = Celery("client", set_as_current=False)  # the app under test stays the current one
    client.config_from_object("django.conf:settings", namespace="CELERY")
    client.conf.update(broker_url=broker, task_always_eager=False)
    try:
        _until(lambda: len(client.control.ping(timeout=1) or []) == 2, 90, "both workers to answer")
        yield client
    finally:
        for worker in started:
            worker.terminate()
        for worker in started:
            worker.wait(30)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the workers share the test's database: run against PostgreSQL (DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True)
def test_a_slow_export_does_not_delay_an_sms(county, workers):
    job = GeneratedFile.objects.create(
        created_by=county.office_admin,
        kind="cases-xlsx",
        params={"query": "", "language": "en"},
        task="cases.tasks.make_case_export",
    )
    sms = Delivery.objects.create(
        channel=Channel.SMS, address="13800000000", text="催办", dedupe_key="queue-test"
    )

    with transaction.atomic():
        # The export's first write waits for this lock: it is stuck on its worker until the block ends.
        GeneratedFile.objects.select_for_update().get(pk=job.pk)
        workers.send_task("cases.tasks.make_case_export", args=[job.pk])
        _until(
            lambda: _running(workers, "files@test", "cases.tasks.make_case_export"), 60, "the export to start"
        )

        workers.send_task("notify.tasks.deliver_pending")
        _until(lambda: Delivery.objects.get(pk=sms.pk).status == Delivery.Status.SENT, 30, "the SMS")
        assert _running(workers, "files@test", "cases.tasks.make_case_export")  # still exporting
        assert GeneratedFile.objects.get(pk=job.pk).status == GeneratedFile.Status.QUEUED

    _until(lambda: GeneratedFile.objects.get(pk=job.pk).is_finished(), 60, "the export to finish")
    assert GeneratedFile.objects.get(pk=job.pk).status == GeneratedFile.Status.DONE


def _running(client: Celery, worker: str, task: str) -> bool:
    active = client.control.inspect(destination=[worker], timeout=1).active() or {}
    return any(item["name"] == task for item in active.get(worker, []))
