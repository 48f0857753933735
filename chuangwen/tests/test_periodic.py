"""Each app schedules its own periodic work; beat's schedule and `chuangwen tick` are assembled from it."""

from __future__ import annotations

from celery import signals
from celery.beat import ScheduleEntry, Scheduler
from celery.schedules import schedule as every

from chuangwen.celery import app
from core import periodic


def _seconds(entry: ScheduleEntry) -> float:
    assert isinstance(entry.schedule, every)  # every job runs at a fixed interval
    return entry.schedule.seconds


def test_beat_schedules_what_each_app_registered(monkeypatch, settings):
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
    signals.import_modules.send(sender=app)  # what a worker and beat send as they start
    schedule = Scheduler(app=app, lazy=False).schedule
    entries = {name: (entry.task, _seconds(entry)) for name, entry in schedule.items()}
    assert entries["cases-tick"] == ("cases.tick", settings.CASE_TICK_SECONDS)
    assert entries["materials-tick"] == ("materials.tick", settings.MATERIAL_TICK_SECONDS)
    assert entries["deliver-notifications"] == ("notify.tasks.deliver_pending", 60)


def test_the_tick_command_runs_the_pressure_jobs_in_app_order():
    assert [job.name for job in periodic.jobs() if job.in_tick] == ["cases-tick", "materials-tick"]
