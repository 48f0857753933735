"""The demo county's standard address registry: named roads through every town, doorplates along them, 小区 and
public places, a river and a lake, all laid over the towns and grids of demo.county.

The town seat (the six 街道 in the middle) gets a street grid of 主干路/次干路 with 支路 between them; each 乡镇 a
main street and a cross street through its centre, each village a street of its own; county highways join the
towns to the seat. Doorplates stand every 40 m or so along a street, odd numbers on one side and even on the
other, as a registry has them. Deterministic: one seeded generator.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from typing import cast

from django.db import transaction
from shapely.geometry import LineString, MultiLineString, Polygon, mapping, shape
from shapely.ops import nearest_points, unary_union

from addresses.models import Doorplate, Place, PlaceKind, Road, RoadKind
from addresses.queries import forget_registry_copies, towns_by_grid
from demo.county import STREETS
from org.models import Grid, Unit, UnitKind
from org.queries import grid_id_at

SEED = 16
PLATE_SPACING_M = 40
SIDE_OFFSET_M = 14
METRES_PER_DEGREE = 111_320.0

EAST_WEST = [
    "人民路",
    "解放路",
    "建设路",
    "文化路",
    "和平路",
    "胜利路",
    "新华路",
    "朝阳路",
    "光明路",
    "幸福路",
    "振兴路",
    "团结路",
]
NORTH_SOUTH = [
    "中山街",
    "府前街",
    "青年路",
    "育才路",
    "工业路",
    "长江路",
    "黄河路",
    "泰山路",
    "东风路",
    "迎宾路",
    "友谊路",
    "滨河路",
    "花园路",
    "健康路",
]
LANES = [
    "槐荫巷",
    "石榴巷",
    "杏花巷",
    "书院街",
    "鼓楼街",
    "钟楼巷",
    "井泉巷",
    "柳絮巷",
    "仁和巷",
    "文昌巷",
    "三义巷",
    "太平巷",
]
COMPOUND_SUFFIXES = ["小区", "花园", "家园", "苑", "新村", "佳苑"]
COMPOUND_WORDS = [
    "阳光",
    "锦绣",
    "金色",
    "翠竹",
    "碧水",
    "御景",
    "书香",
    "和谐",
    "名门",
    "盛世",
    "康居",
    "丽景",
    "春晖",
    "紫荆",
    "银河",
    "东方",
]
SEAT_PLACES = [
    ("县人民医院", PlaceKind.HOSPITAL),
    ("县中医院", PlaceKind.HOSPITAL),
    ("县第一中学", PlaceKind.SCHOOL),
    ("县实验小学", PlaceKind.SCHOOL),
    ("人民公园", PlaceKind.PARK),
    ("文化广场", PlaceKind.SQUARE),
    ("县汽车站", PlaceKind.STATION),
    ("县人民政府", PlaceKind.GOVERNMENT),
    ("城关农贸市场", PlaceKind.MARKET),
    ("县图书馆", PlaceKind.OTHER),
]


def demo_registry_loaded() -> bool:
    return Road.objects.exists()


def _metres(lat: float) -> tuple[float, float]:
    """Degrees of longitude and of latitude per metre at this latitude."""
    return 1 / (METRES_PER_DEGREE * math.cos(math.radians(lat))), 1 / METRES_PER_DEGREE


class RegistryBuilder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.roads: list[Road] = []
        self.places: list[Place] = []
        self.used_names: set[str] = set()
        self.core: Polygon | None = None
        self.town_of_grid = towns_by_grid()
        self.towns = {
            town.pk: town for town in Unit.objects.filter(kind=UnitKind.TOWN).order_by("sort_order", "pk")
        }
        outlines: dict[int, list] = defaultdict(list)
        for grid_id, boundary in Grid.objects.values_list("pk", "boundary"):
            town_id = self.town_of_grid.get(grid_id)
            if town_id is not None:
                outlines[town_id].append(shape(boundary))
        self.outlines = {town_id: unary_union(shapes) for town_id, shapes in outlines.items()}

    # --- drawing helpers ---
    def wobble(self, points: list[tuple[float, float]], metres: float = 25) -> list[tuple[float, float]]:
        """A straight line bent a little at points along it, as streets are drawn."""
        out = []
        for index, (lon, lat) in enumerate(points):
            if 0 < index < len(points) - 1:
                d_lon, d_lat = _metres(lat)
                lon += self.rng.uniform(-metres, metres) * d_lon
                lat += self.rng.uniform(-metres, metres) * d_lat
            out.append((round(lon, 6), round(lat, 6)))
        return out

    def road(self, name: str, kind: str, line: LineString | MultiLineString) -> Road | None:
        if line.is_empty or name in self.used_names or line.length < 0.002:
            return None
        self.used_names.add(name)
        centre = line.interpolate(0.5, normalized=True)
        road = Road(
            name=name, kind=kind, geometry=mapping(line), lon=round(centre.x, 6), lat=round(centre.y, 6)
        )
        self.roads.append(road)
        return road

    def place(self, name: str, kind: str, lon: float, lat: float, size_m: float = 0) -> None:
        geometry = None
        if size_m:
            d_lon, d_lat = _metres(lat)
            w, h = size_m * d_lon * self.rng.uniform(0.8, 1.3), size_m * d_lat * self.rng.uniform(0.7, 1.2)
            geometry = mapping(
                Polygon([(lon - w, lat - h), (lon + w, lat - h), (lon + w, lat + h), (lon - w, lat + h)])
            )
        self.places.append(
            Place(name=name, kind=kind, lon=round(lon, 6), lat=round(lat, 6), geometry=geometry)
        )

    def subdivide(
        self, start: tuple[float, float], end: tuple[float, float], parts: int
    ) -> list[tuple[float, float]]:
        return [
            (start[0] + (end[0] - start[0]) * i / parts, start[1] + (end[1] - start[1]) * i / parts)
            for i in range(parts + 1)
        ]

    # --- the county ---
    def build(self) -> None:
        seat_ids = [pk for pk, town in self.towns.items() if town.name in STREETS]
        seat = unary_union([self.outlines[pk] for pk in seat_ids if pk in self.outlines])
        core = self.build_seat(seat)
        for pk, town in self.towns.items():
            if pk in self.outlines:
                self.build_town(town, self.outlines[pk], core if pk not in seat_ids else None)
        self.build_through_roads(core)
        self.build_water(core)
        self.save()

    def build_seat(self, seat) -> Polygon:
        """The built-up town seat: a street grid about 6 × 5 km around the middle of the 街道, 400-500 m apart,
        with lanes in the old town. Returns its outline."""
        centre = seat.centroid
        d_lon, d_lat = _metres(centre.y)
        west, east = centre.x - 3000 * d_lon, centre.x + 3000 * d_lon
        south, north = centre.y - 2500 * d_lat, centre.y + 2500 * d_lat
        core = Polygon.from_bounds(
            west - 200 * d_lon, south - 200 * d_lat, east + 200 * d_lon, north + 200 * d_lat
        )
        rows = len(EAST_WEST)
        for index, name in enumerate(EAST_WEST):
            lat = south + (north - south) * (index + 0.5) / rows
            kind = RoadKind.MAIN if index % 3 == 1 else RoadKind.SECONDARY
            line = LineString(self.wobble(self.subdivide((west, lat), (east, lat), 12)))
            self.road(name, kind, line)
        cols = len(NORTH_SOUTH)
        for index, name in enumerate(NORTH_SOUTH):
            lon = west + (east - west) * (index + 0.5) / cols
            kind = RoadKind.MAIN if index % 3 == 1 else RoadKind.SECONDARY
            line = LineString(self.wobble(self.subdivide((lon, south), (lon, north), 10)))
            self.road(name, kind, line)
        # Lanes in the old town around the centre.
        for index, name in enumerate(LANES):
            angle = index * math.pi / len(LANES) * 2
            start = (centre.x + math.cos(angle) * 900 * d_lon, centre.y + math.sin(angle) * 900 * d_lat)
            end = (
                start[0] + math.cos(angle + 1.6) * 700 * d_lon,
                start[1] + math.sin(angle + 1.6) * 700 * d_lat,
            )
            self.road(name, RoadKind.LANE, LineString(self.wobble(self.subdivide(start, end, 4), 10)))
        for name, place_kind in SEAT_PLACES:
            lon = centre.x + self.rng.uniform(-2500, 2500) * d_lon
            lat = centre.y + self.rng.uniform(-2000, 2000) * d_lat
            self.place(
                name,
                place_kind,
                lon,
                lat,
                120 if place_kind in {PlaceKind.PARK, PlaceKind.SCHOOL, PlaceKind.HOSPITAL} else 60,
            )
        self.core = core
        return core

    def build_through_roads(self, core: Polygon) -> None:
        """A national road north-south and a provincial road east-west across the county, skirting the seat."""
        west, south, east, north = unary_union(list(self.outlines.values())).bounds
        d_lon, d_lat = _metres(core.centroid.y)
        _west, cs, ce, _north = core.bounds
        ns_lon = ce + 600 * d_lon
        ew_lat = cs - 700 * d_lat
        for name, start, end in (
            ("G105国道", (ns_lon - 0.03, south), (ns_lon + 0.02, north)),
            ("S244省道", (west, ew_lat + 0.02), (east, ew_lat - 0.015)),
        ):
            points = self.subdivide(start, end, 16)
            points[8] = (ns_lon, points[8][1]) if name.startswith("G") else (points[8][0], ew_lat)
            self.road(name, RoadKind.HIGHWAY, LineString(self.wobble(points, 150)))

    def build_town(self, town: Unit, outline, core: Polygon | None) -> None:
        """A 乡镇 (or the outer part of a 街道): main and cross street through its middle, a county road from the
        town seat's edge (for a 乡镇: `core` given), its public places and a street in each village."""
        prefix = town.name[:2]
        centre = outline.representative_point()
        west, south, east, north = outline.bounds
        span_lon, span_lat = (east - west) * 0.3, (north - south) * 0.3
        main = LineString(
            self.wobble(self.subdivide((centre.x - span_lon, centre.y), (centre.x + span_lon, centre.y), 6))
        )
        cross = LineString(
            self.wobble(self.subdivide((centre.x, centre.y - span_lat), (centre.x, centre.y + span_lat), 6))
        )
        built_up = self.core if self.core is not None else Polygon()
        self.road(f"{prefix}大街", RoadKind.MAIN, main.intersection(outline).difference(built_up))
        self.road(f"{prefix}中路", RoadKind.SECONDARY, cross.intersection(outline).difference(built_up))
        if core is not None:
            start = nearest_points(core.exterior, centre)[0]
            number = 100 + len(self.roads)
            highway = LineString(
                self.wobble(self.subdivide((start.x, start.y), (centre.x, centre.y), 8), 120)
            )
            self.road(f"X{number:03d}县道（{prefix}线）", RoadKind.HIGHWAY, highway)
        d_lon, d_lat = _metres(centre.y)
        for name, kind, dx, dy, size in (
            (
                f"{prefix}镇人民政府" if town.name.endswith("镇") else f"{prefix}乡人民政府",
                PlaceKind.GOVERNMENT,
                150,
                120,
                50,
            ),
            (f"{prefix}中心小学", PlaceKind.SCHOOL, -260, 180, 90),
            (f"{prefix}卫生院", PlaceKind.HOSPITAL, 240, -160, 50),
            (f"{prefix}农贸市场", PlaceKind.MARKET, -200, -150, 60),
        ):
            self.place(name, kind, centre.x + dx * d_lon, centre.y + dy * d_lat, size)
        for community in Unit.objects.filter(parent=town, kind=UnitKind.COMMUNITY).order_by("sort_order"):
            grid = Grid.objects.filter(unit=community).order_by("code").first()
            if grid is None:
                continue
            cell = shape(grid.boundary)
            point = cell.representative_point()
            cw, _south, ce, _north = cell.bounds
            lane = LineString(
                self.wobble(
                    self.subdivide((cw + (ce - cw) * 0.2, point.y), (ce - (ce - cw) * 0.2, point.y), 5), 40
                )
            )
            self.road(f"{community.name.removesuffix('村').removesuffix('社区')}街", RoadKind.BRANCH, lane)
            self.place(f"{community.name}委员会", PlaceKind.GOVERNMENT, point.x, point.y + 60 * d_lat, 30)

    def build_water(self, core: Polygon) -> None:
        """A river across the county south of the town seat, and 南湖 at the seat's south-west corner."""
        west, _south, east, _north = unary_union(list(self.outlines.values())).bounds
        d_lon, d_lat = _metres(core.centroid.y)
        river_lat = core.bounds[1] - 1800 * d_lat
        points = [
            (west + (east - west) * i / 40, river_lat + math.sin(i / 3.0) * 500 * d_lat) for i in range(41)
        ]
        river = LineString(points).buffer(45 * d_lat, cap_style="flat")
        middle = points[20]
        self.places.append(
            Place(name="清河", kind=PlaceKind.WATER, geometry=mapping(river), lon=middle[0], lat=middle[1])
        )
        lon, lat = core.bounds[0] - 500 * d_lon, core.bounds[1] + 600 * d_lat
        ring = [
            (
                lon
                + math.cos(a / 20 * math.tau) * 420 * d_lon * (1 + 0.25 * math.sin(3 * a / 20 * math.tau)),
                lat + math.sin(a / 20 * math.tau) * 300 * d_lat,
            )
            for a in range(21)
        ]
        self.places.append(
            Place(name="南湖", kind=PlaceKind.WATER, geometry=mapping(Polygon(ring)), lon=lon, lat=lat)
        )

    # --- doorplates and compounds along the streets ---
    def plates_for(self, road: Road) -> list[Doorplate]:
        if road.kind == RoadKind.HIGHWAY:
            return []
        geometry = shape(road.geometry or {})
        lines = (
            list(geometry.geoms) if isinstance(geometry, MultiLineString) else [cast(LineString, geometry)]
        )
        plates: list[Doorplate] = []
        odd, even = 1, 2
        for line in lines:
            d_lon, d_lat = _metres(line.centroid.y)
            length_m = line.length / d_lat  # near enough at this latitude for spacing
            steps = int(length_m // PLATE_SPACING_M)
            for step in range(steps):
                at = line.interpolate((step + 0.5) / max(steps, 1), normalized=True)
                ahead = line.interpolate(min(1.0, (step + 0.6) / max(steps, 1)), normalized=True)
                dx, dy = ahead.x - at.x, ahead.y - at.y
                norm = math.hypot(dx / d_lon, dy / d_lat) or 1
                side = 1 if step % 2 == 0 else -1
                lon = at.x - dy / d_lat / norm * SIDE_OFFSET_M * d_lon * side
                lat = at.y + dx / d_lon / norm * SIDE_OFFSET_M * d_lat * side
                number = odd if side == 1 else even
                if side == 1:
                    odd += 2
                else:
                    even += 2
                plates.append(Doorplate(road=road, number=str(number), lon=round(lon, 6), lat=round(lat, 6)))
        return plates

    def compounds(self, plates: list[Doorplate]) -> None:
        """小区 behind some doorplates of the seat's streets."""
        words = list(COMPOUND_WORDS)
        self.rng.shuffle(words)
        chosen = [plate for plate in plates if plate.road.kind in {RoadKind.MAIN, RoadKind.SECONDARY}]
        for index, plate in enumerate(self.rng.sample(chosen, min(140, len(chosen)))):
            name = f"{words[index % len(words)]}{COMPOUND_SUFFIXES[index % len(COMPOUND_SUFFIXES)]}"
            if index >= len(words):
                name = f"{plate.road.name[:2]}{name}"
            if name in self.used_names:
                continue
            self.used_names.add(name)
            d_lon, d_lat = _metres(plate.lat)
            self.place(name, PlaceKind.COMPOUND, plate.lon + 90 * d_lon, plate.lat + 90 * d_lat, 80)
            self.places[-1].doorplate = plate

    def save(self) -> None:
        for road in self.roads:
            road.grid_id = grid_id_at(road.lon, road.lat)
            road.town_id = self.town_of_grid.get(road.grid_id) if road.grid_id else None
            road.fill_derived()
        Road.objects.bulk_create(self.roads)
        plates = [plate for road in self.roads for plate in self.plates_for(road)]
        for plate in plates:
            plate.grid_id = grid_id_at(plate.lon, plate.lat)
            plate.town_id = self.town_of_grid.get(plate.grid_id) if plate.grid_id else None
            plate.fill_derived()
        Doorplate.objects.bulk_create(plates, batch_size=2000)
        self.compounds(plates)
        for place in self.places:
            place.grid_id = grid_id_at(place.lon, place.lat)
            place.town_id = self.town_of_grid.get(place.grid_id) if place.grid_id else None
            place.fill_derived()
        Place.objects.bulk_create(self.places)
        forget_registry_copies()


@transaction.atomic
def build_demo_registry() -> int:
    """Idempotent: nothing happens when the registry has roads. Returns the doorplates added."""
    if demo_registry_loaded() or not Grid.objects.exists():
        return 0
    RegistryBuilder().build()
    return Doorplate.objects.count()


class PlateIndex:
    """The registry's doorplates by grid, in memory: the demo's cases and sites take their address (and stand
    at a door) from the registry, as a reporter picking a point on the map would."""

    def __init__(self) -> None:
        self.by_grid: dict[int, list[tuple[float, float, str, int]]] = defaultdict(list)
        rows = Doorplate.objects.select_related("road").filter(grid__isnull=False).order_by("pk")
        for plate in rows.iterator(chunk_size=5000):
            if plate.grid_id is not None:
                self.by_grid[plate.grid_id].append((plate.lon, plate.lat, plate.label, plate.pk))

    def nearest(self, grid_id: int, lon: float, lat: float) -> tuple[float, float, str, int] | None:
        """The doorplate of the grid nearest the point (None in a grid without any)."""
        plates = self.by_grid.get(grid_id)
        if not plates:
            return None
        return min(plates, key=lambda p: (p[0] - lon) ** 2 + (p[1] - lat) ** 2)
