"""Demo sites (点位): about 20 per town/street, covering all 29 site types, each kept by the community it lies in;
and an open 明查 round around today for the demo inspectors."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from shapely.geometry import Point

from cases.models import Case, CaseCounter, CaseEvent, Source
from cases.tally import rebuild_case_tallies
from core.geo import distance_m, parse_boundary
from demo.addresses import PlateIndex
from demo.cases import CaseBuilder
from framework.models import MethodKind, SiteType
from framework.queries import active_edition, checklist_for
from inspections.actions import create_round, line_points
from inspections.categories import categories_for
from inspections.models import Finding, Round, RoundKind, Site, Verdict, Visit
from inspections.tally import rebuild_visit_tally
from org.models import Grid, Person, Role, Unit, UnitKind

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
        if grid.unit.parent_id is not None:  # a community's town
            by_town.setdefault(grid.unit.parent_id, []).append(grid)
    sites = []
    offset = 0
    plates = PlateIndex()
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
            address = f"{community.parent.name if community.parent else ''}{rng.choice(STREETS)}{rng.randint(1, 300)}号"
            door = plates.nearest(grid.pk, lon, lat)
            doorplate_id = None
            if door is not None:  # the site stands at a door of the registry and takes its standard address
                lon, lat, address, doorplate_id = door
            else:  # a grid without doorplates: its town and village, as a rural address is written
                address = f"{community.parent.name if community.parent else ''}{community.name}"
            sites.append(
                Site(
                    name=name,
                    site_type=site_type,
                    address=address,
                    doorplate_id=doorplate_id,
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


# --- Four quarters of finished rounds --------------------------------------------------------------

HISTORY_SEED = 4242
HISTORY_MARK = "（演示）"
OTHER_KINDS = [RoundKind.THIRD_PARTY, RoundKind.CROSS, RoundKind.REHEARSAL, RoundKind.CROSS]


def _quarter_label(day: dt.date) -> str:
    return f"{day.year}年第{(day.month - 1) // 3 + 1}季度"


def _history_plan(today: dt.date) -> list[tuple[str, str, dt.date, dt.date, int, bool]]:
    """(name, kind, starts, ends, types to sample (0 = all checked), published) for the last four quarters."""
    plan: list[tuple[str, str, dt.date, dt.date, int, bool]] = []
    for back in range(3, -1, -1):
        base = today - dt.timedelta(days=91 * back + 40)
        label = _quarter_label(base)
        plan.append(
            (f"{label}明查{HISTORY_MARK}", RoundKind.OPEN, base, base + dt.timedelta(days=6), 0, True)
        )
        secret_on = base + dt.timedelta(days=14)
        plan.append(
            (
                f"{label}暗访{HISTORY_MARK}",
                RoundKind.SECRET,
                secret_on,
                secret_on + dt.timedelta(days=4),
                8,
                back > 0,
            )
        )
        kind = OTHER_KINDS[back]
        other_on = base + dt.timedelta(days=24)
        name = f"{label}{RoundKind(kind).label.split('(')[-1].rstrip(')')}{HISTORY_MARK}"
        plan.append((name, kind, other_on, other_on + dt.timedelta(days=5), 12, True))
    return plan


class HistoryBuilder:
    """Writes what submitting the visits would have written (findings, scores, cases with their history), dated
    inside each round, with towns of different quality that improve a little each quarter."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.rng = random.Random(HISTORY_SEED)
        self.cases = CaseBuilder(now=now, count=0)  # its case walk-through, with this module's own seed
        self.cases.rng = random.Random(HISTORY_SEED + 1)
        self.cases.sequence = dict(CaseCounter.objects.values_list("year", "last"))
        self.quality = {t.pk: self.rng.uniform(0.72, 0.93) for t in Unit.objects.filter(kind=UnitKind.TOWN)}
        self.checklists: dict[int, list] = {}
        self.categories: dict[int, dict] = {}

    def lines(self, site_type: SiteType, edition) -> list:
        if site_type.pk not in self.checklists:
            items = list(checklist_for(site_type, edition))
            self.checklists[site_type.pk] = items
            self.categories[site_type.pk] = categories_for(items, site_type)
        return self.checklists[site_type.pk]

    def fill(self, round_: Round, lift: float) -> tuple[list, list, list]:
        findings, stories, visits = [], [], []
        days = (round_.ends_on - round_.starts_on).days
        for visit in round_.visits.select_related(
            "site__site_type", "site__grid__unit__parent", "site__keeper"
        ):
            site = visit.site
            items = self.lines(site.site_type, round_.edition)
            if not items:
                continue
            day = round_.starts_on + dt.timedelta(days=self.rng.randint(0, days))
            at = self.cases.working_moment(day)
            if at > self.now:
                continue
            quality = min(0.99, self.quality[site.town_id] + lift)
            stake = kept = Decimal(0)
            checked = passed = 0
            for item in items:
                points = line_points(item)
                roll = self.rng.random()
                verdict = (
                    Verdict.NOT_APPLICABLE
                    if roll < 0.05
                    else Verdict.PASS
                    if roll < 0.05 + quality * 0.95
                    else Verdict.FAIL
                )
                finding = Finding(visit=visit, check_item=item, verdict=verdict, points=points)
                if verdict != Verdict.NOT_APPLICABLE:
                    stake, checked = stake + points, checked + 1
                if verdict == Verdict.PASS:
                    kept, passed = kept + points, passed + 1
                if verdict == Verdict.FAIL:
                    finding.note = self.rng.choice(NOTES)
                    story = self.story(visit, item, finding.note, at)
                    if story is not None:
                        finding.case = story.case
                        stories.append(story)
                findings.append(finding)
            visit.status, visit.submitted_at = Visit.Status.SUBMITTED, at
            visit.lon = round(site.lon + self.rng.uniform(-0.0004, 0.0004), 6)
            visit.lat = round(site.lat + self.rng.uniform(-0.0004, 0.0004), 6)
            visit.distance_m = round(distance_m(visit.lon, visit.lat, site.lon, site.lat))
            visit.points_at_stake, visit.points_kept = stake, kept
            visit.lines_checked, visit.lines_passed = checked, passed
            visits.append(visit)
        return findings, stories, visits

    def story(self, visit: Visit, item, note: str, at: dt.datetime):
        site = visit.site
        category = self.categories[site.site_type_id].get(item.pk)
        if category is None or site.grid is None:
            return None
        story = self.cases.new_story(at, site.grid, category, (site.lon, site.lat))
        case = story.case
        case.source, case.reporter_name, case.reporter_phone = Source.INSPECTION, "", ""
        case.description = f"{site.name}（{visit.round.name}）: {item.text}\n{note}"
        case.address, case.site_name = site.address, site.name[:100]
        self.cases.live(story)
        # The keeper answers for its site: whoever the walk-through picked, the case went to the keeper.
        if case.unit_id:
            case.unit = site.keeper
        story.events = [
            (a, f, to, site.keeper if u else None, p, t, n, d) for a, f, to, u, p, t, n, d in story.events
        ]
        return story


