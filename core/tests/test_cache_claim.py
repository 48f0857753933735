"""`core.cache.claim`: the first caller takes a key for a while, the others are told it is taken; a cache that
cannot answer says "go ahead" (issue 20.26: the report page queues a filing job only when none is waiting, and must
not skip it because Redis is down). The Redis client is made once per connection pool, not per call."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

from core.cache import ForgivingRedisCache, claim


@pytest.fixture(params=["locmem", "redis"])
def backend(request):
    cache: BaseCache
    if request.param == "redis":
        if not settings.REDIS_URL:
            pytest.skip("no REDIS_URL")
        cache = ForgivingRedisCache(settings.REDIS_URL, {"OPTIONS": {"socket_timeout": 1}})
    else:
        cache = LocMemCache("claim-test", {})
    cache.clear()
    yield cache
    cache.clear()


def test_the_first_claim_takes_the_key_until_it_is_released(backend):
    assert claim(backend, "job", 30)
    assert not claim(backend, "job", 30)
    assert claim(backend, "other-job", 30)
    backend.delete("job")
    assert claim(backend, "job", 30)


def test_with_redis_down_every_claim_goes_ahead():
    down = ForgivingRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert claim(down, "job", 30) and claim(down, "job", 30)


def test_one_redis_client_serves_every_call():
    cache = ForgivingRedisCache("redis://127.0.0.1:6379/0", {})
    clients = cache._cache  # type: ignore[attr-defined]
    client = clients.get_client(write=True)
    assert clients.get_client(write=True) is client and clients.get_client() is client
