"""Rectification metrics per unit (DESIGN.md §5) against a fixture computed by hand.

November 2026, 暴露垃圾 (deadline 1 working day), working hours 08:30–12:00 and 14:00–17:30:

town A   case 1  dispatched Mon 2 Nov 10:00, reported back Tue 3 Nov 10:00 (on time), closed.     7.0 working hours
         case 2  dispatched Mon 2 Nov 10:00, reported back Thu 5 Nov (late), rework, back Fri 6 Nov 10:00,
                 closed.                                                                              28.0 working hours
         case 3  dispatched 2 Nov, extension to Fri 20 Nov approved, never reported back: due, not closed
         case 4  dispatched 2 Nov, deferred (缓办): out of both denominators
         case 5  dispatched 2 Nov, returned by town A (wrong unit), redispatched to town B at 14:00
         case 6  dispatched Mon 30 Nov, deadline Tue 1 Dec: not yet due at the end of November
town B   case 5  due Tue 3 Nov 17:30, never reported back: due, not closed

town A: dispatched 5 (1,2,3,4,6), due 3 (1,2,3), closed 2, on time 1 → 结案率 2/3, 按期结案率 1/3;
        reported back 2, reworked 1 → 返工率 1/2; extended 1 of 5 → 延期率 1/5;
        dispatch steps 6, returns 1 → 准确派遣率 5/6; 平均处置时长 (7 + 28) / 2 = 17.5 h.
town B: dispatched 1, due 1, closed 0 → 0 and 0; 准确派遣率 1/1; no report back → 返工率 none.
"""

from __future__ import annotations

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db.models import Min

from cases import actions
from cases.conftest import photo
from cases.models import Case
from cases.queries import unit_metrics

fill_cohort = importlib.import_module("cases.migrations.0009_fill_case_first_dispatched_at").fill

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def november(county, new_case):
    office, a, b = county.office_admin, county.town_a, county.town_b
    handler = county.handler_a

    def step(moment, fn, *args, **kwargs):
        with time_machine.travel(moment, tick=False):
            return fn(*args, **kwargs)

    with time_machine.travel(at(2, 9), tick=False):
        c1, c2, c3, c4, c5 = (new_case() for _ in range(5))
    for case in (c1, c2, c3, c4, c5):
        step(at(2, 10), actions.dispatch_case, office, case, unit=a)
    c1 = step(at(3, 10), actions.report_back, handler, c1, "done", [photo()])
    step(at(3, 11), actions.verify_case, office, c1)
    c2 = step(at(5, 10), actions.report_back, handler, c2, "done", [photo()])
    c2 = step(at(5, 11), actions.rework_case, office, c2, "not clean")
    c2 = step(at(6, 10), actions.report_back, handler, c2, "done again", [photo()])
    step(at(6, 11), actions.verify_case, office, c2)
    c3 = step(at(3, 9), actions.request_extension, handler, c3, at(20, 17, 30), "machinery")
    step(at(3, 10), actions.approve_extension, office, c3)
    step(at(3, 10), actions.defer_case, office, c4, "road works")
    c5 = step(at(2, 11), actions.return_case, handler, c5, "town B's road")
    step(at(2, 14), actions.dispatch_case, office, c5, unit=b)
    with time_machine.travel(at(30, 9), tick=False):
        c6 = new_case()
    step(at(30, 10), actions.dispatch_case, office, c6, unit=a)
    return county


def test_the_metrics_match_the_hand_computed_fixture(november, django_assert_max_num_queries):
    with time_machine.travel(at(15, 10, month=12), tick=False), django_assert_max_num_queries(3):
        rows = {m.unit_name: m for m in unit_metrics(at(1, 0), at(1, 0, month=12))}
    a, b = rows["城关街道"], rows["柳河镇"]
    assert (a.dispatched, a.due, a.closed, a.closed_on_time) == (5, 3, 2, 1)
    assert (a.close_rate, a.on_time_rate) == (0.6667, 0.3333)
    assert (a.reported_back, a.reworked, a.rework_rate) == (2, 1, 0.5)
    assert (a.extended, a.extension_rate) == (1, 0.2)
    assert (a.dispatches, a.returns, a.accurate_dispatch_rate) == (6, 1, 0.8333)
    assert a.avg_handling_hours == 17.5
    assert (b.dispatched, b.due, b.closed, b.close_rate, b.on_time_rate) == (1, 1, 0, 0.0, 0.0)
    assert (b.accurate_dispatch_rate, b.rework_rate, b.avg_handling_hours) == (1.0, None, None)


def test_a_period_without_cases_has_no_rows(november):
    assert unit_metrics(at(1, 0, month=10), at(1, 0, month=11)) == []


def test_a_redispatch_does_not_move_a_case_to_another_periods_cohort(county, new_case):
    """First dispatched on 30 October to town A, returned, redispatched to town B on 2 November: it belongs to
    October's cohort (its first dispatch, from the history), counted for the unit that holds it."""
    office = county.office_admin
    with time_machine.travel(at(30, 9, month=10), tick=False):
        case = new_case()
        actions.dispatch_case(office, case, unit=county.town_a)
    with time_machine.travel(at(2, 9), tick=False):
        case = actions.return_case(county.handler_a, case, "town B's road")
        case = actions.dispatch_case(office, case, unit=county.town_b)
    first_step = case.events.filter(action="dispatch").order_by("at").first()
    assert first_step is not None
    assert case.first_dispatched_at == first_step.at == at(30, 9, month=10)
    assert case.dispatched_at == at(2, 9)
    with time_machine.travel(at(15, 10, month=12), tick=False):
        october = {m.unit_name: m.dispatched for m in unit_metrics(at(1, 0, month=10), at(1, 0))}
        november = {m.unit_name: m.dispatched for m in unit_metrics(at(1, 0), at(1, 0, month=12))}
    assert october["柳河镇"] == 1
    assert november.get("柳河镇", 0) == 0


def test_the_cohort_column_is_the_first_dispatch_in_the_history(november):
    for case in Case.objects.exclude(first_dispatched_at=None):
        first = case.events.filter(action="dispatch").aggregate(first=Min("at"))["first"]
        assert case.first_dispatched_at == first, case.number


def test_the_migration_fills_the_cohort_from_the_history(november):
    expected = dict(Case.objects.values_list("pk", "first_dispatched_at"))
    Case.objects.update(first_dispatched_at=None)
    fill_cohort(django_apps, None)
    assert dict(Case.objects.values_list("pk", "first_dispatched_at")) == expected