NOTES = ["现场发现，已拍照留存", "问题较明显", "多处存在", "整改不彻底，反复出现", "已当场指出"]


@transaction.atomic
def build_demo_history(now: dt.datetime | None = None) -> int:
    """Twelve finished rounds over four quarters (明查, 暗访, and a mock/cross/third-party one each quarter) with
    results and the cases they opened. Deterministic and idempotent. Returns the number of rounds added."""
    now = now or timezone.now()
    edition = active_edition()
    admin = Person.objects.filter(username="admin").first()
    if edition is None or admin is None or not Site.objects.exists():
        return 0
    plan = _history_plan(timezone.localtime(now).date())
    if Round.objects.filter(name=plan[0][0]).exists():
        return 0
    builder = HistoryBuilder(now)
    checked_types = list(
        SiteType.objects.filter(requirement__kind=MethodKind.FIELD, requirement__criterion__edition=edition)
        .distinct()
        .order_by("sort_order")
    )
    inspectors = list(
        Person.objects.filter(role=Role.INSPECTOR, username__startswith="inspector").order_by("username")
    )
    findings, stories, rounds, visits = [], [], [], []
    for index, (name, kind, starts, ends, n_types, published) in enumerate(plan):
        types = (
            checked_types
            if not n_types
            else builder.rng.sample(checked_types, min(n_types, len(checked_types)))
        )
        round_ = create_round(
            admin,
            name=name,
            kind=kind,
            edition=edition,
            starts_on=starts,
            ends_on=ends,
            site_types=types,
            per_type_per_town=1,
            seed=HISTORY_SEED + index,
            inspectors=inspectors,
        )
        more, told, done = builder.fill(round_, lift=0.015 * (index // 3))
        findings += more
        stories += told
        visits += done
        if published:
            round_.published_at = dt.datetime.combine(
                ends + dt.timedelta(days=3), dt.time(10), tzinfo=now.tzinfo
            )
            round_.save(update_fields=["published_at"])
        rounds.append(round_)
    stories.sort(key=lambda s: s.case.reported_at)
    for story in stories:
        story.case.number = builder.cases.number(story.case.reported_at)
    Case.objects.bulk_create([s.case for s in stories], batch_size=1000)
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=s.case, action=a, from_state=f, to_state=to, unit=u, actor=p, at=at, note=n, data=d
            )
            for s in stories
            for a, f, to, u, p, at, n, d in s.events
        ],
        batch_size=2000,
    )
    rebuild_case_tallies()  # bulk_create skips Case.save and CaseEvent.save, which keep the tallies
    for year, last in builder.cases.sequence.items():
        CaseCounter.objects.update_or_create(year=year, defaults={"last": last})
    for finding in findings:
        finding.case_id = finding.case.pk if finding.case else None
    Finding.objects.bulk_create(findings, batch_size=2000)
    Visit.objects.bulk_update(visits, VISIT_FIELDS, batch_size=1000)
    rebuild_visit_tally()  # bulk_update skips submit_visit, which keeps the tally
    return len(rounds)


VISIT_FIELDS = [
    "status",
    "submitted_at",
    "lon",
    "lat",
    "distance_m",
    "points_at_stake",
    "points_kept",
    "lines_checked",
    "lines_passed",
]
