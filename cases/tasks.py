"""Celery wrappers: the periodic pressure job (beat runs it every few minutes; see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from cases.digest import send_daily_digests
from cases.pressure import run_tick


@shared_task(name="cases.tick")
def tick() -> str:
    """Reminders, overdue marks and escalations of cases, the daily digests once their hour has come, then the
    same pressure on material requests."""
    from materials.pressure import run_tick as run_materials_tick

    return f"{run_tick()}, digests: {send_daily_digests()}; {run_materials_tick()}"
