"""催办 and 领导督办: history entries, counted, on the queue and the case page, told to the right people."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import actions
from cases.conftest import photo
from cases.models import Case, CaseEvent
from cases.queries import filtered_list, unit_metrics
from core.counting import CappedPaginator
from notify.models import Channel, Delivery, Notification

DAYTIME = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _daytime():
    with time_machine.travel(DAYTIME, tick=False):
        yield


def recipients(kind: str) -> list[str]:
    return sorted(n.recipient.username for n in Notification.objects.filter(kind=kind))


def test_chasing_counts_and_the_head_hears_from_the_second_time(county, new_case):
    case = actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a)
    case = actions.urge_case(county.office_admin, case, "请今日处理")
    assert case.urge_count == 1 and recipients("case-urged") == ["handler_a"]
    case = actions.urge_case(county.office_admin, case)
    assert case.urge_count == 2 and recipients("case-urged") == ["handler_a", "handler_a", "head_a"]
    titles = Notification.objects.filter(kind="case-urged").values_list("title", flat=True)
    assert any("time 2" in title for title in titles)
    events = case.events.filter(action=CaseEvent.Action.URGE).order_by("at", "pk")
    assert [e.data["count"] for e in events] == [1, 2] and events[0].note == "请今日处理"
    start = DAYTIME - dt.timedelta(days=1)
    metrics = {m.unit_id: m for m in unit_metrics(start, start + dt.timedelta(days=2))}
    assert metrics[county.town_a.pk].urged == 2


def test_only_the_office_chases_and_nothing_changes_when_refused(county, new_case):
    case = actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a)
    for someone in (county.handler_a, county.leader):
        with pytest.raises(PermissionDenied):
            actions.urge_case(someone, case)
    case.refresh_from_db()
    assert case.urge_count == 0 and not Notification.objects.filter(kind="case-urged").exists()


def test_the_count_shows_on_the_units_queue_and_the_case_page(county, new_case, login):
    case = actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a)
    actions.urge_case(county.office_admin, case)
    client = login(county.handler_a)
    queue = client.get(reverse("cases:list") + "?queue=to_rectify").content.decode()
    assert 'data-urged="1"' in queue
    assert 'data-testid="urged"' in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_supervision_sms_goes_out_in_quiet_hours(county, new_case):
    county.handler_a.phone = "13800000001"
    county.handler_a.save()
    case = actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a)
    with time_machine.travel(dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC), tick=False):  # 23:00 local
        actions.urge_case(county.office_admin, case)
        actions.supervise_case(county.leader, case)
    held = Delivery.objects.get(kind="case-urged", channel=Channel.SMS)
    assert held.due_at == dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC)  # 07:30 local
    urgent = Delivery.objects.get(kind="case-supervised", channel=Channel.SMS)
    assert urgent.due_at == dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)


def test_a_leader_supervises_it_heads_the_queue_and_hears_of_each_step(county, new_case):
    first = actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a)
    second = actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a)
    with pytest.raises(PermissionDenied):
        actions.supervise_case(county.office_admin, second)
    second = actions.supervise_case(county.leader, second, "周五前办结")
    assert second.supervised_by == county.leader
    assert recipients("case-supervised") == ["admin", "handler_a", "head_a"]
    listed = filtered_list(county.handler_a, {}, default_queue=True).cases
    assert [c.pk for c in listed][:2] == [second.pk, first.pk]
    actions.report_back(county.handler_a, second, "已清理", [photo()])
    progress = Notification.objects.get(kind="case-progress")
    assert progress.recipient == county.leader and "Reported back" in progress.title
    with pytest.raises(ValidationError):
        actions.supervise_case(county.leader, second)
    start = DAYTIME - dt.timedelta(days=1)
    metrics = {m.unit_id: m for m in unit_metrics(start, start + dt.timedelta(days=2))}
    assert metrics[county.town_a.pk].supervised == 1 and metrics[county.town_a.pk].urged == 0


def test_the_pages_read_supervised_cases_first_in_the_same_order_as_one_order_by(county, new_case):
    made = [actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a) for _ in range(5)]
    for case in (made[3], made[1]):
        actions.supervise_case(county.leader, case)
    listed = filtered_list(county.office_admin, {})
    whole = [c.pk for c in listed.cases]
    assert set(whole[:2]) == {made[3].pk, made[1].pk}
    # The clock stands still here: every case was reported (and supervised) in the same instant, and the id
    # settles the order, the same in every window (without it PostgreSQL once gave two windows different orders).
    assert whole == [made[3].pk, made[1].pk, made[4].pk, made[2].pk, made[0].pk]
    # Every window, across the seam between the supervised and the rest, as the paginator slices it.
    for start in range(len(whole)):
        for stop in range(start + 1, len(whole) + 2):
            assert [c.pk for c in listed.rows[start:stop]] == whole[start:stop]
    assert CappedPaginator(listed.rows, 2, cap=10).page(2).object_list == [
        Case.objects.get(pk=pk) for pk in whole[2:4]
    ]
