"""Requesting files made in the background and uploading the office's bulletin template."""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from inspections.models import Round
from org.access import require
from org.models import Person
from reports.models import BulletinTemplate, GeneratedFile, TemplateKind
from scoring.models import Publication

BULLETIN_FORMATS = {"docx", "pdf", "xlsx"}
ROUND_REPORT_FORMATS = {"docx", "xlsx"}
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def can_make_bulletins(person: Person) -> bool:
    return person.is_authenticated and person.is_active and person.sees_everything()


@transaction.atomic
def request_bulletin(actor: Person, publication: Publication, fmt: str) -> GeneratedFile:
    """Queue a bulletin; the worker makes it and reports progress on the GeneratedFile."""
    require(can_make_bulletins(actor))
    if fmt not in BULLETIN_FORMATS:
        raise ValidationError(_("Unknown format."))
    job = GeneratedFile.objects.create(
        kind=f"bulletin-{fmt}", params={"publication": publication.pk, "format": fmt}, created_by=actor
    )
    from reports.tasks import make_bulletin

    transaction.on_commit(lambda: make_bulletin.delay(job.pk))
    return job


def can_export_cases(person: Person) -> bool:
    return person.is_authenticated and person.is_active


@transaction.atomic
def request_case_export(actor: Person, query: str, language: str = "") -> GeneratedFile:
    """Queue the Excel export of a case list (the query string of the list page). The worker rebuilds the list
    as `actor` sees it (their scope, their filters), so a job can never hold a case its requester cannot see."""
    require(can_export_cases(actor))
    job = GeneratedFile.objects.create(
        kind="cases-xlsx", params={"query": query, "language": language}, created_by=actor
    )
    from reports.tasks import make_case_export

    transaction.on_commit(lambda: make_case_export.delay(job.pk))
    return job


@transaction.atomic
def request_round_report(actor: Person, round_: Round, fmt: str) -> GeneratedFile:
    """Queue the round report (督查通报) in Word or Excel."""
    require(can_make_bulletins(actor))
    if fmt not in ROUND_REPORT_FORMATS:
        raise ValidationError(_("Unknown format."))
    job = GeneratedFile.objects.create(
        kind=f"round-report-{fmt}", params={"round": round_.pk, "format": fmt}, created_by=actor
    )
    from reports.tasks import make_round_report

    transaction.on_commit(lambda: make_round_report.delay(job.pk))
    return job


@transaction.atomic
def upload_bulletin_template(
    actor: Person, name: str, upload: UploadedFile, kind: str = TemplateKind.BULLETIN
) -> BulletinTemplate:
    """Accept a .docx (checked by content) only if it renders with a sample of its kind."""
    require(actor.is_authenticated and actor.is_office_admin())
    if kind not in TemplateKind.values:
        raise ValidationError(_("Unknown template kind."))
    if upload.size > MAX_TEMPLATE_BYTES:
        raise ValidationError(_("The template is larger than 5 MB."))
    data = upload.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ValidationError(_("This is not a Word document (.docx).")) from exc
    from reports.bulletin import render_docx, sample_context
    from reports.round_report import render_round_docx, sample_round_context

    try:
        if kind == TemplateKind.ROUND:
            render_round_docx(sample_round_context(), data)
        else:
            render_docx(sample_context(), data)
    except Exception as exc:  # a template error of any kind is the office's to fix; say what it is
        raise ValidationError(_("The template does not render: %(error)s") % {"error": exc}) from exc
    upload.seek(0)
    BulletinTemplate.objects.filter(kind=kind, is_active=True).update(is_active=False)
    return BulletinTemplate.objects.create(kind=kind, name=name, file=upload, uploaded_by=actor)
