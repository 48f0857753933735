"""Public screens (report, tracking, map and list; no login) and the office's screens (public reports with
photo hiding, API keys). Thin: access helper → form → action → render/redirect."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, InterfaceError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import CasePhoto
from core.http import attachment, client_address
from core.ratelimits import over_limit
from core.replicas import reading
from org.access import require
from org.http import PersonRequest
from portal import access, actions, elder, queries
from portal import points as points_rules
from portal.access import find_report_by_code, get_public_photo, public_photo_url, shows_publicly
from portal.forms import (
    ApiKeyForm,
    HotlineForm,
    HotlineImportForm,
    PointsRuleForm,
    ReportForm,
    TrackForm,
    plain_report,
)
from portal.imports import import_hotline
from portal.models import ApiKey, HotlineTicket, PointsRule, phone_hash

logger = logging.getLogger(__name__)


def _too_many(request: HttpRequest) -> bool:
    """Count this submission against the sender's address and phone; True when either is over its limit."""
    limits = [(f"ip:{client_address(request)}", settings.PORTAL_REPORTS_PER_IP)]
    phone = request.POST.get("phone", "")
    if any(ch.isdigit() for ch in phone):
        limits.append((f"phone:{phone_hash(phone)}", settings.PORTAL_REPORTS_PER_PHONE))
    return over_limit("portal-report", limits)


# --- The public ---------------------------------------------------------------------------------------


def report(request: HttpRequest) -> HttpResponse:
    try:
        return _report(request)
    except (DatabaseError, InterfaceError) as exc:
        # The database restarting or out of reach, at any step (the services listed, the report written): say so
        # plainly (the form cannot even be shown again, its choices come from the database); nothing was
        # acknowledged, so the citizen sends it again.
        logger.warning("Report page: the database is out of reach: %s", exc)
        response = render(request, "portal/unavailable.html", status=503)
        response["Retry-After"] = "30"
        return response


def _report(request: HttpRequest) -> HttpResponse:
    # A link may suggest the place (a site's public page does): the citizen can still move it.
    initial = {key: request.GET[key] for key in ("address", "lon", "lat") if request.GET.get(key)}
    if request.method != "POST":
        return render(request, "portal/report.html", {"form": ReportForm(initial=initial)})
    # Nearly every submission is plain and valid: checked without building the form (forms.plain_report).
    form, data = None, plain_report(request.POST, request.FILES)
    if data is None:
        form = ReportForm(request.POST, request.FILES, initial=initial)
        data = form.cleaned_data if form.is_valid() else None
    status = 400
    error: str | ValidationError | None = None
    # Only complete submissions count against the limits: a citizen correcting a mistake is not abuse.
    if data is not None and _too_many(request):
        status, error = 429, _("Too many reports from you in a short time. Please try again in an hour.")
    elif data is not None:
        taken = _take_in(request, data)
        if isinstance(taken, HttpResponse):
            return taken
        error = taken
    form = form or ReportForm(request.POST, request.FILES, initial=initial)
    form.is_valid()  # each field's own errors, beside it (a form already checked is not checked again)
    if error is not None:
        form.add_error(None, error)
    if request.FILES:
        form.add_error(
            None, _("For your safety the browser forgets chosen photos: please choose them again.")
        )
    return render(request, "portal/report.html", {"form": form}, status=status)


def _take_in(request: HttpRequest, data: dict) -> HttpResponse | ValidationError:
    """Hand a checked report to the intake: the tracking page, or why it was refused."""
    try:
        code = actions.receive_report(
            service=data["service"],
            description=data["description"],
            lon=data["lon"],
            lat=data["lat"],
            address=data["address"],
            phone=data["phone"],
            photos=data["photos"],
        )
    except ValidationError as exc:
        return exc
    return HttpResponseRedirect(f"{_track_url(code)}?new=1")


def _track_url(code: str) -> str:
    """The tracking page of `code`: reversed once per process (a tenth of a millisecond per report otherwise)."""
    return _track_url_pattern().replace(_CODE_PLACEHOLDER, code)


