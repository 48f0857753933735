from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bulletins import actions, bulletin, round_report
from bulletins.access import can_manage_templates
from bulletins.models import BulletinTemplate, TemplateKind
from inspections.access import get_round_for
from org.access import require
from org.http import PersonRequest
from scoring.models import Publication

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
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def default_bulletin_template(request: PersonRequest) -> HttpResponse:
    require(can_manage_templates(request.user))
    return _docx(bulletin.default_template(), "bulletin-template.docx")


@login_required
def default_round_template(request: PersonRequest) -> HttpResponse:
    require(can_manage_templates(request.user))
    return _docx(round_report.default_round_template(), "round-report-template.docx")
