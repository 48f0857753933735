"""Pressure on open cases (催办): reminders before the deadline, overdue marking, escalation to the unit head.

Run by `chuangwen tick` (cron) or the Celery beat task `cases.tasks.tick`, as often as every few minutes. Every
step is idempotent: a reminder, an overdue mark and an escalation happen once per case and deadline (an extension
gives a new deadline, and so a new reminder), so a crashed run can simply run again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent
from notify.actions import notify_people
from notify.models import Notification
from org.models import Person, Role, Unit


@dataclass
class TickReport:
    reminded: int = 0
    marked_overdue: int = 0
    escalated: int = 0

    def __str__(self) -> str:
        return f"reminders: {self.reminded}, marked overdue: {self.marked_overdue}, escalations: {self.escalated}"


def _unit_people(units: set[int], roles: set[str]) -> dict[int, list[Person]]:
    people: dict[int, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(unit_id__in=units, role__in=roles, is_active=True):
        people[person.unit_id].append(person)
    return people


def _heads_for(unit: Unit, heads: dict[int, list[Person]]) -> list[Person]:
    """The unit's own heads, else the nearest heads above it."""
    chain = [unit.pk, *reversed([int(step) for step in unit.path.strip("/").split("/")[:-1]])]
    for unit_id in chain:
        if heads.get(unit_id):
            return heads[unit_id]
    return []


def _url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def notify(recipients, key: str, subject: str, body: str, url: str) -> int:
    """Inbox entries (and emails) once per key; the key's first part names the kind of message."""
    created = notify_people(
        recipients, kind=key.split(":")[0], title=subject, dedupe_key=key, body=body, url=url
    )
    return len(created)


def _already_sent(keys: list[str], chunk: int = 500) -> set[str]:
    """The keys notified before, in a few queries: long-overdue cases are looked at on every tick, and asking
    once per case and recipient would cost tens of thousands of queries every few minutes at county scale."""
    sent: set[str] = set()
    for start in range(0, len(keys), chunk):
        sent.update(
            Notification.objects.filter(dedupe_key__in=keys[start : start + chunk]).values_list(
                "dedupe_key", flat=True
            )
        )
    return sent


def _running(now: dt.datetime) -> QuerySet[Case]:
    return Case.objects.filter(state__in=Case.UNIT_STATES, deadline__isnull=False).select_related("unit")


def remind(now: dt.datetime, report: TickReport) -> None:
    soon = now + dt.timedelta(hours=settings.CASE_REMIND_BEFORE_HOURS)
    cases = list(_running(now).filter(deadline__gt=now, deadline__lte=soon))
    people = _unit_people({c.unit_id for c in cases}, {Role.UNIT_HANDLER, Role.UNIT_HEAD})
    keys = {case.pk: f"remind:{case.pk}:{case.deadline.isoformat()}" for case in cases}
    sent = _already_sent(list(keys.values()))
    for case in cases:
        key = keys[case.pk]
        if key in sent:
            continue
        deadline = timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M")
        subject = _("Due soon: %(number)s %(name)s, deadline %(deadline)s") % {
            "number": case.number,
            "name": case.category_name or case.description[:20],
            "deadline": deadline,
        }
        report.reminded += notify(
            people.get(case.unit_id, []), key, subject, case.description[:200], _url(case)
        )


def mark_overdue(now: dt.datetime, report: TickReport) -> None:
    """Write an overdue mark in the history once per case and deadline, and tell the unit."""
    cases = list(_running(now).filter(deadline__lte=now))
    marked = set(
        CaseEvent.objects.filter(action=CaseEvent.Action.OVERDUE, case__in=cases).values_list(
            "case_id", "data__deadline"
        )
    )
    people = _unit_people({c.unit_id for c in cases}, {Role.UNIT_HANDLER, Role.UNIT_HEAD})
    for case in cases:
        deadline = case.deadline.isoformat()
        if (case.pk, deadline) in marked:
            continue
        with transaction.atomic():
            CaseEvent.objects.create(
                case=case,
                action=CaseEvent.Action.OVERDUE,
                from_state=case.state,
                to_state=case.state,
                unit=case.unit,
                at=now,
                data={"deadline": deadline},
            )
            subject = _("Overdue: %(number)s %(name)s") % {
                "number": case.number,
                "name": case.category_name or case.description[:20],
            }
            notify(
                people.get(case.unit_id, []),
                f"overdue:{case.pk}:{deadline}",
                subject,
                case.description[:200],
                _url(case),
            )
        report.marked_overdue += 1


def escalate(now: dt.datetime, report: TickReport) -> None:
    """Overdue longer than the configured delay: the unit head (or the nearest head above) is told."""
    late = now - dt.timedelta(hours=settings.CASE_ESCALATE_AFTER_HOURS)
    cases = list(_running(now).filter(deadline__lte=late))
    heads = _unit_people(
        {int(step) for c in cases for step in c.unit.path.strip("/").split("/")}, {Role.UNIT_HEAD}
    )
    keys = {case.pk: f"escalate:{case.pk}:{case.deadline.isoformat()}" for case in cases}
    sent = _already_sent(list(keys.values()))
    for case in cases:
        key = keys[case.pk]
        if key in sent:
            continue
        subject = _("Escalated: %(number)s is overdue since %(deadline)s") % {
            "number": case.number,
            "deadline": timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M"),
        }
        report.escalated += notify(
            _heads_for(case.unit, heads), key, subject, case.description[:200], _url(case)
        )


def run_tick(now: dt.datetime | None = None) -> TickReport:
    now = now or timezone.now()
    report = TickReport()
    remind(now, report)
    mark_overdue(now, report)
    escalate(now, report)
    return report
