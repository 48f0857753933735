"""Periodic work, declared by the app that owns it.

Each app declares its periodic Celery tasks in its tasks module (which its AppConfig.ready() imports); Celery
beat's schedule (chuangwen/celery.py) and `chuangwen tick` (cron's way to run the pressure jobs once) are built
from this list, so no app lists another's jobs. A job that may run long takes `one_run_at_a_time`, so that beat every few minutes, or
cron beside beat, never runs it twice at once over the same rows.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from django.apps import apps
from django.core.cache import cache
from django.db import connection

# Longer than any run (the first tick on a bulk-loaded county can take minutes); a crashed run's lock expires.
LOCK_SECONDS = 30 * 60


class Task(Protocol):
    """A Celery task: beat sends it by name, `chuangwen tick` calls it in process."""

    name: str

    def __call__(self) -> Any: ...


@dataclass(frozen=True)
class Job:
    name: str  # the beat entry
    task: Task
    seconds: float  # how often beat sends it
    in_tick: bool  # run by `chuangwen tick`: the pressure jobs (reminders, overdue marks, escalations)


_jobs: dict[str, Job] = {}


def register(name: str, task: Task, *, seconds: float, in_tick: bool = False) -> None:
    """Called by an app's tasks module. The task's name is read only when the schedule is built: reading it here
    would make Celery finalize its app before every app has registered."""
    _jobs[name] = Job(name, task, seconds, in_tick)


def jobs() -> list[Job]:
    """In INSTALLED_APPS order, whatever order the tasks modules were imported in (a task's name starts with its
    app's, as Celery names tasks)."""
    order = [config.name for config in apps.get_app_configs()]

    def position(job: Job) -> int:
        app = job.task.name.split(".")[0]
        return order.index(app) if app in order else len(order)

    return sorted(_jobs.values(), key=position)


def beat_schedule() -> dict[str, dict[str, Any]]:
    return {job.name: {"task": job.task.name, "schedule": job.seconds} for job in jobs()}


def lock_id(name: str) -> int:
    """The PostgreSQL advisory lock's key for a lock name."""
    return zlib.crc32(name.encode())


@contextmanager
def one_run_at_a_time(name: str) -> Iterator[bool]:
    """Yields whether this run may go ahead. On PostgreSQL a session advisory lock, which every process (beat's
    worker, cron's command) sees and which PostgreSQL releases if the process dies; elsewhere a cache entry,
    which without Redis only one process sees (the embedded SQLite setup runs one)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id(name)])
            (locked,) = cursor.fetchone()
        try:
            yield locked
        finally:
            if locked:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id(name)])
        return
    token = uuid.uuid4().hex
    locked = cache.add(name, token, LOCK_SECONDS)
    try:
        yield locked
    finally:
        if locked and cache.get(name) == token:  # not a lock that expired and was taken by a later run
            cache.delete(name)


def run_alone(lock: str, job: Callable[[], object], label: str = "") -> str:
    """`job`'s result as text, or a note that another run holds `lock` (the job then does nothing)."""
    with one_run_at_a_time(lock) as may_run:
        return str(job()) if may_run else f"{label}skipped: another tick is running"
