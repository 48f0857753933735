"""Score screens: periods, the live sheet with its explanations, scheme settings, entries and publications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import cases_for
from core.models import Period
from core.replicas import reading
from framework.queries import active_edition
from materials.access import get_request_for
from org.access import require, sees_everything, visible_units
from org.http import PersonRequest
from org.models import Person, UnitKind
from scoring import actions, lost, queries, whatif
from scoring.access import can_manage_scores, can_see_live_scores, get_publication_for, publications_for
from scoring.engine import compute_sheet, compute_sheets, money, source_available
from scoring.forms import AdjustmentForm, ComponentForm, PeriodForm, SchemeForm
from scoring.models import Adjustment, Component, ComponentKind, Publication, Scheme
from scoring.simulation import simulate

KINDS = dict(ComponentKind.choices)


@login_required
@require_http_methods(["GET", "POST"])
def period_list(request: PersonRequest) -> HttpResponse:
    form = PeriodForm(request.POST or None)
    if request.method == "POST":
        require(can_manage_scores(request.user))
        if form.is_valid():
            try:
                period = actions.create_period(request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("scoring:scheme_detail", period.schemes.all()[0].pk)  # it has two
    periods = Period.objects.prefetch_related("schemes__publications")
    context = {
        "periods": periods,
        "form": form,
        "can_manage": can_manage_scores(request.user),
        "sees_live": can_see_live_scores(request.user),
    }
    return render(request, "scoring/period_list.html", context)


@login_required
def scheme_detail(request: PersonRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme.objects.select_related("period"), pk=pk)
    require(can_see_live_scores(request.user))
    can_manage = can_manage_scores(request.user)
    components = list(scheme.components.all())
    context = {
        "scheme": scheme,
        "sheet": compute_sheet(scheme),
        "facts_units": _facts_units(request.user),
        "components": components,
        # Each component's form gets its own ids, so each label names its own field.
        "component_forms": [(c, ComponentForm(component=c, auto_id=f"c{c.pk}-%s")) for c in components]
        if can_manage
        else [],
        "scheme_form": SchemeForm(instance=scheme) if can_manage else None,
        "adjustment_form": AdjustmentForm(scheme=scheme) if can_manage else None,
        "adjustments": scheme.adjustments.select_related("unit"),
        "publications": scheme.publications.select_related("published_by"),
        "can_manage": can_manage,
        "kinds_map": KINDS,
        "available": [kind for kind in KINDS if source_available(kind)],
    }
    return render(request, "scoring/scheme_detail.html", context)


@login_required
@require_POST
def component_edit(request: PersonRequest, pk: int) -> HttpResponse:
    component = get_object_or_404(Component, pk=pk)
    require(can_manage_scores(request.user))
    form = ComponentForm(request.POST, component=component)
    if form.is_valid():
        try:
            actions.update_component(request.user, component, form.weight_value, form.params())
            messages.success(request, _("%(name)s saved.") % {"name": component.get_kind_display()})
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"{component.get_kind_display()}: {message}")
    else:
        for field, errors in form.errors.items():
            messages.error(
                request,
                f"{component.get_kind_display()} {form[field].label}: {' '.join(str(e) for e in errors)}",
            )
    return redirect("scoring:scheme_detail", component.scheme_id)


@login_required
@require_POST
def scheme_edit(request: PersonRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    require(can_manage_scores(request.user))
    form = SchemeForm(request.POST, instance=scheme)
    if form.is_valid():
        actions.update_scheme(request.user, scheme, **form.cleaned_data)
        messages.success(request, _("Scheme saved."))
    else:
        messages.error(
            request,
            "; ".join(f"{form[f].label}: {' '.join(str(m) for m in e)}" for f, e in form.errors.items()),
        )
    return redirect("scoring:scheme_detail", scheme.pk)


@login_required
@require_POST
def adjustment_add(request: PersonRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    require(can_manage_scores(request.user))
    form = AdjustmentForm(request.POST, scheme=scheme)
    if form.is_valid():
        try:
            actions.add_adjustment(request.user, scheme, **form.cleaned_data)
            messages.success(request, _("Entry added."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(
            request,
            "; ".join(
                f"{form[f].label}: {' '.join(str(m) for m in e)}"
                for f, e in form.errors.items()
                if f in form.fields
            ),
        )
    return redirect("scoring:scheme_detail", scheme.pk)


@login_required
@require_POST
def adjustment_remove(request: PersonRequest, pk: int) -> HttpResponse:
    adjustment = get_object_or_404(Adjustment, pk=pk)
    actions.remove_adjustment(request.user, adjustment)
    return redirect("scoring:scheme_detail", adjustment.scheme_id)


@login_required
def publish(request: PersonRequest, pk: int) -> HttpResponse:
    """GET: what publishing freezes and what may still change it; POST: publish, once confirmed."""
    scheme = get_object_or_404(Scheme.objects.select_related("period"), pk=pk)
    require(can_manage_scores(request.user))
    warnings = queries.publish_warnings(scheme, timezone.localdate())
    if request.method == "POST":
        if request.POST.get("confirm") != "1" or (warnings and request.POST.get("warnings_read") != "1"):
            messages.error(request, _("Confirm that you have read the warnings before publishing."))
        else:
            try:
                publication = actions.publish(
                    request.user,
                    scheme,
                    request.POST.get("reason", ""),
                    public=request.POST.get("public") == "1",
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Published as version %(v)d.") % {"v": publication.version})
                return redirect("scoring:publication_detail", publication.pk)
    context = {
        "scheme": scheme,
        "warnings": warnings,
        "previous": scheme.publications.order_by("-version").first(),
        "reason": request.POST.get("reason", request.GET.get("reason", "")),
        "public": (request.POST.get("public") or request.GET.get("public")) == "1",
    }
    return render(request, "scoring/publish_confirm.html", context)


def _facts_units(person: Person) -> set[int]:
    """The units whose facts behind a score (the materials reviews) the person may open: a sheet links only
    those, never a page that would answer 404 (the public page links none)."""
    return set(visible_units(person).values_list("pk", flat=True))


@login_required
def publication_detail(request: PersonRequest, pk: int) -> HttpResponse:
    publication = get_publication_for(request.user, pk)
    formats = [
        ("docx", _("Bulletin (Word)")),
        ("pdf", _("Bulletin (PDF)")),
        ("xlsx", _("Score table (Excel)")),
    ]
    context = {
        "publication": publication,
        "kinds": KINDS,
        "formats": formats,
        "can_manage": can_manage_scores(request.user),
        "facts_units": _facts_units(request.user),
    }
    return render(request, "scoring/publication_detail.html", context)


def public_scores(request: HttpRequest) -> HttpResponse:
    """What the office chose to disclose: the latest public version of each scheme."""
    publications = (
        Publication.objects.filter(is_public=True)
        .select_related("scheme__period")
        .order_by("scheme__period", "scheme__unit_kind", "-version")
    )
    latest: dict[int, Publication] = {}
    for publication in publications:
        latest.setdefault(publication.scheme_id, publication)
    return render(request, "scoring/public.html", {"publications": list(latest.values()), "kinds": KINDS})


@login_required
@reading()
def rankings(request: PersonRequest) -> HttpResponse:
    """Published rankings: the latest period with gaps and red/black lists, and the trend over periods."""
    unit_kind = request.GET.get("kind", UnitKind.TOWN)
    if unit_kind not in (UnitKind.TOWN, UnitKind.DEPARTMENT):
        unit_kind = UnitKind.TOWN
    publications = queries.latest_publications(unit_kind, publications_for(request.user))
    latest = publications[-1] if publications else None
    context = {
        "unit_kind": unit_kind,
        "kinds": [(UnitKind.TOWN, UnitKind.TOWN.label), (UnitKind.DEPARTMENT, UnitKind.DEPARTMENT.label)],
        "latest": latest,
        "ranking": queries.ranking(latest) if latest else None,
        "trend": queries.trend(publications),
        "component_kinds": KINDS,
    }
    return render(request, "scoring/rankings.html", context)


# --- Lost points (谁丢分谁负责) ---------------------------------------------------------------------------


def _chosen_period(request: HttpRequest) -> Period | None:
    value = request.GET.get("period", "")
    if value.isdigit():
        return Period.objects.filter(pk=int(value)).first()
    return lost.default_period(timezone.localdate())


@login_required
@reading()
def lost_points(request: PersonRequest) -> HttpResponse:
    """Where the period's points were lost: by criterion, site type, town, keeper, category; the worst sites, the
    most repeated problems, the survey questions furthest below target. Every figure opens its facts."""
    person = request.user
    period = _chosen_period(request)
    context: dict = {"period": period, "periods": lost.period_choices(), "sees_all": sees_everything(person)}
    if period is not None:
        findings = lost.period_findings(period, person)
        context.update(
            {
                "totals": lost.field_totals(findings),
                "groups": [
                    (key, heading, lost.grouped(findings, fields), link)
                    for key, heading, fields, link in lost.GROUPINGS
                ],
                "worst_sites": lost.worst_sites(findings),
                "repeated": lost.repeated_problems(findings),
                "surveys": lost.survey_losses(period, person),
                "kinds_map": KINDS,
            }
        )
        if can_see_live_scores(person):
            schemes = [s for s in period.schemes.prefetch_related("components") if s.full_marks > 0]
            context["sheets"] = [
                (scheme, lost.sheet_losses(sheet, scheme.full_marks))
                for scheme, sheet in zip(schemes, compute_sheets(schemes), strict=True)
            ]
    return render(request, "scoring/lost_points.html", context)


@login_required
@reading()
def lost_facts(request: PersonRequest) -> HttpResponse:
    """The failed lines behind one figure of the lost-points screen."""
    period = _chosen_period(request)
    if period is None:
        raise Http404
    filters = {key: request.GET.get(key, "") for key in lost.FACT_FILTERS}
    rows = lost.fact_rows(lost.period_findings(period, request.user), filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "period": period,
        "page": page,
        "totals": lost.field_totals(rows),
        "filters": lost.describe_filters({key: value for key, value in filters.items() if value}),
        "query": request.GET.urlencode(),
    }
    return render(request, "scoring/lost_facts.html", context)


# --- What-if -------------------------------------------------------------------------------------------------


@login_required
@reading()
def what_if(request: PersonRequest) -> HttpResponse:
    """Open cases by the score they would recover if closed on time; the simulated framework total and how it
    moves with the top-N fixes. Office and leaders: it prices live, unpublished scores."""
    require(can_see_live_scores(request.user))
    period = _chosen_period(request)
    edition = active_edition()
    context: dict = {"period": period, "periods": lost.period_choices(), "edition": edition}
    if period is not None:
        simulation = simulate(edition, period) if edition else None
        result = whatif.recoveries(period, cases_for(request.user), simulation)
        worth = [r for r in result.cases if r.total > 0 or r.framework > 0]
        shown = 100 if request.GET.get("all") else 20
        context.update(
            {
                "simulation": simulation,
                "moves": whatif.top_n_moves(simulation, result.cases) if simulation else [],
                "recoveries": worth[:shown],
                "worth_something": len(worth),
                "more": len(worth) > shown,
                "by_unit": result.units[:10],
                "schemes": period.schemes.prefetch_related("components"),
                "kinds_map": KINDS,
            }
        )
    return render(request, "scoring/what_if.html", context)


@login_required
def material_late(request: PersonRequest, pk: int) -> HttpResponse:
    """What a late material's score counts for on the score sheet ("7.50 − 20% 逾期 = 6.00"), or before it is scored,
    the share it will lose: shown on the material's page (materials sits below scoring, so the page asks here)."""
    material = get_request_for(request.user, pk)
    if not material.was_submitted_late():
        return HttpResponse("")
    share = queries.material_late_share(material)
    score = material.score if material.is_accepted() else None
    context = {
        "material": material,
        "percent": f"{float(share) * 100:g}",
        "counted": money(score * (1 - share)) if score is not None else None,
        "most": money(material.possible * (1 - share)),
    }
    return render(request, "scoring/_material_late.html", context)
