from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from inspections.access import get_round_for
from org.access import require
from reports import actions, round_report
from reports.bulletin import default_template
from reports.dashboard import dashboard_json
from reports.models import BulletinTemplate, GeneratedFile, TemplateKind
from scoring.models import Publication

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_POST
def bulletin_request(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication, pk=pk)
    try:
        job = actions.request_bulletin(request.user, publication, request.POST.get("format", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("scoring:publication_detail", publication.pk)
    return redirect("reports:job", job.pk)


@login_required
@require_POST
def round_report_request(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for(request.user, pk)
    try:
        job = actions.request_round_report(request.user, round_, request.POST.get("format", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("inspections:round_detail", round_.pk)
    return redirect("reports:job", job.pk)


@login_required
@require_POST
def case_export(request: HttpRequest) -> HttpResponse:
    """Start the background export of a case list; the progress page follows it."""
    job = actions.request_case_export(
        request.user, request.POST.get("query", ""), getattr(request, "LANGUAGE_CODE", "")
    )
    return redirect("reports:job", job.pk)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a file being made; the page polls itself (htmx) until the file is ready."""
    generated = get_object_or_404(GeneratedFile, pk=pk, created_by=request.user)
    template = "reports/_job.html" if request.htmx else "reports/job.html"
    return render(request, template, {"job": generated})


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    generated = get_object_or_404(
        GeneratedFile, pk=pk, created_by=request.user, status=GeneratedFile.Status.DONE
    )
    return FileResponse(generated.file.open("rb"), as_attachment=True, filename=generated.filename)


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_templates(request: HttpRequest) -> HttpResponse:
    require(request.user.is_office_admin())
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a .docx file."))
        else:
            try:
                actions.upload_bulletin_template(
                    request.user,
                    request.POST.get("name") or upload.name,
                    upload,
                    kind=request.POST.get("kind", TemplateKind.BULLETIN),
                )
                messages.success(request, _("Template uploaded; new bulletins use it."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return redirect("reports:templates")
    context = {"templates": BulletinTemplate.objects.all(), "kinds": TemplateKind.choices}
    return render(request, "reports/templates.html", context)


@login_required
def default_bulletin_template(request: HttpRequest) -> HttpResponse:
    require(request.user.is_office_admin())
    response = HttpResponse(default_template(), content_type=DOCX)
    response["Content-Disposition"] = 'attachment; filename="bulletin-template.docx"'
    return response


@login_required
def default_round_template(request: HttpRequest) -> HttpResponse:
    require(request.user.is_office_admin())
    response = HttpResponse(round_report.default_round_template(), content_type=DOCX)
    response["Content-Disposition"] = 'attachment; filename="round-report-template.docx"'
    return response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user.sees_everything())
    return render(request, "reports/dashboard.html", {"refresh_seconds": 60})


@login_required
def dashboard_data(request: HttpRequest) -> HttpResponse:
    require(request.user.sees_everything())
    return HttpResponse(dashboard_json(), content_type="application/json")
