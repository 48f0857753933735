"""Issue 20.27, fault drills: a real Redis (this test's own server, on a port of its own) is killed in the middle
of a citizen's report and later comes back. Nothing is lost, no page fails, the citizen reads the usual Chinese
confirmation, and the cache is used again once Redis answers."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from cases.conftest import categories, rubbish  # noqa: F401
from cases.models import Case
from core import cache as forgiving
from portal.conftest import IN_GRID_A, service  # noqa: F401

ZH = {"Accept-Language": "zh-hans"}


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
