"""Thin views: sites, rounds, the inspector's work list and the checklist on a phone."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import cases_for
from cases.categories import CJT_214, LOCAL
from cases.models import CasePhoto, Category, CategoryKind
from core.excel import open_workbook, template_workbook
from core.http import attachment
from framework.models import SiteType
from framework.queries import active_edition, checklist_for, checklist_texts
from inspections import actions, boards, imports, queries
from inspections.access import (
    can_inspect,
    can_manage_inspections,
    can_report_rounds,
    get_round_for,
    get_site_for,
    get_visit_for,
    rounds_for,
    sites_for,
    visits_for,
)
from inspections.categories import default_code
from inspections.forms import ResultsFilterForm, RoundForm, SiteImportForm, TownFilterForm
from inspections.models import LineCategory, Site, Verdict
from org.access import grids_for, require
from org.http import PersonRequest
from org.models import Unit, UnitKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def site_list(request: PersonRequest) -> HttpResponse:
    sites = sites_for(request.user)
    towns = Unit.objects.filter(kind=UnitKind.TOWN, pk__in=sites.values("town")).order_by("path")
    form = TownFilterForm(request.GET or None, towns=towns)
    if form.is_valid():
        if form.cleaned_data["town"]:
            sites = sites.filter(town=form.cleaned_data["town"])
        if form.cleaned_data["site_type"]:
            sites = sites.filter(site_type=form.cleaned_data["site_type"])
    page = Paginator(sites, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_manage": can_manage_inspections(request.user)}
    return render(request, "inspections/site_list.html", context)


@login_required
def site_detail(request: PersonRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    visits = visits_for(request.user).filter(site=site).order_by("-round__starts_on")
    return render(request, "inspections/site_detail.html", {"site": site, "visits": visits})


@login_required
def round_list(request: PersonRequest) -> HttpResponse:
    rounds = rounds_for(request.user).select_related("edition")
    return render(
        request,
        "inspections/round_list.html",
        {"rounds": rounds, "can_manage": can_manage_inspections(request.user)},
    )


@login_required
def round_create(request: PersonRequest) -> HttpResponse:
    require(can_manage_inspections(request.user))
    form = RoundForm(request.POST or None)
    if form.is_valid():
        try:
            round_ = actions.create_round(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Round created with %(n)d sites.") % {"n": round_.visits.count()})
            return redirect("inspections:round_detail", pk=round_.pk)
    return render(request, "inspections/round_form.html", {"form": form})


@login_required
def round_detail(request: PersonRequest, pk: int) -> HttpResponse:
    round_ = get_round_for(request.user, pk)
    visits = visits_for(request.user).filter(round=round_)
    context = {
        "round": round_,
        "visits": visits,
        "towns": queries.rollup_by_town(visits),
        "total": queries.rollup_total(visits, _("All sites")),
        "can_manage": can_manage_inspections(request.user),
        "can_report": can_report_rounds(request.user),
    }
    return render(request, "inspections/round_detail.html", context)


@login_required
def results(request: PersonRequest) -> HttpResponse:
    """The office's results screen: 得分率/及格率 by town, site type, keeper unit and round; the lines most failed."""
    rounds = rounds_for(request.user)
    form = ResultsFilterForm(request.GET or None, rounds=rounds)
    visits = form.filter(visits_for(request.user).filter(round__in=rounds))
    chosen = form.cleaned_data.get("round") if form.is_valid() else None
    context = {
        "form": form,
        "round": chosen,
        "total": queries.rollup_total(visits, _("All sites")),
        "in_scope": visits.count(),
        "towns": queries.rollup(visits, "town")[::-1],  # best first, as ranked
        "types": queries.rollup(visits, "site_type")[::-1],
        "keepers": queries.rollup(visits, "keeper")[::-1],
        "rounds": queries.rollup_by_round(visits) if chosen is None else [],
        "failed_lines": queries.most_failed_lines(visits, limit=15),
        "problems": queries.problem_counts(visits),
        "can_manage": can_manage_inspections(request.user),
        "can_report": can_report_rounds(request.user),
    }
    return render(request, "inspections/results.html", context)


@login_required
@require_POST
def round_publish(request: PersonRequest, pk: int) -> HttpResponse:
    round_ = get_round_for(request.user, pk, write=True)
    actions.publish_round(request.user, round_)
    messages.success(request, _("The round's results are published to the units."))
    return redirect("inspections:round_detail", pk=round_.pk)


@login_required
def my_visits(request: PersonRequest) -> HttpResponse:
    return render(request, "inspections/my_visits.html", {"visits": queries.work_list(request.user)})


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


