"""The registry's pages (office) and its JSON (public: the citizen's report form searches it too). Thin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from addresses import actions, geocoder, imports, queries
from addresses.access import can_edit_addresses, can_see_registry
from addresses.forms import DoorplateForm, ImportForm, PlaceForm, RoadForm
from addresses.models import Doorplate, Place, Road
from core.excel import open_workbook, template_workbook
from core.geo import Bounds
from core.http import attachment
from org.access import require
from org.http import PersonRequest

# Larger uploads (about 5,000 doorplate rows of Excel, or a GIS layer of a few thousand features: ten seconds and
# more to import on the shared server) are imported in the background; smaller ones at once, as before.
BACKGROUND_IMPORT_BYTES = 512 * 1024

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BOX_DEGREES = 2.0  # a phone at zoom 9 over a county; anything wider is refused, not drawn
SAVES: dict[str, Callable[..., Any]] = {
    "road": actions.save_road,
    "doorplate": actions.save_doorplate,
    "place": actions.save_place,
}
MODELS: dict[str, tuple[Any, Any]] = {
    "road": (Road, RoadForm),
    "doorplate": (Doorplate, DoorplateForm),
    "place": (Place, PlaceForm),
}


def _float(request: HttpRequest, name: str) -> float | None:
    try:
        value = float(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if value == value and abs(value) <= 360 else None  # not NaN, not absurd


@require_GET
@cache_control(max_age=60, private=True)
def search(request: HttpRequest) -> JsonResponse:
    text = request.GET.get("q", "")
    hits = queries.search(text)
    if not hits and can_see_registry(request.user) and (online := geocoder.geocode(text)):
        hits = [online]  # not in the registry: the configured online geocoder's answer, for office staff only
    return JsonResponse({"results": [hit.as_dict() for hit in hits]})


@require_GET
def reverse_lookup(request: HttpRequest) -> JsonResponse:
    lon, lat = _float(request, "lon"), _float(request, "lat")
    if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return JsonResponse({"error": _("Give lon and lat in degrees.")}, status=400)
    return JsonResponse(queries.reverse(lon, lat).as_dict())


@require_GET
@cache_control(max_age=300, public=True)
def base_map(request: HttpRequest) -> JsonResponse:
    try:
        west, south, east, north = (float(part) for part in request.GET.get("bbox", "").split(","))
        zoom = int(request.GET.get("z", ""))
    except ValueError:
        return JsonResponse({"error": _("Give bbox=west,south,east,north and z.")}, status=400)
    if (
        not (west < east and south < north)
        or east - west > MAX_BOX_DEGREES
        or north - south > MAX_BOX_DEGREES
    ):
        return JsonResponse({"type": "FeatureCollection", "features": []})
    return JsonResponse(queries.base_map(Bounds(west, south, east, north), max(0, min(zoom, 20))))


@login_required
def registry(request: PersonRequest) -> HttpResponse:
    require(can_see_registry(request.user))
    query = request.GET.get("q", "").strip()
    hits = queries.search(query, limit=50) if query else []
    context = {
        "q": query,
        "hits": hits,
        "counts": {
            _("Roads"): Road.objects.count(),
            _("Doorplates"): Doorplate.objects.count(),
            _("Places"): Place.objects.count(),
        },
        "roads": Paginator(Road.objects.all(), 50).get_page(request.GET.get("page")),
        "can_edit": can_edit_addresses(request.user),
    }
    return render(request, "addresses/registry.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: PersonRequest, kind: str, pk: int | None = None) -> HttpResponse:
    require(can_edit_addresses(request.user))
    model, form_class = MODELS[kind]
    row = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=row)
    if request.method == "POST" and "delete" in request.POST and row is not None:
        try:
            actions.delete_row(request.user, row)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.path)
        messages.success(request, _("Removed."))
        return redirect("addresses:registry")
    if request.method == "POST" and form.is_valid():
        seen = parse_datetime(request.POST.get("seen", "")) if row else None
        save = SAVES[kind]
        try:
            saved = save(request.user, row, seen, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": saved})
            return redirect("addresses:registry")
    context = {"form": form, "row": row, "kind": kind, "title": row or model._meta.verbose_name}
    return render(request, "addresses/edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: PersonRequest) -> HttpResponse:
    """Small files are imported at once (the page lists every problem); files over BACKGROUND_IMPORT_BYTES are
    checked here (readable, the right kind) and imported on the `imports` queue, the job's page following them."""
    require(can_edit_addresses(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload, system, layer = (
            form.cleaned_data["file"],
            form.cleaned_data["system"],
            form.cleaned_data["layer"],
        )
        try:
            if upload.size > BACKGROUND_IMPORT_BYTES:
                data = _checked_upload(upload)
                job = actions.start_import(request.user, upload.name or "", data, layer, system)
                return redirect("jobs:job", job.pk)
            report = imports.import_upload(request.user, upload.name or "", upload.read(), layer, system)
        except ValidationError as exc:
            form.add_error("file", exc)
        if report is not None and report.ok:
            messages.success(request, _("%(n)d rows imported.") % {"n": len(report.created)})
            return redirect("addresses:registry")
    return render(request, "addresses/import.html", {"form": form, "report": report})


def _checked_upload(upload: UploadedFile) -> bytes:
    """The file's bytes once it is known to be a readable workbook (within the size limit) with a registry sheet,
    or a GIS file with features: a bad file is refused on the form, never queued."""
    name = upload.name or ""
    if name.lower().endswith(".xlsx"):
        complaint = imports.missing_sheets(open_workbook(upload))
        if complaint:
            raise ValidationError(complaint)
        upload.seek(0)
        return upload.read()
    data = upload.read()
    imports.read_features(name, data)  # refuses what is neither GeoJSON with features nor a zipped Shapefile
    return data


@login_required
def import_template(request: PersonRequest) -> HttpResponse:
    require(can_edit_addresses(request.user))
    response = HttpResponse(
        template_workbook(imports.TEMPLATE_SHEETS, imports.TEMPLATE_NOTES), content_type=XLSX
    )
    response["Content-Disposition"] = attachment(f"{_('Address import template')}.xlsx")
    return response
