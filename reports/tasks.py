from __future__ import annotations

import io

from celery import shared_task
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.utils import translation

from inspections.models import Round
from reports import bulletin, round_report
from reports.jobs import run_job, step
from reports.models import BulletinTemplate, GeneratedFile, TemplateKind
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


def _case_export(job: GeneratedFile) -> None:
    """The list is rebuilt as the requester sees it, in the language they asked in."""
    from cases import exports
    from cases.actions import is_office_actor
    from cases.queries import filtered_list

    person = job.created_by
    with translation.override(job.params.get("language") or None):
        step(job, 1)
        cases = filtered_list(person, QueryDict(job.params.get("query", ""))).cases
        total = min(cases.count(), exports.MAX_EXPORT_ROWS) or 1
        done = {"percent": 1}

        def progress(rows: int) -> None:
            percent = 1 + 94 * rows // total  # writing the rows is most of the work; saving is the rest
            if percent >= done["percent"] + 5:
                done["percent"] = percent
                step(job, percent)

        workbook = exports.cases_workbook(cases, can_see_contact=is_office_actor(person), progress=progress)
        out = io.BytesIO()
        workbook.save(out)
        job.filename = exports.export_filename()
    job.file.save(f"cases-export-{job.pk}.xlsx", ContentFile(out.getvalue()), save=False)


@shared_task
def make_bulletin(job_id: int) -> str:
    return run_job(job_id, _bulletin)


@shared_task
def make_round_report(job_id: int) -> str:
    return run_job(job_id, _round_report)


@shared_task
def make_case_export(job_id: int) -> str:
    """The Excel file of a large case list, with progress."""
    return run_job(job_id, _case_export, "created_by")
