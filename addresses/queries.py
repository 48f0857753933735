"""Reads of the address registry: where a point lies, search by name or pinyin, the nearest address to a point,
and the county's own base map by box and zoom. All answered from the registry's indexed columns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from addresses.models import Doorplate, Place, PlaceKind, Road, RoadKind
from addresses.pinyin import normalise_query
from core.geo import Bounds, degree_box, distance_m
from core.processcopy import ProcessCopy
from org.models import Grid, Unit, UnitKind
from org.queries import grid_id_at

SEARCH_LIMIT = 10
PLACE_BOX = ("min_lon", "min_lat", "max_lon", "max_lat")
CJK = re.compile(r"[\u3400-\u9fff]")
# "人民路18", "人民 18号", "rmlu 18": a name, then the number on the plate.
NAME_AND_NUMBER = re.compile(r"^(.*?)[\s#]*(\d+[-\d]*)\s*号?$")
REVERSE_STEPS_M = (
    60,
    200,
    600,
)  # widen the box only when nothing is near: most points are in a built-up area
NEAR_M = 12  # closer than this, the point is at the address; farther, "附近"


# --- Where a point lies ---------------------------------------------------------------------------


def town_of_unit(unit: Unit) -> int | None:
    """The town (街道/乡镇) a unit is in, itself included: read from its path, one query for the kinds."""
    chain = unit.chain_ids()
    towns = set(Unit.objects.filter(pk__in=chain, kind=UnitKind.TOWN).values_list("pk", flat=True))
    return next((pk for pk in chain if pk in towns), None)


def towns_by_grid() -> dict[int, int | None]:
    """Each grid's town, for loading many rows at once."""
    kinds = dict(Unit.objects.values_list("pk", "kind"))
    result: dict[int, int | None] = {}
    for grid_id, path in Grid.objects.values_list("pk", "unit__path"):
        chain = [int(step) for step in reversed(path.strip("/").split("/"))]
        result[grid_id] = next((pk for pk in chain if kinds.get(pk) == UnitKind.TOWN), None)
    return result


def locate(lon: float, lat: float) -> tuple[int | None, int | None]:
    """The grid and the town a point lies in (None, None outside every grid)."""
    grid_id = grid_id_at(lon, lat)
    if grid_id is None:
        return None, None
    grid = Grid.objects.select_related("unit").get(pk=grid_id)
    return grid_id, town_of_unit(grid.unit)


# --- Search -----------------------------------------------------------------------------------------


@dataclass
class Hit:
    """One search result, as the map module shows it and a form takes it."""

    kind: str  # road, doorplate, place
    id: int
    label: str  # what fills an address field
    detail: str  # where it is: town · grid, or the place's kind
    lon: float
    lat: float
    bounds: list[float] | None = None  # [west, south, east, north] for a road or an area

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _names_matching(queryset: QuerySet, text: str, short_prefix: bool = False) -> QuerySet:
    """Rows whose name contains the Chinese text, or whose pinyin keys begin with the typed letters.

    With `short_prefix` (the many places), one or two characters match the start of a name only: a trigram
    index needs three to narrow a "contains" down, and a name's start is what a btree answers at once."""
    if CJK.search(text):
        text = text.replace(" ", "")
        if short_prefix and len(text) < 3:
            return queryset.filter(name__startswith=text)
        return queryset.filter(name__contains=text)
    key = normalise_query(text)
    return queryset.filter(search_keys__contains=f" {key}") if key else queryset.none()


@dataclass(frozen=True)
class _RoadName:
    """What the search needs of a road, kept in memory (no line, no keys' table scan)."""

    pk: int
    name: str
    kind: str
    lon: float
    lat: float
    bounds: tuple[float, float, float, float]
    keys: str  # the pinyin search keys, " key key …"


def _load_road_names() -> list[_RoadName]:
    rows = Road.objects.order_by("name").values_list(
        "pk", "name", "kind", "lon", "lat", *PLACE_BOX, "search_keys"
    )
    return [
        _RoadName(pk, name, kind, lon, lat, (west, south, east, north), keys)
        for pk, name, kind, lon, lat, west, south, east, north, keys in rows
    ]


