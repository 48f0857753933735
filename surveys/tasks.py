"""Celery wrappers: the Excel file of a large survey run, made in the background with progress, and the nightly
repair of the answers' tally."""

from __future__ import annotations

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import translation

from core import periodic
from jobs.actions import run_job, step
from jobs.models import GeneratedFile
from jobs.tasks import job_task
from surveys import exports
from surveys.access import get_run_for, responses_for
from surveys.tally import rebuild_answer_tally


def _run_export(job: GeneratedFile) -> None:
    """The responses are read as the requester sees them (a surveyor's own, a unit's own), as on the page."""
    person = job.created_by
    with translation.override(job.params.get("language") or None):
        step(job, 1)
        run = get_run_for(person, job.params["run"])
        responses = responses_for(person, run)
        total = responses.count() or 1
        done = {"percent": 1}

        def progress(rows: int) -> None:
            percent = 1 + 94 * rows // total  # the rows are most of the work; saving is the rest
            if percent >= done["percent"] + 5:
                done["percent"] = percent
                step(job, percent)

        content = exports.run_workbook(run, responses, progress=progress)
        job.filename = exports.run_export_filename(run)
        job.file.save(f"survey-export-{job.pk}.xlsx", ContentFile(content), save=False)


@job_task
def make_run_export(job_id: int) -> str:
    return run_job(job_id, _run_export, "created_by")


# Once a day, as the cases' tallies: submit_response keeps it, so this finds nothing unless a write went round it.
TALLY_REPAIR_SECONDS = 24 * 3600


@shared_task(name="surveys.repair_answer_tally")
def repair_answer_tally() -> str:
    return f"survey answers' tally: {rebuild_answer_tally()} counts corrected"


periodic.register("surveys-tally-repair", repair_answer_tally, seconds=TALLY_REPAIR_SECONDS)
