"""Pressure on open cases (催办): reminders before the deadline, overdue marking, escalation to the unit head.

Run by `chuangwen tick` (cron) or the Celery beat task `cases.tasks.tick`, as often as every few minutes. Every
step is idempotent: a reminder, an overdue mark and an escalation happen once per case and deadline (an extension
gives a new deadline, and so a new reminder), so a crashed run can simply run again.

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
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Case, CaseEvent
from notify.actions import Message, notify_many, sent_pairs
from org.models import Role
from org.queries import nearest_unit_with, people_by_unit

T = TypeVar("T")
LOOKUPS_PER_QUERY = 1000


@dataclass
class TickReport:
    reminded: int = 0
    marked_overdue: int = 0
    escalated: int = 0

    def __str__(self) -> str:
        return f"reminders: {self.reminded}, marked overdue: {self.marked_overdue}, escalations: {self.escalated}"


def _url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _by_unit(items: list[T], unit_of: Callable[[T], int]) -> Iterator[list[T]]:
    """`items` in chunks of about settings.CASE_TICK_CHUNK, each unit's items in one chunk: its summary counts them
    all, and a crash never leaves it half told."""
    groups: dict[int, list[T]] = defaultdict(list)
    for item in items:
        groups[unit_of(item)].append(item)
    chunk: list[T] = []
    for group in groups.values():
        chunk += group
        if len(chunk) >= settings.CASE_TICK_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
    return len(notify_many(messages, summary_over=settings.CASE_NOTIFY_SUMMARY_OVER, summarize=_summary))


def _running(now: dt.datetime) -> QuerySet[Case]:
    return Case.objects.filter(state__in=Case.UNIT_STATES, deadline__isnull=False).select_related("unit")


def _name(case: Case) -> str:
    return case.category_name or case.description[:20]


def _deadline(case: Case) -> str:
    return timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M")


def _not_sent(cases: list[Case], key: Callable[[Case], str]) -> list[Case]:
    sent = {sent_key for _person, sent_key in sent_pairs([key(case) for case in cases])}
    return [case for case in cases if key(case) not in sent]


def remind(now: dt.datetime, report: TickReport) -> None:
    soon = now + dt.timedelta(hours=settings.CASE_REMIND_BEFORE_HOURS)

    def key(case: Case) -> str:
        return f"remind:{case.pk}:{case.deadline.isoformat()}"

    cases = _not_sent(list(_running(now).filter(deadline__gt=now, deadline__lte=soon)), key)
    people = people_by_unit({c.unit_id for c in cases}, {Role.UNIT_HANDLER, Role.UNIT_HEAD})
    for chunk in _by_unit(cases, lambda case: case.unit_id):
        subject = _("Due soon: %(number)s %(name)s, deadline %(deadline)s")
        messages = [
            Message(
                people.get(case.unit_id, []),
                kind="remind",
                title=subject % {"number": case.number, "name": _name(case), "deadline": _deadline(case)},
                dedupe_key=key(case),
                body=case.description[:200],
                url=_url(case),
            )
            for case in chunk
        ]
        report.reminded += _send(messages)


def _marked_overdue(cases: QuerySet[Case]) -> set[tuple[int, str]]:
    """(case, deadline) pairs of `cases` marked overdue before, in one join: tens of thousands of ids in IN lists
    made PostgreSQL read the whole history once per list."""
    events = CaseEvent.objects.filter(action=CaseEvent.Action.OVERDUE, case__in=cases.values("pk"))
    return set(events.order_by().values_list("case_id", "data__deadline"))


def mark_overdue(now: dt.datetime, report: TickReport) -> None:
    """Write an overdue mark in the history once per case and deadline, and tell the unit."""
    overdue = _running(now).filter(deadline__lte=now)
    cases = list(overdue)
    marked = _marked_overdue(overdue)
    cases = [case for case in cases if (case.pk, case.deadline.isoformat()) not in marked]
    people = people_by_unit({c.unit_id for c in cases}, {Role.UNIT_HANDLER, Role.UNIT_HEAD})
    for chunk in _by_unit(cases, lambda case: case.unit_id):
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
                        data={"deadline": case.deadline.isoformat()},
                    )
                    for case in chunk
                ],
                batch_size=LOOKUPS_PER_QUERY,
            )
            subject = _("Overdue: %(number)s %(name)s")
            _send(
                [
                    Message(
                        people.get(case.unit_id, []),
                        kind="overdue",
                        title=subject % {"number": case.number, "name": _name(case)},
                        dedupe_key=f"overdue:{case.pk}:{case.deadline.isoformat()}",
                        body=case.description[:200],
                        url=_url(case),
                    )
                    for case in chunk
                ]
            )
        report.marked_overdue += len(chunk)


def escalate(now: dt.datetime, report: TickReport) -> None:
    """Overdue longer than the configured delay: the unit head (or the nearest head above) is told."""
    late = now - dt.timedelta(hours=settings.CASE_ESCALATE_AFTER_HOURS)

    def key(case: Case) -> str:
        return f"escalate:{case.pk}:{case.deadline.isoformat()}"

    cases = _not_sent(list(_running(now).filter(deadline__lte=late)), key)
    heads = people_by_unit({unit_id for c in cases for unit_id in c.unit.chain_ids()}, {Role.UNIT_HEAD})
    # Grouped by the unit whose heads are told, so that a head's summary counts every case they hear of.
    told = [(unit_id, case) for case in cases if (unit_id := nearest_unit_with(case.unit, heads)) is not None]
    for chunk in _by_unit(told, lambda pair: pair[0]):
        subject = _("Escalated: %(number)s is overdue since %(deadline)s")
        messages = [
            Message(
                heads[unit_id],
                kind="escalate",
                title=subject % {"number": case.number, "deadline": _deadline(case)},
                dedupe_key=key(case),
                body=case.description[:200],
                url=_url(case),
            )
            for unit_id, case in chunk
        ]
        report.escalated += _send(messages)


def run_tick(now: dt.datetime | None = None) -> TickReport:
    now = now or timezone.now()
    report = TickReport()
    remind(now, report)
    mark_overdue(now, report)
    escalate(now, report)
    return report
