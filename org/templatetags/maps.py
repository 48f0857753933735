"""A page's maps: Leaflet, the background (the county's own base map or a tile preset) and the jurisdiction's
extent, for static/js/map.js; and `{% point_map %}`, a map of a few points (a case, a site, where I am) that
map.js draws by itself, for any page.

Here rather than in a context processor: only pages with a map pay for the extent, and the ground (`core`) keeps
out of org's grids. The base map and the address search are served by the `addresses` app, named here by URL:
org sits below it and does not import it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, format_html_join, json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from org.queries import jurisdiction_extent

register = template.Library()

SCRIPTS = ("vendor/leaflet/leaflet.js", "js/mapcrs.js", "js/map.js")
TIANDITU = (
    "https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%s&STYLE=default"
    "&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%s"
)
TIANDITU_SUBDOMAINS = "01234567"


def _tianditu(base: str, notes: str, key: str) -> list[dict]:
    attribution = "© 天地图"
    return [
        {"url": TIANDITU % (layer, layer, key), "subdomains": TIANDITU_SUBDOMAINS, "attribution": attribution}
        for layer in (base, notes)
    ]


def tile_layers() -> list[dict]:
    """The online tile layers of the MAP_TILES preset, bottom first; none for the offline base map."""
    preset = settings.MAP_TILES
    if preset == "tianditu":
        return _tianditu("vec", "cva", settings.MAP_TIANDITU_KEY)
    if preset == "tianditu-image":
        return _tianditu("img", "cia", settings.MAP_TIANDITU_KEY)
    if preset == "amap":
        url = (
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
        )
        return [{"url": url, "subdomains": "1234", "attribution": "© 高德地图"}]
    if preset == "tencent":
        url = "https://rt{s}.map.gtimg.com/tile?z={z}&x={x}&y={-y}&styleid=1000&scene=0"
        return [{"url": url, "subdomains": "0123", "attribution": "© 腾讯地图"}]
    if preset == "xyz" and settings.MAP_TILE_URL:
        return [
            {"url": settings.MAP_TILE_URL, "subdomains": "abc", "attribution": settings.MAP_TILE_ATTRIBUTION}
        ]
    return []


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
    """The background and where the maps open: the box around every grid, as Leaflet's [[south, west], [north,
    east]]; the base map and address URLs; the words the map module writes."""
    extent = jurisdiction_extent()
    bounds = [[extent.min_lat, extent.min_lon], [extent.max_lat, extent.max_lon]] if extent else None
    layers = tile_layers()
    return {
        "layers": layers,
        "basemap": None if layers else reverse("addresses:basemap"),
        "search": reverse("addresses:search"),
        "reverse": reverse("addresses:reverse"),
        "bounds": bounds,
        "words": {
            "search": _("Search an address or place (拼音 initials work)"),
            "find": _("Find on the map"),
            "nothing": _("No such address in the registry."),
            "you": _("You are here"),
        },
    }


@register.simple_tag
def point_map(
    element_id: str,
    points: list[dict] | None = None,
    *,
    pick: str = "",
    address: str = "",
    search: bool = False,
    height: str = "18rem",
    label: str = "",
    locate: bool = False,
) -> SafeString:
    """A map of `points` ({lon, lat, label, kind: here|site|case|place, url?}), drawn by map.js on its own.

    `pick` names the longitude and latitude inputs a tap fills ("id_lon,id_lat"), `address` the input the reverse
    lookup fills; `search` adds the address search; `locate` shows where the phone is. Put `{% map_head %}` in the
    head and `{% map_scripts %}` once at the end of the page.
    """
    data: dict[str, Any] = {
        "points": [p for p in points or [] if p.get("lon") is not None and p.get("lat") is not None],
        "pick": pick.split(",") if pick else None,
        "address": address or None,
        "search": search,
        "locate": locate,
    }
    box = format_html(
        '<div id="{}" class="cw-map rounded border" data-cw-map style="height: {}" role="region" aria-label="{}" '
        'aria-describedby="{}-text"></div>',
        element_id,
        height,
        label or _("Map"),
        element_id,
    )
    return (
        box
        + _text_alternative(element_id, data["points"], label or _("Map"), bool(pick))
        + json_script(data, f"{element_id}-data")
    )


def _text_alternative(element_id: str, points: list[dict], label: str, pick: bool) -> SafeString:
    """The map in words, under it (WCAG 1.1.1): what it shows and each point, or how to mark a place."""
    items = format_html_join(
        "", "<li>{}</li>", ((p.get("label") or f"{p['lat']:.5f}, {p['lon']:.5f}",) for p in points)
    )
    hint = _("Tap the map to mark the place, or search an address.") if pick else ""
    return format_html(
        '<details class="small mt-1"><summary>{}</summary><div id="{}-text">{} {}<ul class="mb-0">{}</ul></div>'
        "</details>",
        _("Places on the map"),
        element_id,
        label,
        hint,
        items,
    )
