"""Live work for today, so that every demo login opens on something to do (issue 15.6).

The rest of the demo is history written row by row; today's work is made the way the county would make it, through
the domains' actions, so every step tells whoever it hands work to (the inboxes fill as they would):

- each town, each community of town 01 and each department gets a new case (dispatched now), one due today
  (started; 领导督办 in towns 01–04), one overdue past the escalation delay and chased twice (催办), and one sent
  back for rework; the office gets a report to accept and a report-back to verify from each town;
- the pressure tick then marks what is overdue and escalates to the unit heads;
- inspectors without a visit left in a round open today get a new 明查 round of their own;
- the surveyors get this week's street survey (街头拦访) with quotas in town 01's communities.

Idempotent per day: a second run on the same day adds nothing; a run on a later day adds that day's work.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from auditlog.context import disable_auditlog
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from cases import actions as case_actions
from cases.categories import CJT_214
from cases.models import Case, CaseEvent, Category, CategoryKind, Source
from cases.pressure import run_tick
from demo.cases import DESCRIPTIONS
from framework.models import MethodKind, SiteType
from framework.queries import active_edition
from inspections.actions import create_round
from inspections.models import RoundKind, Visit
from notify.models import Delivery
from org.models import Grid, Person, Role, Unit, UnitKind
from surveys import actions as survey_actions
from surveys.models import Questionnaire, SurveyRun

SEED = 20261202
CATEGORY_NAMES = ["暴露垃圾", "非法小广告", "店外经营", "机动车乱停放", "道路不洁", "乱堆物堆料"]
ADDRESSES = ["人民路", "建设路", "解放路", "新华街", "文化路", "和平路"]
SUPERVISED_TOWNS = 4  # 领导督办 on the due-today case of the first towns


def mark(case: Case, today: dt.date) -> None:
    """Marks the case's report row as made for `today` (out of sight): how a later run knows the day is done."""
    report = case.events.get(action=CaseEvent.Action.REPORT)
    report.data = {**report.data, "demo_today": today.isoformat()}
    report.save(update_fields=["data"])