_CODE_PLACEHOLDER = "__code__"


@functools.cache
def _track_url_pattern() -> str:
    return reverse("portal:track", args=[_CODE_PLACEHOLDER])


@require_POST
def elder_mode(request: HttpRequest) -> HttpResponse:
    """Switch elder-friendly mode on or off for this device, and go back to the page the switch was on."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = reverse("portal:report")
    response = redirect(back)
    elder.remember(request, response, on=request.POST.get("on") == "1")
    return response


def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        if queries.public_reports().filter(tracking_code=code).exists() or queries.is_received(code):
            return redirect("portal:track", code)
        form.add_error("code", _("No report has this tracking code. Check the code and try again."))
    return render(request, "portal/track_lookup.html", {"form": form})


def track(request: HttpRequest, code: str) -> HttpResponse:
    report = find_report_by_code(code)
    if report is None and queries.is_received(code):
        # Taken in, its filing job not done yet (a second or so; longer while the broker is down).
        context = {"code": code.strip().upper(), "new": request.GET.get("new") == "1"}
        return render(request, "portal/track_received.html", context)
    report = report or find_report_by_code(code)  # filed between the two lookups
    if report is None:
        # A mistyped code: say so and offer the search box with the code to correct (404, not a bare error page).
        form = TrackForm({"code": code[:16]})
        form.is_valid()
        form.add_error("code", _("No report has this tracking code. Check the code and try again."))
        context = {"form": form, "not_found": True}
        return render(request, "portal/track_lookup.html", context, status=404)
    case = report.case
    accepted = queries.accepted_report_back(case)
    context = {
        "report": report,
        "case": case,
        "timeline": queries.public_timeline(case),
        "before": [public_photo_url(p) for p in case.public_photos if p.kind == CasePhoto.Kind.BEFORE],
        "after": [
            public_photo_url(p)
            for p in case.public_photos
            if p.kind == CasePhoto.Kind.AFTER and shows_publicly(p, accepted)
        ],
        "new": request.GET.get("new") == "1",
        # The place the reporter marked; the label is the category shown above, never the reporter's words.
        "map_points": [{"lon": case.lon, "lat": case.lat, "kind": "here", "label": report.service.name}]
        if case.has_location()
        else [],
    }
    return render(request, "portal/track.html", context)


def public_list(request: HttpRequest) -> HttpResponse:
    reports = queries.public_reports().order_by("-created_at")
    page = Paginator(reports, 20).get_page(request.GET.get("page"))
    return render(request, "portal/public_list.html", {"page": page})


def public_map_data(request: HttpRequest) -> JsonResponse:
    """Recent reports as GeoJSON points: category, state and date only."""
    rows = queries.public_reports().filter(case__lon__isnull=False).order_by("-created_at")[:2000]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.case.lon, r.case.lat]},
            "properties": {
                "title": r.service.name,
                "state": str(r.public_status()),
                "closed": not r.case.is_open(),
                "url": reverse("portal:track", args=[r.tracking_code]),
            },
        }
        for r in rows
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def public_photo(request: HttpRequest, token: str) -> FileResponse:
    """The re-encoded copy without EXIF; the original never leaves the office."""
    photo = get_public_photo(token)
    return FileResponse(photo.public.open("rb"), content_type="image/jpeg")


# --- The office ---------------------------------------------------------------------------------------


@login_required
def office_reports(request: PersonRequest) -> HttpResponse:
    require(access.can_handle_public_reports(request.user))
    reports = queries.public_reports().select_related("case__category").order_by("-created_at")
    page = Paginator(reports, 20).get_page(request.GET.get("page"))
    hidden = set(
        CasePhoto.objects.filter(
            case__citizen_report__in=page.object_list, hidden_from_public__isnull=False
        ).values_list("pk", flat=True)
    )
    photos: dict[int, list[CasePhoto]] = {}
    for photo in CasePhoto.objects.filter(case__citizen_report__in=page.object_list).order_by("pk"):
        photos.setdefault(photo.case_id, []).append(photo)
    for row in page.object_list:
        row.all_photos = photos.get(row.case_id, [])
    context = {
        "page": page,
        "hidden_photos": hidden,
        "can_manage_keys": access.can_manage_keys(request.user),
    }
    return render(request, "portal/office_reports.html", context)


@login_required
@require_POST
def photo_visibility(request: PersonRequest, pk: int) -> HttpResponse:
    photo = get_object_or_404(CasePhoto.objects.filter(case__citizen_report__isnull=False), pk=pk)
    if request.POST.get("hide") == "1":
        actions.hide_photo(request.user, photo)
        messages.success(request, _("The photo is hidden from the public."))
    else:
        actions.show_photo(request.user, photo)
        messages.success(request, _("The photo is shown to the public again."))
    return redirect(request.POST.get("next") or reverse("portal:office_reports"))


@login_required
def api_keys(request: PersonRequest) -> HttpResponse:
    require(access.can_manage_keys(request.user))
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            key, new_key = actions.issue_api_key(request.user, form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(
                request,
                _("Key issued for %(name)s. Copy it now: it is not shown again.") % {"name": key.name},
            )
            form = ApiKeyForm()
    context = {"form": form, "keys": ApiKey.objects.all(), "new_key": new_key}
    return render(request, "portal/api_keys.html", context)


@login_required
@require_POST
def api_key_revoke(request: PersonRequest, pk: int) -> HttpResponse:
    require(access.can_manage_keys(request.user))
    key = get_object_or_404(ApiKey, pk=pk)
    actions.revoke_api_key(request.user, key)
    messages.success(request, _("The key of %(name)s is revoked.") % {"name": key.name})
    return redirect("portal:api_keys")


def county_area(request: HttpRequest) -> JsonResponse:
    """The county's outline (the union of all grids), for the maps; cached, grids change rarely."""
    return JsonResponse(queries.county_outline())


