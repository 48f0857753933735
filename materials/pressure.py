"""Pressure on material requests (催办), run with the case pressure by `chuangwen tick` and the Celery beat task:
a reminder the day before the deadline, an overdue mark in the history once the deadline has passed, and after
MATERIAL_ESCALATE_AFTER_DAYS the unit head (or the nearest head above) is told. Idempotent: each step happens
once per request and deadline, and a unit gets one message per step and day however many requests it owes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from materials.models import EventKind, MaterialRequest, RequestEvent
from notify.actions import notify_people, notify_unit
from org.models import Role, Unit
from org.queries import nearest_unit_with, people_by_unit


@dataclass
class TickReport:
    reminded: int = 0
    marked_overdue: int = 0
    escalated: int = 0

    def __str__(self) -> str:
        return (
            f"materials: reminders: {self.reminded}, marked overdue: {self.marked_overdue}, "
            f"escalations: {self.escalated}"
        )


def _open() -> list[MaterialRequest]:
    return MaterialRequest.objects.filter(state__in=MaterialRequest.OPEN_STATES).select_related(
        "unit", "criterion"
    )


def _by_unit(requests: list[MaterialRequest]) -> dict[Unit, list[MaterialRequest]]:
    grouped: dict[Unit, list[MaterialRequest]] = defaultdict(list)
    for request in requests:
        grouped[request.unit].append(request)
    return grouped


def _list_text(requests: list[MaterialRequest]) -> str:
    return "\n".join(
        f"{r.criterion.code or ''} {r.criterion.text[:30]}（{r.deadline:%m-%d}）".strip()
        for r in requests[:10]
    )


def remind(today: dt.date, report: TickReport) -> None:
    soon = today + dt.timedelta(days=settings.MATERIAL_REMIND_BEFORE_DAYS)
    due = list(_open().filter(deadline__gte=today, deadline__lte=soon))
    for unit, requests in _by_unit(due).items():
        created = notify_unit(
            unit,
            kind="materials-due",
            dedupe_key=f"materials-due:{unit.pk}:{today.isoformat()}",
            title=_("%(n)d materials due by %(deadline)s")
            % {"n": len(requests), "deadline": max(r.deadline for r in requests)},
            body=_list_text(requests),
            url=reverse("materials:mine"),
        )
        report.reminded += len(created)


def _marked(kind: str, requests: list[MaterialRequest]) -> set[tuple[int, str]]:
    rows = RequestEvent.objects.filter(kind=kind, request__in=requests).values_list(
        "request_id", "data__deadline"
    )
    return set(rows)


def _mark(requests: list[MaterialRequest], kind: str) -> None:
    """A history row of `kind` for each request, naming the deadline it is about (so it happens once per deadline)."""
    RequestEvent.objects.bulk_create(
        RequestEvent(
            request=r,
            kind=kind,
            from_state=r.state,
            to_state=r.state,
            data={"deadline": r.deadline.isoformat()},
        )
        for r in requests
    )


def mark_overdue(today: dt.date, report: TickReport) -> None:
    late = list(_open().filter(deadline__lt=today))
    done = _marked(EventKind.OVERDUE, late)
    fresh = [r for r in late if (r.pk, r.deadline.isoformat()) not in done]
    for unit, requests in _by_unit(fresh).items():
        with transaction.atomic():
            _mark(requests, EventKind.OVERDUE)
            notify_unit(
                unit,
                kind="materials-overdue",
                dedupe_key=f"materials-overdue:{unit.pk}:{today.isoformat()}",
                title=_("%(n)d materials are overdue") % {"n": len(requests)},
                body=_list_text(requests),
                url=reverse("materials:mine"),
            )
        report.marked_overdue += len(requests)


def escalate(today: dt.date, report: TickReport) -> None:
    late = list(_open().filter(deadline__lt=today - dt.timedelta(days=settings.MATERIAL_ESCALATE_AFTER_DAYS)))
    done = _marked(EventKind.ESCALATED, late)
    fresh = [r for r in late if (r.pk, r.deadline.isoformat()) not in done]
    grouped = _by_unit(fresh)
    heads = people_by_unit({unit_id for unit in grouped for unit_id in unit.chain_ids()}, {Role.UNIT_HEAD})
    for unit, requests in grouped.items():
        with transaction.atomic():
            _mark(requests, EventKind.ESCALATED)
            notify_people(
                heads.get(nearest_unit_with(unit, heads), []),
                kind="materials-escalated",
                dedupe_key=f"materials-escalated:{unit.pk}:{today.isoformat()}",
                title=_("Escalated: %(unit)s owes %(n)d overdue materials")
                % {"unit": unit.name, "n": len(requests)},
                body=_list_text(requests),
                url=reverse("materials:mine"),
                unit=unit,
            )
        report.escalated += len(requests)


def run_tick(now: dt.datetime | None = None) -> TickReport:
    today = timezone.localdate(now) if now else timezone.localdate()
    report = TickReport()
    remind(today, report)
    mark_overdue(today, report)
    escalate(today, report)
    return report
