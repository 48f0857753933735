"""Requesting bulletins and round reports (made in the background as jobs) and uploading the office's templates."""

from __future__ import annotations

import logging

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from jinja2.exceptions import SecurityError

from bulletins import documents
from bulletins.access import can_issue_documents, can_make_bulletins, can_manage_templates
from bulletins.bulletin import render_docx, sample_context
from bulletins.common import default_prefix, format_number
from bulletins.models import BulletinTemplate, DocumentKind, IssuedDocument, NumberSequence, TemplateKind
from bulletins.round_report import render_round_docx, sample_round_context
from bulletins.survey_report import render_survey_docx, sample_survey_context
from bulletins.tasks import make_bulletin, make_round_report, make_survey_report
from core.officialpdf import docx_to_pdf
from core.uploads import check_zip
from inspections.models import Round
from jobs.actions import start_job
from jobs.models import GeneratedFile
from org.access import require
from org.models import Person
from org.queries import office_name
from scoring.models import Publication
from surveys.models import SurveyRun

BULLETIN_FORMATS = {"docx", "pdf", "xlsx"}
ROUND_REPORT_FORMATS = {"docx", "pdf", "xlsx"}
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024

logger = logging.getLogger(__name__)


@transaction.atomic
def request_bulletin(actor: Person, publication: Publication, fmt: str) -> GeneratedFile:
    """Queue a bulletin; the worker makes it and reports progress on the GeneratedFile."""
    require(can_make_bulletins(actor))
    if fmt not in BULLETIN_FORMATS:
        raise ValidationError(_("Unknown format."))
    return start_job(actor, f"bulletin-{fmt}", {"publication": publication.pk, "format": fmt}, make_bulletin)


@transaction.atomic
def request_round_report(actor: Person, round_: Round, fmt: str) -> GeneratedFile:
    """Queue the round report (督查通报) in Word or Excel."""
    require(can_make_bulletins(actor))
    if fmt not in ROUND_REPORT_FORMATS:
        raise ValidationError(_("Unknown format."))
    return start_job(actor, f"round-report-{fmt}", {"round": round_.pk, "format": fmt}, make_round_report)


@transaction.atomic
def request_survey_report(actor: Person, run: SurveyRun, fmt: str) -> GeneratedFile:
    """Queue the survey report's draft in Word or PDF (the caller has fetched the run as the actor may see it;
    the job counts the responses the actor may see)."""
    if fmt not in documents.FORMATS[DocumentKind.SURVEY]:
        raise ValidationError(_("Unknown format."))
    return start_job(actor, f"survey-report-{fmt}", {"run": run.pk, "format": fmt}, make_survey_report)


@transaction.atomic
def upload_bulletin_template(
    actor: Person, name: str, upload: UploadedFile, kind: str = TemplateKind.BULLETIN
) -> BulletinTemplate:
    """Accept a .docx (checked by content) only if it renders with a sample of its kind."""
    require(can_manage_templates(actor))
    if kind not in TemplateKind.values:
        raise ValidationError(_("Unknown template kind."))
    if upload.size is not None and upload.size > MAX_TEMPLATE_BYTES:
        raise ValidationError(_("The template is larger than 5 MB."))
    data = upload.read()
    try:
        with check_zip(data, upload.name or "") as archive:
            archive.getinfo("word/document.xml")
    except KeyError as exc:
        raise ValidationError(_("This is not a Word document (.docx).")) from exc
    try:
        if kind == TemplateKind.ROUND:
            render_round_docx(sample_round_context(), data)
        elif kind == TemplateKind.SURVEY:
            render_survey_docx(sample_survey_context(), data)
        else:
            render_docx(sample_context(), data)
    except SecurityError as exc:
        # Not a mistake in Word: a tag reaching for the server's internals. Refused like any error, and logged.
        logger.warning("Template %r from %s refused by the sandbox: %s", name, actor.username, exc)
        raise ValidationError(_("The template does not render: %(error)s") % {"error": exc}) from exc
    except Exception as exc:  # a template error of any kind is the office's to fix; say what it is
        raise ValidationError(_("The template does not render: %(error)s") % {"error": exc}) from exc
    upload.seek(0)
    with set_actor(actor):  # the audit log's entry names the uploader in a task or command as in a request
        for previous in BulletinTemplate.objects.filter(kind=kind, is_active=True):
            previous.is_active = False
            previous.save(update_fields=["is_active"])
        return BulletinTemplate.objects.create(kind=kind, name=name, file=upload, uploaded_by=actor)


def _sequence(kind: str, year: int) -> NumberSequence:
    """The office's sequence of `kind` for `year`, locked for the rest of the transaction: of two issuers at once
    the second waits and takes the next number. A new year starts at 1 with last year's prefix."""
    office = office_name()
    latest = NumberSequence.objects.filter(office=office, kind=kind).order_by("-year").first()
    NumberSequence.objects.get_or_create(
        office=office,
        kind=kind,
        year=year,
        defaults={"prefix": latest.prefix if latest else default_prefix(kind)},
    )
    return NumberSequence.objects.select_for_update().get(office=office, kind=kind, year=year)


@transaction.atomic
def issue_document(actor: Person, kind: str, source: documents.Source) -> IssuedDocument:
    """Give the document its number (文号) and keep its Word file and the PDF made from it in the register.
    A number is given only here, never to a draft; a rendering that fails gives none (the transaction rolls back)."""
    require(can_issue_documents(actor))
    if kind not in DocumentKind.values:
        raise ValidationError(_("Unknown document kind."))
    now = timezone.now()
    year = timezone.localtime(now).year
    sequence = _sequence(kind, year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    number = format_number(sequence.prefix, year, sequence.last)
    context = documents.context_for(kind, source, number, now)
    docx = documents.render_context(kind, context, "docx")
    pdf = docx_to_pdf(docx)
    stem = documents.filename(context, "docx").removesuffix(".docx")
    document = IssuedDocument(
        office=sequence.office,
        kind=kind,
        year=year,
        serial=sequence.last,
        number=number,
        title=context["title"],
        source={documents.SOURCES[kind]: source.pk},
        filename=stem,
        issued_by=actor,
        issued_at=now,
    )
    document.docx.save(f"{kind}-{year}-{sequence.last}.docx", ContentFile(docx), save=False)
    document.pdf.save(f"{kind}-{year}-{sequence.last}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


@transaction.atomic
def set_document_prefix(actor: Person, kind: str, prefix: str) -> NumberSequence:
    """The office's code for `kind` from this year's next number on; numbers already given keep theirs."""
    require(can_issue_documents(actor))
    prefix = prefix.strip()
    if (
        kind not in DocumentKind.values
        or not prefix
        or len(prefix) > 20
        or any(c in prefix for c in "〔〕/\\")
    ):
        raise ValidationError(_("Enter a code of up to 20 characters, without brackets or slashes."))
    year = timezone.localtime(timezone.now()).year
    sequence = _sequence(kind, year)
    if (
        NumberSequence.objects.filter(office=sequence.office, year=year, prefix=prefix)
        .exclude(pk=sequence.pk)
        .exists()
    ):
        raise ValidationError(
            _("Another kind of document already uses this code: their numbers would clash.")
        )
    sequence.prefix = prefix
    sequence.save(update_fields=["prefix"])
    return sequence
