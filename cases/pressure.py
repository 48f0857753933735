"""Pressure on open cases (催办): reminders before the deadline, overdue marking, escalation to the unit head.

Run by `chuangwen tick` (cron) or the Celery beat task `cases.tasks.tick`, as often as every few minutes, with the
pressure kit the materials job shares (notify.pressure). Every step is idempotent: a reminder, an overdue mark and
an escalation happen once per case and deadline (an extension gives a new deadline, and so a new reminder), so a
crashed run can simply run again.

At county scale one tick can find tens of thousands of cases (a county moving its old cases in): each step works
in chunks of about `CASE_TICK_CHUNK` cases, one transaction each, with the history rows and notifications of a
chunk written in bulk (notify.actions.notify_many). A chunk never splits a unit's cases, for flood control: a
person due more than `CASE_NOTIFY_SUMMARY_OVER` messages of one kind in one tick gets one summary ("12 cases
became overdue", linking to the unit's queue) instead. The per-case messages are still written, folded out of
sight, so their keys count as sent; each case still gets its own overdue mark in its history. As a unit's marks,
messages and summary commit together, a crash leaves a unit either told in full or not at all, and the re-run
tells it what is left, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Case, CaseEvent
from notify.actions import Message
from notify.pressure import (
    ROWS_PER_INSERT,
    Report,
    chunks_by_unit,
    deadline_mark,
    dedupe_key,
    escalation_heads,
    not_sent,
    send,
    unmarked,
)
from org.models import Person, Role
from org.queries import people_by_unit

T = TypeVar("T")


def _url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _summary(kind: str, count: int) -> tuple[str, str]:
    """A summary's title, and the queue of the recipient's unit it links to (for notify_many)."""
    if kind == "remind":
        title = ngettext(
            "%(count)s case falls due within %(hours)s hours",
            "%(count)s cases fall due within %(hours)s hours",
            count,
        ) % {"count": count, "hours": settings.CASE_REMIND_BEFORE_HOURS}
    elif kind == "escalate":
        title = ngettext(
            "%(count)s case is overdue by more than %(hours)s hours",
            "%(count)s cases are overdue by more than %(hours)s hours",
            count,
        ) % {"count": count, "hours": settings.CASE_ESCALATE_AFTER_HOURS}
    else:
        title = ngettext("%(count)s case became overdue", "%(count)s cases became overdue", count) % {
            "count": count
        }
    queue = "due_soon" if kind == "remind" else "overdue"
    return title, f"{reverse('cases:list')}?queue={queue}"


def _send(messages: list[Message]) -> int:
    """The chunk's messages, folded per person above the threshold; how many (person, case) messages were new."""
    return send(messages, settings.CASE_NOTIFY_SUMMARY_OVER, _summary)


def _chunks(items: list[T], unit_of: Callable[[T], int]) -> Iterator[list[T]]:
    return chunks_by_unit(items, unit_of, settings.CASE_TICK_CHUNK)


def _running(now: dt.datetime) -> QuerySet[Case]:
    return Case.objects.filter(state__in=Case.UNIT_STATES, deadline__isnull=False).select_related("unit")


# A running case is with a unit (dispatched or rectifying) and has a deadline; the fields are nullable only for
# cases in other states.
def _unit_of(case: Case) -> int:
    assert case.unit_id is not None
    return case.unit_id


def _due(case: Case) -> dt.datetime:
    assert case.deadline is not None
    return case.deadline


def _name(case: Case) -> str:
    return case.category_name or case.description[:20]


def _deadline(case: Case) -> str:
    return timezone.localtime(_due(case)).strftime("%Y-%m-%d %H:%M")


def _key(kind: str) -> Callable[[Case], str]:
    """A message about a case is sent once per deadline: an extension gives a new one."""
    return lambda case: dedupe_key(kind, case.pk, _due(case))


def _message(case: Case, people: Sequence[Person], kind: str, title: str) -> Message:
    return Message(
        people,
        kind=kind,
        title=title,
        dedupe_key=_key(kind)(case),
        body=case.description[:200],
        url=_url(case),
    )


def remind(now: dt.datetime, report: Report) -> None:
    soon = now + dt.timedelta(hours=settings.CASE_REMIND_BEFORE_HOURS)
    key = _key("remind")
    cases = not_sent(list(_running(now).filter(deadline__gt=now, deadline__lte=soon)), key)
    people = people_by_unit({_unit_of(c) for c in cases}, {Role.UNIT_HANDLER, Role.UNIT_HEAD})
    for chunk in _chunks(cases, _unit_of):
        subject = _("Due soon: %(number)s %(name)s, deadline %(deadline)s")
        messages = [
            _message(
                case,
                people.get(_unit_of(case), []),
                "remind",
                subject % {"number": case.number, "name": _name(case), "deadline": _deadline(case)},
            )
            for case in chunk
        ]
        report.reminded += _send(messages)


def mark_overdue(now: dt.datetime, report: Report) -> None:
    """Write an overdue mark in the history once per case and deadline, and tell the unit."""
    overdue = _running(now).filter(deadline__lte=now)
    marks = CaseEvent.objects.filter(action=CaseEvent.Action.OVERDUE, case__in=overdue.values("pk"))
    cases = unmarked(list(overdue), marks, "case")
    people = people_by_unit({_unit_of(c) for c in cases}, {Role.UNIT_HANDLER, Role.UNIT_HEAD})
    for chunk in _chunks(cases, _unit_of):
        with transaction.atomic():
            CaseEvent.objects.bulk_create(
                [
                    CaseEvent(
                        case=case,
                        action=CaseEvent.Action.OVERDUE,
                        from_state=case.state,
                        to_state=case.state,
                        unit_id=case.unit_id,
                        at=now,
                        data=deadline_mark(case),
                    )
                    for case in chunk
                ],
                batch_size=ROWS_PER_INSERT,
            )
            subject = _("Overdue: %(number)s %(name)s")
            _send(
                [
                    _message(
                        case,
                        people.get(_unit_of(case), []),
                        "overdue",
                        subject % {"number": case.number, "name": _name(case)},
                    )
                    for case in chunk
                ]
            )
        report.marked_overdue += len(chunk)


def escalate(now: dt.datetime, report: Report) -> None:
    """Overdue longer than the configured delay: the unit head (or the nearest head above) is told."""
    late = now - dt.timedelta(hours=settings.CASE_ESCALATE_AFTER_HOURS)
    key = _key("escalate")
    cases = not_sent(list(_running(now).filter(deadline__lte=late)), key)
    heads = escalation_heads({case.unit for case in cases if case.unit is not None})
    # Grouped by the unit whose heads are told, so that a head's summary counts every case they hear of.
    told = [(heads[_unit_of(case)], case) for case in cases if _unit_of(case) in heads]
    for chunk in _chunks(told, lambda pair: pair[0][0]):
        subject = _("Escalated: %(number)s is overdue since %(deadline)s")
        messages = [
            _message(case, people, "escalate", subject % {"number": case.number, "deadline": _deadline(case)})
            for (_unit_id, people), case in chunk
        ]
        report.escalated += _send(messages)


def run_tick(now: dt.datetime | None = None) -> Report:
    now = now or timezone.now()
    report = Report()
    remind(now, report)
    mark_overdue(now, report)
    escalate(now, report)
    return report
