"""The load benchmark (`chuangwen bench load`): gunicorn with several workers on the throw-away database (and Redis
and a Celery worker when REDIS_URL is set), driven over loopback by concurrent clients with a mixed workload for a
fixed time; then every acknowledged report is looked up in the database (filed as a case, or still in the
intake's inbox: `unfiled` counts those the worker had not filed after a wait).

Workload per request: citizen report 50 %, the office's queue 20 %, a case page 20 %, the 大屏's figures 5 %, an Excel
export 5 %. `throughput_ratio` is intake alone (reports per second under the same concurrency) over a bare view
that inserts one row, measured the same way in the same run, so it means something on any machine.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test import Client

from bench import nginx
from bench.cases import BENCH_TABLE, fill_cases
from bench.measure import Figures, demo_county
from cases.models import Case
from demo.portal import build_demo_portal
from org.models import Grid
from portal.models import CitizenReport, PublicService, ReceivedReport

# The Celery worker's niceness, as the shipped unit sets it (deploy/systemd/chuangwen-worker@.service).
WORKER_NICE = 10

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)  # tracking codes the server answered with
    by_kind: dict[str, list[float]] = field(default_factory=dict)  # which part of the mix sets the tail
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str = "", code: str = "", kind: str = "") -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_kind.setdefault(kind, []).append(seconds)
            if error:
                self.errors.append(error)
            if code:
                self.acknowledged.append(code)


@dataclass
class Target:
    host: str
    port: int
    session: str  # the office admin's session cookie
    service: int
    point: tuple[float, float]
    case_ids: list[int]
    origin: str = ""  # the site's origin as clients name it (Referer), when not http://host:port
    connect: Callable[[], http.client.HTTPConnection] | None = (
        None  # how a client connects, when not plain HTTP
    )


class Visitor:
    """One client: its own keep-alive connection and CSRF cookie, as one browser would have."""

    def __init__(self, target: Target, tally: Tally) -> None:
        self.target, self.tally = target, tally
        self.http = (
            target.connect()
            if target.connect
            else http.client.HTTPConnection(target.host, target.port, timeout=30)
        )
        self.csrf_cookie = self.csrf_token = ""

    def request(
        self, method: str, path: str, body: str = "", headers: dict | None = None
    ) -> tuple[int, dict, bytes]:
        try:
            self.http.request(method, path, body=body or None, headers=headers or {})
            response = self.http.getresponse()
            headers = dict(response.getheaders())
            headers["Set-Cookie"] = "; ".join(response.msg.get_all("Set-Cookie") or [])
            return response.status, headers, response.read()
        except (OSError, http.client.HTTPException):
            self.http.close()
            raise

    def prepare(self) -> None:
        status, headers, page = self.request("GET", "/report/")
        if status != 200 or "csrftoken=" not in headers.get("Set-Cookie", ""):
            raise RuntimeError(f"GET /report/ answered {status} {headers} {page[:300]!r}")
        self.csrf_cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)  # type: ignore[union-attr]
        self.csrf_token = CSRF_INPUT.search(page.decode()).group(1)  # type: ignore[union-attr]

    def report(self) -> None:
        marker = uuid.uuid4().hex[:12]
        body = urlencode(
            {
                "csrfmiddlewaretoken": self.csrf_token,
                "service": self.target.service,
                "description": f"压测上报 {marker}",
                "lon": self.target.point[0],
                "lat": self.target.point[1],
                "address": "",
                "phone": f"139{random.randrange(10**8):08d}",
                "website": "",
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={self.csrf_cookie}",
            "Referer": f"{self.target.origin or f'http://{self.target.host}:{self.target.port}'}/report/",
        }
        self._timed("POST", "/report/", body, headers, expect=302, kind="report")

    def office(self, path: str, kind: str) -> None:
        self._timed(
            "GET", path, headers={"Cookie": f"sessionid={self.target.session}"}, expect=200, kind=kind
        )

    def _timed(
        self,
        method: str,
        path: str,
        body: str = "",
        headers: dict | None = None,
        expect: int = 200,
        kind: str = "",
    ) -> None:
        started = time.perf_counter()
        try:
            status, answer, _ = self.request(method, path, body, headers)
        except (OSError, http.client.HTTPException) as exc:
            self.tally.add(time.perf_counter() - started, f"{method} {path}: {exc}", kind=kind)
            return
        seconds = time.perf_counter() - started
        if status != expect:
            self.tally.add(seconds, f"{method} {path}: {status}", kind=kind)
            return
        code = ""
        if method == "POST" and path == "/report/":
            code = answer.get("Location", "").split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        self.tally.add(seconds, code=code, kind=kind)

    def mixed(self) -> None:
        pick = random.random()
        if pick < 0.50:
            self.report()
        elif pick < 0.70:
            self.office("/cases/", "queue")
        elif pick < 0.90:
            self.office(f"/cases/{random.choice(self.target.case_ids)}/", "case")
        elif pick < 0.95:
            self.office("/screen/panel/figures/", "screen")
        else:
            self.office("/cases/export.xlsx?state=reported", "export")


def drive(target: Target, clients: int, seconds: float, step: Callable[[Visitor], None]) -> Tally:
    tally = Tally()
    visitors = [Visitor(target, tally) for _ in range(clients)]
    for visitor in visitors:
        visitor.prepare()
    deadline = time.perf_counter() + seconds

    def loop(visitor: Visitor) -> None:
        while time.perf_counter() < deadline:
            step(visitor)

    threads = [threading.Thread(target=loop, args=(visitor,)) for visitor in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def bare_insert(visitor: Visitor) -> None:
    visitor._timed("POST", "/bench/insert/", "x", {"Content-Type": "text/plain"}, expect=201)


@dataclass
class Throughput:
    ratios: list[float]  # intake over bare, one per round
    intake_rps: float  # over all rounds
    bare_rps: float

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)


ROUND_SECONDS = 2.5


def throughput_rounds(target: Target, clients: int, phase: float) -> Throughput:
    """Intake and the bare insert, each driven for `phase` seconds in all, in alternating short rounds; the ratio is
    the median of the rounds' ratios. One long sample per side swung 0.51-0.75 between runs of the same code on a
    shared machine: whatever else the machine did in those seconds fell on one side only. Alternating puts a slow
    spell on both sides of a round, and the median drops the round it spoilt anyway."""
    rounds = max(3, round(phase / ROUND_SECONDS))
    spell = phase / rounds
    ratios, reports, inserts = [], 0, 0
    for _ in range(rounds):
        intake = drive(target, clients, spell, Visitor.report)
        drain()  # the worker filing the intake's reports must not share the machine with the bare inserts
        bare = drive(target, clients, spell, bare_insert)
        filed, inserted = len(intake.acknowledged), len(bare.latencies) - len(bare.errors)
        ratios.append(filed / max(inserted, 1))
        reports, inserts = reports + filed, inserts + inserted
    return Throughput(ratios, reports / phase, inserts / phase)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _server_env(metrics_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "ROOT_URLCONF": "bench.cases",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_REPORTS_PER_IP": "1000000/h",
        "PORTAL_REPORTS_PER_PHONE": "1000000/h",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "LOG_LEVEL": "ERROR",
        "STATIC_MANIFEST": "0",  # no collectstatic for a bench: the templates name the source files
    }


def _wait_for(port: int) -> None:
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def _target(port: int, admin) -> Target:
    client = Client()
    client.force_login(admin)
    grid = Grid.objects.order_by("pk").first()
    assert grid is not None
    service = PublicService.objects.filter(is_active=True, attributes__isnull=True).order_by("pk").first()
    assert service is not None
    return Target(
        host="127.0.0.1",
        port=port,
        session=client.cookies["sessionid"].value,
        service=service.pk,
        point=((grid.min_lon + grid.max_lon) / 2, (grid.min_lat + grid.max_lat) / 2),
        case_ids=list(Case.objects.order_by("-pk").values_list("pk", flat=True)[:500]),
    )


def drain(seconds: float = 180) -> int:
    """Wait until the worker has filed every report the report page took in (portal.ReceivedReport); returns how
    many are still waiting after `seconds` (0 unless filing is stuck)."""
    deadline = time.monotonic() + seconds
    while (waiting := ReceivedReport.objects.count()) and time.monotonic() < deadline:
        time.sleep(0.5)
    return waiting


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run(
    quick: bool,
    workers: int,
    clients: int,
    seconds: float,
    say: Callable[[str], None],
    through_nginx: bool = False,
) -> Figures:
    figures = Figures(say)
    if connection.vendor != "postgresql":
        raise RuntimeError("bench load runs gunicorn against PostgreSQL: set DATABASE_URL")
    admin = demo_county()
    build_demo_portal()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {BENCH_TABLE} (id bigserial PRIMARY KEY, payload text)")
    fill_cases(2_000 if quick else 20_000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    port = free_port()
    scratch = Path(f"/tmp/chuangwen-bench-load-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    env = {**_server_env(scratch / "metrics"), **(nginx.ENVIRONMENT if through_nginx else {})}
    bin_dir = Path(sys.executable).parent
    stack = ExitStack()  # nginx, when the clients go through it
    processes = [
        subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "-c",
                "python:chuangwen.gunicorn",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "chuangwen.wsgi",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    if settings.REDIS_URL and not settings.CELERY_TASK_ALWAYS_EAGER:
        processes.append(
            subprocess.Popen(
                [str(bin_dir / "celery"), "-A", "chuangwen", "worker", "-c", "1", "-l", "warning"],
                env=env,
                preexec_fn=lambda: os.nice(WORKER_NICE),  # as deployed: background work yields to the web
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    try:
        _wait_for(port)
        target = _target(port, admin)
        if through_nginx:
            target = stack.enter_context(nginx.behind_nginx(target, scratch / "nginx"))
        drive(target, clients, 2, Visitor.mixed)  # warm every worker up
        mixed = drive(target, clients, seconds, Visitor.mixed)
        acknowledged = mixed.acknowledged
        unfiled = drain()
        stored = list(
            CitizenReport.objects.filter(tracking_code__in=acknowledged).values_list(
                "tracking_code", flat=True
            )
        ) + list(
            ReceivedReport.objects.filter(tracking_code__in=acknowledged).values_list(
                "tracking_code", flat=True
            )
        )
        lost = len(set(acknowledged) - set(stored)) + (len(acknowledged) - len(set(acknowledged)))
        figures.report("workers", workers)
        figures.report("clients", clients)
        figures.report("seconds", seconds)
        figures.report("requests", len(mixed.latencies))
        figures.report("errors", len(mixed.errors))
        figures.report("reports_acknowledged", len(acknowledged))
        figures.report("lost", lost)
        figures.report("duplicated", len(stored) - len(set(stored)))
        figures.report("unfiled", unfiled)
        figures.report("p50_ms", percentile(mixed.latencies, 0.50) * 1000)
        figures.report("p95_ms", percentile(mixed.latencies, 0.95) * 1000)
        figures.report("p99_ms", percentile(mixed.latencies, 0.99) * 1000)
        for kind, latencies in sorted(mixed.by_kind.items()):
            figures.report(f"p95_ms[{kind}]", percentile(latencies, 0.95) * 1000)
        ratio = throughput_rounds(target, clients, max(seconds / 2, 5))
        figures.report("intake_rps", ratio.intake_rps)
        figures.report("bare_insert_rps", ratio.bare_rps)
        figures.report("throughput_ratio", ratio.median)
        figures.report("throughput_ratio_min", min(ratio.ratios))
        figures.report("throughput_ratio_max", max(ratio.ratios))
        say("throughput_ratio by round: " + " ".join(f"{r:.3f}" for r in ratio.ratios))
        if through_nginx:
            figures.report("limit_per_citizen_holds", int(nginx.limit_holds_per_citizen(target)))
        if mixed.errors:
            say("first errors: " + "; ".join(statistics.multimode(mixed.errors)[:3]))
    finally:
        stack.close()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        shutil.rmtree(scratch, ignore_errors=True)
    return figures
