"""Celery wrapper: a large registry import (Excel or GIS) run on the `imports` queue, with the jobs app's progress
page. The job's "file" is the import's summary; a file with problems fails the job naming them (nothing saved)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _

from addresses import imports
from jobs.actions import run_job, step
from jobs.models import GeneratedFile
from jobs.tasks import job_task

# Problems named in the failed job's message (the field holds 300 characters); the count says how many in all.
PROBLEMS_SHOWN = 3


class ImportRefused(Exception):
    """The file had problems: the job fails with this message (the import saved nothing)."""


def _import(job: GeneratedFile) -> None:
    params = job.params
    with translation.override(params.get("language") or None):
        step(job, 5)
        with default_storage.open(params["path"], "rb") as stored:
            data = stored.read()
        step(job, 10)
        report = imports.import_upload(
            job.created_by, params["name"], data, params["layer"], params["system"]
        )
        if not report.ok:
            shown = "; ".join(str(problem) for problem in report.problems[:PROBLEMS_SHOWN])
            raise ImportRefused(
                _("%(n)d problems, nothing was imported: %(problems)s")
                % {"n": len(report.problems), "problems": shown}
            )
        lines = [_("%(n)d rows imported from %(name)s.") % {"n": len(report.created), "name": params["name"]}]
        lines += [str(row) for row in report.created]
        job.filename = _("Address import %(name)s.txt") % {"name": params["name"]}
        job.file.save(f"address-import-{job.pk}.txt", ContentFile("\n".join(lines).encode()), save=False)
    default_storage.delete(params["path"])


@job_task
def make_address_import(job_id: int) -> str:
    return run_job(job_id, _import, "created_by")
