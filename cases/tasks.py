"""Celery wrappers: the periodic pressure job (beat runs it every CASE_TICK_SECONDS), the nightly repair of the
open-case tally and the large case export."""

from __future__ import annotations

import tempfile

from celery import shared_task
from django.conf import settings
from django.core.files import File
from django.http import QueryDict
from django.utils import translation

from cases import exports
from cases.access import can_see_contact
from cases.digest import send_daily_digests
from cases.forms import list_from_query
from cases.pressure import run_tick
from cases.tally import rebuild_case_tallies
from core import periodic
from jobs.actions import run_job, step
from jobs.models import GeneratedFile
from jobs.tasks import job_task

TICK_LOCK = "cases:tick-running"


@shared_task(name="cases.tick")
def tick() -> str:
    """Reminders, overdue marks and escalations of cases, then the daily digests once their hour has come. One
    run at a time: a slow tick overlapping the next one (beat every few minutes, or cron beside beat) would read
    the same cases before either wrote its marks."""
    return periodic.run_alone(TICK_LOCK, lambda: f"{run_tick()}, digests: {send_daily_digests()}")


periodic.register("cases-tick", tick, seconds=settings.CASE_TICK_SECONDS, in_tick=True)

# Once a day: the tally is kept by every case write, so this finds nothing to correct unless a write went round
# Case.save (a bulk load without its rebuild, a hand-made UPDATE); it then says how many counts it put right.
TALLY_REPAIR_SECONDS = 24 * 3600


@shared_task(name="cases.repair_open_tally")
def repair_open_tally() -> str:
    return f"case tallies (open, cohort, held, history): {rebuild_case_tallies()} counts corrected"


periodic.register("cases-tally-repair", repair_open_tally, seconds=TALLY_REPAIR_SECONDS)


def _case_export(job: GeneratedFile) -> None:
    """The list is rebuilt as the requester sees it, in the language they asked in."""
    person = job.created_by
    with translation.override(job.params.get("language") or None):
        step(job, 1)
        form, listed = list_from_query(person, QueryDict(job.params.get("query", "")))
        cases = listed.cases
        total = min(cases.count(), exports.MAX_EXPORT_ROWS) or 1
        done = {"percent": 1}

        def progress(rows: int) -> None:
            percent = 1 + 94 * rows // total  # writing the rows is most of the work; saving is the rest
            if percent >= done["percent"] + 5:
                done["percent"] = percent
                step(job, percent)

        title = exports.export_title(person, form.filters())
        workbook = exports.cases_workbook(
            cases, can_see_contact=can_see_contact(person), progress=progress, title=title
        )
        job.filename = exports.export_filename()
        # Through a temporary file, not memory: a 100k-row workbook is tens of megabytes.
        with tempfile.TemporaryFile() as out:
            workbook.save(out)
            out.seek(0)
            job.file.save(f"cases-export-{job.pk}.xlsx", File(out), save=False)


@job_task
def make_case_export(job_id: int) -> str:
    """The Excel file of a large case list, with progress."""
    return run_job(job_id, _case_export, "created_by")
