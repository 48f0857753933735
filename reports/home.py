"""What each person sees first: the work waiting for them today, as counts that open the right list."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cases.access import cases_for
from cases.queries import QUEUE_LABELS, office_queues, queue_counts, unit_queues
from framework.access import task_units_for
from framework.models import TaskUnit
from materials.access import can_see_overview, requests_for
from materials.queries import office_cards
from org.models import Person
from surveys.access import runs_for
from surveys.models import SurveyRun


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


def open_tasks(person: Person):
    return (
        task_units_for(person)
        .filter(unit_id=person.unit_id, progress__in=TaskUnit.OPEN_PROGRESS)
        .select_related("task__criterion", "task__node")
        .order_by("task__deadline")[:10]
    )


def open_runs(person: Person):
    return runs_for(person).filter(status=SurveyRun.Status.OPEN).order_by("ends_on")[:5]


def home_context(person: Person) -> dict:
    context = {"case_cards": case_cards(person), "open_runs": open_runs(person)}
    if can_see_overview(person):
        context["material_cards"] = office_cards(requests_for(person))
    if not person.sees_everything():
        context["due_today"] = due_today(person)
        if person.unit_id:
            context["open_tasks"] = open_tasks(person)
    return context
