"""An optional online geocoder for addresses the registry does not hold: 天地图 (CGCS2000, taken as WGS-84) or
高德 (GCJ-02, shifted back to WGS-84). Off unless ADDRESS_GEOCODER is set; asked only for signed-in office
staff (the key is the county's, and a public form must work without the internet). A failure is no result."""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from addresses.queries import Hit
from core.geo import gcj02_to_wgs84

TIMEOUT_SECONDS = 3
log = logging.getLogger(__name__)


def _fetch(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
        return json.loads(response.read().decode("utf-8"))


def _tianditu(text: str, key: str) -> Hit | None:
    query = urllib.parse.urlencode({"ds": json.dumps({"keyWord": text}, ensure_ascii=False), "tk": key})
    data = _fetch(f"https://api.tianditu.gov.cn/geocoder?{query}")
    location = data.get("location") if str(data.get("status")) == "0" else None
    if not location:
        return None
    return Hit("online", 0, text, "天地图", float(location["lon"]), float(location["lat"]))


def _amap(text: str, key: str) -> Hit | None:
    query = urllib.parse.urlencode({"address": text, "key": key, "output": "JSON"})
    data = _fetch(f"https://restapi.amap.com/v3/geocode/geo?{query}")
    found = data.get("geocodes") or []
    if str(data.get("status")) != "1" or not found:
        return None
    lon, lat = (float(part) for part in found[0]["location"].split(","))
    lon, lat = gcj02_to_wgs84(lon, lat)
    return Hit("online", 0, found[0].get("formatted_address") or text, "高德", round(lon, 7), round(lat, 7))


SERVICES = {"tianditu": _tianditu, "amap": _amap}


def is_configured() -> bool:
    return settings.ADDRESS_GEOCODER in SERVICES and bool(settings.ADDRESS_GEOCODER_KEY)


def geocode(text: str) -> Hit | None:
    """The online service's point for the text, or None (not configured, nothing found, or unreachable)."""
    if not is_configured() or not text.strip():
        return None
    try:
        return SERVICES[settings.ADDRESS_GEOCODER](text.strip()[:80], settings.ADDRESS_GEOCODER_KEY)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("online geocoder failed: %s", exc)
        return None
