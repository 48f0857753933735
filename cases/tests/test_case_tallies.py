"""The cohort and held-case tallies (cases.models.CohortTally, HeldTally) are always counts over the cases, after any
sequence of steps of the case loop (refused ones too) and a rebuild; and what is read from them, a period's
metrics and the overdue per unit, equals what counting the cases gives, at any hour the clock shows."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cases import actions
from cases.models import Case, CaseEvent, CohortTally, HeldTally, State, overdue_q
from cases.queries import cohort_metrics, overdue_by_unit, unit_metrics
from cases.tally import (
    counted_cohort,
    counted_held,
    counted_history,
    counted_open_cases,
    kept_cohort,
    kept_held,
    kept_history,
    kept_open_cases,
    rebuild_case_tallies,
)
from cases.tests.test_open_tally import STEPS, loop  # noqa: F401 (the fixture)
from core.tallies import month_start

# Steps that move a deadline, besides those of the open tally's test.
MORE_STEPS = ["extend", "shorten"]


def assert_tallies_are_counts() -> None:
    assert kept_open_cases() == counted_open_cases()
    assert kept_cohort() == counted_cohort()
    assert kept_held() == counted_held()
    assert kept_history() == counted_history()


def _plain(metrics) -> list[dict]:
    return [{**vars(m), "avg_handling_hours": None} for m in metrics]


def _periods(now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """This month, last month, this quarter and this year, as whole months in the local time zone."""
    month = month_start(now)
    last = month_start(month - dt.timedelta(days=1))
    quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1)
    year = month.replace(month=1)
    return [
        (month, month_start(month + dt.timedelta(days=32))),
        (last, month),
        (quarter, month_start(quarter + dt.timedelta(days=95))),
        (year, year.replace(year=year.year + 1)),
    ]


def assert_reads_are_counts() -> None:
    """At several moments from now on (deadlines passing, months turning): the kept metrics equal the counted
    ones for each period, and the overdue per unit equals a count of the overdue cases."""
    now = timezone.now()
    for ahead in (dt.timedelta(0), dt.timedelta(days=3), dt.timedelta(days=20), dt.timedelta(days=70)):
        with time_machine.travel(now + ahead, tick=False):
            moment = timezone.now()
            for start, end in _periods(moment):
                assert _plain(cohort_metrics(start, end)) == _plain(unit_metrics(start, end))
            counted = Case.objects.filter(overdue_q(moment)).values_list("unit_id").annotate(n=Count("id"))
            assert overdue_by_unit(moment) == dict(counted)


@pytest.fixture
def steps(loop, county):  # noqa: F811
    """The open tally's steps, and two that move a deadline: an extension asked and granted, a supervised case's
    deadline shortened."""
    admin = county.office_admin
    handlers = {
        county.town_a.pk: county.handler_a,
        county.town_b.pk: county.handler_b,
        county.community_a.pk: county.community_handler_a,
        county.department.pk: county.department_handler,
    }

    def take(step: str, pick: int, cases: list[Case]) -> None:
        if step not in MORE_STEPS or not cases:
            loop(step, pick, cases)
            return
        case = Case.objects.get(pk=cases[pick % len(cases)].pk)
        handler = handlers.get(case.unit_id or 0, county.handler_a)
        deadline = case.deadline or timezone.now()
        with contextlib.suppress(actions.CaseConflict, ValidationError, PermissionDenied):
            if step == "extend":
                until = deadline + dt.timedelta(days=[3, 12, 40][pick % 3])
                case = actions.request_extension(handler, case, until, "材料未到")
                actions.approve_extension(admin, case)
            else:
                actions.supervise_case(county.leader, case)
                case.refresh_from_db()
                actions.shorten_deadline(admin, case, timezone.now() + dt.timedelta(hours=pick + 1))

    return take


@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(STEPS + MORE_STEPS), st.integers(0, 11)), min_size=1, max_size=40))
def test_they_equal_counts_over_the_cases_after_any_steps(steps, data):
    with transaction.atomic():
        cases: list[Case] = []
        for step, pick in data:
            steps(step, pick, cases)
            assert_tallies_are_counts()
        assert_reads_are_counts()
        transaction.set_rollback(True)


def test_a_fixed_walk_moves_every_count(county, steps):
    """Every counter moved at least once, whatever hypothesis draws: dispatched and redispatched, returned,
    reported back, reworked, closed on time, deferred, extended and shortened."""
    cases: list[Case] = []
    walk = [("report", 0), ("report", 1), ("report", 2), ("report", 4)]
    walk += [("dispatch", 0), ("dispatch", 1), ("dispatch", 2), ("dispatch", 3), ("dispatch", 5)]
    walk += [("extend", 1), ("shorten", 2), ("start", 1), ("report_back", 1), ("rework", 1)]
    walk += [("report_back", 1), ("verify", 1), ("defer", 3), ("return", 0), ("report_back", 2)]
    walk += [("report", 5), ("dispatch", 4)]
    for step, pick in walk:
        steps(step, pick, cases)
        assert_tallies_are_counts()
    assert_reads_are_counts()
    totals = [sum(counts[i] for counts in kept_cohort().values()) for i in range(len(CohortTally.COUNTERS))]
    dispatched, closed, _on_time, back, reworked, extended, pending = totals
    assert dispatched == 5 and closed == 1 and back >= 1 and reworked == 1 and extended == 1 and pending >= 1
    assert (
        sum(n for (n,) in kept_held().values()) == Case.objects.filter(state__in=Case.UNIT_STATES).count() > 0
    )
    assert Case.objects.filter(state=State.DEFERRED).exists()
    taken = set(CaseEvent.objects.values_list("action", flat=True))
    assert {"approve_extension", "shorten_deadline", "return", "rework", "verify"} <= taken


def test_a_rebuild_puts_right_what_went_round_the_steps(county, new_case):
    """An UPDATE that skips Case.save (a bulk load, a hand-made fix) leaves the tallies behind until a rebuild,
    which says how many counts it corrected; a second finds nothing."""
    case = actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a)
    assert_tallies_are_counts()
    Case.objects.filter(pk=case.pk).update(
        deadline=timezone.now() - dt.timedelta(days=80), unit=county.town_b
    )
    assert kept_held() != counted_held()
    assert rebuild_case_tallies() == 6  # open, cohort and held: one key too many and one missing each
    assert_tallies_are_counts()
    assert rebuild_case_tallies() == 0
    assert HeldTally.objects.exists() and CohortTally.objects.exists()


def test_the_history_tally_follows_a_moved_step_and_a_deleted_case(county, new_case):
    """A history row saved again with another time (the demo's staging) moves to that month; a case deleted takes
    its counted steps with it."""
    admin = county.office_admin
    case = actions.dispatch_case(admin, new_case(), unit=county.town_a)
    actions.urge_case(admin, case)
    assert kept_history() == counted_history() != {}
    step = CaseEvent.objects.get(case=case, action=CaseEvent.Action.DISPATCH)
    step.at -= dt.timedelta(days=62)
    step.save(update_fields=["at"])
    assert kept_history() == counted_history()
    assert len(kept_history()) == 2  # the dispatch two months back, the urge now
    Case.objects.get(pk=case.pk).delete()
    assert kept_history() == counted_history() == {}
    assert_tallies_are_counts()
