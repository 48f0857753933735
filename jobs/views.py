"""A job's progress page, its retry and its download; only the person who asked for the file sees any of them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.downloads import attachment
from core.http import HtmxRequest
from jobs import actions
from jobs.models import GeneratedFile


@login_required
def job(request: HtmxRequest, pk: int) -> HttpResponse:
    """The progress of a file being made; the page polls itself (htmx) until the file is ready or the job failed
    (a stuck job is failed here too, so the page never spins for ever, whether or not beat runs the sweeper)."""
    generated = actions.fail_if_stale(get_object_or_404(GeneratedFile, pk=pk, created_by=request.user))
    template = "jobs/_job.html" if request.htmx else "jobs/job.html"
    return render(request, template, {"job": generated})


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    generated = get_object_or_404(GeneratedFile, pk=pk, created_by=request.user)
    try:
        actions.retry_job(generated.created_by, generated)  # the requester, as the lookup just checked
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("jobs:job", generated.pk)


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    generated = get_object_or_404(
        GeneratedFile, pk=pk, created_by=request.user, status=GeneratedFile.Status.DONE
    )
    return attachment(generated.file, generated.filename)
