"""Pressure: a reminder before the deadline, an overdue mark and an escalation, each once, to the right people."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.core.management import call_command
from django.urls import reverse

from cases import actions
from cases.conftest import deadline_of
from cases.models import CaseEvent
from cases.pressure import run_tick
from cases.tasks import TICK_LOCK, tick
from core.periodic import lock_id
from notify.models import Notification

# Tuesday 24 Nov 2026, 10:00 in Shanghai; 暴露垃圾 is due Wednesday 17:30.
MORNING = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


def inbox(person) -> list[str]:
    """The pressure job's messages (the steps' own, such as "dispatched", are cases.notices')."""
    return list(
        Notification.objects.filter(recipient=person)
        .exclude(kind__startswith="case-")
        .order_by("pk")
        .values_list("dedupe_key", flat=True)
    )


def test_reminder_overdue_and_escalation_happen_once_each(county, new_case):
    with time_machine.travel(MORNING, tick=False):
        case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
        assert str(run_tick()) == "reminders: 0, marked overdue: 0, escalations: 0"
    with time_machine.travel(deadline_of(case) - dt.timedelta(hours=2), tick=False):
        assert run_tick().reminded == 2  # the town's handler and head
        assert run_tick().reminded == 0  # a re-run sends nothing again
    assert [k.split(":")[0] for k in inbox(county.handler_a)] == ["remind"]
    assert inbox(county.handler_b) == [] and inbox(county.community_handler_a) == []
    with time_machine.travel(deadline_of(case) + dt.timedelta(hours=1), tick=False):
        assert run_tick().marked_overdue == 1
        assert run_tick().marked_overdue == 0
    assert case.events.filter(action=CaseEvent.Action.OVERDUE).count() == 1
    with time_machine.travel(deadline_of(case) + dt.timedelta(hours=30), tick=False):
        report = run_tick()
        assert report.escalated == 1 and run_tick().escalated == 0
    assert [k.split(":")[0] for k in inbox(county.head_a)] == ["remind", "overdue", "escalate"]
    assert [k.split(":")[0] for k in inbox(county.handler_a)] == ["remind", "overdue"]


def test_an_extension_brings_a_new_reminder_and_deferred_cases_are_left_alone(county, new_case):
    with time_machine.travel(MORNING, tick=False):
        case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
        other = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
        actions.defer_case(county.inspector, other, "待统一整治")
    with time_machine.travel(deadline_of(case) - dt.timedelta(hours=1), tick=False):
        assert run_tick().reminded == 2
        case = actions.request_extension(
            county.handler_a, case, deadline_of(case) + dt.timedelta(days=2), "需调用机械"
        )
        case = actions.approve_extension(county.inspector, case)
    with time_machine.travel(deadline_of(case) - dt.timedelta(hours=1), tick=False):
        assert run_tick().reminded == 2
    assert not other.events.filter(action=CaseEvent.Action.OVERDUE).exists()


def test_a_tick_over_cases_already_chased_costs_the_same_few_queries(
    county, new_case, django_assert_max_num_queries
):
    with time_machine.travel(MORNING, tick=False):
        cases = [actions.dispatch_case(county.inspector, new_case(), unit=county.town_a) for _i in range(12)]
    with time_machine.travel(deadline_of(cases[0]) + dt.timedelta(hours=30), tick=False):
        first = run_tick()
        assert (first.marked_overdue, first.escalated) == (12, 12)
        with django_assert_max_num_queries(8):
            assert str(run_tick()) == "reminders: 0, marked overdue: 0, escalations: 0"


def test_the_command_and_the_task_run_it(county, new_case):
    out = io.StringIO()
    call_command("tick", stdout=out)
    # The command runs every app's pressure job (materials has its own task and beat entry).
    assert out.getvalue() == (
        "reminders: 0, marked overdue: 0, escalations: 0, digests: 0; "
        "materials: reminders: 0, marked overdue: 0, escalations: 0\n"
    )
    assert tick.delay().get() == "reminders: 0, marked overdue: 0, escalations: 0, digests: 0"


def test_the_inbox_shows_only_ones_own_messages_and_marks_them_read(county, login, new_case):
    with time_machine.travel(MORNING, tick=False):
        case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    with time_machine.travel(deadline_of(case) - dt.timedelta(hours=1), tick=False):
        run_tick()
    mine = Notification.objects.get(recipient=county.handler_a, kind="remind")
    assert login(county.handler_b).post(reverse("notify:open", args=[mine.pk])).status_code == 404
    client = login(county.handler_a)
    assert case.number in client.get(reverse("notify:inbox")).content.decode()
    response = client.post(reverse("notify:open", args=[mine.pk]))
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert Notification.objects.get(recipient=county.head_a, kind="remind").read_at is None


def test_a_tick_does_not_run_beside_another(county, new_case):
    """Another process holds the lock (on PostgreSQL another connection's advisory lock; elsewhere the cache)."""
    import psycopg
    from django.core.cache import cache
    from django.db import connection

    if connection.vendor == "postgresql":
        other = psycopg.connect(
            host=connection.settings_dict["HOST"] or None,
            port=connection.settings_dict["PORT"] or None,
            user=connection.settings_dict["USER"],
            dbname=connection.settings_dict["NAME"],
            autocommit=True,
        )
        other.execute("SELECT pg_advisory_lock(%s)", [lock_id(TICK_LOCK)])

        def release() -> None:
            # Unlocked before closing: a closed connection's backend lets go of its locks a moment later.
            other.execute("SELECT pg_advisory_unlock(%s)", [lock_id(TICK_LOCK)])
            other.close()
    else:
        cache.set(TICK_LOCK, "another run", 60)

        def release() -> None:
            assert cache.get(TICK_LOCK) == "another run"  # its lock was left alone
            cache.delete(TICK_LOCK)

    assert tick() == "skipped: another tick is running"
    release()
    assert tick().startswith("reminders:") and tick().startswith(
        "reminders:"
    )  # and it is let go after each run
