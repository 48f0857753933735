"""What each person sees first: the work waiting for them today, as counts that open the right list."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.access import cases_for
from cases.models import Case, State
from cases.queries import (
    QUEUE_LABELS,
    office_queues,
    overdue_by_town,
    overdue_by_unit,
    overdue_q,
    queue_counts,
    unit_metrics,
    unit_queues,
)
from core.geo import distance_m
from core.periods import period_bounds
from framework.access import task_units_for
from framework.models import TaskUnit
from inspections.access import is_inspector
from inspections.models import Visit
from inspections.queries import work_list
from materials.access import can_see_overview, requests_for
from materials.queries import office_cards
from org.models import Person, Role, Unit, UnitKind
from scoring.access import publications_for
from scoring.engine import PeriodFacts, compute_sheet
from scoring.queries import latest_publications, live_scheme
from surveys.access import runs_for
from surveys.models import SurveyRun
from surveys.queries import FieldDay, field_day, rates

# The brief is as fresh as the dashboard's panels.
BRIEF_CACHE_SECONDS = 60


def _today_bounds() -> tuple[dt.datetime, dt.datetime]:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def case_cards(person: Person) -> list[dict]:
    cases = cases_for(person)
    queues = office_queues() if person.sees_everything() else unit_queues()
    counts = queue_counts(cases, queues)
    url = reverse("cases:list")
    urgent = {"overdue", "to_accept", "due_soon", "rework"}
    return [
        {
            "label": QUEUE_LABELS[name],
            "count": counts[name],
            "url": f"{url}?queue={name}",
            "tone": "danger" if name in urgent and counts[name] else "secondary",
        }
        for name in queues
    ]


def due_today(person: Person, limit: int = 10):
    """Cases the person's units must finish today, earliest deadline first."""
    start, end = _today_bounds()
    return (
        cases_for(person)
        .filter(unit_queues()["to_rectify"], deadline__gte=start, deadline__lt=end)
        .select_related("unit")
        .order_by("deadline")[:limit]
    )


def open_tasks(person: Person) -> QuerySet[TaskUnit]:
    if person.unit_id is None:
        return TaskUnit.objects.none()
    return (
        task_units_for(person)
        .filter(unit_id=person.unit_id, progress__in=TaskUnit.OPEN_PROGRESS)
        .select_related("task__criterion", "task__node")
        .order_by("task__deadline")[:10]
    )


def open_runs(person: Person):
    return runs_for(person).filter(status=SurveyRun.Status.OPEN).order_by("ends_on")[:5]


def leader_brief() -> dict:
    """The brief as of at most a minute ago, like the dashboard: the office's and leaders' home pages would
    otherwise score every town on each visit."""
    brief = cache.get_or_set(f"leader-brief:{get_language()}", _leader_brief, BRIEF_CACHE_SECONDS)
    assert isinstance(
        brief, dict
    )  # what _leader_brief made (the stubs type the cache's answer as maybe None)
    return brief


def _leader_brief(list_size: int = 3) -> dict:
    """What a leader asks first: where the towns stand, how problems are handled, which survey rates miss.

    All figures are live (computed from the facts), so they can differ from the last published sheet.
    """
    # The kept held cases and this month's down their index (cases.queries.overdue_by_unit), as the 大屏 counts.
    brief: dict = {"overdue": sum(overdue_by_unit().values())}
    brief["overdue_towns"] = overdue_by_town(list_size)
    scheme = live_scheme(UnitKind.TOWN)
    if scheme is not None:
        facts = PeriodFacts(scheme.period)  # the period facts the sheet and the rates below share
        sheet = compute_sheet(scheme, facts)
        brief["scheme"] = scheme
        brief["top"] = sheet[:list_size]
        brief["bottom"] = list(reversed(sheet[-list_size:])) if len(sheet) > list_size else []
        if scheme.target_total is not None:
            brief["below_target"] = sum(1 for row in sheet if row.total < scheme.target_total)
        metrics = facts.case_metrics().values()
        due = sum(m.due for m in metrics)
        brief["due"] = due
        brief["close_rate"] = sum(m.closed for m in metrics) / due if due else None
        brief["on_time_rate"] = sum(m.closed_on_time for m in metrics) / due if due else None
    # The latest run with answers: a run just started (no answers yet) has no rates to brief on.
    answered = SurveyRun.objects.exclude(status=SurveyRun.Status.DRAFT).filter(responses__isnull=False)
    run = answered.order_by("-starts_on", "-pk").first()
    if run is not None:
        rows = [row for row in rates(run, run.responses.all()) if row.rate.target is not None]
        brief["run"] = run
        brief["rates_missed"] = sorted(
            (row for row in rows if row.rate.status != "met"),
            key=lambda r: r.rate.value - float(r.rate.target or 0),  # every row here has a target
        )[:list_size]
        brief["rates_total"] = len(rows)
        brief["rates_met"] = sum(1 for row in rows if row.rate.status == "met")
    return brief


LISTED = 8  # rows per list on a home page; each list links to the full queue


