"""Celery wrappers: the bundle is made in the background and reports its progress on the GeneratedFile."""

from __future__ import annotations

from celery import shared_task
from django.core.files import File
from django.utils import timezone

from framework.models import Node
from materials.bundle import build_bundle, safe, spooled_zip
from reports.models import GeneratedFile
from scoring.models import Period


@shared_task
def make_bundle(job_id: int) -> str:
    job = GeneratedFile.objects.get(pk=job_id)
    if job.is_finished():
        return job.status  # a re-delivered task message must not make the file twice

    def progress(percent: int) -> None:
        if percent != job.progress:
            job.progress, job.status = percent, GeneratedFile.Status.RUNNING
            job.save(update_fields=["progress", "status"])

    try:
        period = Period.objects.get(pk=job.params["period"])
        project = (
            Node.objects.filter(pk=job.params.get("project")).first() if job.params.get("project") else None
        )
        with spooled_zip() as out:
            counts = build_bundle(period, project, out, progress)
            out.seek(0)
            name = f"{period} 网上申报材料{'-' + project.title if project else ''}"
            job.filename = f"{safe(name, 60)}.zip"
            job.file.save(f"materials-bundle-{job.pk}.zip", File(out), save=False)
        job.params = {**job.params, **counts}
        job.status, job.progress, job.finished_at = GeneratedFile.Status.DONE, 100, timezone.now()
    except Exception as exc:  # the page shows the failure instead of spinning for ever
        job.status, job.error, job.finished_at = GeneratedFile.Status.FAILED, str(exc)[:300], timezone.now()
    job.save()
    return job.status