# A city's few thousand road names, matched in Python: a short pinyin prefix ("rm") is a poor trigram query
# (it narrows little and rechecks many rows), and the roads are read on every keystroke of every search box.
ROAD_NAMES_KEY = "addresses:road-names-version"
ROAD_NAMES_CHECK_SECONDS = 5
ROAD_NAMES_MAX_AGE_SECONDS = 300
_road_names = ProcessCopy(
    ROAD_NAMES_KEY, _load_road_names, ROAD_NAMES_CHECK_SECONDS, ROAD_NAMES_MAX_AGE_SECONDS
)


def forget_road_names() -> None:
    """Called by every road write and bulk load."""
    _road_names.forget()


def _roads_matching(text: str) -> list[_RoadName]:
    """Roads whose name contains the Chinese text, or one of whose pinyin keys begins with the typed letters;
    shortest names first (the likeliest meant)."""
    if CJK.search(text):
        text = text.replace(" ", "")
        found = [road for road in _road_names.get() if text in road.name]
    else:
        key = normalise_query(text)
        needle = f" {key}"
        found = [road for road in _road_names.get() if needle in road.keys] if key else []
    found.sort(key=lambda road: (len(road.name), road.name))
    return found


def _road_hit(road: _RoadName) -> Hit:
    kind = str(RoadKind(road.kind).label) if road.kind in RoadKind.values else road.kind
    return Hit("road", road.pk, road.name, kind, road.lon, road.lat, list(road.bounds))


def _grid_detail(grid_id: int | None) -> str:
    return _where_of_grid(grid_id)[0] if grid_id else ""


