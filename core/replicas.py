"""Read replicas: the heavy reads go to a PostgreSQL streaming replica, everything else to the primary.

Only code that asks for it reads from a replica: a view or job wraps its reading in `reading()` (the screen and
dashboard, exports, bulletins, lost points and what-if, the forecast, Open311 and the API's reads). Inside it,
`ReplicaRouter` sends reads to a replica unless one of these sends them to the primary:
- the request writes (any method but GET/HEAD/OPTIONS), or this browser wrote less than `REPLICA_STICKY_SECONDS`
  ago (`PrimaryAfterWriteMiddleware` sets a cookie on each write), so a person always reads their own writes;
- a transaction is open on the primary (what it reads may decide what it writes);
- every replica lags more than `REPLICA_MAX_LAG_SECONDS` or does not answer (checked at most every
  `REPLICA_CHECK_SECONDS` per process).
Writes always go to the primary, and only the primary is migrated.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

WROTE_COOKIE = "cw_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_reading: ContextVar[bool] = ContextVar("replica_reading", default=False)
_pinned: ContextVar[bool] = ContextVar("replica_pinned", default=False)
_fixed: ContextVar[str | None] = ContextVar("replica_fixed", default=None)
# alias -> (monotonic time of the check, lag in seconds or None when it did not answer)
_checks: dict[str, tuple[float, float | None]] = {}

# Zero while the replica has replayed all it received (nothing written since is not lag); otherwise the age of the
# last transaction it replayed. NULL (never replayed one, or not a standby) counts as unusable.
LAG_SQL = """
SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
"""


def replicas() -> list[str]:
    return list(settings.DATABASE_REPLICAS)


@contextmanager
def reading() -> Iterator[None]:
    """Reads inside may come from a replica (also a decorator: `@reading()`)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


@contextmanager
def on_primary() -> Iterator[None]:
    """Reads inside come from the primary even within `reading()`: after this person's own write."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


@contextmanager
def reading_caught_up(model: type[Model], pk: int) -> Iterator[str]:
    """Reads inside come from one replica that already holds row `pk` of `model`, else from the primary; yields
    the alias chosen. A background job reads this way after its own row: WAL is replayed in commit order, so a
    replica holding the job holds every write its requester had made before asking for it."""
    candidates = [alias for alias in _shuffled() if _usable(alias)]
    alias = next(
        (alias for alias in candidates if model._default_manager.using(alias).filter(pk=pk).exists()),
        DEFAULT_DB_ALIAS,
    )
    token = _fixed.set(alias)
    try:
        yield alias
    finally:
        _fixed.reset(token)


def _shuffled() -> list[str]:
    candidates = replicas()
    random.shuffle(candidates)  # spread the readers over the replicas
    return candidates


def lag_seconds(alias: str) -> float | None:
    """How far the replica is behind, or None when it cannot say (down, not a standby)."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_SQL)
            row = cursor.fetchone()
    except DatabaseError as exc:
        log.warning("replica %s does not answer: %s", alias, exc)
        return None
    return None if row is None or row[0] is None else float(row[0])


def _usable(alias: str) -> bool:
    now = time.monotonic()
    checked = _checks.get(alias)
    if checked is None or now - checked[0] >= settings.REPLICA_CHECK_SECONDS:
        checked = (now, lag_seconds(alias))
        _checks[alias] = checked
    lag = checked[1]
    return lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS


def forget_checks() -> None:
    """Check every replica's lag again on the next read (tests, and after a failover)."""
    _checks.clear()


def replica_for_read() -> str | None:
    """A usable replica's alias for a read here, or None for the primary."""
    fixed = _fixed.get()
    if not (fixed or _reading.get()) or _pinned.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    return fixed or next((alias for alias in _shuffled() if _usable(alias)), None)


class ReplicaRouter:
    """Django's database router (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        # Never None: Django would then read a row's relations from wherever the row came from, a replica too.
        return replica_for_read() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replicas hold the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


def wrote_recently(request: HttpRequest) -> bool:
    try:
        wrote_at = float(request.COOKIES.get(WROTE_COOKIE, ""))
    except ValueError:
        return False
    return 0 <= time.time() - wrote_at < settings.REPLICA_STICKY_SECONDS


class PrimaryAfterWriteMiddleware:
    """A writing request, and this browser's requests for a few seconds after it, read from the primary.

    The cookie only ever sends its holder's reads to the primary, so a forged one costs nothing but the replica.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        writes = request.method not in SAFE_METHODS
        if not (writes or wrote_recently(request)) or not replicas():
            return self.get_response(request)
        with on_primary():
            response = self.get_response(request)
        if writes:
            response.set_cookie(
                WROTE_COOKIE,
                f"{time.time():.3f}",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
