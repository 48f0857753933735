"""Reads of the organisation: grid lookup by location, the unit tree for display, counts for the home page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min, QuerySet
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from core.geo import Bounds, contains_point, parse_boundary
from core.processcopy import ProcessCopy
from org.models import Grid, Person, Role, Unit, UnitKind

GRID_INDEX_KEY = "org:grid-index-version"
GRID_INDEX_SECONDS = 300  # a grid changed outside org.actions (the Django admin, SQL) counts after this long
GRID_VERSION_SECONDS = 2  # a grid saved in another process counts after this long
EXTENT_KEY = "org:jurisdiction-extent"


def grid_of_point(lon: float, lat: float, grids: QuerySet[Grid] | None = None) -> Grid | None:
    """The grid cell that contains the point (on a shared edge, the lowest code wins), or None outside all."""
    candidates = (
        (grids if grids is not None else Grid.objects.all())
        .filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)
        .order_by("code")
    )
    for grid in candidates:
        if contains_point(grid.boundary, lon, lat):
            return grid
    return None


@dataclass(frozen=True)
class _IndexedGrid:
    pk: int
    code: str
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    shape: PreparedGeometry


def _load_grids() -> list[_IndexedGrid]:
    rows = Grid.objects.order_by("code").values_list(
        "pk", "code", "min_lon", "min_lat", "max_lon", "max_lat", "boundary"
    )
    grids = []
    for pk, code, min_lon, min_lat, max_lon, max_lat, boundary in rows:
        shape: BaseGeometry = parse_boundary(boundary)
        grids.append(_IndexedGrid(pk, code, min_lon, min_lat, max_lon, max_lat, prep(shape)))
    return grids


# All grids with prepared shapes: a county has a few hundred, and case intake asks on every report.
_grids = ProcessCopy(GRID_INDEX_KEY, _load_grids, GRID_VERSION_SECONDS, GRID_INDEX_SECONDS)


def forget_grid_index() -> None:
    """Called by every grid write: this process reloads at once, the others (sharing the cache) within
    GRID_VERSION_SECONDS."""
    _grids.forget()
    cache.delete(EXTENT_KEY)


def _indexed_grids() -> list[_IndexedGrid]:
    return _grids.get()


def jurisdiction_extent() -> Bounds | None:
    """The box around every grid, where the maps open; None before any grid is drawn. Cached: forgotten with the
    grid index on every grid write, and after GRID_INDEX_SECONDS for writes outside org.actions."""
    cached = cache.get(EXTENT_KEY)
    if cached is None:
        box = Grid.objects.aggregate(
            min_lon=Min("min_lon"), min_lat=Min("min_lat"), max_lon=Max("max_lon"), max_lat=Max("max_lat")
        )
        cached = [] if box["min_lon"] is None else list(Bounds(**box))
        cache.set(EXTENT_KEY, cached, GRID_INDEX_SECONDS)
    return Bounds(*cached) if cached else None


def grid_id_at(lon: float, lat: float) -> int | None:
    """The id of the grid containing the point, as `grid_of_point` finds it, without a query in the usual case:
    the grids are held in memory (a county has a few hundred) and reloaded when one is saved."""
    point = Point(lon, lat)
    for grid in _indexed_grids():
        in_box = grid.min_lon <= lon <= grid.max_lon and grid.min_lat <= lat <= grid.max_lat
        if in_box and grid.shape.covers(point):
            return grid.pk
    return None


def people_by_unit(unit_ids: Iterable[int], roles: Iterable[str]) -> dict[int, list[Person]]:
    """The active people with one of `roles` in each of the units, in one query."""
    people: dict[int, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(unit_id__in=set(unit_ids), role__in=set(roles), is_active=True):
        if person.unit_id is not None:  # always, by the filter
            people[person.unit_id].append(person)
    return people


def office_admins() -> list[Person]:
    """The people who run the office's queues: they hear of what units send back to the office."""
    return list(Person.objects.filter(role=Role.OFFICE_ADMIN, is_active=True))


def nearest_unit_with(unit: Unit, people: dict[int, list[Person]]) -> int | None:
    """The unit whose people hear of something about `unit`: its own if it has any, else the nearest above it."""
    return next((unit_id for unit_id in unit.chain_ids() if people.get(unit_id)), None)


def unit_tree(units: QuerySet[Unit]) -> list[Unit]:
    """Units in tree order, annotated with people and grid counts, each with `indent` relative to the top shown."""
    rows: list[Unit] = list(
        units.annotate(people_count=Count("people", distinct=True), grid_count=Count("grids", distinct=True))
        .select_related("parent")
        .order_by("path")
    )
    top = min((unit.depth for unit in rows), default=0)
    for unit in rows:
        unit.indent = unit.depth - top
    return rows


def office_name() -> str:
    """The issuing office of the campaign's documents (发文机关): the campaign office unit, or the jurisdiction's
    创建办 by its full name."""
    office = Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).order_by("path").first()
    return office.name if office else f"{settings.CHUANGWEN_JURISDICTION}创建文明城市工作办公室"
