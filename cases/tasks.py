"""Celery wrappers: the periodic pressure job (beat runs it every few minutes; see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import io
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from celery import shared_task
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.http import QueryDict
from django.utils import translation

from cases import exports
from cases.access import can_see_contact
from cases.digest import send_daily_digests
from cases.forms import list_from_query
from cases.pressure import run_tick
from jobs.actions import run_job, step
from jobs.models import GeneratedFile

TICK_LOCK = "cases:tick-running"
TICK_LOCK_ID = zlib.crc32(TICK_LOCK.encode())  # the PostgreSQL advisory lock's key
# Longer than any tick (the first one on a bulk-loaded county can take minutes); a crashed run's lock expires.
TICK_LOCK_SECONDS = 30 * 60


@contextmanager
def one_tick_at_a_time() -> Iterator[bool]:
    """Yields whether this run may go ahead. On PostgreSQL a session advisory lock, which every process (beat's
    worker, cron's command) sees and which PostgreSQL releases if the process dies; elsewhere a cache entry,
    which without Redis only one process sees (the embedded SQLite setup runs one)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [TICK_LOCK_ID])
            (locked,) = cursor.fetchone()
        try:
            yield locked
        finally:
            if locked:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [TICK_LOCK_ID])
        return
    token = uuid.uuid4().hex
    locked = cache.add(TICK_LOCK, token, TICK_LOCK_SECONDS)
    try:
        yield locked
    finally:
        if locked and cache.get(TICK_LOCK) == token:  # not a lock that expired and was taken by a later run
            cache.delete(TICK_LOCK)


@shared_task(name="cases.tick")
def tick() -> str:
    """Reminders, overdue marks and escalations of cases, the daily digests once their hour has come, then the
    same pressure on material requests. One run at a time: a slow tick overlapping the next one (beat every few
    minutes, or cron beside beat) would read the same cases before either wrote its marks."""
    from materials.pressure import run_tick as run_materials_tick

    with one_tick_at_a_time() as may_run:
        if not may_run:
            return "skipped: another tick is running"
        return f"{run_tick()}, digests: {send_daily_digests()}; {run_materials_tick()}"


def _case_export(job: GeneratedFile) -> None:
    """The list is rebuilt as the requester sees it, in the language they asked in."""
    person = job.created_by
    with translation.override(job.params.get("language") or None):
        step(job, 1)
        _form, listed = list_from_query(person, QueryDict(job.params.get("query", "")))
        cases = listed.cases
        total = min(cases.count(), exports.MAX_EXPORT_ROWS) or 1
        done = {"percent": 1}

        def progress(rows: int) -> None:
            percent = 1 + 94 * rows // total  # writing the rows is most of the work; saving is the rest
            if percent >= done["percent"] + 5:
                done["percent"] = percent
                step(job, percent)

        workbook = exports.cases_workbook(cases, can_see_contact=can_see_contact(person), progress=progress)
        out = io.BytesIO()
        workbook.save(out)
        job.filename = exports.export_filename()
    job.file.save(f"cases-export-{job.pk}.xlsx", ContentFile(out.getvalue()), save=False)


@shared_task
def make_case_export(job_id: int) -> str:
    """The Excel file of a large case list, with progress."""
    return run_job(job_id, _case_export, "created_by")
