"""The systemd units in deploy/systemd pass `systemd-analyze verify`: only the programs, absent on a machine where
Chuangwen is not installed under /srv/chuangwen, may be reported missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from bench import load

UNITS = Path(settings.BASE_DIR) / "deploy" / "systemd"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
@pytest.mark.parametrize(
    ("unit", "as_name"),
    [
        ("chuangwen-web.service", "chuangwen-web.service"),
        ("chuangwen-beat.service", "chuangwen-beat.service"),
        ("chuangwen-worker@.service", "chuangwen-worker@files.service"),
    ],
)
def test_the_unit_verifies(unit, as_name, tmp_path):
    shutil.copy(UNITS / unit, tmp_path / as_name)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / as_name)], capture_output=True, text=True
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and "/srv/chuangwen/venv/bin/" not in line
    ]
    assert problems == []


def test_there_is_a_worker_for_each_queue():
    text = (UNITS / "chuangwen-worker@.service").read_text()
    for queue in settings.CELERY_TASK_QUEUES:
        assert f"chuangwen-worker@{queue}" in text


def test_background_work_yields_the_cpu_to_the_web_as_the_load_bench_runs_it():
    text = (UNITS / "chuangwen-worker@.service").read_text()
    assert f"\nNice={load.WORKER_NICE}\n" in text
    assert "Nice=" not in (UNITS / "chuangwen-web.service").read_text()
