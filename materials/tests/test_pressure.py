"""催办 by the tick: a reminder before the deadline, an overdue mark, escalation to the unit head; each once."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import time_machine
from django.core.management import call_command
from django.utils import timezone

from materials import actions
from materials.models import EventKind
from materials.pressure import run_tick
from materials.tasks import tick
from materials.tests.conftest import pdf, photo
from notify.models import Notification


def _on(day) -> datetime:
    return datetime.combine(day, time(9), timezone.get_current_timezone())


def test_the_day_before_the_deadline_the_unit_is_reminded_once(county, issued, deadline):
    with time_machine.travel(_on(deadline - timedelta(days=1)), tick=False):
        first = run_tick()
        again = run_tick()
    assert first.reminded > 0 and again.reminded == 0
    note = Notification.objects.get(recipient=county.handler_a, kind="materials-due")
    assert note.title.startswith("2 materials due by")


def test_after_the_deadline_open_requests_are_marked_overdue_once(county, issued, ads_a, report_a, deadline):
    actions.add_files(county.handler_a, ads_a, "regulation", [pdf()])
    actions.add_files(county.handler_a, ads_a, "photo", [photo()])
    actions.submit(county.handler_a, ads_a)  # submitted in time: not overdue
    with time_machine.travel(_on(deadline + timedelta(days=1)), tick=False):
        assert run_tick().marked_overdue == 3
        assert run_tick().marked_overdue == 0
    assert not ads_a.events.filter(action=EventKind.OVERDUE).exists()
    assert report_a.events.filter(action=EventKind.OVERDUE).count() == 1
    assert Notification.objects.filter(recipient=county.handler_a, kind="materials-overdue").count() == 1


def test_long_overdue_requests_go_to_the_unit_head(county, issued, report_a, deadline):
    with time_machine.travel(_on(deadline + timedelta(days=3)), tick=False):
        assert run_tick().escalated == 4
        assert run_tick().escalated == 0
    assert report_a.events.filter(action=EventKind.ESCALATED).count() == 1
    escalation = Notification.objects.get(kind="materials-escalated", recipient=county.head_a)
    assert "城关街道" in escalation.title
    assert not Notification.objects.filter(kind="materials-escalated", recipient=county.handler_a).exists()


def test_a_new_deadline_gives_a_new_overdue_mark(county, issued, report_a, deadline):
    with time_machine.travel(_on(deadline + timedelta(days=1)), tick=False):
        run_tick()
        actions.change_deadline(county.inspector, report_a, deadline + timedelta(days=2), "延期两天")
    with time_machine.travel(_on(deadline + timedelta(days=4)), tick=False):
        run_tick()
    assert report_a.events.filter(action=EventKind.OVERDUE).count() == 2


def test_the_tick_command_runs_it(county, issued, deadline):
    out = io.StringIO()
    with time_machine.travel(_on(deadline + timedelta(days=1)), tick=False):
        call_command("tick", stdout=out)
    assert "materials: reminders: 0, marked overdue: 4, escalations: 0" in out.getvalue()


def test_beat_runs_it_as_its_own_task(county, issued, deadline):
    with time_machine.travel(_on(deadline + timedelta(days=1)), tick=False):
        assert tick.delay().get() == "materials: reminders: 0, marked overdue: 4, escalations: 0"
