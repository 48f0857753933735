"""Finding 11 of the probe, for every app's job task: a killed worker left a job "running 1%" for ever. Each task
making a file is time-limited and its message is given back if its worker dies (jobs.tasks.job_task)."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

from bulletins.tasks import make_bulletin, make_round_report
from cases.tasks import make_case_export
from materials.tasks import make_bundle


def test_every_job_task_has_time_limits_and_is_given_back_if_its_worker_dies():
    for task in (make_bulletin, make_round_report, make_case_export, make_bundle):
        assert task.time_limit == settings.JOB_TIME_LIMIT_SECONDS, task.name
        assert task.soft_time_limit == settings.JOB_TIME_LIMIT_SECONDS - 30
        assert task.acks_late and task.reject_on_worker_lost
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_with_redis_down_handing_a_job_over_fails_in_seconds_not_twenty():
    """The probe's request waited 19 s: Celery subscribed to the (down) result store and retried 20 times."""
    script = (
        "import time, django; django.setup()\n"
        "from bulletins.tasks import make_bulletin\n"
        "started = time.monotonic()\n"
        "try:\n    make_bulletin.delay(1)\nexcept Exception:\n    pass\n"
        "print(time.monotonic() - started)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chuangwen.settings",
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    env.pop("CELERY_BROKER_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert float(result.stdout.strip().splitlines()[-1]) < 5, result.stderr[-2000:]
