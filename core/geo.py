"""Geometry helpers on plain WGS-84 longitude/latitude (shapely; no GIS database needed at county scale)."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.validation import explain_validity


class Bounds(NamedTuple):
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def parse_boundary(data: Any) -> Polygon | MultiPolygon:
    """Turn GeoJSON (geometry, Feature, or its JSON text) into a valid polygon, or say clearly what is wrong."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("The boundary is not valid JSON: %(error)s") % {"error": exc.msg}
            ) from exc
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."))
    try:
        geometry = shape(data)
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ValidationError(
            _("The boundary's coordinates cannot be read: %(error)s") % {"error": exc}
        ) from exc
    if geometry.is_empty:
        raise ValidationError(_("The boundary is empty."))
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationError(_("Coordinates must be longitude, latitude in degrees (WGS-84)."))
    if not geometry.is_valid:
        raise ValidationError(
            _("The boundary is not a valid polygon: %(why)s") % {"why": explain_validity(geometry)}
        )
    return geometry


def contains_point(boundary: dict, lon: float, lat: float) -> bool:
    """True when the point lies inside the boundary or on its edge."""
    return parse_boundary(boundary).covers(Point(lon, lat))


def validate_lon_lat(lon: float, lat: float) -> None:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(_("Longitude must be within ±180 and latitude within ±90 degrees."))
