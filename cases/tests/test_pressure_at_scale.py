"""Pressure when many cases fall due at once (a county loading its old cases): chunked bulk writes, one summary
instead of a flood of messages, still once per case and deadline, in a number of queries that does not grow with
the number of cases."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases import actions
from cases.conftest import deadline_of
from cases.models import Case, CaseEvent
from cases.pressure import run_tick
from notify.models import Delivery, Notification

MORNING = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)  # Tuesday 10:00 in Shanghai


def dispatched(county, new_case, unit, count: int, at: dt.datetime = MORNING) -> list[Case]:
    with time_machine.travel(at, tick=False):
        return [actions.dispatch_case(county.inspector, new_case(), unit=unit) for _i in range(count)]


def inbox(person) -> list[Notification]:
    """What the person sees: the inbox page's own list."""
    return list(
        Notification.objects.filter(recipient=person, folded=False)
        .exclude(kind__startswith="case-")
        .order_by("pk")
    )


def overdue_marks(cases: list[Case]) -> dict[int, int]:
    marks = {case.pk: 0 for case in cases}
    for event in CaseEvent.objects.filter(action=CaseEvent.Action.OVERDUE, case__in=cases):
        marks[event.case_id] += 1
    return marks


def test_it_marks_a_batch_larger_than_a_chunk_once_each(county, new_case, settings):
    settings.CASE_TICK_CHUNK = 5
    units = [county.town_a, county.town_b, county.community_a, county.department]
    cases = [case for unit in units for case in dispatched(county, new_case, unit, 4)]
    with time_machine.travel(deadline_of(cases[0]) + dt.timedelta(hours=1), tick=False):
        assert run_tick().marked_overdue == 16
        assert str(run_tick()) == "reminders: 0, marked overdue: 0, escalations: 0"
    assert set(overdue_marks(cases).values()) == {1}
    # At or below the threshold (10), each case is its own message, to each of its unit's people, once.
    assert len(inbox(county.handler_a)) == len(inbox(county.head_a)) == 4
    assert len(inbox(county.handler_b)) == len(inbox(county.department_handler)) == 4
    assert {n.dedupe_key.split(":")[0] for n in inbox(county.community_handler_a)} == {"overdue"}


def test_one_units_cases_are_never_split_between_chunks(county, new_case, settings):
    settings.CASE_TICK_CHUNK = 5
    cases = dispatched(county, new_case, county.town_a, 12)
    with time_machine.travel(deadline_of(cases[0]) + dt.timedelta(hours=1), tick=False):
        assert run_tick().marked_overdue == 12
    assert set(overdue_marks(cases).values()) == {1}
    [summary] = inbox(county.handler_a)
    assert summary.title == "12 cases became overdue"


def test_above_the_threshold_a_person_gets_one_summary_and_at_it_one_message_per_case(
    county, new_case, settings, login
):
    settings.CASE_NOTIFY_SUMMARY_OVER = 3
    county.handler_a.email = "handler@example.gov.cn"
    county.handler_a.save()
    many = dispatched(county, new_case, county.town_a, 4)
    few = dispatched(county, new_case, county.town_b, 3)
    with time_machine.travel(deadline_of(many[0]) + dt.timedelta(hours=30), tick=False):
        report = run_tick()
        # Counted per case and person, folded or not: 4 × 2 people of town A + 3 × town B's handler; 4 × head A.
        assert (report.marked_overdue, report.escalated) == (7, 4)
        notified = Notification.objects.count()
        assert str(run_tick()) == "reminders: 0, marked overdue: 0, escalations: 0"
        assert Notification.objects.count() == notified
    assert set(overdue_marks(many + few).values()) == {1}

    [summary] = inbox(county.handler_a)
    assert (summary.kind, summary.title, summary.url) == (
        "overdue",
        "4 cases became overdue",
        reverse("cases:list") + "?queue=overdue",
    )
    assert all(case.number in summary.body for case in many)
    assert [(n.kind, n.title) for n in inbox(county.head_a)] == [
        ("overdue", "4 cases became overdue"),
        ("escalate", "4 cases are overdue by more than 24 hours"),
    ]
    # At the threshold: one message per case (their order is the cases', which share a deadline).
    assert sorted(n.url for n in inbox(county.handler_b)) == sorted(
        reverse("cases:detail", args=[case.pk]) for case in few
    )
    # Each case's own key is kept, folded out of sight, so that a re-run sends it neither alone nor summed up.
    folded = Notification.objects.filter(recipient=county.handler_a, folded=True)
    assert sorted(folded.values_list("dedupe_key", flat=True)) == sorted(
        f"overdue:{case.pk}:{deadline_of(case).isoformat()}"
        for case in Case.objects.filter(pk__in=[c.pk for c in many])
    )
    assert not folded.filter(read_at__isnull=True).exists()  # no unread badge for what was summed up
    assert list(Delivery.objects.exclude(kind__startswith="case-").values_list("address", "dedupe_key")) == [
        ("handler@example.gov.cn", summary.dedupe_key)
    ]
    page = login(county.handler_a).get(reverse("notify:inbox"))
    listed = [n for n in page.context["page"].object_list if not n.kind.startswith("case-")]
    assert [n.pk for n in listed] == [summary.pk]


def test_the_summary_speaks_chinese(county, new_case, settings):
    settings.CASE_NOTIFY_SUMMARY_OVER = 1
    cases = dispatched(county, new_case, county.town_a, 2)
    with translation.override("zh-hans"):
        with time_machine.travel(deadline_of(cases[0]) - dt.timedelta(hours=2), tick=False):
            run_tick()
        with time_machine.travel(deadline_of(cases[0]) + dt.timedelta(hours=1), tick=False):
            run_tick()
    assert [n.title for n in inbox(county.handler_a)] == ["2 件问题将在 4 小时内到期", "2 件问题已超期"]
    assert inbox(county.handler_a)[0].url == reverse("cases:list") + "?queue=due_soon"


def test_an_extension_brings_a_new_overdue_mark_and_message(county, new_case):
    [case] = dispatched(county, new_case, county.town_a, 1)
    with time_machine.travel(deadline_of(case) + dt.timedelta(hours=1), tick=False):
        assert run_tick().marked_overdue == 1
        case = actions.request_extension(
            county.handler_a, case, deadline_of(case) + dt.timedelta(days=3), "需调用机械"
        )
        case = actions.approve_extension(county.inspector, case)
    with time_machine.travel(deadline_of(case) + dt.timedelta(hours=1), tick=False):
        assert run_tick().marked_overdue == 1
        assert run_tick().marked_overdue == 0
    assert overdue_marks([case]) == {case.pk: 2}
    assert [n.kind for n in inbox(county.handler_a)] == ["overdue", "overdue"]


def test_a_tick_costs_the_same_queries_for_15_cases_as_for_45(county, new_case):
    # 45 fits SQLite's 999 parameters an INSERT (90 notifications); more would add an INSERT per 99 rows there,
    # and per 1,000 rows on PostgreSQL, which is the per-chunk constant, not a query per case.
    first = dispatched(county, new_case, county.town_a, 15)
    second = dispatched(county, new_case, county.town_a, 45, at=MORNING + dt.timedelta(days=7))
    counts = []
    for cases in (first, second):
        with time_machine.travel(deadline_of(cases[0]) + dt.timedelta(hours=30), tick=False):
            with CaptureQueriesContext(connection) as queries:
                report = run_tick()
            assert (report.marked_overdue, report.escalated) == (len(cases), len(cases))
            counts.append(len(queries))
    assert counts[0] == counts[1]
    assert set(overdue_marks(first + second).values()) == {1}
