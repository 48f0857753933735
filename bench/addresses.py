"""`chuangwen bench addresses`: the address search and the reverse lookup at a city's scale.

Fills the demo county's grids with a registry of `total` doorplates (default 500,000) on some 5,000 named roads
and 20,000 places, then times the two JSON endpoints the maps and forms call, through their views: a search for
what people type (the start of a name in Chinese, pinyin initials, mixed pinyin, a name and a number) and the
nearest address to random points of the county. Prints `search_p95_ms` and `reverse_p95_ms` (the issue's goals:
under 50 and 20 ms on PostgreSQL).
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable, Iterator

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory

from addresses import views
from addresses.models import Doorplate, Place, PlaceKind, Road, RoadKind
from addresses.pinyin import initials, syllables
from addresses.queries import forget_registry_copies, towns_by_grid
from bench.measure import Figures, copy_rows, demo_county
from org.models import Grid
from org.queries import grid_id_at, jurisdiction_extent

SEED = 500
ROAD_CHARACTERS = (
    "人民解放建设文化和平胜利新华朝阳光明幸福振兴团结中山府前青年育才工业长江黄河泰山东风迎宾友谊滨河花园"
    "健康春晖锦绣金色翠竹碧水御景书香和谐名门盛世康居丽景紫荆银河东方南湖北山西城凤凰龙泉清水石门桃源杏林"
    "白马双桥柳河青石永安永兴安居富民兴业广场公园体育科技学府文昌鼓楼钟楼仁和太平三义槐荫石榴杏花书院井泉"
)
SUFFIXES = ["路", "街", "大道", "巷", "中路", "东路", "西路", "北路", "南路"]
PLACE_WORDS = ["小区", "花园", "家园", "苑", "新村", "大厦", "广场", "市场", "学校", "医院"]
PLATES_PER_BATCH = 50_000


def _road_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        first = rng.randrange(0, len(ROAD_CHARACTERS) - 1, 2)
        second = rng.randrange(0, len(ROAD_CHARACTERS) - 1, 2)
        word = ROAD_CHARACTERS[first : first + 2] + (
            ROAD_CHARACTERS[second : second + 2] if rng.random() < 0.3 else ""
        )
        names.add(word + rng.choice(SUFFIXES))
    return sorted(names)


def _locate(row, towns: dict[int, int | None]) -> None:
    row.grid_id = grid_id_at(row.lon, row.lat)
    row.town_id = towns.get(row.grid_id) if row.grid_id else None


def fill(total: int, rng: random.Random, say: Callable[[str], None]) -> list[Road]:
    """Roads as straight lines across the county, their doorplates every few metres, places among them."""
    box = jurisdiction_extent()
    assert box is not None, "the demo county has grids"
    towns = towns_by_grid()
    names = _road_names(rng, max(1, total // 100))
    roads = []
    for name in names:
        lon, lat = rng.uniform(box.min_lon, box.max_lon), rng.uniform(box.min_lat, box.max_lat)
        east_west = rng.random() < 0.5
        length = rng.uniform(0.01, 0.04)
        end = (lon + length, lat) if east_west else (lon, lat + length)
        road = Road(
            name=name,
            kind=rng.choice([RoadKind.MAIN, RoadKind.SECONDARY, RoadKind.BRANCH]),
            geometry={"type": "LineString", "coordinates": [[lon, lat], list(end)]},
            lon=(lon + end[0]) / 2,
            lat=(lat + end[1]) / 2,
        )
        road.fill_derived()
        _locate(road, towns)
        roads.append(road)
    copy_rows(Road, roads)
    roads = list(Road.objects.order_by("pk"))
    say(f"roads: {len(roads)}")

    def plates() -> Iterator[Doorplate]:
        per_road = max(1, total // len(roads))
        made = 0
        for road in roads:
            (lon0, lat0), (lon1, lat1) = (road.geometry or {})["coordinates"]
            for number in range(1, per_road + 1):
                if made >= total:
                    return
                t = number / (per_road + 1)
                side = 0.00012 if number % 2 else -0.00012
                lon = lon0 + (lon1 - lon0) * t + (side if lat0 != lat1 else 0)
                lat = lat0 + (lat1 - lat0) * t + (side if lon0 != lon1 else 0)
                # The road's grid and town: locating half a million points one by one would be the bench's
                # slowest part and measures nothing the endpoints do.
                plate = Doorplate(
                    road_id=road.pk,
                    number=str(number),
                    lon=lon,
                    lat=lat,
                    grid_id=road.grid_id,
                    town_id=road.town_id,
                )
                plate.fill_derived()
                made += 1
                yield plate

    batch: list[Doorplate] = []
    written = 0
    for plate in plates():
        batch.append(plate)
        if len(batch) == PLATES_PER_BATCH:
            copy_rows(Doorplate, batch)
            written += len(batch)
            batch = []
    copy_rows(Doorplate, batch)
    written += len(batch)
    say(f"doorplates: {written}")
    places = []
    for index in range(max(1, total // 25)):
        road = roads[index % len(roads)]
        place = Place(
            name=f"{road.name[:2]}{rng.choice(PLACE_WORDS)}{index}",
            kind=rng.choice([PlaceKind.COMPOUND, PlaceKind.MARKET, PlaceKind.SCHOOL, PlaceKind.OTHER]),
            lon=road.lon + rng.uniform(-0.002, 0.002),
            lat=road.lat + rng.uniform(-0.002, 0.002),
        )
        place.fill_derived()
        _locate(place, towns)
        places.append(place)
    copy_rows(Place, places)
    say(f"places: {len(places)}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE addresses_road, addresses_doorplate, addresses_place")
    forget_registry_copies()
    return roads


def typed(road: Road, rng: random.Random) -> str:
    """What a person types looking for a road: its start in Chinese, initials, mixed pinyin, or with a number."""
    parts = syllables(road.name)
    kind = rng.randrange(4)
    if kind == 0:
        return road.name[:2]
    if kind == 1:
        return initials(road.name)[:3]
    if kind == 2:
        return parts[0][0] + "".join(parts[1:2])
    return f"{road.name}{rng.randint(1, 80)}"


def p95_ms(durations: list[float]) -> float:
    return statistics.quantiles(durations, n=20)[18] * 1000


def run(total: int, requests: int, say: Callable[[str], None]) -> Figures:
    figures = Figures(say)
    rng = random.Random(SEED)
    demo_county()
    started = time.monotonic()
    roads = fill(total, rng, say)
    say(f"fill_seconds: {time.monotonic() - started:.0f}")
    figures.report("doorplates", Doorplate.objects.count())
    factory = RequestFactory()
    box = jurisdiction_extent()
    assert box is not None
    grids = Grid.objects.count()
    say(f"grids: {grids}")

    def timed_get(view, params: dict) -> float:
        request = factory.get("/", params)
        request.user = AnonymousUser()  # the public endpoints, as the report form calls them
        start = time.perf_counter()
        response = view(request)
        json.loads(response.content)
        return time.perf_counter() - start

    for _ in range(20):  # warm the grid index, the connection and the caches of the plans
        timed_get(views.search, {"q": typed(rng.choice(roads), rng)})
        timed_get(views.reverse_lookup, {"lon": box.min_lon + 0.01, "lat": box.min_lat + 0.01})
    searches = [timed_get(views.search, {"q": typed(rng.choice(roads), rng)}) for _ in range(requests)]
    points = [
        {"lon": rng.uniform(box.min_lon, box.max_lon), "lat": rng.uniform(box.min_lat, box.max_lat)}
        for _ in range(requests)
    ]
    reverses = [timed_get(views.reverse_lookup, point) for point in points]
    figures.report("search_p50_ms", statistics.median(searches) * 1000)
    figures.report("reverse_p50_ms", statistics.median(reverses) * 1000)
    figures.report("search_p95_ms", p95_ms(searches))
    figures.report("reverse_p95_ms", p95_ms(reverses))
    return figures
