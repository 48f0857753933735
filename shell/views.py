"""The shell: sign-in, first-login password change, the home page per role, the audit log, the working calendar
and the error pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from prometheus_client import CONTENT_TYPE_LATEST

from core.models import CalendarOverride
from core.passwords import describe_rules
from core.workcalendar import WorkCalendar
from inspections.access import is_inspector
from org import signin
from org.access import can_view_audit, grids_for, people_for, require, visible_units
from org.actions import change_own_password
from org.http import PersonRequest
from org.models import UnitKind
from shell import actions, health
from shell.access import can_edit_calendar, can_read_metrics
from shell.forms import CalendarOverrideForm, SignInForm
from shell.home import home_context


@login_required
def home(request: PersonRequest) -> HttpResponse:
    person = request.user
    units = visible_units(person)
    by_kind = {row["kind"]: row["n"] for row in units.values("kind").annotate(n=Count("id"))}
    context = {
        "unit_counts": [
            (label, by_kind.get(value, 0)) for value, label in UnitKind.choices if by_kind.get(value)
        ],
        "people_count": people_for(person).filter(is_active=True).count(),
        "grid_count": grids_for(person).count(),
        "own_unit": person.unit,
        "child_units": units.filter(parent=person.unit).order_by("name") if person.unit_id else [],
        "sites_map": is_inspector(person),  # the inspector's sites to visit today, on a map
        **home_context(person, _near(request)),
    }
    return render(request, "shell/home.html", context)


def _near(request: PersonRequest) -> tuple[float, float] | None:
    """Where the phone says it is (`?lon=&lat=`, WGS-84), for an inspector's nearest visits first."""
    try:
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
    except (KeyError, ValueError):
        return None
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: PersonRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        change_own_password(request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(request, "registration/password_change.html", {"form": form, "rules": describe_rules()})


@login_required
def audit_log(request: PersonRequest) -> HttpResponse:
    require(can_view_audit(request.user))
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    model = request.GET.get("model", "")
    if model:
        entries = entries.filter(content_type__model=model)
    query = request.GET.get("q", "").strip()
    if query:
        entries = entries.filter(object_repr__icontains=query)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    models = (
        LogEntry.objects.values_list("content_type__model", flat=True)
        .distinct()
        .order_by("content_type__model")
    )
    return render(
        request, "shell/audit_log.html", {"page": page, "models": models, "model": model, "q": query}
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_calendar(request: PersonRequest) -> HttpResponse:
    """The year's days off and make-up workdays, with the office's overrides (admins add and remove them)."""
    can_edit = can_edit_calendar(request.user)
    form = CalendarOverrideForm(request.POST or None)
    if request.method == "POST":
        require(can_edit)
        if form.is_valid():
            actions.set_calendar_override(request.user, **form.cleaned_data)
            messages.success(request, _("Calendar saved."))
            return redirect(f"{request.path}?year={form.cleaned_data['date'].year}")
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2004), 2100)
    context = {
        "year": year,
        "form": form,
        "can_edit": can_edit,
        "special_days": _special_days(year),
        "overrides": CalendarOverride.objects.filter(date__year=year),
        "working_hours": WorkCalendar.load().periods,
    }
    return render(request, "shell/work_calendar.html", context)


def _special_days(year: int) -> list[tuple[date, bool, bool]]:
    """Days of the year that differ from a plain Mon–Fri week: (day, is_workday, overridden)."""
    calendar = WorkCalendar.load()
    day, rows = date(year, 1, 1), []
    while day.year == year:
        worked = calendar.is_workday(day)
        if worked != (day.weekday() < 5) or day in calendar.overrides:
            rows.append((day, worked, day in calendar.overrides))
        day += timedelta(days=1)
    return rows


@login_required
@require_POST
def work_calendar_remove(request: PersonRequest, pk: int) -> HttpResponse:
    override = get_object_or_404(CalendarOverride, pk=pk)
    actions.remove_calendar_override(request.user, override)
    messages.success(request, _("Override removed."))
    return redirect(f"{reverse('work_calendar')}?year={override.date.year}")


class SignInView(LoginView):
    """Sign-in with the pressure of org.signin: an address past its failures is refused for the window (429), a
    captcha is asked after a few failures, and each failure is counted against the address."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if signin.address_throttled(request):
            return render(request, "registration/locked_out.html", {"throttled": True}, status=429)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        username = self.request.POST.get("username", "").strip()
        return {**super().get_form_kwargs(), "captcha": signin.needs_captcha(self.request, username)}

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:  # always a SignInForm (form_class)
        assert isinstance(form, SignInForm)
        signin.record_failure(self.request)
        if "captcha" not in form.fields and signin.needs_captcha(self.request, form.data.get("username", "")):
            form.ask_captcha()  # this failure was the one too many: the form shown next asks it
        return super().form_invalid(form)


# --- Health and metrics: for the load balancer and the monitoring, no session, no page -------------------


def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answers (nothing else is asked: a database outage must not restart every worker)."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: database, applied migrations, cache, broker and storage each answer; 503 with the failing
    ones otherwise, for the load balancer to send requests elsewhere."""
    results = health.readiness()
    ready = all(value == "ok" for value in results.values())
    return JsonResponse({"ready": ready, "checks": results}, status=200 if ready else 503)


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for the scraper: with METRICS_TOKEN as `Authorization: Bearer`, or from this machine."""
    if not can_read_metrics(request):
        return HttpResponse(status=403)
    return HttpResponse(health.metrics_text(), content_type=CONTENT_TYPE_LATEST)


# --- Error pages: what went wrong in the person's language, never why (no paths, no exception text) ----------


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "shell/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "shell/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "shell/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context: the database or a context processor may be what failed."""
    return HttpResponse(loader.render_to_string("shell/500.html"), status=500)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico whatever the page says; send them to the (hashed) static file."""
    return redirect(static("favicon.ico"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its token (usually a page left open past the session, or cookies off)."""
    return render(request, "shell/403_csrf.html", status=403)
