"""Celery wrappers: the periodic pressure job (beat runs it every few minutes; see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import uuid

from celery import shared_task
from django.core.cache import cache

from cases.digest import send_daily_digests
from cases.pressure import run_tick

TICK_LOCK = "cases:tick-running"
# Longer than any tick (the first one on a bulk-loaded county can take minutes); a crashed run's lock expires.
TICK_LOCK_SECONDS = 30 * 60


@shared_task(name="cases.tick")
def tick() -> str:
    """Reminders, overdue marks and escalations of cases, the daily digests once their hour has come, then the
    same pressure on material requests. One run at a time: a slow tick overlapping the next one (beat every few
    minutes, or cron beside beat) would read the same cases before either wrote its marks."""
    from materials.pressure import run_tick as run_materials_tick

    token = uuid.uuid4().hex
    if not cache.add(TICK_LOCK, token, TICK_LOCK_SECONDS):
        return "skipped: another tick is running"
    try:
        return f"{run_tick()}, digests: {send_daily_digests()}; {run_materials_tick()}"
    finally:
        if cache.get(TICK_LOCK) == token:  # not a lock that expired and was taken by a later run
            cache.delete(TICK_LOCK)
