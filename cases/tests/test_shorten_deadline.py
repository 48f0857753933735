"""Shortening the deadline of a supervised case (领导督办): the office or a leader, earlier and still ahead, from the
state the actor saw; a history row, and the unit hears at once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import actions
from cases.conftest import deadline_of
from cases.models import CaseEvent
from notify.models import Notification

DAYTIME = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _daytime():
    with time_machine.travel(DAYTIME, tick=False):
        yield


@pytest.fixture
def supervised(county, new_case):
    case = actions.dispatch_case(
        county.office_admin, new_case(), unit=county.town_a, deadline=DAYTIME + dt.timedelta(days=5)
    )
    return actions.supervise_case(county.leader, case, "本周办结")


def recipients(kind: str) -> list[str]:
    return sorted(n.recipient.username for n in Notification.objects.filter(kind=kind))


def test_the_office_shortens_it_the_history_says_so_and_the_unit_hears(county, supervised):
    until = DAYTIME + dt.timedelta(days=1)
    case = actions.shorten_deadline(county.office_admin, supervised, until, "明天前完成")
    case.refresh_from_db()
    assert case.deadline == until
    event = case.events.get(action=CaseEvent.Action.SHORTEN_DEADLINE)
    assert event.actor == county.office_admin and event.note == "明天前完成"
    assert event.data == {"from": (DAYTIME + dt.timedelta(days=5)).isoformat(), "until": until.isoformat()}
    assert recipients("case-deadline-shortened") == ["handler_a", "head_a"]
    assert recipients("case-progress") == ["leader"]  # the leader hears of the office's step


def test_a_leader_may_shorten_it_too_and_is_not_told_of_their_own_step(county, supervised):
    actions.shorten_deadline(county.leader, supervised, DAYTIME + dt.timedelta(days=2))
    assert recipients("case-deadline-shortened") == ["handler_a", "head_a"]
    assert not Notification.objects.filter(kind="case-progress").exists()


def test_only_earlier_and_still_ahead(county, supervised):
    for until in (DAYTIME + dt.timedelta(days=6), DAYTIME - dt.timedelta(hours=1)):
        with pytest.raises(ValidationError):
            actions.shorten_deadline(county.office_admin, supervised, until)
    supervised.refresh_from_db()
    assert deadline_of(supervised) == DAYTIME + dt.timedelta(days=5)


def test_a_case_not_under_supervision_keeps_its_deadline(county, new_case):
    case = actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a)
    with pytest.raises(ValidationError):
        actions.shorten_deadline(county.office_admin, case, DAYTIME + dt.timedelta(hours=3))
    assert not case.events.filter(action=CaseEvent.Action.SHORTEN_DEADLINE).exists()


def test_the_unit_cannot_shorten_it_and_nothing_changes(county, supervised):
    for someone in (county.handler_a, county.head_a, county.handler_b):
        with pytest.raises(PermissionDenied):
            actions.shorten_deadline(someone, supervised, DAYTIME + dt.timedelta(days=1))
    supervised.refresh_from_db()
    assert deadline_of(supervised) == DAYTIME + dt.timedelta(days=5)
    assert not Notification.objects.filter(kind="case-deadline-shortened").exists()


def test_a_page_left_open_past_another_step_is_refused(county, supervised, login):
    seen = supervised.version
    actions.urge_case(county.office_admin, supervised)
    client = login(county.office_admin)
    url = reverse("cases:step", args=[supervised.pk, CaseEvent.Action.SHORTEN_DEADLINE])
    until = (DAYTIME + dt.timedelta(days=1)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    response = client.post(url, {"until": until.strftime("%Y-%m-%dT%H:%M"), "version": seen})
    assert response.status_code == 302
    supervised.refresh_from_db()
    assert deadline_of(supervised) == DAYTIME + dt.timedelta(days=5)
    page = client.get(reverse("cases:detail", args=[supervised.pk])).content.decode()
    assert "Shorten the deadline" in page or "缩短期限" in page
