"""Celery wrappers: bulletins, round reports and survey reports are made in the background as jobs with progress."""

from __future__ import annotations

from django.core.files.base import ContentFile

from bulletins import documents, survey_report
from bulletins.models import DocumentKind
from inspections.models import Round
from jobs.actions import run_job, step
from jobs.models import GeneratedFile
from jobs.tasks import job_task
from scoring.models import Publication
from surveys.access import get_run_for, responses_for


def _write(job: GeneratedFile, kind: str, source: Publication | Round, stem: str) -> None:
    """Render the job's format with the office's active template of `kind` and save it as the job's file."""
    fmt = job.params["format"]
    step(job, 10)
    rendered = documents.render(kind, source, fmt)
    step(job, 90)
    job.filename = rendered.filename
    job.file.save(f"{stem}.{fmt}", ContentFile(rendered.content), save=False)


def _bulletin(job: GeneratedFile) -> None:
    publication = Publication.objects.select_related("scheme__period").get(pk=job.params["publication"])
    _write(job, DocumentKind.BULLETIN, publication, f"bulletin-{publication.pk}-v{publication.version}")


def _round_report(job: GeneratedFile) -> None:
    round_ = Round.objects.select_related("edition").get(pk=job.params["round"])
    _write(job, DocumentKind.ROUND, round_, f"round-{round_.pk}")


def _survey_report(job: GeneratedFile) -> None:
    """A draft (no number yet) counting the responses the requester may see, as the run's page does."""
    person = job.created_by
    fmt = job.params["format"]
    step(job, 5)
    run = get_run_for(person, job.params["run"])
    context = survey_report.survey_context(run, responses_for(person, run))
    step(job, 20)
    content = documents.render_context(DocumentKind.SURVEY, context, fmt)
    step(job, 90)
    job.filename = documents.filename(context, fmt)
    job.file.save(f"survey-{run.pk}.{fmt}", ContentFile(content), save=False)


@job_task
def make_bulletin(job_id: int) -> str:
    return run_job(job_id, _bulletin)


@job_task
def make_round_report(job_id: int) -> str:
    return run_job(job_id, _round_report)


@job_task
def make_survey_report(job_id: int) -> str:
    return run_job(job_id, _survey_report, "created_by")
