"""The inspections' tally (inspections.models.VisitTally) is always a count over the inspections that count for
scores: after submissions in an open round and a 暗访 round (which count only once published), a site moved to
another keeper and town, and a rebuild; and the period's sums read from it equal those counted from the
inspections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from core.tallies import month_start
from framework.queries import checklist_for
from inspections.actions import Answer, publish_round, save_site, submit_visit
from inspections.models import RoundKind, Visit, rate_units
from inspections.queries import period_visit_sums
from inspections.tally import counted_visit_tally, kept_visits, rebuild_visit_tally
from org.models import Unit


@pytest.fixture(autouse=True)
def _in_the_rounds():
    """The rounds of the fixtures run around 10 June 2026."""
    with time_machine.travel(dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)):
        yield


def _submit(county, visit: Visit, verdicts: list[str]) -> None:
    items = list(checklist_for(visit.site.site_type, visit.round.edition))
    submit_visit(
        county.inspector, visit, [Answer(item=i, verdict=v) for i, v in zip(items, verdicts, strict=True)]
    )


def _assert_sums_are_counts() -> None:
    assert kept_visits() == counted_visit_tally()
    month = month_start(timezone.now())
    later = month_start(month + dt.timedelta(days=32))
    counted = period_visit_sums(month, later + dt.timedelta(microseconds=1))  # not whole months: counted
    assert period_visit_sums(month, later) == counted


def test_it_equals_a_count_over_the_inspections_that_count(county, open_round, market_a, market_b):
    open_one, secret = open_round(), open_round(kind=RoundKind.SECRET)
    _submit(county, open_one.visits.get(site=market_a), ["fail", "pass", "pass"])
    _submit(county, open_one.visits.get(site=market_b), ["pass", "pass", "pass"])
    _submit(county, secret.visits.get(site=market_a), ["fail", "fail", "pass"])
    _assert_sums_are_counts()
    assert sum(n for n, _units in kept_visits().values()) == 2  # the 暗访 does not count yet
    publish_round(county.office_admin, secret)
    _assert_sums_are_counts()
    assert sum(n for n, _units in kept_visits().values()) == 3
    market_a.keeper = Unit.objects.get(pk=county.community_b.pk)  # moved: its inspections go with it
    save_site(county.office_admin, market_a)
    _assert_sums_are_counts()
    assert {key[:2] for key in kept_visits()} == {
        (market_b.town_id, county.community_b.pk),
        (market_a.town_id, county.community_b.pk),
    }
    assert rebuild_visit_tally() == 0


def test_a_rate_is_rounded_half_up_to_twelve_places_exactly():
    assert rate_units(Decimal("2.00"), Decimal("3.00")) == 666_666_666_667
    assert rate_units(Decimal("1.00"), Decimal("8.00")) == 125_000_000_000
    assert rate_units(Decimal("0.00"), Decimal("7.50")) == 0
    assert rate_units(Decimal("7.50"), Decimal("7.50")) == 10**12


def test_a_rebuild_puts_right_what_went_round_the_writes(county, open_round, market_a):
    _submit(county, open_round().visits.get(site=market_a), ["fail", "pass", "pass"])
    Visit.objects.update(points_kept=0)  # a hand-made change: the tally does not follow
    assert rebuild_visit_tally() == 1
    assert kept_visits() == counted_visit_tally()
