"""A job's progress page and its download; only the person who asked for the file sees either."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.http import HtmxRequest
from jobs.models import GeneratedFile


@login_required
def job(request: HtmxRequest, pk: int) -> HttpResponse:
    """The progress of a file being made; the page polls itself (htmx) until the file is ready."""
    generated = get_object_or_404(GeneratedFile, pk=pk, created_by=request.user)
    template = "jobs/_job.html" if request.htmx else "jobs/job.html"
    return render(request, template, {"job": generated})


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    generated = get_object_or_404(
        GeneratedFile, pk=pk, created_by=request.user, status=GeneratedFile.Status.DONE
    )
    return FileResponse(generated.file.open("rb"), as_attachment=True, filename=generated.filename)
