"""Issue 20.27, fault drills, each on a service of the test's own (never the machine's shared ones):

- a real Redis is killed in the middle of a citizen's report and later comes back: nothing is lost, no page fails,
  the citizen reads the usual Chinese confirmation, and the cache is used again once Redis answers;
- a PostgreSQL cluster of the test's own (initdb on a free port, holding a copy of the test database) is restarted
  while citizens keep reporting: each report is acknowledged or answered 503 with "请稍后重试", and every
  acknowledged one is in the database exactly once;
- a Celery worker process is SIGKILLed while it runs an export job: the message goes back to the queue
  (acks_late, reject_on_worker_lost), the next worker process makes the file, and the job ends done, never
  "running" for ever.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
import redis
from celery import Celery
from django.core.cache import caches
from django.db import close_old_connections, connection, transaction
from django.urls import reverse

from cases.conftest import categories, rubbish  # noqa: F401
from cases.models import Case
from core import cache as forgiving
from jobs.models import GeneratedFile
from portal.conftest import IN_GRID_A, service  # noqa: F401
from portal.models import CitizenReport, ReceivedReport

ZH = {"Accept-Language": "zh-hans"}
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server this test starts and kills (never the machine's shared one)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def keys(self) -> int:
        return len(redis.Redis.from_url(self.url).keys("*"))


@pytest.fixture
def own_redis(settings, monkeypatch):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ForgivingRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    monkeypatch.setattr(forgiving, "RETRY_SECONDS", 0.5)
    yield server
    if server.process and server.process.poll() is None:
        server.kill()


def report(client, service, text: str):  # noqa: F811
    data = {
        "service": service.pk,
        "description": text,
        "lon": IN_GRID_A[0],
        "lat": IN_GRID_A[1],
        "address": "人民路菜市场",
        "phone": "13900001111",
        "website": "",
    }
    return client.post("/report/", data, headers=ZH, follow=True)


def test_redis_killed_mid_report_then_back_loses_nothing(
    client,
    county,
    login,
    service,  # noqa: F811
    own_redis,
    monkeypatch,
):
    first = report(client, service, "路灯不亮")
    assert first.status_code == 200 and Case.objects.count() == 1
    assert own_redis.keys() > 0, "the rate limit counted in Redis while it was up"

    # The next report's first cache call (its rate limits) kills Redis under it: the request is already running.
    real_hits = forgiving.ForgivingRedisCache.hit_counters
    killed: list[bool] = []

    def kill_then_count(self, *args, **kwargs):
        if not killed:
            own_redis.kill()
            killed.append(True)
        return real_hits(self, *args, **kwargs)

    monkeypatch.setattr(forgiving.ForgivingRedisCache, "hit_counters", kill_then_count)
    started = time.monotonic()
    second = report(client, service, "井盖缺失")
    assert killed, "Redis was killed during the request"
    assert second.status_code == 200 and time.monotonic() - started < 5
    assert "您的举报已收到" in second.content.decode()
    assert sorted(Case.objects.values_list("description", flat=True)) == ["井盖缺失", "路灯不亮"]

    # With Redis gone the office still works.
    office = login(county.office_admin)
    assert office.get(reverse("home"), headers=ZH).status_code == 200
    assert office.get(reverse("dashboard:screen"), headers=ZH).status_code == 200
    assert report(client, service, "占道经营").status_code == 200
    assert Case.objects.count() == 3

    # Redis comes back on its port: after the pause the cache is used again, nothing restarted.
    own_redis.start()
    time.sleep(0.6)
    caches["default"].set("drill", "back", 60)
    assert caches["default"].get("drill") == "back"
    assert own_redis.keys() >= 1


# --- The database restarted during intake ---------------------------------------------------------------

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a PostgreSQL drill: run against PostgreSQL (DATABASE_URL=postgres://…)",
)


def _pg_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2].split(".")[0]))
    return found[-1] if found else None


class OwnPostgres:
    """A PostgreSQL cluster this test makes, restarts and removes (never the machine's shared server)."""

    def __init__(self, bin_dir: str) -> None:
        self.bin, self.port = bin_dir, free_port()
        self.root = Path(tempfile.mkdtemp(prefix="chuangwen-drill-pg-"))
        self.data = self.root / "data"

    def _run(self, tool: str, *args: str) -> None:
        command = [f"{self.bin}/{tool}", *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"
        )
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")  # a crash, not a goodbye

    def copy_database(self, source: dict, name: str) -> None:
        """The test database as it is now (schema and the fixtures' committed rows), under `name` here."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        dump = subprocess.run(
            [
                f"{self.bin}/pg_dump",
                "-Fc",
                "-h",
                source["HOST"] or "127.0.0.1",
                "-p",
                str(source["PORT"] or 5432),
                "-U",
                source["USER"],
                source["NAME"],
            ],
            check=True,
            capture_output=True,
            timeout=120,
            env={**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""},
        ).stdout
        subprocess.run(
            [
                f"{self.bin}/pg_restore",
                "--no-owner",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                name,
            ],
            input=dump,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL binaries under /usr/lib/postgresql")
    server = OwnPostgres(bin_dir)
    try:
        server.create()
        yield server
    finally:
        server.remove()


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_the_database_restarted_during_intake_loses_and_duplicates_nothing(
    client,
    county,
    service,  # noqa: F811
    own_postgres,
    settings,
):
    settings.PORTAL_REPORTS_PER_IP = "10000/h"  # one test client sends them all
    own_postgres.copy_database(connection.settings_dict, "drill")
    # This thread's connection now goes to the drill's cluster; the test database is left as the fixtures made it.
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(own_postgres.port), NAME="drill")
    restarted = threading.Event()

    def restart() -> None:
        own_postgres.stop()
        time.sleep(1.0)
        own_postgres.start()
        restarted.set()

    try:
        acknowledged, refused, restarter = [], 0, threading.Thread(target=restart)
        deadline = time.monotonic() + 45
        sent = after_restart = 0
        while time.monotonic() < deadline and after_restart < 5:
            if sent == 5:
                restarter.start()
            close_old_connections()  # as the WSGI handler does before each request (the test client does not)
            response = client.post("/report/", _drill_report(service, f"重启演练 {sent}"), headers=ZH)
            sent += 1
            if response.status_code == 302:
                acknowledged.append(response["Location"].split("/")[2])
                after_restart += restarted.is_set()
            else:
                assert response.status_code == 503, response.status_code
                assert "请稍后重试" in response.content.decode() and response["Retry-After"]
                refused += 1
        restarter.join(60)
        assert restarted.is_set(), "the database came back"
        assert refused > 0, "some reports were sent while the database was down"
        assert after_restart == 5, "reports are taken again once it is back"

        close_old_connections()
        connection.close()
        codes = list(CitizenReport.objects.values_list("tracking_code", flat=True))
        codes += list(ReceivedReport.objects.values_list("tracking_code", flat=True))
        assert set(acknowledged) <= set(codes), "every acknowledged report is stored"
        assert len(codes) == len(set(codes)), "none is stored twice"
        texts = list(Case.objects.values_list("description", flat=True))
        assert len(texts) == len(set(texts)) and Case.objects.count() == CitizenReport.objects.count()
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def _drill_report(service, text: str) -> dict:  # noqa: F811
    return {
        "service": service.pk,
        "description": text,
        "lon": IN_GRID_A[0],
        "lat": IN_GRID_A[1],
        "address": "人民路菜市场",
        "phone": "",
        "website": "",
    }


# --- A worker killed mid-job --------------------------------------------------------------------------


def _until(condition: Callable[[], T | None], seconds: float, what: str) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


@pytest.fixture
def files_worker(tmp_path, settings) -> Iterator[Celery]:
    """A real worker for the `files` queue with a child process (prefork), on a Redis of this test's own, sharing
    the test's database; and a client app to talk to it."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    broker = OwnRedis()
    broker.start()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "REDIS_URL": broker.url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CHUANGWEN_VAR_DIR": str(tmp_path),
    }
    celery = str(Path(sys.executable).with_name("celery"))
    worker = subprocess.Popen(
        [
            celery,
            "-A",
            "chuangwen",
            "worker",
            "-Q",
            "files",
            "-n",
            "files@drill",
            "-P",
            "prefork",
            "-c",
            "1",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        env=env,
        stdout=(tmp_path / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    client = Celery("drill-client", set_as_current=False)  # the app under test stays the current one
    client.config_from_object("django.conf:settings", namespace="CELERY")
    client.conf.update(broker_url=broker.url, task_always_eager=False)
    try:
        _until(lambda: client.control.ping(timeout=1), 90, "the worker to answer")
        yield client
    finally:
        worker.terminate()
        worker.wait(30)
        broker.kill()


def _export_running(client: Celery) -> int | None:
    """The pid of the worker process running the export, or None."""
    active = client.control.inspect(destination=["files@drill"], timeout=1).active() or {}
    return next(
        (
            item["worker_pid"]
            for item in active.get("files@drill", [])
            if item["name"].endswith("make_case_export")
        ),
        None,
    )


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_gives_the_job_back_and_it_finishes(county, files_worker):
    job = GeneratedFile.objects.create(
        created_by=county.office_admin,
        kind="cases-xlsx",
        params={"query": "", "language": "zh-hans"},
        task="cases.tasks.make_case_export",
    )
    with transaction.atomic():
        # The job's first write waits for this lock: the export is running on its worker process until we let go.
        GeneratedFile.objects.select_for_update().get(pk=job.pk)
        files_worker.send_task("cases.tasks.make_case_export", args=[job.pk])
        pid = _until(lambda: _export_running(files_worker), 60, "the export to start")
        os.kill(pid, signal.SIGKILL)  # out of memory, a deploy gone wrong: no goodbye
        # The message was not acknowledged (acks_late): it goes back, and the worker's next process takes it.
        _until(lambda: (_export_running(files_worker) or 0) not in (0, pid), 60, "the job to be given back")

    done = _until(lambda: GeneratedFile.objects.get(pk=job.pk).is_finished(), 60, "the job to finish")
    job.refresh_from_db()
    assert done and job.status == GeneratedFile.Status.DONE, (job.status, job.error)
    assert job.file and job.attempts <= GeneratedFile.MAX_ATTEMPTS
