"""Survey screens: runs and their progress and rates, the questionnaire builder, the fieldwork form, the public link."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from core.http import attachment, client_address
from core.replicas import reading
from org.http import PersonRequest
from org.models import Unit, UnitKind
from surveys import actions, exports, queries
from surveys.access import (
    can_enter_responses,
    can_manage_surveys,
    get_questionnaire_for,
    get_run_for,
    responses_for,
    runs_for,
)
from surveys.forms import QuestionForm, QuestionnaireForm, QuotaForm, ResponseForm, RunForm
from surveys.models import Channel, Question, Questionnaire, SurveyRun
from surveys.rates import sample_size

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def index(request: PersonRequest) -> HttpResponse:
    runs = (
        runs_for(request.user)
        .annotate(n=Count("responses", distinct=True))
        .prefetch_related("questionnaires")
    )
    context = {
        "runs": runs,
        "questionnaires": Questionnaire.objects.annotate(n=Count("questions"))
        if can_manage_surveys(request.user)
        else [],
        "can_manage": can_manage_surveys(request.user),
    }
    return render(request, "surveys/index.html", context)


@login_required
def run_detail(request: PersonRequest, pk: int) -> HttpResponse:
    run = get_run_for(request.user, pk)
    responses = responses_for(request.user, run)
    grouping = request.GET.get("by", "")
    if grouping not in queries.GROUPINGS:
        grouping = ""
    context = {
        "run": run,
        "quota_rows": queries.quota_progress(run, responses),
        "surveyors": queries.surveyor_progress(responses),
        "flags": queries.flag_counts(responses),
        "rate_rows": queries.rates(run, responses, grouping),
        "chart": queries.rate_matrix(run, responses, "town"),
        "grouping": grouping,
        "groupings": [
            ("", _("All")),
            ("town", _("Town / street")),
            ("community", _("Community")),
            ("channel", _("Channel")),
            ("group", _("Version")),
        ],
        "needed": sample_size(0.03),
        "can_manage": can_manage_surveys(request.user),
        "can_enter": can_enter_responses(request.user, run),
        "public_url": request.build_absolute_uri(reverse("survey_public", args=[run.public_token])),
    }
    return render(request, "surveys/run_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def run_edit(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    run = get_run_for(request.user, pk, manage=True) if pk else None
    if run is None and not can_manage_surveys(request.user):
        raise PermissionDenied
    initial = {"surveyors": run.surveyors.all()} if run else {}
    form = RunForm(request.POST or None, instance=run, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        questionnaires = list(data.pop("questionnaires"))
        surveyors = list(data.pop("surveyors"))
        run = actions.save_run(request.user, run, questionnaires, **data)
        actions.assign_surveyors(request.user, run, surveyors)
        messages.success(request, _("Survey run saved."))
        return redirect("surveys:run_detail", run.pk)
    return render(request, "surveys/form.html", {"form": form, "title": _("Survey run")})


@login_required
@require_http_methods(["GET", "POST"])
def run_quotas(request: PersonRequest, pk: int) -> HttpResponse:
    run = get_run_for(request.user, pk, manage=True)
    form = QuotaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = actions.set_quotas(request.user, run, form.units(), form.cleaned_data["target"])
        messages.success(request, _("%(n)d quotas set.") % {"n": count})
        return redirect("surveys:run_detail", run.pk)
    return render(
        request, "surveys/form.html", {"form": form, "title": _("Quotas for %(run)s") % {"run": run}}
    )


@login_required
@require_POST
def run_status(request: PersonRequest, pk: int) -> HttpResponse:
    run = get_run_for(request.user, pk, manage=True)
    status = request.POST.get("status", run.status)
    if status not in SurveyRun.Status.values:
        status = run.status
    public = request.POST.get("public_link")
    actions.set_run_status(request.user, run, status, None if public is None else public == "1")
    return redirect("surveys:run_detail", run.pk)


# --- Questionnaires -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    questionnaire = get_questionnaire_for(request.user, pk, manage=True) if pk else None
    if questionnaire is None and not can_manage_surveys(request.user):
        raise PermissionDenied
    form = QuestionnaireForm(request.POST or None, instance=questionnaire)
    if request.method == "POST" and form.is_valid():
        questionnaire = actions.save_questionnaire(request.user, questionnaire, **form.cleaned_data)
        return redirect("surveys:questionnaire_detail", questionnaire.pk)
    return render(request, "surveys/form.html", {"form": form, "title": _("Questionnaire")})


@login_required
def questionnaire_detail(request: PersonRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for(request.user, pk, manage=True)
    context = {
        "questionnaire": questionnaire,
        "questions": questionnaire.questions.all(),
        "form": QuestionForm(),
    }
    return render(request, "surveys/questionnaire_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: PersonRequest, pk: int, question_pk: int | None = None) -> HttpResponse:
    questionnaire = get_questionnaire_for(request.user, pk, manage=True)
    question = (
        get_object_or_404(Question, pk=question_pk, questionnaire=questionnaire) if question_pk else None
    )
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_question(request.user, questionnaire, question, **form.action_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("surveys:questionnaire_detail", questionnaire.pk)
    return render(request, "surveys/form.html", {"form": form, "title": _("Question")})


@login_required
@require_POST
def questionnaire_import(request: PersonRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for(request.user, pk, manage=True)
    upload = request.FILES.get("file")
    source = request.POST.get("source")
    if source == "bank":
        count = exports.import_bank(request.user, questionnaire, request.POST.get("framework", "city"))
        messages.success(request, _("%(n)d questions added from the 2016 edition.") % {"n": count})
    elif upload:
        report = exports.import_questionnaire(request.user, questionnaire, upload)
        if report.ok:
            messages.success(request, _("%(n)d questions imported.") % {"n": len(report.created)})
        else:
            for problem in report.problems:
                messages.error(request, str(problem))
    return redirect("surveys:questionnaire_detail", questionnaire.pk)


@login_required
@reading()
def questionnaire_export(request: PersonRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for(request.user, pk, manage=True)
    response = HttpResponse(exports.questionnaire_workbook(questionnaire), content_type=XLSX)
    response["Content-Disposition"] = attachment(f"{_('Questionnaire')}-{questionnaire.name}.xlsx")
    return response


# --- Fieldwork ------------------------------------------------------------------------------------


def _fieldwork_units(run: SurveyRun):
    """Communities with a quota (or in a town with a quota); every community when the run has no quotas."""
    quota_units = Unit.objects.filter(quota__run=run)
    units = Unit.objects.filter(kind=UnitKind.COMMUNITY)
    if quota_units.exists():
        units = units.filter(pk__in=quota_units) | units.filter(parent__in=quota_units)
    return units.select_related("parent").order_by("path")


def _answer_submission(
    request, run, questionnaire, form, channel, actor=None, device_hash="", done_url="", origin_hash=""
):
    """Submit a valid form; reply JSON to the offline-capable page and redirect a plain form post.

    A plain post goes to done_url (the public thanks page) or back to the form for the next interview.
    """
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
        return None
    if channel == Channel.ONLINE and form.is_bot():
        return JsonResponse({"ok": True}) if wants_json else redirect("survey_thanks")
    response, created = actions.submit_response(
        run, questionnaire, form.submission(), channel, actor, device_hash, origin_hash
    )
    if wants_json:
        reply: dict[str, Any] = {"ok": True, "created": created, "id": response.pk}
        if actor is not None:  # the fieldwork form's counters, as they stand after this response
            unit = form.cleaned_data["unit"]
            reply["mine"] = queries.surveyor_counts(run, actor)
            reply["quota"] = queries.quota_by_community(run, Unit.objects.filter(pk=unit.pk)).get(unit.pk)
        return JsonResponse(reply, status=201 if created else 200)
    if done_url:
        return redirect(done_url)
    messages.success(request, _("Response saved.") if created else _("This response was already saved."))
    # The next respondent is met the same way in the same community: the form keeps both.
    unit = form.cleaned_data["unit"]
    return redirect(f"{request.path}?{urlencode({'channel': channel, 'unit': unit.pk})}")


@login_required
@require_http_methods(["GET", "POST"])
def fill(request: PersonRequest, pk: int, questionnaire_pk: int) -> HttpResponse:
    run = get_run_for(request.user, pk)
    if not can_enter_responses(request.user, run):
        raise PermissionDenied
    questionnaire = get_object_or_404(run.questionnaires, pk=questionnaire_pk)
    channel = request.POST.get("channel") or request.GET.get("channel", Channel.HOUSEHOLD)
    if channel not in (Channel.HOUSEHOLD, Channel.STREET, Channel.PAPER):
        channel = Channel.HOUSEHOLD
    units = _fieldwork_units(run)
    # `?unit=`: the community the surveyor's home page sent them to (the one furthest behind its quota).
    initial = {"unit": request.GET["unit"]} if request.GET.get("unit", "").isdigit() else {}
    form = ResponseForm(request.POST or None, questionnaire=questionnaire, units=units, initial=initial)
    if request.method == "POST":
        reply = _answer_submission(request, run, questionnaire, form, channel, request.user)
        if reply is not None:
            return reply
    context = {
        "run": run,
        "questionnaire": questionnaire,
        "form": form,
        "channel": channel,
        "channels": [(c, label) for c, label in Channel.choices if c != Channel.ONLINE],
        "mine": queries.surveyor_counts(run, request.user),
        "quotas": queries.quota_by_community(run, units),
    }
    return render(request, "surveys/fill.html", context)


def _device_hash(request: HttpRequest, run: SurveyRun) -> tuple[str, str]:
    """One response per device: a random cookie, hashed per run so the stored value identifies nothing."""
    device = request.COOKIES.get("cw_device") or uuid.uuid4().hex
    return device, hashlib.sha256(f"{run.public_token}:{device}".encode()).hexdigest()


def origin_hash(request: HttpRequest, run: SurveyRun) -> str:
    """The sender as the run sees it, beyond the cookie: the address and the browser's own description (user agent
    and languages), keyed per run so the stored value identifies nobody elsewhere."""
    sender = "|".join(
        [
            client_address(request),
            request.headers.get("User-Agent", ""),
            request.headers.get("Accept-Language", ""),
        ]
    )
    return salted_hmac(f"surveys.origin:{run.public_token}", sender).hexdigest()


def _responses_per_ip(group: str, request: HttpRequest) -> str:
    """Read at each request, so that the setting (and a test's override) holds."""
    return settings.SURVEY_RESPONSES_PER_IP


@ratelimit(key="ip", rate=_responses_per_ip, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def public_survey(request: HttpRequest, token: str) -> HttpResponse:
    run = get_object_or_404(SurveyRun, public_token=token, public_link=True)
    if not run.is_accepting():
        return render(request, "surveys/public_closed.html", {"run": run}, status=410)
    questionnaires = list(run.questionnaires.all())
    chosen = (
        request.GET.get("v")
        or request.POST.get("v")
        or (questionnaires[0].pk if len(questionnaires) == 1 else "")
    )
    questionnaire = next((q for q in questionnaires if str(q.pk) == str(chosen)), None)
    if questionnaire is None:
        return render(request, "surveys/public_choose.html", {"run": run, "questionnaires": questionnaires})
    device, device_hash = _device_hash(request, run)
    if run.responses.filter(device_hash=device_hash).exists():
        return render(request, "surveys/public_done.html", {"run": run, "already": True})
    form = ResponseForm(
        request.POST or None,
        questionnaire=questionnaire,
        units=Unit.objects.filter(kind=UnitKind.COMMUNITY).select_related("parent").order_by("path"),
        public=True,
    )
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many submissions from this network. Please try again later."))
        else:
            reply = _answer_submission(
                request,
                run,
                questionnaire,
                form,
                Channel.ONLINE,
                None,
                device_hash,
                reverse("survey_thanks"),
                origin_hash(request, run),
            )
            if reply is not None:
                return reply
    page = render(
        request,
        "surveys/fill.html",
        {"run": run, "questionnaire": questionnaire, "form": form, "public": True},
    )
    page.set_cookie("cw_device", device, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
    return page


def survey_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/public_done.html", {})


# --- Reports --------------------------------------------------------------------------------------


@login_required
@reading()
@require_http_methods(["GET", "POST"])
def run_export(request: PersonRequest, pk: int) -> HttpResponse:
    """The run's Excel file: at once for a small run; a large one is made in the background (this page asks
    first, its button posts here and the job's page follows the progress)."""
    run = get_run_for(request.user, pk)
    responses = responses_for(request.user, run)
    if request.method == "POST":
        job = actions.request_run_export(request.user, run, getattr(request, "LANGUAGE_CODE", ""))
        return redirect("jobs:job", job.pk)
    count = responses.count()
    if count > exports.DIRECT_EXPORT_RESPONSES:
        return render(request, "surveys/export_large.html", {"run": run, "count": count})
    response = HttpResponse(exports.run_workbook(run, responses), content_type=XLSX)
    response["Content-Disposition"] = attachment(exports.run_export_filename(run))
    return response