@login_required
def visit_detail(request: PersonRequest, pk: int) -> HttpResponse:
    """The checklist of one site: filled in on the inspector's phone, read-only once submitted."""
    visit = get_visit_for(request.user, pk)
    items = list(checklist_for(visit.site.site_type, visit.round.edition))
    editable = can_inspect(request.user, visit) and not visit.is_submitted()
    errors: list[str] = []
    answers = [actions.Answer(item=item) for item in items]
    if request.method == "POST":
        visit = get_visit_for(request.user, pk, write=True)
        for answer in answers:
            key = str(answer.item.pk)
            answer.verdict = request.POST.get(f"verdict-{key}", "")
            answer.note = request.POST.get(f"note-{key}", "")
            answer.photos = request.FILES.getlist(f"photos-{key}")
        wants_json = request.headers.get("X-Requested-With") == "fetch"
        try:
            actions.submit_visit(
                request.user,
                visit,
                answers,
                _float(request.POST.get("lon")),
                _float(request.POST.get("lat")),
                client_id=request.POST.get("client_id", ""),
            )
        except ValidationError as exc:
            errors = exc.messages
            if wants_json:
                return JsonResponse({"ok": False, "errors": errors}, status=400)
        else:
            messages.success(request, _("Inspection submitted."))
            if wants_json:
                return JsonResponse(
                    {"ok": True, "redirect": reverse("inspections:visit_detail", args=[visit.pk])}
                )
            return redirect("inspections:visit_detail", pk=visit.pk)
    findings = {f.check_item_id: f for f in visit.findings.select_related("case")}
    lines = [(answer, findings.get(answer.item.pk)) for answer in answers]
    context = {
        "visit": visit,
        "lines": lines,
        "photos": _finding_photos(request.user, findings.values()),
        "editable": editable,
        "errors": errors,
        "verdicts": Verdict.choices,
    }
    return render(request, "inspections/visit_detail.html", context)


@login_required
def line_categories(request: PersonRequest) -> HttpResponse:
    """The office maps each check line of a site type to the category its cases open in."""
    require(can_manage_inspections(request.user))
    edition = active_edition()
    types = SiteType.objects.filter(active=True)
    site_type = types.filter(pk=request.GET.get("type") or 0).first() or types.first()
    items = list(checklist_for(site_type, edition)) if site_type else []
    events = list(
        Category.objects.filter(kind=CategoryKind.EVENT, parent__isnull=False, is_active=True)
        .select_related("parent")
        .order_by("standard_ref", "code")
    )
    by_id = {c.pk: c for c in events}
    if request.method == "POST" and site_type is not None:
        choices = {item: by_id.get(_int(request.POST.get(f"cat-{item.pk}"))) for item in items}
        changed = actions.set_line_categories(request.user, choices)
        messages.success(request, _("%(n)d lines changed.") % {"n": changed})
        return redirect(f"{reverse('inspections:line_categories')}?type={site_type.pk}")
    chosen = dict(
        LineCategory.objects.filter(check_item__in=items).values_list("check_item_id", "category_id")
    )
    known = {c.code: c for c in events if c.standard_ref in (CJT_214, LOCAL)}
    defaults = {item.pk: known.get(default_code(item.text, site_type)) for item in items}
    groups: dict[str, list[Category]] = {}
    for category in events:
        major = category.parent
        if major is not None:  # always: the events listed are minor categories
            groups.setdefault(major.label, []).append(category)
    context = {
        "edition": edition,
        "types": types,
        "site_type": site_type,
        "rows": [(item, chosen.get(item.pk), defaults.get(item.pk)) for item in items],
        "groups": groups,
    }
    return render(request, "inspections/line_categories.html", context)


def _finding_photos(person, findings) -> dict[int, list[CasePhoto]]:
    """A submitted visit's photos, by check line: those of the cases its failed lines opened, when the person may
    see the case (an unpublished 暗访's case is not every viewer's)."""
    visible = cases_for(person).filter(pk__in=[f.case_id for f in findings if f.case_id]).values("pk")
    photos: dict[int, list[CasePhoto]] = {}
    by_case = {f.case_id: f.check_item_id for f in findings if f.case_id}
    for photo in CasePhoto.objects.filter(case__in=visible, kind=CasePhoto.Kind.BEFORE).order_by("pk"):
        photos.setdefault(by_case[photo.case_id], []).append(photo)
    return photos


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


