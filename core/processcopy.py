"""A small table kept in each process's memory, reloaded when any process says it changed.

The grids behind case intake and the road names behind the address search are read on every request and
change a few times a year; a query each time is most of the request's cost on a busy server. Each process keeps
its own copy with a version token held in the shared cache: a write forgets the copy here and deletes the token,
and every other process sees the new token at its next check (at most every `check_seconds`, so a request does
not even pay the cache round trip). A write that bypasses the forgetting (SQL, a bulk load that forgets to say
so) counts after `max_age_seconds` at the latest.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.cache import cache

T = TypeVar("T")


@dataclass
class _Loaded(Generic[T]):
    version: str
    loaded_at: float
    checked_at: float
    value: T


class ProcessCopy(Generic[T]):
    def __init__(self, key: str, load: Callable[[], T], check_seconds: float, max_age_seconds: float) -> None:
        self.key = key
        self.load = load
        self.check_seconds = check_seconds
        self.max_age_seconds = max_age_seconds
        self._loaded: _Loaded[T] | None = None
        self._lock = threading.Lock()  # two threads loading at once would both pay for it

    def forget(self) -> None:
        """This process reloads at its next read; the others within `check_seconds`."""
        self._loaded = None
        cache.delete(self.key)

    def _shared_version(self) -> str:
        version = cache.get(self.key)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(self.key, version, None):
                version = cache.get(self.key) or version
        return version

    def get(self) -> T:
        loaded, now = self._loaded, time.monotonic()  # read once: another thread may replace it
        if loaded is not None and now - loaded.checked_at < self.check_seconds:
            return loaded.value
        version = self._shared_version()
        if loaded is not None and loaded.version == version and now - loaded.loaded_at < self.max_age_seconds:
            loaded.checked_at = now
            return loaded.value
        with self._lock:
            value = self.load()
            self._loaded = _Loaded(version, now, now, value)
        return value
