"""Celery wrappers: the bundle is made in the background and reports its progress on the GeneratedFile; the
periodic pressure job (beat runs it every MATERIAL_TICK_SECONDS)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.files import File

from core import periodic
from core.models import Period
from framework.models import Node
from jobs.actions import run_job, step
from jobs.models import GeneratedFile
from jobs.tasks import job_task
from materials.bundle import build_bundle, safe, spooled_zip
from materials.pressure import run_tick


@job_task
def make_bundle(job_id: int) -> str:
    return run_job(job_id, _bundle)


def _bundle(job: GeneratedFile) -> None:
    period = Period.objects.get(pk=job.params["period"])
    project = Node.objects.filter(pk=job.params.get("project")).first() if job.params.get("project") else None
    with spooled_zip() as out:
        counts = build_bundle(period, project, out, lambda percent: step(job, percent))
        out.seek(0)
        name = f"{period} 网上申报材料{'-' + project.title if project else ''}"
        job.filename = f"{safe(name, 60)}.zip"
        job.file.save(f"materials-bundle-{job.pk}.zip", File(out), save=False)
    job.params = {**job.params, **counts}


TICK_LOCK = "materials:tick-running"


@shared_task(name="materials.tick")
def tick() -> str:
    """Reminders, overdue marks and escalations of material requests, one run at a time."""
    return periodic.run_alone(TICK_LOCK, run_tick, label="materials: ")


periodic.register("materials-tick", tick, seconds=settings.MATERIAL_TICK_SECONDS, in_tick=True)
