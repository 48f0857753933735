"""Demo sites (点位): about 20 per town/street, covering all 29 site types, each kept by the community it lies in;
and an open 明查 round around today for the demo inspectors."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from shapely.geometry import Point

from core.geo import parse_boundary
from framework.models import MethodKind, SiteType
from framework.queries import active_edition
from inspections.actions import create_round
from inspections.models import Round, RoundKind, Site
from org.models import Grid, Person, Role, UnitKind

SEED = 55
SITES_PER_TOWN = 20
STREETS = ["人民路", "解放路", "建设路", "文化路", "和平街", "胜利街", "新华路", "朝阳路"]


def demo_sites_loaded() -> bool:
    return Site.objects.exists()


def _point_in(grid: Grid, rng: random.Random) -> tuple[float, float]:
    """A random point well inside the grid cell (so the grid found for it is this one)."""
    shape = parse_boundary(grid.boundary)
    inner = shape.buffer(-0.0005) if shape.buffer(-0.0005).area > 0 else shape
    min_lon, min_lat, max_lon, max_lat = inner.bounds
    for _ in range(20):
        lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
        if inner.contains(Point(lon, lat)):
            return round(lon, 6), round(lat, 6)
    point = shape.representative_point()
    return round(point.x, 6), round(point.y, 6)


@transaction.atomic
def build_demo_sites() -> int:
    """Deterministic and idempotent: nothing happens when sites exist."""
    if demo_sites_loaded():
        return 0
    rng = random.Random(SEED)
    types = list(SiteType.objects.filter(active=True).order_by("sort_order", "code"))
    grids = list(
        Grid.objects.select_related("unit__parent").filter(unit__kind=UnitKind.COMMUNITY).order_by("code")
    )
    by_town: dict[int, list[Grid]] = {}
    for grid in grids:
        by_town.setdefault(grid.unit.parent_id, []).append(grid)
    sites = []
    offset = 0
    for town_grids in by_town.values():
        names: set[str] = set()
        for i in range(SITES_PER_TOWN):
            site_type = types[(offset + i) % len(types)]  # every type appears, spread over the towns
            grid = rng.choice(town_grids)
            community = grid.unit
            base = f"{community.name}{site_type.name.split('(')[0].split('（')[0]}"
            name, n = base, 2
            while name in names:
                name, n = f"{base}{n}", n + 1
            names.add(name)
            lon, lat = _point_in(grid, rng)
            sites.append(
                Site(
                    name=name,
                    site_type=site_type,
                    address=f"{community.parent.name}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                    lon=lon,
                    lat=lat,
                    grid=grid,
                    town=community.parent,
                    keeper=community,
                )
            )
        offset += SITES_PER_TOWN
    Site.objects.bulk_create(sites)
    return len(sites)


ROUND_NAME = "本月明查（演示）"


@transaction.atomic
def build_demo_round(today: dt.date | None = None) -> Round | None:
    """An open 明查 round around today: one site per checked type per town, shared among the inspectors."""
    edition = active_edition()
    admin = Person.objects.filter(username="admin").first()
    if edition is None or admin is None or Round.objects.filter(name=ROUND_NAME).exists():
        return None
    today = today or timezone.localdate()
    checked_types = SiteType.objects.filter(
        requirement__kind=MethodKind.FIELD, requirement__criterion__edition=edition
    ).distinct()
    return create_round(
        admin,
        name=ROUND_NAME,
        kind=RoundKind.OPEN,
        edition=edition,
        starts_on=today - dt.timedelta(days=2),
        ends_on=today + dt.timedelta(days=12),
        site_types=checked_types,
        per_type_per_town=1,
        seed=2026,
        inspectors=Person.objects.filter(role=Role.INSPECTOR, username__startswith="inspector").order_by(
            "username"
        ),
    )
