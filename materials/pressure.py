"""Pressure on material requests (催办), run by `chuangwen tick` and the Celery beat task `materials.tick`:
a reminder the day before the deadline, an overdue mark in the history once the deadline has passed, and after
MATERIAL_ESCALATE_AFTER_DAYS the unit head (or the nearest head above) is told. Idempotent: each step happens
once per request and deadline, and a unit gets one message per step and day however many requests it owes. The
marks, keys and grouping come from the pressure kit the case job shares (notify.pressure)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from materials.models import EventKind, MaterialRequest, RequestEvent
from notify.actions import notify_people, notify_unit
from notify.pressure import Report, by_unit, deadline_mark, dedupe_key, escalation_heads, unmarked


def _open() -> QuerySet[MaterialRequest]:
    return MaterialRequest.objects.filter(state__in=MaterialRequest.OPEN_STATES).select_related(
        "unit", "criterion"
    )


def _list_text(requests: list[MaterialRequest]) -> str:
    return "\n".join(
        f"{r.criterion.code or ''} {r.criterion.text[:30]}（{r.deadline:%m-%d}）".strip()
        for r in requests[:10]
    )


def remind(today: dt.date, report: Report) -> None:
    soon = today + dt.timedelta(days=settings.MATERIAL_REMIND_BEFORE_DAYS)
    due = list(_open().filter(deadline__gte=today, deadline__lte=soon))
    for unit, requests in by_unit(due, lambda r: r.unit).items():
        created = notify_unit(
            unit,
            kind="materials-due",
            dedupe_key=dedupe_key("materials-due", unit.pk, today),
            title=_("%(n)d materials due by %(deadline)s")
            % {"n": len(requests), "deadline": max(r.deadline for r in requests)},
            body=_list_text(requests),
            url=reverse("materials:mine"),
        )
        report.reminded += len(created)


def _unmarked(kind: str, requests: QuerySet[MaterialRequest]) -> list[MaterialRequest]:
    """The requests without a mark of `kind` for their current deadline."""
    marks = RequestEvent.objects.filter(action=kind, request__in=requests.values("pk"))
    return unmarked(list(requests), marks, "request")


def _mark(requests: list[MaterialRequest], kind: str) -> None:
    """A history row of `kind` for each request, naming the deadline it is about (so it happens once per deadline)."""
    RequestEvent.objects.bulk_create(
        RequestEvent(
            request=r,
            action=kind,
            from_state=r.state,
            to_state=r.state,
            data=deadline_mark(r),
        )
        for r in requests
    )


def mark_overdue(today: dt.date, report: Report) -> None:
    fresh = _unmarked(EventKind.OVERDUE, _open().filter(deadline__lt=today))
    for unit, requests in by_unit(fresh, lambda r: r.unit).items():
        with transaction.atomic():
            _mark(requests, EventKind.OVERDUE)
            notify_unit(
                unit,
                kind="materials-overdue",
                dedupe_key=dedupe_key("materials-overdue", unit.pk, today),
                title=_("%(n)d materials are overdue") % {"n": len(requests)},
                body=_list_text(requests),
                url=reverse("materials:mine"),
            )
        report.marked_overdue += len(requests)


def escalate(today: dt.date, report: Report) -> None:
    late = _open().filter(deadline__lt=today - dt.timedelta(days=settings.MATERIAL_ESCALATE_AFTER_DAYS))
    grouped = by_unit(_unmarked(EventKind.ESCALATED, late), lambda r: r.unit)
    heads = escalation_heads(grouped)
    for unit, requests in grouped.items():
        with transaction.atomic():
            _mark(requests, EventKind.ESCALATED)
            _above, people = heads.get(unit.pk, (None, []))
            notify_people(
                people,
                kind="materials-escalated",
                dedupe_key=dedupe_key("materials-escalated", unit.pk, today),
                title=_("Escalated: %(unit)s owes %(n)d overdue materials")
                % {"unit": unit.name, "n": len(requests)},
                body=_list_text(requests),
                url=reverse("materials:mine"),
                unit=unit,
            )
        report.escalated += len(requests)


def run_tick(now: dt.datetime | None = None) -> Report:
    today = timezone.localdate(now) if now else timezone.localdate()
    report = Report(label="materials: ")
    remind(today, report)
    mark_overdue(today, report)
    escalate(today, report)
    return report