@login_required
def points(request: PersonRequest) -> HttpResponse:
    """The office's points page: rules (admins edit), then the ranking, awards brought up to date first."""
    require(access.can_see_points(request.user))
    rule = PointsRule.current()
    initial = {f: getattr(rule, f) for f in ("points_valid", "points_repeat", "repeat_window_days")}
    form = PointsRuleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(access.can_set_points_rules(request.user))
        if form.is_valid():
            try:
                points_rules.save_rules(request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("The points rules are saved; they apply to reports accepted from now on.")
                )
                return redirect("portal:points")
    points_rules.award_points()
    context = {
        "form": form,
        "can_edit": access.can_set_points_rules(request.user),
        "rows": points_rules.ranking(),
    }
    return render(request, "portal/points.html", context)


@login_required
@reading()
def points_export(request: PersonRequest) -> HttpResponse:
    require(access.can_export_points(request.user))
    points_rules.award_points()
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = attachment(f"{_('Citizen points')}.xlsx")
    points_rules.ranking_workbook(points_rules.ranking(limit=100_000)).save(response)
    return response


@login_required
def hotline(request: PersonRequest) -> HttpResponse:
    """Enter one work order forwarded by 12345/12319, or import a file of them; the latest ones below."""
    require(access.can_take_hotline_orders(request.user))
    form = HotlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = actions.intake_hotline(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case %(number)s filed.") % {"number": ticket.case.number})
            return redirect("portal:hotline")
    return _hotline_page(request, form, HotlineImportForm(), None)


@login_required
@require_POST
def hotline_import(request: PersonRequest) -> HttpResponse:
    require(access.can_take_hotline_orders(request.user))
    form = HotlineImportForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        try:
            result = import_hotline(request.user, form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if result.ok:
                messages.success(request, _("%(count)d work orders filed.") % {"count": len(result.created)})
                return redirect("portal:hotline")
    return _hotline_page(request, HotlineForm(), form, result, status=400)


def _hotline_page(request, form, import_form, result, status: int = 200) -> HttpResponse:
    tickets = HotlineTicket.objects.select_related("case")[:50]
    context = {"form": form, "import_form": import_form, "result": result, "tickets": tickets}
    return render(request, "portal/hotline.html", context, status=status)