def _jpeg(rng: random.Random) -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 360), (rng.randint(90, 200), rng.randint(120, 220), rng.randint(90, 200)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return SimpleUploadedFile("整改后.jpg", out.getvalue(), content_type="image/jpeg")


class TodayBuilder:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.today = timezone.localtime(now).date()
        self.rng = random.Random(SEED + self.today.toordinal())
        self.admin = Person.objects.get(username="admin")
        self.inspector = Person.objects.get(username="inspector1")
        self.leader = Person.objects.filter(role=Role.LEADER, is_active=True).order_by("username").first()
        self.categories = list(
            Category.objects.filter(
                standard_ref=CJT_214, kind=CategoryKind.EVENT, name__in=CATEGORY_NAMES, parent__isnull=False
            ).order_by("code")
        )

    # --- one case ------------------------------------------------------------------------------
    def grid_for(self, unit: Unit) -> Grid:
        """A grid of the unit (a community's own, a town's communities'), else the county's first (departments)."""
        grids = Grid.objects.order_by("code")
        grid = (
            grids.filter(unit__path__startswith=unit.path).first()
            if unit.kind != UnitKind.DEPARTMENT
            else None
        )
        found = grid or grids.first()
        assert found is not None  # the demo county tiles the county with grids
        return found

    def open(self, unit: Unit) -> Case:
        """A problem found by an inspector somewhere in the unit's grid, described as the demo's cases are."""
        grid = self.grid_for(unit)
        category = self.rng.choice(self.categories) if self.categories else None
        name = category.name if category else "市容问题"
        margin_lon, margin_lat = (grid.max_lon - grid.min_lon) / 5, (grid.max_lat - grid.min_lat) / 5
        case = case_actions.open_case(
            self.inspector,
            source=Source.INSPECTION,
            description=self.rng.choice(DESCRIPTIONS.get(name, [f"督查发现{name}，请及时处置"])),
            category=category,
            lon=round(self.rng.uniform(grid.min_lon + margin_lon, grid.max_lon - margin_lon), 6),
            lat=round(self.rng.uniform(grid.min_lat + margin_lat, grid.max_lat - margin_lat), 6),
            address=f"{self.rng.choice(ADDRESSES)}{self.rng.randint(1, 200)}号",
        )
        mark(case, self.today)
        return case

    def dispatched(self, unit: Unit, deadline: dt.datetime) -> Case:
        return case_actions.dispatch_case(self.admin, self.open(unit), unit=unit, deadline=deadline)

    # --- the stories of a unit -----------------------------------------------------------------
    def unit_day(self, unit: Unit, handler: Person, supervise: bool) -> None:
        now = self.now
        tonight = timezone.localtime(now).replace(hour=23, minute=59, second=0, microsecond=0)
        self.dispatched(unit, now + dt.timedelta(days=3))
        due = self.dispatched(unit, now + (tonight - now) / 2)
        if supervise and self.leader is not None:
            due = case_actions.supervise_case(self.leader, due, "今天下班前办结，办结后报我")
        case_actions.start_rectifying(handler, due, "已安排人员处置")
        self.overdue(unit, handler)
        back = self.dispatched(unit, now + dt.timedelta(days=2))
        back = case_actions.report_back(handler, back, "已清理完毕", [_jpeg(self.rng)])
        case_actions.rework_case(self.admin, back, "复核发现仍未清理干净，请返工")

    def overdue(self, unit: Unit, handler: Person) -> None:
        """Dispatched four days ago with a deadline two days ago (the history says so), chased twice since."""
        case = self.dispatched(unit, self.now + dt.timedelta(days=1))
        case = case_actions.start_rectifying(handler, case)
        dispatched_at = self.now - dt.timedelta(days=4)
        case.dispatched_at = case.first_dispatched_at = dispatched_at
        case.reported_at = dispatched_at - dt.timedelta(hours=2)
        case.deadline = self.now - dt.timedelta(days=2)
        # Through save, so the cohort and held-case tallies follow the backdated dispatch and deadline (the demo's
        # staging, not a change anyone made: no audit entry).
        with disable_auditlog():
            case.save(update_fields=["dispatched_at", "first_dispatched_at", "reported_at", "deadline"])
        for event in case.events.all():
            if event.action == CaseEvent.Action.REPORT:
                event.at = dispatched_at - dt.timedelta(hours=2)
            else:
                event.at = dispatched_at + dt.timedelta(
                    hours=1 if event.action == CaseEvent.Action.START else 0
                )
            if event.action == CaseEvent.Action.DISPATCH:
                event.data = {**event.data, "deadline": (self.now - dt.timedelta(days=2)).isoformat()}
            event.save(update_fields=["at", "data"])
        case.refresh_from_db()
        case = case_actions.urge_case(self.admin, case, "已超期，请立即处理")
        case_actions.urge_case(self.admin, case, "再次催办：今日内反馈")

    def office_day(self, town: Unit, handler: Person) -> None:
        """A report to accept, and a report-back to verify."""
        self.open(town)
        case = self.dispatched(town, self.now + dt.timedelta(days=2))
        case_actions.report_back(handler, case, "已整改，请核查", [_jpeg(self.rng)])

    # --- everyone ---------------------------------------------------------------------------------
    def units(self) -> list[tuple[Unit, Person]]:
        """(unit, its first handler) for every town, the communities of town 01 and every department."""
        handlers: dict[int, Person] = {}
        for person in Person.objects.filter(role=Role.UNIT_HANDLER, is_active=True).order_by("username"):
            if person.unit_id is not None:
                handlers.setdefault(person.unit_id, person)
        towns = list(Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("path"))
        chosen = towns[:]
        if towns:
            chosen += Unit.objects.filter(kind=UnitKind.COMMUNITY, parent=towns[0], is_active=True).order_by(
                "path"
            )
        chosen += Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True).order_by("path")
        return [(unit, handlers[unit.pk]) for unit in chosen if unit.pk in handlers]

    def cases(self) -> int:
        units = self.units()
        for index, (unit, handler) in enumerate(units):
            with transaction.atomic():
                self.unit_day(
                    unit, handler, supervise=unit.kind == UnitKind.TOWN and index < SUPERVISED_TOWNS
                )
                if unit.kind == UnitKind.TOWN:
                    self.office_day(unit, handler)
        return len(units)

    def inspections(self) -> int:
        """A round of their own for the inspectors with no visit left in a round open today."""
        edition = active_edition()
        inspectors = Person.objects.filter(
            role=Role.INSPECTOR, username__startswith="inspector", is_active=True
        )
        busy = (
            Visit.objects.filter(round__starts_on__lte=self.today, round__ends_on__gte=self.today)
            .exclude(status=Visit.Status.SUBMITTED)
            .values("inspector")
        )
        idle = list(inspectors.exclude(pk__in=busy).order_by("username"))
        if edition is None or not idle:
            return 0
        types = SiteType.objects.filter(
            requirement__kind=MethodKind.FIELD, requirement__criterion__edition=edition
        ).distinct()
        create_round(
            self.admin,
            name=f"本周明查（演示 {self.today:%m-%d}）",
            kind=RoundKind.OPEN,
            edition=edition,
            starts_on=self.today,
            ends_on=self.today + dt.timedelta(days=6),
            site_types=types,
            per_type_per_town=1,
            seed=SEED + self.today.toordinal(),
            inspectors=idle,
        )
        return len(idle)

    def surveys(self) -> None:
        """This week's street survey in town 01's communities, with every surveyor on it (each is told)."""
        questionnaire = Questionnaire.objects.filter(group_code="A").order_by("pk").first()
        surveyors = list(Person.objects.filter(role=Role.SURVEYOR, is_active=True).order_by("username"))
        town = Unit.objects.filter(kind=UnitKind.TOWN).order_by("path").first()
        if questionnaire is None or not surveyors or town is None:
            return
        run = survey_actions.save_run(
            self.admin,
            None,
            [questionnaire],
            name=f"街头拦访（演示 {self.today:%m-%d}）",
            starts_on=self.today,
            ends_on=self.today + dt.timedelta(days=6),
            status=SurveyRun.Status.OPEN,
        )
        communities = list(Unit.objects.filter(kind=UnitKind.COMMUNITY, parent=town).order_by("path"))
        survey_actions.set_quotas(self.admin, run, communities, 12)
        survey_actions.assign_surveyors(self.admin, run, surveyors)


def demo_today_loaded(today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return CaseEvent.objects.filter(
        action=CaseEvent.Action.REPORT, data__demo_today=today.isoformat()
    ).exists()


def build_demo_today(now: dt.datetime | None = None) -> int:
    """Today's live work (see the module); returns the number of units given cases, 0 when today's is there."""
    now = now or timezone.now()
    if (
        demo_today_loaded(timezone.localtime(now).date())
        or not Person.objects.filter(username="admin").exists()
    ):
        return 0
    with transaction.atomic():
        # The messages land in the inboxes; no SMS, email or robot message goes to the demo's fictional addresses
        # (as with the demo's materials): the day's deliveries are dropped before they leave, at commit.
        last_delivery = Delivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        builder = TodayBuilder(now)
        units = builder.cases()
        builder.inspections()
        builder.surveys()
        run_tick(now)  # what the beat would do next: overdue marks, escalations to the heads
        Delivery.objects.filter(pk__gt=last_delivery, status=Delivery.Status.PENDING).delete()
    return units
