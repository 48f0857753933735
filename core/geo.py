"""Geometry helpers on plain WGS-84 longitude/latitude (shapely; no GIS database needed at county scale)."""

from __future__ import annotations

import json
import math
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
    if not isinstance(geometry, Polygon | MultiPolygon):  # as the GeoJSON type said (checked above)
        raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."))
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


# --- China's GCJ-02 ("Mars") coordinates --------------------------------------------------------
# Map tiles licensed in China (AutoNavi/Gaode, Tencent) are drawn in GCJ-02; we store WGS-84 (GPS) and convert
# only for display or when a point is picked on such a map. The published obfuscation formula (Krasovsky 1940).
_A = 6378245.0
_EE = 0.00669342162296594323


def in_china(lon: float, lat: float) -> bool:
    """The rough box where GCJ-02 applies; outside it the two systems agree."""
    return 72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if not in_china(lon, lat):
        return lon, lat
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Inverse by fixed-point iteration: converges to well under a centimetre in a few steps."""
    if not in_china(lon, lat):
        return lon, lat
    w_lon, w_lat = lon, lat
    for _step in range(10):
        g_lon, g_lat = wgs84_to_gcj02(w_lon, w_lat)
        w_lon, w_lat = w_lon - (g_lon - lon), w_lat - (g_lat - lat)
    return w_lon, w_lat


EARTH_RADIUS_M = 6371008.8


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def degree_box(lon: float, lat: float, metres: float) -> Bounds:
    """A lon/lat box that surely holds every point within `metres` of the centre (for an indexed prefilter)."""
    d_lat = math.degrees(metres / EARTH_RADIUS_M) * 1.01
    d_lon = d_lat / max(math.cos(math.radians(lat)), 0.01)
    return Bounds(lon - d_lon, lat - d_lat, lon + d_lon, lat + d_lat)
