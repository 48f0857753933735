"""Site-wide settings the base template and the maps read: the jurisdiction, map tiles, the lockout time."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "jurisdiction": settings.CHUANGWEN_JURISDICTION,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_tile_crs": settings.MAP_TILE_CRS,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
