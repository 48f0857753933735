"""/metrics under gunicorn with several workers (issue 20.24/26): every worker's requests are counted, once.

Without PROMETHEUS_MULTIPROC_DIR each scrape would see only the worker that answered it; with it (and the
`chuangwen.gunicorn` settings) the sum over workers equals what the clients sent.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shared_database_url(tmp_path: Path) -> str:
    """A DATABASE_URL for a server process that sees the test's (committed) database."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        copy = tmp_path / "served.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{copy}"
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


@pytest.fixture
def gunicorn(tmp_path):
    gunicorn_bin = Path(sys.executable).with_name("gunicorn")
    if not gunicorn_bin.exists() and shutil.which("gunicorn") is None:
        pytest.skip("gunicorn is not installed")
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    env = {
        **os.environ,
        "DATABASE_URL": shared_database_url(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": "",
    }
    (metrics_dir / "stale.db").parent.mkdir()
    (metrics_dir / "stale.db").write_bytes(b"left over from a previous run")
    server = subprocess.Popen(
        [
            str(gunicorn_bin),
            "-c",
            "python:chuangwen.gunicorn",
            "-w",
            "3",
            "-b",
            f"127.0.0.1:{port}",
            "chuangwen.wsgi",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                get(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def healthz_count(text: str) -> float:
    pattern = re.compile(r'^chuangwen_http_requests_total\{[^}]*route="healthz"[^}]*\} ([0-9.e+]+)$', re.M)
    return sum(float(value) for value in pattern.findall(text))


def test_metrics_add_up_every_gunicorn_worker(gunicorn):
    # The readiness probe in the fixture made at least one request; count from the first scrape on.
    before = healthz_count(get(f"{gunicorn}/metrics"))
    for _ in range(60):
        get(f"{gunicorn}/healthz")

    scrapes = [healthz_count(get(f"{gunicorn}/metrics")) for _ in range(6)]

    assert all(total == before + 60 for total in scrapes), (before, scrapes)
    assert "chuangwen_jobs_waiting" in get(f"{gunicorn}/metrics")