def unit_work(person: Person, now: dt.datetime | None = None) -> list[dict]:
    """A unit person's cases to act on today: due today, overdue, sent back for rework, new (dispatched in the
    last day), each row a tap to the case; 领导督办 first in each."""
    now = now or timezone.now()
    _start, end = _today_bounds()
    held = cases_for(person).filter(state__in=Case.UNIT_STATES).select_related("unit")
    lists = [
        ("new", _("New"), held.filter(state=State.DISPATCHED, dispatched_at__gte=now - dt.timedelta(days=1))),
        ("rework", _("Sent back for rework"), held.filter(rework_count__gt=0, state=State.RECTIFYING)),
        ("due_today", _("Due today"), held.filter(deadline__gte=now, deadline__lt=end)),
        ("overdue", _("Overdue"), held.filter(deadline__lt=now)),
    ]
    supervised_first = F("supervised_at").asc(nulls_last=True)
    return [
        {"name": name, "label": label, "cases": list(cases.order_by(supervised_first, "deadline")[:LISTED])}
        for name, label, cases in lists
    ]


def todays_visits(
    person: Person, near: tuple[float, float] | None = None
) -> list[tuple[Visit, float | None]]:
    """An inspector's visits still to make in rounds open today, each with how far it is (metres) when the phone
    shares where it is, and then nearest first."""
    visits = [visit for visit in work_list(person) if not visit.is_submitted()]
    if near is None:
        return [(visit, None) for visit in visits[: LISTED * 2]]
    lon, lat = near
    far = sorted(
        ((visit, distance_m(lon, lat, visit.site.lon, visit.site.lat)) for visit in visits), key=_second
    )
    return list(far[: LISTED * 2])


def _second(pair: tuple[Visit, float]) -> float:
    return pair[1]


def field_days(person: Person) -> list[FieldDay]:
    """A surveyor's runs open today: today's share, done so far, and the next respondent to find."""
    today = timezone.localdate()
    runs = person.survey_runs.filter(status=SurveyRun.Status.OPEN, starts_on__lte=today, ends_on__gte=today)
    return [field_day(run, person, today) for run in runs.order_by("ends_on")[:3]]


def unit_standing(person: Person, unit: Unit) -> dict:
    """Where a unit stands: its rank on the latest score sheet published to it (units never see live scores) and
    its own handling figures (结案率, 按期结案率, 催办次数) for the current period, else the last 90 days."""
    standing: dict = {}
    published = latest_publications(unit.kind, publications_for(person))
    if published:
        publication = published[-1]
        row = next((r for r in publication.sheet if r.get("unit_id") == unit.pk), None)
        if row is not None:
            standing.update(
                publication=publication, rank=row["rank"], total=row["total"], of=len(publication.sheet)
            )
    scheme = live_scheme(unit.kind)
    if scheme is not None:
        start, end = period_bounds(scheme.period)
    else:
        end = timezone.now()
        start = end - dt.timedelta(days=90)
    metrics = unit_metrics(start, end, Unit.objects.filter(pk=unit.pk))
    standing["metrics"] = metrics[0] if metrics else None
    standing["overdue"] = Case.objects.filter(overdue_q(), unit=unit).count()
    return standing


def late_cases(person: Person, now: dt.datetime | None = None) -> dict:
    """What is late in the head's units: overdue cases, 领导督办 first, then the longest overdue; those overdue past
    the escalation delay (the head has been told) are marked."""
    now = now or timezone.now()
    overdue = cases_for(person).filter(overdue_q(now))
    escalate_before = now - dt.timedelta(hours=settings.CASE_ESCALATE_AFTER_HOURS)
    cases = overdue.order_by(F("supervised_at").asc(nulls_last=True), "deadline")[:LISTED]
    rows = [(case, case.deadline is not None and case.deadline <= escalate_before) for case in cases]
    return {"rows": rows, "count": overdue.count(), "url": f"{reverse('cases:list')}?queue=overdue"}


def supervised_by(person: Person) -> list[Case]:
    """The open cases a leader supervises (领导督办), the most pressing deadline first."""
    cases = cases_for(person).filter(supervised_by=person, state__in=Case.OPEN_STATES)
    return list(cases.order_by(F("deadline").asc(nulls_last=True))[:LISTED])


def home_context(person: Person, near: tuple[float, float] | None = None) -> dict:
    if is_inspector(person) and not person.is_office_admin():
        return {"visits": todays_visits(person, near), "near": near}
    if person.is_surveyor():
        return {"field_days": field_days(person)}
    context = {"case_cards": case_cards(person), "open_runs": open_runs(person)}
    if person.role == Role.UNIT_HEAD and person.unit is not None:
        context["standing"] = unit_standing(person, person.unit)
        context["late"] = late_cases(person)
    elif person.is_unit_staff():
        context["unit_work"] = unit_work(person)
    if person.sees_everything():
        context["brief"] = leader_brief()
    if person.is_read_only():
        context["supervised"] = supervised_by(person)
    if can_see_overview(person):
        context["material_cards"] = office_cards(requests_for(person))
    if not person.sees_everything():
        context["due_today"] = due_today(person)
        if person.unit_id:
            context["open_tasks"] = open_tasks(person)
    return context
