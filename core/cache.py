"""The cache degrades to no cache when Redis is down: a read misses, a write is dropped, and the page is built from
the database. Django's Redis backend raises instead, which turned every home page, the dashboard and `/report/`
into a 500 during a Redis outage.

After a failure Redis is left alone for `RETRY_SECONDS`, so an outage costs one connection attempt per process
every few seconds, not one per cache call; the first failure of an outage and the recovery are logged."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
T = TypeVar("T")


class _ReusedClients(RedisCacheClient):
    """Django's client makes a new `redis.Redis` for every cache call (copying its ~300 response callbacks, a
    tenth of a millisecond each time); one per connection pool does the same work: the pool holds the sockets."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ForgivingRedisCache(RedisCache):
    """Django's RedisCache whose failures are misses (reads), no-ops (writes) and False (add, touch, has_key)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusedClients
        self._down_until: float | None = None  # None: Redis answered last time

    def _try(self, call: Callable[[], T], fallback: T) -> T:
        now = time.monotonic()
        if self._down_until is not None and now < self._down_until:
            return fallback
        try:
            result = call()
        except RedisError as exc:
            if self._down_until is None:
                logger.warning("Redis cache unavailable, serving without it: %s", exc)
            self._down_until = now + RETRY_SECONDS
            return fallback
        if self._down_until is not None:
            logger.warning("Redis cache available again")
            self._down_until = None
        return result

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._try(lambda: RedisCache.add(self, key, value, timeout, version), False)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._try(lambda: RedisCache.get(self, key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._try(lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._try(lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._try(lambda: RedisCache.delete(self, key, version), False)

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._try(lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._try(lambda: RedisCache.has_key(self, key, version), False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        result = self._try(lambda: RedisCache.incr(self, key, delta, version), None)
        if result is None:
            # A counter that cannot be read is a missing one, as Django says it: ValueError (rate limits fail open).
            raise ValueError(f"Key {key!r} not found: the cache is unavailable")
        return result

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._try(lambda: RedisCache.set_many(self, data, timeout, version), [])

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._try(lambda: RedisCache.delete_many(self, keys, version), None)

    def clear(self) -> None:
        self._try(lambda: RedisCache.clear(self), None)

    def hit_counters(self, counters: Sequence[tuple[str, int]]) -> list[int]:
        """Add one to each counter, created with its timeout (seconds) if new, in one round trip and one command
        (a script: half the time of a pipeline of SET NX and INCR per counter, Django's add and incr take two or
        three round trips per counter); zeros while Redis is down (rate limits fail open)."""

        def call() -> list[int]:
            client = self._cache.get_client(write=True)  # type: ignore[attr-defined]
            script = _hit_scripts.get(id(client))
            if script is None:
                script = _hit_scripts[id(client)] = client.register_script(_HIT_SCRIPT)
            keys = [self.make_and_validate_key(key) for key, _ in counters]
            return [int(count) for count in script(keys=keys, args=[seconds for _, seconds in counters])]

        return self._try(call, [0] * len(counters))


# KEYS: the counters; ARGV: each one's lifetime in seconds, set when it is created by this hit.
_HIT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[i]) end
  counts[i] = count
end
return counts
"""
_hit_scripts: dict[int, Any] = {}  # per Redis client (one per connection pool): its registered script


def hit_counters(cache: BaseCache, counters: Sequence[tuple[str, int]]) -> list[int]:
    """`ForgivingRedisCache.hit_counters` on any cache (the local-memory one of a single process, the tests)."""
    if isinstance(cache, ForgivingRedisCache):
        return cache.hit_counters(counters)
    counts = []
    for key, seconds in counters:
        if cache.add(key, 1, seconds):
            counts.append(1)
            continue
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between the two calls
            counts.append(0)
    return counts