def search(text: str, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """Roads, doorplates and places for what a person typed: a name or its pinyin (full, initials or mixed),
    optionally followed by a number ("人民路18", "rmlu 18"). Shortest names first: the likeliest meant.

    Roads from the names kept in memory, then two small queries without joins (a road's line and a grid's
    outline are large JSON, and every join is planning time on a busy server); where each hit lies comes from
    the cached grid names."""
    text = text.strip()[:50]
    if not text:
        return []
    found = NAME_AND_NUMBER.match(text)
    name, number = (found.group(1).strip(), found.group(2)) if found else (text, "")
    if number and not name:
        return []
    roads = _roads_matching(name)[:3]
    hits: list[Hit] = [] if number else [_road_hit(road) for road in roads[:3]]
    # A number names a door on any of the likeliest roads; without one, the doors of the likeliest road.
    chosen = roads[:3] if number else roads[:1]
    if chosen:
        by_id = {road.pk: road for road in chosen}
        plates = Doorplate.objects.filter(road_id__in=list(by_id))
        if number:
            plates = plates.filter(number_value__gte=int(number.split("-")[0]), number__startswith=number)
        doors = plates.order_by("road_id", "number_value", "number").values_list(
            "pk", "road_id", "number", "lon", "lat", "grid_id"
        )[: limit * 3]
        rows = sorted(doors, key=lambda row: chosen.index(by_id[row[1]]))
        hits += [
            Hit("doorplate", pk, f"{by_id[road_id].name}{plate}号", _grid_detail(grid_id), lon, lat)
            for pk, road_id, plate, lon, lat, grid_id in rows[: limit - len(hits)]
        ]
    if len(hits) < limit and not number:
        places = _names_matching(Place.objects.exclude(kind=PlaceKind.WATER), name, short_prefix=True)
        named: list[tuple[Any, ...]] = list(
            places.values_list("pk", "name", "kind", "lon", "lat", "grid_id", *PLACE_BOX)[:50]
        )
        named.sort(key=lambda row: (len(row[1]), row[1]))
        for pk, place, kind, lon, lat, grid_id, *box in named[: limit - len(hits)]:
            area = box if box[0] != box[2] or box[1] != box[3] else None
            detail = _grid_detail(grid_id) or str(PlaceKind(kind).label)
            hits.append(Hit("place", pk, place, detail, lon, lat, area))
    return hits[:limit]


# --- Reverse lookup ------------------------------------------------------------------------------


@dataclass
class Nearby:
    """The address nearest a point, written as a person says it: "人民路18号附近，城关街道 第3网格"."""

    address: str
    distance_m: float | None
    doorplate_id: int | None
    place_id: int | None
    grid_id: int | None
    town_id: int | None

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


KNN_CANDIDATES = (
    8  # nearest by degrees first; the nearest in metres is among them (a degree of longitude is shorter)
)


def _nearest_rows(queryset: QuerySet, lon: float, lat: float) -> list[tuple]:
    """(pk, lon, lat, name…) of rows near the point, cheap tuples (`queryset` gives the values): on PostgreSQL
    the few nearest by the GiST index on point(lon, lat) (a k-nearest-neighbour scan, migration 0002);
    elsewhere the rows in widening boxes."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        order = RawSQL(f"point({table}.lon, {table}.lat) <-> point(%s, %s)", (lon, lat))
        return list(queryset.order_by(order)[:KNN_CANDIDATES])
    for metres in REVERSE_STEPS_M:
        box = degree_box(lon, lat, metres)
        rows = list(
            queryset.filter(
                lat__gte=box.min_lat, lat__lte=box.max_lat, lon__gte=box.min_lon, lon__lte=box.max_lon
            )[:2000]
        )
        # The box's corners reach past its circle: a row there may not be the nearest, so it waits for the next,
        # wider box unless it is within the circle.
        if rows and min(distance_m(lon, lat, r[1], r[2]) for r in rows) <= metres:
            return rows
    return []


def _nearest(queryset: QuerySet, lon: float, lat: float) -> tuple[tuple, float] | None:
    """The nearest row (a tuple of pk, lon, lat, name…) within the widest reverse-lookup radius, and its
    distance in metres."""
    rows = _nearest_rows(queryset, lon, lat)
    if not rows:
        return None
    row = min(rows, key=lambda row: distance_m(lon, lat, row[1], row[2]))
    metres = distance_m(lon, lat, row[1], row[2])
    return (row, metres) if metres <= REVERSE_STEPS_M[-1] else None


WHERE_KEY = "addresses:where:%d"
WHERE_SECONDS = 300  # a grid renamed or moved to another town shows in the reverse lookup after this long


def _where_of_grid(grid_id: int) -> tuple[str, int | None]:
    """ "城关街道 新华社区第3网格" and the town's id, for the grid a point lies in (cached: two queries saved on
    every lookup, and grids change rarely)."""
    cached = cache.get(WHERE_KEY % grid_id)
    if cached is None:
        grid = Grid.objects.select_related("unit").only("name", "unit__path").get(pk=grid_id)
        chain = grid.unit.chain_ids()
        towns = dict(Unit.objects.filter(pk__in=chain, kind=UnitKind.TOWN).values_list("pk", "name"))
        town_id = next((pk for pk in chain if pk in towns), None)
        where = " ".join(part for part in (towns.get(town_id, "") if town_id else "", grid.name) if part)
        cached = [where, town_id]
        cache.set(WHERE_KEY % grid_id, cached, WHERE_SECONDS)
    return cached[0], cached[1]


def reverse(lon: float, lat: float) -> Nearby:
    """The nearest doorplate (else place) within REVERSE_STEPS_M, and the town and grid the point lies in."""
    grid_id = grid_id_at(lon, lat)
    where, town_id = _where_of_grid(grid_id) if grid_id else ("", None)
    plate = _nearest(Doorplate.objects.values_list("pk", "lon", "lat", "road__name", "number"), lon, lat)
    place = None
    if plate is None:
        places = Place.objects.exclude(kind=PlaceKind.WATER).values_list("pk", "lon", "lat", "name")
        place = _nearest(places, lon, lat)
    if plate:
        name = f"{plate[0][3]}{plate[0][4]}号"
    elif place:
        name = place[0][3]
    else:
        return Nearby(where, None, None, None, grid_id, town_id)
    metres = (plate or place or ((), 0.0))[1]
    near = name if metres < NEAR_M else _("%(name)s nearby") % {"name": name}
    address = _("%(near)s, %(where)s") % {"near": near, "where": where} if where else near
    return Nearby(
        address,
        round(metres, 1),
        plate[0][0] if plate else None,
        place[0][0] if place else None,
        grid_id,
        town_id,
    )


# --- The base map ----------------------------------------------------------------------------------

# Which roads a zoom level shows, and from which zoom their names are written.
ROAD_MIN_ZOOM = {
    RoadKind.HIGHWAY: 0,
    RoadKind.MAIN: 0,
    RoadKind.SECONDARY: 12,
    RoadKind.BRANCH: 14,
    RoadKind.LANE: 15,
}
ROAD_LABEL_ZOOM = {
    RoadKind.HIGHWAY: 12,
    RoadKind.MAIN: 13,
    RoadKind.SECONDARY: 14,
    RoadKind.BRANCH: 15,
    RoadKind.LANE: 16,
}
PLACE_MIN_ZOOM = 14
PLACE_LABEL_ZOOM = 15
GRID_MIN_ZOOM = 13
TOWNS_KEY = "addresses:town-outlines"
MAX_FEATURES = 4000


def _in_box(queryset: QuerySet, box: Bounds) -> QuerySet:
    return queryset.filter(
        max_lon__gte=box.min_lon, min_lon__lte=box.max_lon, max_lat__gte=box.min_lat, min_lat__lte=box.max_lat
    )


def _tolerance(zoom: int) -> float:
    """About a third of a screen pixel at this zoom, in degrees: simplification nobody can see."""
    return 360.0 / (256 * 2**zoom) / 3


def _feature(geometry: dict, zoom: int, **properties: Any) -> dict:
    simple = shape(geometry).simplify(_tolerance(zoom), preserve_topology=True)
    return {"type": "Feature", "geometry": mapping(simple), "properties": properties}


def town_outlines() -> list[dict]:
    """Each town's outline: the union of its grids (cached; a county's few dozen towns change rarely)."""
    cached = cache.get(TOWNS_KEY)
    if cached is not None:
        return cached
    by_town: dict[int, list] = {}
    towns = towns_by_grid()
    for grid_id, boundary in Grid.objects.values_list("pk", "boundary"):
        town_id = towns.get(grid_id)
        if town_id is not None:
            by_town.setdefault(town_id, []).append(shape(boundary))
    names = dict(Unit.objects.filter(pk__in=by_town).values_list("pk", "name"))
    outlines = []
    for town_id, shapes in by_town.items():
        union = unary_union(shapes).buffer(0)
        outlines.append({"name": names[town_id], "geometry": mapping(union), "bounds": list(union.bounds)})
    cache.set(TOWNS_KEY, outlines, 300)
    return outlines


def forget_town_outlines() -> None:
    cache.delete(TOWNS_KEY)


def forget_registry_copies() -> None:
    """After a bulk load of roads, places or grids: the town outlines and the road names are read anew."""
    forget_town_outlines()
    forget_road_names()


def base_map(box: Bounds, zoom: int) -> dict:
    """The county's own base map within the box at this zoom, as one GeoJSON FeatureCollection whose features
    say their layer ("town", "grid", "water", "place", "road") and whether their name is written."""
    features: list[dict] = []
    for town in town_outlines():
        west, south, east, north = town["bounds"]
        if east >= box.min_lon and west <= box.max_lon and north >= box.min_lat and south <= box.max_lat:
            features.append(
                _feature(town["geometry"], zoom, layer="town", name=town["name"], label=zoom >= 12)
            )
    if zoom >= GRID_MIN_ZOOM:
        for name, boundary in _in_box(Grid.objects.all(), box).values_list("name", "boundary")[:MAX_FEATURES]:
            features.append(_feature(boundary, zoom, layer="grid", name=name, label=False))
    water = _in_box(Place.objects.filter(kind=PlaceKind.WATER, geometry__isnull=False), box)
    for name, geometry in water.values_list("name", "geometry")[:MAX_FEATURES]:
        features.append(_feature(geometry, zoom, layer="water", name=name, label=zoom >= 14))
    if zoom >= PLACE_MIN_ZOOM:
        places = _in_box(Place.objects.exclude(kind=PlaceKind.WATER), box).values_list(
            "name", "kind", "geometry", "lon", "lat"
        )
        for name, kind, geometry, lon, lat in places[:MAX_FEATURES]:
            point = geometry or {"type": "Point", "coordinates": [lon, lat]}
            features.append(
                _feature(point, zoom, layer="place", kind=kind, name=name, label=zoom >= PLACE_LABEL_ZOOM)
            )
    kinds = [kind for kind, least in ROAD_MIN_ZOOM.items() if zoom >= least]
    roads = _in_box(Road.objects.filter(kind__in=kinds, geometry__isnull=False), box)
    for name, kind, geometry in roads.values_list("name", "kind", "geometry")[:MAX_FEATURES]:
        label = zoom >= ROAD_LABEL_ZOOM[RoadKind(kind)]
        features.append(_feature(geometry, zoom, layer="road", kind=kind, name=name, label=label))
    return {"type": "FeatureCollection", "features": features}
