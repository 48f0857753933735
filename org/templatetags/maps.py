"""A page's maps: Leaflet, the tile server and the jurisdiction's extent, for static/js/map.js.

Here rather than in a context processor: only pages with a map pay for the extent, and the ground (`core`) keeps
out of org's grids.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join, json_script
from django.utils.safestring import SafeString

from org.queries import jurisdiction_extent

register = template.Library()

SCRIPTS = ("vendor/leaflet/leaflet.js", "js/mapcrs.js", "js/map.js")


@register.simple_tag
def map_head() -> SafeString:
    """Leaflet's stylesheet, for the page's head."""
    return format_html('<link rel="stylesheet" href="{}">', static("vendor/leaflet/leaflet.css"))


@register.simple_tag
def map_scripts() -> SafeString:
    """The map settings as JSON ("cw-map") and the scripts of the map module; the page's own map script follows."""
    return json_script(map_settings(), "cw-map") + format_html_join(
        "", '<script src="{}"></script>', ((static(path),) for path in SCRIPTS)
    )


def map_settings() -> dict:
    """Tiles and where the maps open: the box around every grid, as Leaflet's [[south, west], [north, east]]."""
    extent = jurisdiction_extent()
    bounds = [[extent.min_lat, extent.min_lon], [extent.max_lat, extent.max_lon]] if extent else None
    return {"tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION, "bounds": bounds}
