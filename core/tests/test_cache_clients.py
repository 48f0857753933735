"""The Redis client of the forgiving cache is made once per connection pool, not per call (issue 20.26: Django's
backend made one per cache call, copying its ~300 response callbacks each time)."""

from __future__ import annotations

from core.cache import ForgivingRedisCache


def test_one_redis_client_serves_every_call():
    cache = ForgivingRedisCache("redis://127.0.0.1:6379/0", {})
    clients = cache._cache  # type: ignore[attr-defined]
    client = clients.get_client(write=True)
    assert clients.get_client(write=True) is client and clients.get_client() is client
