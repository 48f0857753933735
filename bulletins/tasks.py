"""Celery wrappers: bulletins and round reports are made in the background as jobs with progress."""

from __future__ import annotations

from celery import shared_task
from django.core.files.base import ContentFile

from bulletins import bulletin, round_report
from bulletins.models import BulletinTemplate, TemplateKind
from inspections.models import Round
from jobs.actions import run_job, step
from jobs.models import GeneratedFile
from scoring.models import Publication

RENDERERS = {"pdf": bulletin.render_pdf, "xlsx": bulletin.render_xlsx}  # Word: through the template


def _write(job: GeneratedFile, context: dict, kind: str, docx, others: dict, stem: str) -> None:
    """Render `context` in the job's format (Word through the office's active template of `kind`, if any) and
    save it as the job's file."""
    fmt = job.params["format"]
    if fmt == "docx":
        template = BulletinTemplate.objects.filter(kind=kind, is_active=True).first()
        content = docx(context, template.file.read() if template else None)
    else:
        content = others[fmt](context)
    step(job, 90)
    job.filename = f"{context['title']}.{fmt}"
    job.file.save(f"{stem}.{fmt}", ContentFile(content), save=False)


def _bulletin(job: GeneratedFile) -> None:
    step(job, 10)
    publication = Publication.objects.select_related("scheme__period").get(pk=job.params["publication"])
    context = bulletin.bulletin_context(publication)
    step(job, 40)
    stem = f"bulletin-{publication.pk}-v{publication.version}"
    _write(job, context, TemplateKind.BULLETIN, bulletin.render_docx, RENDERERS, stem)


def _round_report(job: GeneratedFile) -> None:
    step(job, 10)
    round_ = Round.objects.select_related("edition").get(pk=job.params["round"])
    context = round_report.round_context(round_)
    step(job, 50)
    others = {"xlsx": round_report.render_round_xlsx}
    _write(job, context, TemplateKind.ROUND, round_report.render_round_docx, others, f"round-{round_.pk}")


@shared_task
def make_bulletin(job_id: int) -> str:
    return run_job(job_id, _bulletin)


@shared_task
def make_round_report(job_id: int) -> str:
    return run_job(job_id, _round_report)
