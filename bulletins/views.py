from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bulletins import actions, bulletin, round_report, survey_report
from bulletins.access import can_issue_documents, can_manage_templates, can_see_register
from bulletins.common import default_prefix
from bulletins.models import BulletinTemplate, DocumentKind, IssuedDocument, NumberSequence, TemplateKind
from core.downloads import attachment as file_download
from core.http import attachment
from inspections.access import get_round_for
from org.access import require
from org.http import PersonRequest
from org.queries import office_name
from scoring.models import Publication
from surveys.access import get_run_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_POST
def bulletin_request(request: PersonRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication, pk=pk)
    try:
        job = actions.request_bulletin(request.user, publication, request.POST.get("format", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("scoring:publication_detail", publication.pk)
    return redirect("jobs:job", job.pk)


@login_required
@require_POST
def round_report_request(request: PersonRequest, pk: int) -> HttpResponse:
    round_ = get_round_for(request.user, pk)
    try:
        job = actions.request_round_report(request.user, round_, request.POST.get("format", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("inspections:round_detail", round_.pk)
    return redirect("jobs:job", job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_templates(request: PersonRequest) -> HttpResponse:
    require(can_manage_templates(request.user))
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a .docx file."))
        else:
            try:
                actions.upload_bulletin_template(
                    request.user,
                    request.POST.get("name") or upload.name or "",
                    upload,
                    kind=request.POST.get("kind", TemplateKind.BULLETIN),
                )
                messages.success(request, _("Template uploaded; new bulletins use it."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return redirect("bulletins:templates")
    context = {"templates": BulletinTemplate.objects.all(), "kinds": TemplateKind.choices}
    return render(request, "bulletins/templates.html", context)


def _docx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = attachment(filename)
    return response


@login_required
def default_bulletin_template(request: PersonRequest) -> HttpResponse:
    require(can_manage_templates(request.user))
    return _docx(bulletin.default_template(), "考核情况通报模板.docx")


@login_required
def default_round_template(request: PersonRequest) -> HttpResponse:
    require(can_manage_templates(request.user))
    return _docx(round_report.default_round_template(), "督查情况通报模板.docx")


@login_required
def default_survey_template(request: PersonRequest) -> HttpResponse:
    require(can_manage_templates(request.user))
    return _docx(survey_report.default_survey_template(), "问卷调查情况报告模板.docx")


@login_required
@require_POST
def survey_report_request(request: PersonRequest, pk: int) -> HttpResponse:
    """The survey report as a draft (no number yet) in Word or as the PDF made from it, counting the responses
    the person may see: made in the background (seconds for a run's thousand responses), followed on the job's
    page."""
    run = get_run_for(request.user, pk)
    try:
        job = actions.request_survey_report(request.user, run, request.POST.get("format", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("surveys:run_detail", run.pk)
    return redirect("jobs:job", job.pk)


@login_required
@require_POST
def issue(request: PersonRequest, kind: str, pk: int) -> HttpResponse:
    """Issue a bulletin, round report or survey report: it takes its number (文号) and goes into the register."""
    if kind == DocumentKind.BULLETIN:
        source: Publication | object = get_object_or_404(
            Publication.objects.select_related("scheme__period"), pk=pk
        )
        back = redirect("scoring:publication_detail", pk)
    elif kind == DocumentKind.ROUND:
        source = get_round_for(request.user, pk)
        back = redirect("inspections:round_detail", pk)
    elif kind == DocumentKind.SURVEY:
        source = get_run_for(request.user, pk)
        back = redirect("surveys:run_detail", pk)
    else:
        raise Http404
    try:
        document = actions.issue_document(request.user, kind, source)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return back
    messages.success(request, _("Issued as %(number)s.") % {"number": document.number})
    return redirect("bulletins:register")


@login_required
@require_http_methods(["GET", "POST"])
def register(request: PersonRequest) -> HttpResponse:
    """The register of issued documents (发文登记), and the office's codes per kind of document."""
    require(can_see_register(request.user))
    if request.method == "POST":
        try:
            actions.set_document_prefix(
                request.user, request.POST.get("kind", ""), request.POST.get("prefix", "")
            )
            messages.success(request, _("Code saved; the next number uses it."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("bulletins:register")
    office = office_name()
    current = {s.kind: s for s in NumberSequence.objects.filter(office=office).order_by("year")}
    codes = [
        (kind, label, current[kind].prefix if kind in current else default_prefix(kind))
        for kind, label in DocumentKind.choices
    ]
    context = {
        "documents": IssuedDocument.objects.select_related("issued_by"),
        "codes": codes,
        "can_issue": can_issue_documents(request.user),
    }
    return render(request, "bulletins/register.html", context)


@login_required
def issued_file(request: PersonRequest, pk: int, fmt: str) -> HttpResponseBase:
    require(can_see_register(request.user))
    document = get_object_or_404(IssuedDocument, pk=pk)
    field = {"docx": document.docx, "pdf": document.pdf}.get(fmt)
    if not field:
        raise Http404
    return file_download(field, f"{document.filename}.{fmt}")
