"""Reads of the public side: reports as the public may see them (no phone, no hidden photo), Open311 filters."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.core.cache import cache
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from shapely.geometry import mapping
from shapely.ops import unary_union

from cases.models import Case, CaseEvent, CasePhoto
from core.geo import parse_boundary
from core.processcopy import ProcessCopy
from org.models import Grid
from portal.models import CitizenReport, PublicService, ReceivedReport

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class StateNote(TypedDict):
    state_note: str | None


# A report as public_reports() reads it: with the office's note on the case's current state.
PublicReport: TypeAlias = "WithAnnotations[CitizenReport, StateNote]"


def public_services() -> QuerySet[PublicService]:
    return PublicService.objects.filter(is_active=True).select_related("category")


def _load_services() -> dict[int, PublicService]:
    return {service.pk: service for service in public_services()}


# Every report names its service: held in each process, reloaded when a service or category is saved
# (portal.apps) and in any case every few minutes.
_services = ProcessCopy("portal:services-version", _load_services, check_seconds=2, max_age_seconds=300)


def active_service(pk: int) -> PublicService | None:
    """The active public service with this id, without a query in the usual case. An id the copy does not know
    is looked up (a service added by a bulk load, which sends no signal, is taken at once)."""
    return _services.get().get(pk) or public_services().filter(pk=pk).first()


def forget_services(**kwargs: object) -> None:
    """A signal receiver: a service or a category changed."""
    _services.forget()


def is_received(code: str) -> bool:
    """True while a report with this tracking code waits in the intake's inbox to be filed."""
    return ReceivedReport.objects.filter(tracking_code=code.strip().upper()).exists()


def public_photos() -> QuerySet[CasePhoto]:
    """Photos the public may see: not hidden by the office."""
    return CasePhoto.objects.filter(hidden_from_public__isnull=True).order_by("uploaded_at", "pk")


def accepted_report_back(case: Case) -> int | None:
    """The report-back the office accepted: the last one of a closed case (a rework sent the earlier ones back);
    None while the case is open."""
    if not case.is_closed():
        return None
    events = case.events.filter(action=CaseEvent.Action.REPORT_BACK).order_by("-at", "-pk")
    return events.values_list("pk", flat=True).first()


def public_reports() -> QuerySet[PublicReport]:
    """Reports with what the public pages and Open311 show, in a fixed number of queries: the public photos, and
    the office's note on the step that brought the case to its state (the reason of a refusal, for status_notes)."""
    state_note = (
        CaseEvent.objects.filter(case=OuterRef("case"), to_state=OuterRef("case__state"))
        .exclude(note="")
        .order_by("-at", "-pk")
        .values("note")[:1]
    )
    return (
        CitizenReport.objects.select_related("case", "case__unit", "service")
        .annotate(state_note=Subquery(state_note))
        .prefetch_related(Prefetch("case__photos", queryset=public_photos(), to_attr="public_photos"))
    )


def filter_requests(
    reports: QuerySet[PublicReport],
    *,
    numbers: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: set[str] | None = None,
) -> QuerySet[PublicReport]:
    """Open311 GET requests: an id list wins over every other filter, as the spec says."""
    if numbers:
        return reports.filter(case__number__in=numbers)
    if service_codes:
        reports = reports.filter(service__service_code__in=service_codes)
    if start:
        reports = reports.filter(case__reported_at__gte=start)
    if end:
        reports = reports.filter(case__reported_at__lte=end)
    if statuses == {"open"}:
        reports = reports.filter(case__state__in=Case.OPEN_STATES)
    elif statuses == {"closed"}:
        reports = reports.exclude(case__state__in=Case.OPEN_STATES)
    return reports


def public_timeline(case: Case) -> list[CaseEvent]:
    """The steps a reporter may see: what happened and when, without who did it or internal notes."""
    return list(case.events.exclude(action__in=PRIVATE_STEPS).order_by("at", "pk"))


PRIVATE_STEPS = {
    CaseEvent.Action.REQUEST_EXTENSION,
    CaseEvent.Action.REFUSE_EXTENSION,
    CaseEvent.Action.RELAPSE,
    CaseEvent.Action.MERGE,
}


def county_outline() -> dict:
    cached = cache.get("portal:county-outline")
    if cached is None:
        shapes = [parse_boundary(boundary) for boundary in Grid.objects.values_list("boundary", flat=True)]
        cached = (
            mapping(unary_union(shapes).simplify(0.0002))
            if shapes
            else {"type": "GeometryCollection", "geometries": []}
        )
        cached = json_safe(cached)
        cache.set("portal:county-outline", cached, 600)
    return cached


def json_safe(value):
    """shapely's mapping() gives tuples; JSON wants lists."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value