# --- Import, map, boards, the public page -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def site_import(request: PersonRequest) -> HttpResponse:
    require(can_manage_inspections(request.user))
    form = SiteImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            workbook = open_workbook(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            report = imports.import_sites(request.user, workbook)
            if report.ok:
                messages.success(request, _("%(n)d sites imported.") % {"n": len(report.created)})
                return redirect("inspections:site_list")
    return render(request, "inspections/site_import.html", {"form": form, "report": report})


@login_required
def site_import_template(request: PersonRequest) -> HttpResponse:
    require(can_manage_inspections(request.user))
    sheets = [(imports.SITES_SHEET, imports.SITE_COLUMNS, imports.TEMPLATE_EXAMPLES)]
    response = HttpResponse(template_workbook(sheets, imports.TEMPLATE_NOTES), content_type=XLSX)
    response["Content-Disposition"] = attachment(f"{_('Site import template')}.xlsx")
    return response


def _filtered_sites(request: PersonRequest):
    sites = sites_for(request.user)
    towns = Unit.objects.filter(kind=UnitKind.TOWN, pk__in=sites.values("town")).order_by("path")
    form = TownFilterForm(request.GET or None, towns=towns)
    if form.is_valid():
        if form.cleaned_data["town"]:
            sites = sites.filter(town=form.cleaned_data["town"])
        if form.cleaned_data["site_type"]:
            sites = sites.filter(site_type=form.cleaned_data["site_type"])
    return form, sites


@login_required
def site_map(request: PersonRequest) -> HttpResponse:
    """The sites on a map, and the list of the chosen town's sites (or how many each town has)."""
    form, sites = _filtered_sites(request)
    town = form.cleaned_data.get("town") if form.is_valid() else None
    grids = grids_for(request.user).select_related("unit")
    if town:
        grids = grids.filter(unit__path__startswith=town.path)
    context = {
        "grids": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": g.boundary,
                    "properties": {"name": f"{g.name} · {g.unit.name}"},
                }
                for g in grids
            ],
        },
        "form": form,
        "town": town,
        "sites": queries.with_last_score(sites, visits_for(request.user)) if town else [],
        "per_town": [] if town else queries.sites_per_town(sites),
        "count": sites.count(),
        "can_manage": can_manage_inspections(request.user),
    }
    return render(request, "inspections/site_map.html", context)


@login_required
def site_map_data(request: PersonRequest) -> HttpResponse:
    _form, sites = _filtered_sites(request)
    rows = queries.with_last_score(sites, visits_for(request.user))
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [site.lon, site.lat]},
            "properties": {
                "name": site.name,
                "type": site.site_type.name,
                "town": site.town.name,
                "keeper": site.keeper.name,
                "score": site.last_score,
                "url": reverse("inspections:site_detail", args=[site.pk]),
            },
        }
        for site in rows
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _boards(request: HttpRequest, sites) -> list[dict]:
    """Each site's board: its QR code to the public page, the keeper's people, and the checklist as duties."""
    lines = checklist_texts({site.site_type_id for site in sites}, active_edition(), boards.MAX_DUTIES)
    duties = {pk: [line.rstrip("；;。") for line in texts] for pk, texts in lines.items()}
    result = []
    urls = {site.pk: request.build_absolute_uri(reverse("site_public", args=[site.pk])) for site in sites}
    codes = boards.qr_svgs(list(urls.values()))
    for site in sites:
        url = urls[site.pk]
        result.append(
            {
                "site": site,
                "qr": codes[url],
                "url": url,
                "contacts": boards.contacts(site, (_("Head"), _("Liaison")), masked=False),
                "duties": duties[site.site_type_id],
            }
        )
    return result


@login_required
def site_board(request: PersonRequest, pk: int) -> HttpResponse:
    """The printable responsibility board (包保责任牌) of one site."""
    site = get_site_for(request.user, pk)
    context = {"boards": _boards(request, [site]), "jurisdiction": settings.CHUANGWEN_JURISDICTION}
    return render(request, "inspections/site_board.html", context)


@login_required
def site_boards(request: PersonRequest) -> HttpResponse:
    """Every board of the filtered sites, one per printed page (a town prints its own at once)."""
    _form, sites = _filtered_sites(request)
    sites = list(sites[: boards.MAX_BATCH])
    context = {
        "boards": _boards(request, sites),
        "jurisdiction": settings.CHUANGWEN_JURISDICTION,
    }
    return render(request, "inspections/site_board.html", context)


def public_site(request: HttpRequest, pk: int) -> HttpResponse:
    """What a citizen sees after scanning a board: the site, who keeps it, and a way to report a problem here."""
    site = get_object_or_404(Site.objects.select_related("site_type", "keeper", "town"), pk=pk)
    report = (
        reverse("portal:report")
        + "?"
        + urlencode(
            {"address": f"{site.name} {site.address}".strip(), "lon": str(site.lon), "lat": str(site.lat)}
        )
    )
    context = {
        "site": site,
        "contacts": boards.contacts(site, (_("Head"), _("Liaison"))),
        "report_url": report,
    }
    return render(request, "inspections/public_site.html", context)
