"""The demo cases: thousands over several quarters, every kind of story, deterministic and idempotent."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Min

from cases.models import Case, CaseEvent, State
from cases.queries import overdue_q, unit_metrics
from cases.tally import (
    counted_cohort,
    counted_held,
    counted_open_cases,
    kept_cohort,
    kept_held,
    kept_open_cases,
)
from demo.cases import build_demo_cases
from inspections.tally import counted_visit_tally, kept_visits
from portal.models import CitizenReport, PointsAward
from surveys.tally import counted_answers, kept_answers


@pytest.fixture
def demo(demo_county, db):
    """The demo county (built once for the module), each test in its own savepoint."""


def test_it_has_thousands_of_cases_in_every_part_of_the_loop(demo):
    assert Case.objects.count() >= 3000
    states = set(Case.objects.values_list("state", flat=True))
    assert {State.REPORTED, State.RECTIFYING, State.SUBMITTED, State.CLOSED, State.REJECTED} <= states
    assert {State.DEFERRED, State.DUPLICATE} <= states
    assert Case.objects.filter(overdue_q()).count() >= 20
    assert Case.objects.filter(rework_count__gt=0).count() >= 50
    assert kept_open_cases() == counted_open_cases()  # the 大屏 reads the tally the bulk load counted
    # and the period facts the score sheets read, which the loads and today's staging keep or rebuild
    assert kept_cohort() == counted_cohort() and kept_held() == counted_held()
    assert kept_answers() == counted_answers() and kept_visits() == counted_visit_tally()
    assert (
        Case.objects.filter(return_count__gt=0).exists()
        and Case.objects.filter(extension_count__gt=0).exists()
    )
    assert Case.objects.filter(relapse_of__isnull=False).count() >= 10
    oldest = Case.objects.aggregate(first=Min("reported_at"))["first"]
    assert oldest < Case.objects.latest("reported_at").reported_at - dt.timedelta(
        days=250
    )  # several quarters
    assert not Case.objects.annotate(n=Count("events")).filter(n=0).exists()
    assert CaseEvent.objects.filter(action=CaseEvent.Action.REWORK).count() >= 50
    # The metrics read it, and a second load adds nothing.
    end = Case.objects.latest("reported_at").reported_at
    rows = unit_metrics(end - dt.timedelta(days=120), end)
    assert len(rows) >= 20 and any(m.rework_rate for m in rows)
    count = Case.objects.count()
    assert build_demo_cases() == 0 and Case.objects.count() == count


def test_citizen_cases_have_their_public_side_and_points_once(demo):
    reports = CitizenReport.objects.count()
    assert reports >= 200
    assert not CitizenReport.objects.exclude(case__source="citizen").exists()
    assert PointsAward.objects.exists()
    awards = PointsAward.objects.count()
    call_command("demo", stdout=io.StringIO())
    assert (CitizenReport.objects.count(), PointsAward.objects.count()) == (reports, awards)


def test_it_tops_the_cases_up_to_a_number_for_benchmarks(demo):
    before, last_pk = Case.objects.count(), Case.objects.latest("pk").pk
    out = io.StringIO()
    call_command("demo", cases=before + 2500, stdout=out)
    assert Case.objects.count() == before + 2500
    assert "2500 cases added" in out.getvalue()
    numbers = Case.objects.values_list("number", flat=True)
    assert len(set(numbers)) == len(numbers)
    # Every added case has its history, links point at real cases, and the counter continues after them.
    assert not Case.objects.annotate(n=Count("events")).filter(n=0).exists()
    relapses = Case.objects.filter(relapse_of__isnull=False)
    assert relapses.count() > 10
    assert all(
        c.relapse_of and c.relapse_of.closed_at and c.relapse_of.closed_at < c.reported_at for c in relapses
    )
    added = Case.objects.filter(pk__gt=last_pk)
    assert {State.CLOSED, State.RECTIFYING, State.REJECTED} <= set(added.values_list("state", flat=True))
    call_command("demo", cases=before + 2500, stdout=out)
    assert Case.objects.count() == before + 2500 and "none added" in out.getvalue()
    # Copied rows skip Case.save: the load counts the open-case tally from them after.
    assert kept_open_cases() == counted_open_cases()
