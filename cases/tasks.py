"""Celery wrappers: the periodic pressure job (beat runs it every few minutes; see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from cases.pressure import run_tick


@shared_task(name="cases.tick")
def tick() -> str:
    from materials.pressure import run_tick as run_materials_tick

    return f"{run_tick()}; {run_materials_tick()}"
