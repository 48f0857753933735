"""Several quarters of realistic cases for the demo county: every state, some overdue, reworked, returned,
extended, deferred, duplicated and relapsed.

Deterministic (seeded `random.Random`; dates count back from the day it runs, so queues look current), fast
(`bulk_create`, no photos) and idempotent (skipped when the county already has cases). The rows are what the
actions would have written: the same states, counters and history, so every screen and metric reads them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import JSONField, Max, Model
from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from cases.categories import CJT_214, load_categories
from cases.models import Case, CaseCounter, CaseEvent, Category, CategoryKind, Priority, Source, State
from cases.tally import rebuild_case_tallies
from core.workcalendar import WorkCalendar
from demo.addresses import PlateIndex
from org.models import Grid, Person, Role, Unit, UnitKind

SEED = 20261129
DAYS_BACK = 300  # a little over three quarters
A = CaseEvent.Action

DESCRIPTIONS = {
    "私搭乱建": ["居民楼顶违规搭建彩钢板房", "沿街商铺私自搭建雨棚", "小区绿地内私搭简易棚"],
    "暴露垃圾": ["路边堆放生活垃圾未清运", "垃圾桶周边散落垃圾", "绿化带内有成堆垃圾"],
    "积存垃圾渣土": ["空地积存建筑渣土", "背街小巷积存垃圾渣土"],
    "道路不洁": ["人行道有油污未清理", "路面有泥土、纸屑", "公交站台周边地面脏污"],
    "非法小广告": ["电线杆上张贴小广告", "单元门口喷涂办证小广告", "公交站牌贴满小广告"],
    "店外经营": ["饭店占用人行道摆桌经营", "水果店在店外摆摊", "五金店占道堆放货物"],
    "机动车乱停放": ["机动车占用盲道停放", "小区出入口车辆乱停"],
    "非机动车乱停放": ["共享单车无序停放堵塞人行道", "电动车在消防通道乱停"],
    "乱堆物堆料": ["楼道内堆放杂物", "沿街堆放建筑材料"],
    "沿街晾挂": ["沿街商户在护栏上晾晒衣物", "临街窗外晾挂影响市容"],
    "无照经营游商": ["流动摊贩在学校门口占道经营", "夜市游商占用车行道"],
    "露天烧烤": ["夜间露天烧烤油烟扰民", "广场周边露天烧烤"],
}
GENERIC = ["发现{name}问题，请及时处置", "群众反映此处存在{name}", "督查发现{name}，影响市容"]
ADDRESSES = [
    "人民路",
    "建设路",
    "解放路",
    "新华街",
    "文化路",
    "和平路",
    "胜利街",
    "中山路",
    "府前街",
    "东关大街",
]
SOURCES = [
    (Source.INSPECTION, 40),
    (Source.PATROL, 20),
    (Source.CITIZEN, 15),
    (Source.HOTLINE_12345, 15),
    (Source.HOTLINE_12319, 4),
    (Source.LEADER, 3),
    (Source.MEDIA, 3),
]


@dataclass
class Story:
    """One case being written, with the history it collects on the way (and where and what it is, which the
    case holds only as nullable fields)."""

    case: Case
    grid: Grid
    category: Category
    lon: float
    lat: float
    events: list[tuple] = field(default_factory=list)  # (action, from, to, unit, actor, at, note, data)

    def step(self, action, to_state, unit, actor, at, note="", data=None) -> None:
        from_state = "" if action == A.REPORT else self.case.state
        self.events.append(
            (action, from_state, to_state or self.case.state, unit, actor, at, note, data or {})
        )
        if to_state:
            self.case.state = to_state


class CaseBuilder:
    def __init__(self, now: dt.datetime | None = None, count: int = 3000) -> None:
        self.rng = random.Random(SEED)
        self.now = now or timezone.now()
        self.count = count
        self.plates: PlateIndex | None = None  # the registry's doorplates; the bulk loader goes without
        self.calendar = WorkCalendar.load()
        self.office = list(
            Person.objects.filter(role__in=[Role.INSPECTOR, Role.OFFICE_ADMIN]).order_by("username")
        )
        self.handlers: dict[int, Person] = {}
        for person in Person.objects.filter(role=Role.UNIT_HANDLER, unit__isnull=False).order_by("username"):
            if person.unit_id is not None:
                self.handlers.setdefault(person.unit_id, person)
        self.grids = list(Grid.objects.select_related("unit", "unit__parent").order_by("code"))
        self.towns = list(Unit.objects.filter(kind=UnitKind.TOWN).order_by("path"))
        self.categories = list(
            Category.objects.filter(standard_ref=CJT_214, kind=CategoryKind.EVENT, parent__isnull=False)
            .select_related("parent")
            .order_by("code")
        )
        self.weights = [8 if c.name in DESCRIPTIONS else 1 for c in self.categories]
        self.sequence: dict[int, int] = {}
        self.polygons: dict[int, BaseGeometry] = {}

    # --- building one case -----------------------------------------------------------------
    def point_in(self, grid: Grid) -> tuple[float, float]:
        if grid.pk not in self.polygons:
            self.polygons[grid.pk] = shape(grid.boundary)
        polygon = self.polygons[grid.pk]
        for _try in range(20):
            lon = self.rng.uniform(grid.min_lon, grid.max_lon)
            lat = self.rng.uniform(grid.min_lat, grid.max_lat)
            if polygon.contains(Point(lon, lat)):
                return round(lon, 6), round(lat, 6)
        return polygon.representative_point().x, polygon.representative_point().y

    def working_moment(self, day: dt.date) -> dt.datetime:
        minutes = self.rng.randint(8 * 60 + 40, 17 * 60 + 20)
        return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=self.calendar.tz)

    def number(self, at: dt.datetime) -> str:
        year = timezone.localtime(at).year
        self.sequence[year] = self.sequence.get(year, 0) + 1
        return f"{year}-{self.sequence[year]:06d}"

    def new_story(
        self,
        reported_at: dt.datetime,
        grid: Grid,
        category: Category,
        lonlat: tuple[float, float] | None = None,
    ) -> Story:
        lon, lat = lonlat or self.point_in(grid)
        return Story(self.new_case(reported_at, grid, category, lon, lat), grid, category, lon, lat)

    def new_case(
        self, reported_at: dt.datetime, grid: Grid, category: Category, lon: float, lat: float
    ) -> Case:
        texts = DESCRIPTIONS.get(category.name) or [text.format(name=category.name) for text in GENERIC]
        address = f"{grid.unit.parent.name if grid.unit.parent else ''}{self.rng.choice(ADDRESSES)}{self.rng.randint(1, 300)}号"
        if self.plates is not None:  # addresses as the registry gives them (the bulk loader keeps its draw)
            door = self.plates.nearest(grid.pk, lon, lat)
            town = grid.unit.parent.name if grid.unit.parent else ""
            address = f"{town}{grid.unit.name}"  # a grid without doorplates: its town and village
            if door is not None:  # reported at a door of the registry: the address a map pick would fill
                lon, lat, address = door[0], door[1], f"{door[2]}附近"
        source = self.rng.choices([s for s, _w in SOURCES], [w for _s, w in SOURCES])[0]
        citizen = source in {Source.CITIZEN, Source.HOTLINE_12345, Source.HOTLINE_12319}
        return Case(
            number="",
            source=source,
            description=self.rng.choice(texts),
            address=address,
            lon=lon,
            lat=lat,
            grid=grid,
            category=category,
            category_ref=category.standard_ref,
            category_code=category.code,
            category_name=category.name,
            priority=self.rng.choices([Priority.NORMAL, Priority.HIGH, Priority.URGENT], [85, 12, 3])[0],
            reporter_name="市民" if citizen else "",
            reporter_phone=f"13{self.rng.randint(100000000, 999999999)}" if citizen else "",
            reported_at=reported_at,
            state=State.REPORTED,
        )

    def live(self, story: Story) -> None:
        """Walk the case through the loop until the next step would be in the future."""
        case, grid, rng, now = story.case, story.grid, self.rng, self.now
        office = rng.choice(self.office) if self.office else None
        t = case.reported_at
        story.step(A.REPORT, None, None, office, t)
        t = self.on_duty(t + dt.timedelta(hours=rng.expovariate(1 / 8)))  # accepted within a day or so
        if t > now:
            return
        roll = rng.random()
        if roll < 0.04:
            case.closed_at = t
            story.step(A.REJECT, State.REJECTED, None, office, t, "不属于城市管理问题，不予立案")
            return
        story.step(A.ACCEPT, State.ACCEPTED, None, office, t)
        unit = grid.unit if rng.random() < 0.7 else grid.unit.parent or grid.unit
        if rng.random() < 0.06:  # dispatched to the wrong town first, returned
            wrong = rng.choice([town for town in self.towns if town.pk != (grid.unit.parent_id or 0)])
            t = self.dispatch(story, wrong, office, t + dt.timedelta(minutes=rng.randint(5, 90)))
            t = self.on_duty(t + dt.timedelta(hours=rng.uniform(1, 20)))
            if t > now:
                return
            case.return_count += 1
            story.step(
                A.RETURN, State.RETURNED, wrong, self.handlers.get(wrong.pk), t, "该点位不在本单位辖区"
            )
        t = self.dispatch(story, unit, office, t + dt.timedelta(hours=rng.expovariate(1 / 3)))
        if t > now:
            return
        dispatched_at, deadline = t, case.deadline
        assert deadline is not None  # dispatch set it: the dispatch is not in the future
        if rng.random() < 0.02:
            case.resume_state = case.state
            story.step(
                A.DEFER, State.DEFERRED, unit, office, t + dt.timedelta(hours=2), "需结合道路改造工程一并实施"
            )
            return
        handler = self.handlers.get(unit.pk)
        started = self.on_duty(t + dt.timedelta(minutes=rng.randint(10, 300)))
        story.step(A.START, State.RECTIFYING, unit, handler, started)
        span = (deadline - dispatched_at).total_seconds()
        if rng.random() < 0.04:  # stalled: the unit never reports back (overdue once the deadline passes)
            return
        if rng.random() < 0.05:
            until = self.calendar.add_working_days(deadline, 5)
            at = self.on_duty(dispatched_at + dt.timedelta(seconds=span * 0.5))
            if at > now:
                return
            story.step(
                A.REQUEST_EXTENSION, None, unit, handler, at, "需协调机械设备", {"until": until.isoformat()}
            )
            story.step(
                A.APPROVE_EXTENSION,
                None,
                unit,
                office,
                self.on_duty(at + dt.timedelta(hours=3)),
                "",
                {"until": until.isoformat()},
            )
            case.deadline, case.extension_count, deadline = until, 1, until
            span = (deadline - dispatched_at).total_seconds()
        rounds = 0
        while True:
            late = rng.random() < 0.15
            t = dispatched_at + dt.timedelta(
                seconds=span * rng.uniform(1.05, 2.5) if late else span * rng.uniform(0.2, 0.95)
            )
            if rounds:
                t = max(t, story.events[-1][5] + dt.timedelta(hours=rng.uniform(2, 30)))
            t = self.on_duty(t)
            if t > now:
                return
            submitted = case.submitted_at = t
            case.submit_count += 1
            story.step(A.REPORT_BACK, State.SUBMITTED, unit, handler, t, "已按要求整改完毕")
            t = self.on_duty(t + dt.timedelta(hours=rng.uniform(1, 72)))
            if t > now:
                return
            if rounds < 2 and rng.random() < 0.12:
                case.rework_count += 1
                rounds += 1
                story.step(A.REWORK, State.RECTIFYING, unit, office, t, "复查仍有遗留问题，请彻底整改")
                continue
            case.closed_at = t
            case.closed_on_time = submitted <= deadline
            hours = self.calendar.working_time_between(dispatched_at, submitted).total_seconds() / 3600
            case.handling_hours = round(hours, 2)
            story.step(A.VERIFY, State.CLOSED, unit, office, t, "现场核查已整改到位")
            return

    def on_duty(self, moment: dt.datetime) -> dt.datetime:
        """A working moment at or after `moment`: offices and units act in working hours, not all at 08:30."""
        begin, end = next(self.calendar.working_periods(moment))
        if begin <= moment:
            return begin
        return begin + (end - begin) * self.rng.uniform(0, 0.6)

    def dispatch(self, story: Story, unit: Unit, office, t: dt.datetime) -> dt.datetime:
        t = self.on_duty(t)
        if t > self.now:  # not dispatched yet: it waits in the office's queue
            return t
        case = story.case
        amount, deadline_unit = story.category.deadline()
        case.unit, case.dispatched_at = unit, t
        case.first_dispatched_at = case.first_dispatched_at or t
        case.deadline = self.calendar.due_at(t, amount, deadline_unit)
        story.step(A.DISPATCH, State.DISPATCHED, unit, office, t, "", {"deadline": case.deadline.isoformat()})
        return t

    # --- the whole set ---------------------------------------------------------------------
    def stories(self, max_extra: int | None = None) -> list[Story]:
        today = timezone.localtime(self.now).date()
        days = [today - dt.timedelta(days=n) for n in range(DAYS_BACK, -1, -1)]
        workdays = [d for d in days if self.calendar.is_workday(d)]
        stories = []
        for _index in range(self.count):
            # A quarter of the cases in the last two weeks, so the queues look like a working office's.
            day = self.rng.choice(workdays[-10:] if self.rng.random() < 0.25 else workdays)
            reported = self.working_moment(day)
            if reported > self.now:
                reported = self.now - dt.timedelta(minutes=self.rng.randint(5, 600))
            grid = self.rng.choice(self.grids)
            category = self.rng.choices(self.categories, self.weights)[0]
            story = self.new_story(reported, grid, category)
            self.live(story)
            stories.append(story)
        extra = self.relapses(stories) + self.duplicates(stories)
        stories += extra if max_extra is None else extra[:max_extra]
        stories.sort(key=lambda s: s.case.reported_at)
        for story in stories:
            story.case.number = self.number(story.case.reported_at)
        return stories

    def relapses(self, stories: list[Story]) -> list[Story]:
        """A few closed problems come back at the same spot within 30 days."""
        extra = []
        closed = [s for s in stories if s.case.state == State.CLOSED]
        for origin in self.rng.sample(closed, k=min(len(closed) // 30, 80)):
            if origin.case.closed_at is None:
                continue
            again_at = origin.case.closed_at + dt.timedelta(days=self.rng.uniform(2, 25))
            if again_at > self.now:
                continue
            story = self.new_story(again_at, origin.grid, origin.category, (origin.lon, origin.lat + 0.0001))
            story.case.relapse_of = origin.case
            self.live(story)
            data = {"origin": "relapse"}
            story.events.insert(
                1, (A.RELAPSE, State.REPORTED, State.REPORTED, None, None, again_at, "", data)
            )
            origin.events.append((A.RELAPSE, State.CLOSED, State.CLOSED, None, None, again_at, "", data))
            extra.append(story)
        return extra

    def duplicates(self, stories: list[Story]) -> list[Story]:
        """Some problems are reported twice; the office merged most, a few still wait in the queue."""
        extra = []
        open_ones = [s for s in stories if s.case.state in {State.DISPATCHED, State.RECTIFYING}]
        for original in self.rng.sample(open_ones, k=min(len(open_ones) // 10, 30)):
            at = original.case.reported_at + dt.timedelta(hours=self.rng.uniform(1, 20))
            if at > self.now:
                continue
            lonlat = (original.lon + 0.0002, original.lat)
            story = self.new_story(at, original.grid, original.category, lonlat)
            story.step(A.REPORT, None, None, None, at)
            if self.rng.random() < 0.7:
                story.case.duplicate_of, story.case.closed_at = original.case, at + dt.timedelta(hours=1)
                story.step(
                    A.MARK_DUPLICATE,
                    State.DUPLICATE,
                    None,
                    self.office[0] if self.office else None,
                    at + dt.timedelta(hours=1),
                )
                original.events.append(
                    (A.MERGE, original.case.state, original.case.state, None, None, at, "", {})
                )
            extra.append(story)
        return extra

    @transaction.atomic
    def build(self) -> int:
        stories = self.stories()
        self.write(stories)
        self.save_counters()
        rebuild_case_tallies()  # the rows were copied, not saved: the tally is counted from them
        return len(stories)

    def write(self, stories: list[Story]) -> None:
        """Cases then their history: COPY with ids drawn ahead on PostgreSQL, bulk_create elsewhere."""
        cases = [s.case for s in stories]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [Case._meta.db_table, len(cases)],
                )
                for case, (pk,) in zip(cases, cursor.fetchall(), strict=True):
                    case.pk = pk
            for case in cases:  # the links were assigned before their targets had ids
                case.relapse_of_id = case.relapse_of.pk if case.relapse_of else None
                case.duplicate_of_id = case.duplicate_of.pk if case.duplicate_of else None
            copy_rows(Case, cases)
        else:
            # Relapse/duplicate links point at cases not saved yet: save in order, then set the links.
            links = [(c, c.relapse_of, c.duplicate_of) for c in cases]
            for case, _r, _d in links:
                case.relapse_of = case.duplicate_of = None
            Case.objects.bulk_create(cases, batch_size=1000)
            for case, relapse_of, duplicate_of in links:
                case.relapse_of, case.duplicate_of = relapse_of, duplicate_of
            Case.objects.bulk_update(
                [c for c, r, d in links if r or d], ["relapse_of", "duplicate_of"], batch_size=1000
            )
        if connection.vendor == "postgresql":  # plain tuples: a million events need no model instances
            columns = [
                "case_id",
                "action",
                "from_state",
                "to_state",
                "unit_id",
                "actor_id",
                "at",
                "note",
                "data",
            ]
            rows = (
                (s.case.pk, a, f, to, u.pk if u else None, p.pk if p else None, at, n, json.dumps(d))
                for s in stories
                for a, f, to, u, p, at, n, d in s.events
            )
            copy_tuples(CaseEvent._meta.db_table, columns, rows)
            return
        events = [
            CaseEvent(
                case=s.case, action=a, from_state=f, to_state=to, unit=u, actor=p, at=at, note=n, data=d
            )
            for s in stories
            for a, f, to, u, p, at, n, d in s.events
        ]
        CaseEvent.objects.bulk_create(events, batch_size=2000)

    def save_counters(self) -> None:
        for year, last in self.sequence.items():
            CaseCounter.objects.update_or_create(year=year, defaults={"last": last})


def copy_tuples(table: str, columns: list[str], rows: Iterable[Sequence[object]]) -> None:
    """PostgreSQL's COPY (ten times faster than INSERTs at a million rows); psycopg adapts the values."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def copy_rows(model: type[Model], rows: Sequence[Model]) -> None:
    """COPY of model instances: every concrete column (the id too when set), JSON dumped, auto_now stamped."""
    if not rows:
        return
    now = timezone.now()
    with_pk = rows[0].pk is not None
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    stamped = {
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    as_json = {f.attname for f in fields if isinstance(f, JSONField)}

    def value(row: Model, name: str) -> object:
        if name in stamped:
            return getattr(row, name) or now
        if name in as_json:
            return json.dumps(getattr(row, name), ensure_ascii=False)
        return getattr(row, name)

    names = [f.attname for f in fields]
    copy_tuples(
        model._meta.db_table, [f.column for f in fields], ([value(r, n) for n in names] for r in rows)
    )


def build_many_cases(
    total: int,
    now: dt.datetime | None = None,
    batch: int = 20_000,
    progress: Callable[[int], None] = lambda added: None,
) -> int:
    """Add cases until the county has `total` (for benchmarks: `chuangwen demo --cases 1000000`).

    The same stories as the demo's 3,000 (every state, history, reworks, returns, relapses, duplicates), written
    in batches of `batch` cases, each batch one transaction (COPY on PostgreSQL), so memory stays flat and an
    interrupted run keeps what it wrote; running it again tops up to `total`. Numbers continue the counters.
    """
    existing = Case.objects.count()
    if existing >= total:
        return 0
    builder = CaseBuilder(now=now)
    builder.rng = random.Random(SEED + existing)  # a different but repeatable draw for each starting point
    builder.sequence = dict(CaseCounter.objects.values_list("year", "last"))
    added = 0
    while added < total - existing:
        remaining = total - existing - added
        builder.count = min(batch, remaining)
        with transaction.atomic():
            stories = builder.stories(max_extra=remaining - builder.count)
            builder.write(stories)
            builder.save_counters()
        added += len(stories)
        progress(added)
    rebuild_case_tallies()  # once at the end: a count per batch would read the growing table fifty times
    return added


def demo_cases_loaded() -> bool:
    return Case.objects.exists()


def build_demo_cases(count: int = 3000, now: dt.datetime | None = None) -> int:
    """Load the categories, give a few their default units, then write `count` cases (plus relapses, duplicates)."""
    load_categories()
    street_order = Unit.objects.filter(kind=UnitKind.DEPARTMENT, name="县综合行政执法局").first()
    if street_order:
        Category.objects.filter(standard_ref=CJT_214, kind=CategoryKind.EVENT, code__in=["05", "02"]).update(
            default_unit=street_order
        )
    if Case.objects.aggregate(n=Max("pk"))["n"]:
        return 0
    builder = CaseBuilder(now=now, count=count)
    builder.plates = PlateIndex()
    return builder.build()
