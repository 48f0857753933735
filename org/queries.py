"""Reads of the organisation: grid lookup by location, the unit tree for display, counts for the home page."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, QuerySet
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from core.geo import contains_point, parse_boundary
from org.models import Grid, Unit

GRID_INDEX_KEY = "org:grid-index-version"
GRID_INDEX_SECONDS = 300  # a grid changed outside org.actions (the Django admin, SQL) counts after this long


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


_grid_index: dict[str, tuple[float, list[_IndexedGrid]]] = {}


def forget_grid_index() -> None:
    """Called by every grid write: the next lookup in any process (sharing the cache) reloads the grids."""
    cache.delete(GRID_INDEX_KEY)


def _indexed_grids() -> list[_IndexedGrid]:
    """All grids with prepared shapes, kept in this process while the shared version token is unchanged."""
    version = cache.get(GRID_INDEX_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(GRID_INDEX_KEY, version, None):
            version = cache.get(GRID_INDEX_KEY) or version
    loaded = _grid_index.get(version)
    if loaded is not None and time.monotonic() - loaded[0] < GRID_INDEX_SECONDS:
        return loaded[1]
    rows = Grid.objects.order_by("code").values_list(
        "pk", "code", "min_lon", "min_lat", "max_lon", "max_lat", "boundary"
    )
    grids = []
    for pk, code, min_lon, min_lat, max_lon, max_lat, boundary in rows:
        shape: BaseGeometry = parse_boundary(boundary)
        grids.append(_IndexedGrid(pk, code, min_lon, min_lat, max_lon, max_lat, prep(shape)))
    _grid_index.clear()
    _grid_index[version] = (time.monotonic(), grids)
    return grids


def grid_id_at(lon: float, lat: float) -> int | None:
    """The id of the grid containing the point, as `grid_of_point` finds it, without a query in the usual case:
    the grids are held in memory (a county has a few hundred) and reloaded when one is saved."""
    point = Point(lon, lat)
    for grid in _indexed_grids():
        in_box = grid.min_lon <= lon <= grid.max_lon and grid.min_lat <= lat <= grid.max_lat
        if in_box and grid.shape.covers(point):
            return grid.pk
    return None


def unit_tree(units: QuerySet[Unit]) -> list[Unit]:
    """Units in tree order, annotated with people and grid counts, each with `indent` relative to the top shown."""
    rows = list(
        units.annotate(people_count=Count("people", distinct=True), grid_count=Count("grids", distinct=True))
        .select_related("parent")
        .order_by("path")
    )
    top = min((unit.depth for unit in rows), default=0)
    for unit in rows:
        unit.indent = unit.depth - top
    return rows
