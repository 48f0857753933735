"""Case screens: the queues, the filtered list and its export, the case page and one URL per step, the map,
the metrics and the categories. Thin: access helper → form → action → redirect/render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cases import access, actions, exports, queries
from cases import forms as case_forms
from cases.access import cases_for, get_case_for, get_category_for
from cases.models import Case, CaseEvent, CasePhoto, Category
from cases.queries import QUEUE_LABELS
from core.counting import CappedPaginator
from core.http import attachment
from core.replicas import reading
from org.access import get_or_404, grids_for, require, sees_everything, visible_units
from org.http import PersonRequest

A = CaseEvent.Action
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Steps of the loop: one URL each, all handled the same way ------------------------------------


@dataclass(frozen=True)
class Step:
    action: str
    label: Any
    form: type[forms.Form]
    run: Callable[..., Case]
    style: str = "outline-secondary"
    files: bool = False


STEPS: dict[str, Step] = {
    step.action: step
    for step in [
        Step(
            A.ACCEPT,
            gettext_lazy("Accept"),
            case_forms.AcceptForm,
            lambda u, c, d: actions.accept_case(u, c, d["note"], d["category"]),
            "success",
        ),
        Step(
            A.DISPATCH,
            gettext_lazy("Dispatch"),
            case_forms.DispatchForm,
            lambda u, c, d: actions.dispatch_case(u, c, d["unit"], d["deadline"], d["note"]),
            "danger",
        ),
        Step(
            A.START,
            gettext_lazy("Start rectifying"),
            case_forms.NoteForm,
            lambda u, c, d: actions.start_rectifying(u, c, d["note"]),
            "primary",
        ),
        Step(
            A.REPORT_BACK,
            gettext_lazy("Report back"),
            case_forms.ReportBackForm,
            lambda u, c, d: actions.report_back(u, c, d["note"], d["photos"]),
            "success",
            files=True,
        ),
        Step(
            A.VERIFY,
            gettext_lazy("Verify and close"),
            case_forms.CheckForm,
            lambda u, c, d: actions.verify_case(u, c, d["note"], photos=d["photos"]),
            "success",
            files=True,
        ),
        Step(
            A.REWORK,
            gettext_lazy("Send back for rework"),
            case_forms.ReworkForm,
            lambda u, c, d: actions.rework_case(u, c, d["note"], d["photos"]),
            "warning",
            files=True,
        ),
        Step(
            A.RETURN,
            gettext_lazy("Not our unit: return"),
            case_forms.RequiredNoteForm,
            lambda u, c, d: actions.return_case(u, c, d["note"]),
        ),
        Step(
            A.REQUEST_EXTENSION,
            gettext_lazy("Request an extension"),
            case_forms.ExtensionRequestForm,
            lambda u, c, d: actions.request_extension(u, c, d["until"], d["note"]),
        ),
        Step(
            A.APPROVE_EXTENSION,
            gettext_lazy("Approve the extension"),
            case_forms.ApproveExtensionForm,
            lambda u, c, d: actions.approve_extension(u, c, d["until"], d["note"]),
            "success",
        ),
        Step(
            A.REFUSE_EXTENSION,
            gettext_lazy("Refuse the extension"),
            case_forms.RequiredNoteForm,
            lambda u, c, d: actions.refuse_extension(u, c, d["note"]),
        ),
        Step(
            A.MARK_DUPLICATE,
            gettext_lazy("Merge as duplicate"),
            case_forms.DuplicateForm,
            lambda u, c, d: actions.mark_duplicate(u, c, d["original"], d["note"]),
        ),
        Step(
            A.REJECT,
            gettext_lazy("Do not accept"),
            case_forms.RequiredNoteForm,
            lambda u, c, d: actions.reject_case(u, c, d["note"]),
        ),
        Step(
            A.DEFER,
            gettext_lazy("Defer"),
            case_forms.RequiredNoteForm,
            lambda u, c, d: actions.defer_case(u, c, d["note"]),
        ),
        Step(
            A.RESUME,
            gettext_lazy("Resume"),
            case_forms.NoteForm,
            lambda u, c, d: actions.resume_case(u, c, note=d["note"]),
        ),
        Step(
            A.URGE,
            gettext_lazy("Chase (催办)"),
            case_forms.NoteForm,
            lambda u, c, d: actions.urge_case(u, c, d["note"]),
            "warning",
        ),
        Step(
            A.SUPERVISE,
            gettext_lazy("Leader supervision (领导督办)"),
            case_forms.NoteForm,
            lambda u, c, d: actions.supervise_case(u, c, d["note"]),
            "danger",
        ),
        Step(
            A.SHORTEN_DEADLINE,
            gettext_lazy("Shorten the deadline"),
            case_forms.ShortenDeadlineForm,
            lambda u, c, d: actions.shorten_deadline(u, c, d["until"], d["note"]),
            "danger",
        ),
    ]
}
EXTENSION_DECISIONS = {A.APPROVE_EXTENSION, A.REFUSE_EXTENSION}


def steps_for(person, case: Case) -> list[Step]:
    """The steps this person may take on this case now (the server checks again when they do)."""
    allowed = []
    for step in STEPS.values():
        if not access.may(person, case, step.action):
            continue
        if step.action in EXTENSION_DECISIONS and not case.has_extension_request():
            continue
        if step.action == A.REQUEST_EXTENSION and case.has_extension_request():
            continue
        if step.action == A.SUPERVISE and case.is_supervised():
            continue
        allowed.append(step)
    return allowed


def _seen_version(posted: str | None) -> int | None:
    """The case's version the actor's page showed (a hidden field); None from an old page without one."""
    return int(posted) if posted and posted.isdigit() else None


# --- Lists ------------------------------------------------------------------------------------------


def _filtered(
    request: PersonRequest, default_queue: bool = True
) -> tuple[case_forms.CaseFilterForm, QuerySet[Case]]:
    form, listed = case_forms.list_from_query(request.user, request.GET, default_queue)
    return form, listed.cases


@login_required
def case_list(request: PersonRequest) -> HttpResponse:
    """The work queue: the office's (to accept, dispatch, verify, overdue) or a unit's (to rectify, due soon...)."""
    person = request.user
    form, listed = case_forms.list_from_query(person, request.GET)
    counts = queries.queue_counts(listed.filtered, listed.queues)
    # Counted up to the cap: the "All" list of a year's cases is not counted row by row on every visit.
    paginator = CappedPaginator(listed.rows, 50, settings.CASE_COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    selectable = listed.queue == "to_dispatch" and access.is_office_actor(person)
    context = {
        "form": form,
        "page": page,
        "queue": listed.queue,
        "queues": [(name, QUEUE_LABELS[name], counts[name]) for name in listed.queues],
        "office_view": sees_everything(person),
        "can_report": access.can_report(person),
        # Rows can be ticked for bulk dispatch in the office's to-dispatch queue.
        "selectable": selectable,
        "bulk_form": case_forms.BulkDispatchForm(cases=Case.objects.none()) if selectable else None,
        "query": request.GET.urlencode(),
        "export_in_background": paginator.capped or paginator.count > exports.DIRECT_EXPORT_ROWS,
    }
    template = "cases/_case_table.html" if request.htmx else "cases/case_list.html"
    return render(request, template, context)


@login_required
@reading()
def case_export(request: PersonRequest) -> HttpResponse:
    """The list as on screen (filters and queue) as an Excel workbook: small lists at once, large ones are made
    in the background with a progress page (the page offers that; this URL asks first)."""
    form, cases = _filtered(request)
    count = cases.count()
    if count > exports.DIRECT_EXPORT_ROWS:
        context = {"count": count, "limit": exports.MAX_EXPORT_ROWS, "query": request.GET.urlencode()}
        return render(request, "cases/export_large.html", context)
    workbook = exports.cases_workbook(
        cases,
        can_see_contact=access.can_see_contact(request.user),
        title=exports.export_title(request.user, form.filters()),
        small=True,
    )
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = attachment(exports.export_filename())
    workbook.save(response)
    return response


@login_required
@require_POST
def case_export_job(request: PersonRequest) -> HttpResponse:
    """Start the background export of a case list; the progress page follows it."""
    job = actions.request_case_export(
        request.user, request.POST.get("query", ""), getattr(request, "LANGUAGE_CODE", "")
    )
    return redirect("jobs:job", job.pk)


@login_required
@require_POST
def case_bulk_dispatch(request: PersonRequest) -> HttpResponse:
    require(access.is_office_actor(request.user))
    form = case_forms.BulkDispatchForm(request.POST, cases=cases_for(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose at least one case to dispatch."))
        return redirect("cases:list")
    done, problems = 0, []
    for case in form.cleaned_data["cases"]:
        case.seen_version = _seen_version(request.POST.get(f"version-{case.pk}"))
        try:
            actions.dispatch_case(request.user, case, form.cleaned_data["unit"])
            done += 1
        except (actions.CaseConflict, ValidationError) as exc:
            problems.append(f"{case.number}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    if done:
        messages.success(request, _("%(count)d cases dispatched.") % {"count": done})
    for problem in problems:
        messages.error(request, problem)
    return redirect(f"{reverse('cases:list')}?queue=to_dispatch")


# --- One case -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: PersonRequest) -> HttpResponse:
    require(access.can_report(request.user))
    form = case_forms.CaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.open_case(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case %(number)s filed.") % {"number": case.number})
            return redirect("cases:detail", case.pk)
    return render(request, "cases/case_form.html", {"form": form})


@login_required
def case_detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.user
    case = get_case_for(person, pk)
    photos = list(case.photos.all())
    events = queries.case_timeline(case)
    around = queries.cases_around(case, person)
    context = {
        "case": case,
        # Each step with its photos, picked from the case's (a step's photos are the case's too).
        "events": [(event, [p for p in photos if p.event_id == event.pk]) for event in events],
        "before_photos": [p for p in photos if p.kind == CasePhoto.Kind.BEFORE],
        "after_photos": [p for p in photos if p.kind == CasePhoto.Kind.AFTER],
        "check_photos": [p for p in photos if p.kind == CasePhoto.Kind.CHECK],
        "steps": [(step, step.form()) for step in steps_for(person, case)],
        "duplicates": around.duplicates,
        "can_see_contact": access.can_see_contact(person),
        "overdue": case.is_overdue(),
        "relapses": case.relapses.values_list("pk", "number"),
        "map_points": queries.case_map_points(case, around.nearby),
    }
    return render(request, "cases/case_detail.html", context)


@login_required
@require_POST
def case_step(request: PersonRequest, pk: int, step: str) -> HttpResponse:
    case = get_case_for(request.user, pk)
    if step not in STEPS:
        raise Http404
    spec = STEPS[step]
    case.seen_version = _seen_version(request.POST.get("version"))
    form = spec.form(request.POST, request.FILES if spec.files else None)
    if form.is_valid():
        try:
            spec.run(request.user, case, form.cleaned_data)
        except actions.CaseConflict as exc:
            messages.warning(request, str(exc))
            return redirect("cases:detail", case.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(step)s: done.") % {"step": spec.label})
            return redirect("cases:detail", case.pk)
    # Keep what was typed and show why it was refused, on the step's own page.
    return render(request, "cases/step_form.html", {"case": case, "step": spec, "form": form}, status=400)


@login_required
def case_photo(request: PersonRequest, pk: int, variant: str) -> FileResponse:
    """Photos are served only to those who see the case; the EXIF-bearing original only to the office."""
    photo = get_or_404(CasePhoto.objects.filter(case__in=cases_for(request.user)), pk)
    if variant == "original":
        require(access.can_see_contact(request.user))
        file = photo.original
    elif variant in {"public", "thumbnail"}:
        file = getattr(photo, variant)
    else:
        raise Http404
    return FileResponse(file.open("rb"), content_type=None if variant == "original" else "image/jpeg")


# --- Map and metrics ------------------------------------------------------------------------------------


@login_required
def case_map(request: PersonRequest) -> HttpResponse:
    form, _cases = _filtered(request, default_queue=False)
    grids = [
        {"type": "Feature", "geometry": grid.boundary, "properties": {"name": grid.name}}
        for grid in grids_for(request.user).select_related(None).only("boundary", "name")
    ]
    context = {
        "form": form,
        "query": request.GET.urlencode(),
        "grids": {"type": "FeatureCollection", "features": grids},
    }
    return render(request, "cases/case_map.html", context)


@login_required
def case_map_data(request: PersonRequest) -> JsonResponse:
    """Open cases (or the filtered ones) as GeoJSON points, at most 5,000, newest first."""
    _form, cases = _filtered(request, default_queue=False)
    if not request.GET.get("state"):
        cases = cases.filter(state__in=Case.OPEN_STATES)
    now = timezone.now()
    rows = cases.filter(lon__isnull=False).order_by("-reported_at")[:5000]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
            "properties": {
                "url": reverse("cases:detail", args=[c.pk]),
                "number": c.number,
                "title": c.category_name or c.description[:20],
                "state": c.get_state_display(),
                "overdue": c.is_overdue(now),
                "state_closed": c.is_closed(),
            },
        }
        for c in rows
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _quarter_bounds(text: str | None) -> tuple[dt.datetime, dt.datetime, str]:
    today = timezone.localdate()
    try:
        year, quarter = (int(part) for part in (text or "").split("Q"))
        if not 1 <= quarter <= 4:
            raise ValueError
    except ValueError:
        year, quarter = today.year, (today.month - 1) // 3 + 1
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 3 * quarter - 2, 1, tzinfo=tz)
    end = dt.datetime(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1, tzinfo=tz)
    return start, end, f"{year}Q{quarter}"


@login_required
def case_metrics(request: PersonRequest) -> HttpResponse:
    """Rectification metrics per unit for a quarter (DESIGN.md §5), for the units the person sees."""
    start, end, label = _quarter_bounds(request.GET.get("quarter"))
    units = None if sees_everything(request.user) else visible_units(request.user)
    # Ranked by on-time close rate, then close rate: the order a bulletin publishes.
    rows = sorted(
        queries.unit_metrics(start, end, units),
        key=lambda m: (-(m.on_time_rate or 0), -(m.close_rate or 0), m.unit_name),
    )
    year = start.year
    quarters = [f"{y}Q{q}" for y in (year - 1, year) for q in range(1, 5)]
    return render(
        request,
        "cases/metrics.html",
        {"rows": rows, "quarter": label, "quarters": quarters, "start": start, "end": end},
    )


# --- Categories -----------------------------------------------------------------------------------------


@login_required
def category_list(request: PersonRequest) -> HttpResponse:
    categories = Category.objects.select_related("parent", "default_unit").order_by(
        "standard_ref", "kind", "code"
    )
    return render(
        request,
        "cases/category_list.html",
        {"categories": categories, "can_edit": access.can_edit_categories(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    category = get_category_for(request.user, pk, write=True) if pk else None
    require(access.can_edit_categories(request.user))
    form = case_forms.CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        saved = actions.save_category(request.user, category, **form.cleaned_data)
        messages.success(request, _("Category “%(name)s” saved.") % {"name": saved.name})
        return redirect("cases:categories")
    return render(request, "cases/category_form.html", {"form": form, "category": category})
