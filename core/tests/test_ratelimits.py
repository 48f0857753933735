"""Rate limits counted in one cache round trip (issue 20.26: the report page's limits cost three Redis calls)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

from core import ratelimits
from core.cache import ForgivingRedisCache

HOUR = 3600.0 * 500_000  # the start of an hour window


@pytest.fixture(params=["locmem", "redis"])
def counters(request, monkeypatch):
    backend: BaseCache
    if request.param == "redis":
        if not settings.REDIS_URL:
            pytest.skip("no REDIS_URL")
        backend = ForgivingRedisCache(settings.REDIS_URL, {"OPTIONS": {"socket_timeout": 1}})
    else:
        backend = LocMemCache("rate-test", {})
    backend.clear()
    monkeypatch.setattr(ratelimits, "caches", {"default": backend})
    yield backend
    backend.clear()


def test_each_limit_counts_its_own_value_in_its_window(counters):
    limits = [("ip:10.0.0.1", "2/h"), ("phone:abc", "3/h")]
    assert [ratelimits.over_limit("g", limits, now=HOUR + i) for i in range(3)] == [False, False, True]
    assert not ratelimits.over_limit("g", [("ip:10.0.0.2", "2/h")], now=HOUR), "another address"
    assert not ratelimits.over_limit("other", limits, now=HOUR), "another group"
    assert not ratelimits.over_limit("g", limits, now=HOUR + 3600), "the next hour starts again"


def test_rates_are_read_as_django_ratelimit_reads_them():
    assert ratelimits.split_rate("30/h") == (30, 3600)
    assert ratelimits.split_rate("100/10m") == (100, 600)
    with pytest.raises(ValueError):
        ratelimits.split_rate("lots")


def test_with_redis_down_nothing_is_limited(monkeypatch):
    down = ForgivingRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    monkeypatch.setattr(ratelimits, "caches", {"default": down})
    assert not any(ratelimits.over_limit("g", [("ip:x", "1/h")], now=HOUR) for _ in range(3))
