"""Coordinates as they come in (typed, imported from Excel, GeoJSON or a Shapefile) turned into stored WGS-84.

Input may be in WGS-84 (GPS), CGCS2000 (China's national datum: within centimetres of WGS-84, so taken as it is)
or GCJ-02 (coordinates read off 高德/腾讯 maps), converted with core.geo's shift.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.geo import gcj02_to_wgs84, validate_lon_lat


class CoordinateSystem(models.TextChoices):
    WGS84 = "wgs84", gettext_lazy("WGS-84 (GPS)")
    CGCS2000 = "cgcs2000", gettext_lazy("CGCS2000 (天地图; same as WGS-84 at map precision)")
    GCJ02 = "gcj02", gettext_lazy("GCJ-02 (高德/腾讯)")


ALIASES = {
    "wgs84": CoordinateSystem.WGS84,
    "wgs-84": CoordinateSystem.WGS84,
    "gps": CoordinateSystem.WGS84,
    "cgcs2000": CoordinateSystem.CGCS2000,
    "2000": CoordinateSystem.CGCS2000,
    "国家2000": CoordinateSystem.CGCS2000,
    "天地图": CoordinateSystem.CGCS2000,
    "gcj02": CoordinateSystem.GCJ02,
    "gcj-02": CoordinateSystem.GCJ02,
    "火星": CoordinateSystem.GCJ02,
    "高德": CoordinateSystem.GCJ02,
    "腾讯": CoordinateSystem.GCJ02,
}


def parse_system(text: str) -> str:
    found = ALIASES.get(text.strip().lower().replace(" ", ""))
    if found is None:
        raise ValidationError(
            _("Unknown coordinate system “%(text)s”; use WGS84, CGCS2000 or GCJ02.") % {"text": text}
        )
    return found


def to_wgs84(lon: float, lat: float, system: str) -> tuple[float, float]:
    validate_lon_lat(lon, lat)
    if system == CoordinateSystem.GCJ02:
        lon, lat = gcj02_to_wgs84(lon, lat)
    return round(lon, 7), round(lat, 7)


def convert_geometry(geometry: dict, system: str) -> dict:
    """A GeoJSON geometry with every position converted to WGS-84."""

    def convert(value: Any) -> Any:
        if isinstance(value, list | tuple) and value and isinstance(value[0], int | float):
            return list(to_wgs84(float(value[0]), float(value[1]), system))
        if isinstance(value, list | tuple):
            return [convert(item) for item in value]
        raise ValidationError(_("The coordinates cannot be read."))

    return {"type": geometry.get("type"), "coordinates": convert(geometry.get("coordinates"))}


def parse_number(text: str) -> float:
    try:
        return float(text)
    except ValueError as exc:
        raise ValidationError(_("“%(text)s” is not a number.") % {"text": text}) from exc


def parse_line(text: str) -> list[list[float]]:
    """Points typed as "lon,lat; lon,lat; …" (at least two)."""
    points = []
    for pair in text.replace("；", ";").replace("，", ",").split(";"):
        if not pair.strip():
            continue
        parts = pair.split(",")
        if len(parts) != 2:
            raise ValidationError(_("Write the points as “longitude,latitude; longitude,latitude; …”."))
        points.append([parse_number(parts[0].strip()), parse_number(parts[1].strip())])
    if len(points) < 2:
        raise ValidationError(_("A line needs at least two points."))
    return points
