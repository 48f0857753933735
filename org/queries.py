"""Reads of the organisation: grid lookup by location, the unit tree for display, counts for the home page."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from core.geo import contains_point
from org.models import Grid, Unit


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
