"""Roll-ups (得分率, 及格率) by town, site type, keeper unit and round; the lines most failed; the results screen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from framework.models import SiteType
from framework.queries import checklist_for
from inspections.actions import Answer, publish_round, submit_visit
from inspections.models import RoundKind, Visit
from inspections.queries import most_failed_lines, problem_counts, rollup, rollup_by_round

NOW = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)


def _submit(inspector, visit, verdicts):
    items = list(checklist_for(visit.site.site_type, visit.round.edition))
    submit_visit(inspector, visit, [Answer(item=i, verdict=v) for i, v in zip(items, verdicts, strict=True)])


@pytest.fixture
def results(county, open_round, market_a, market_b):
    """Town A's market fails 地面干净 (1 of 3.5 points); town B's fails 地面干净 and 无乱堆乱放 (3 of 3.5)."""
    with time_machine.travel(NOW):
        round_ = open_round()
        _submit(county.inspector, round_.visits.get(site=market_a), ["fail", "pass", "pass"])
        _submit(county.inspector, round_.visits.get(site=market_b), ["fail", "pass", "fail"])
    return round_


def test_it_rolls_up_by_town_type_keeper_and_round(county, results):
    visits = Visit.objects.filter(round=results)
    assert [(r.label, r.score_rate, r.pass_rate) for r in rollup(visits, "town")] == [
        ("柳河镇", 0.5 / 3.5, 1 / 3),
        ("城关街道", 2.5 / 3.5, 2 / 3),
    ]
    market = SiteType.objects.get(code="17")
    [by_type] = rollup(visits, "site_type")
    assert (by_type.label, by_type.key, by_type.visits) == (market.name, market.pk, 2)
    assert by_type.points_kept == Decimal("3.0") and by_type.points_at_stake == Decimal("7.0")
    assert [r.label for r in rollup(visits, "keeper")] == [county.community_b.name, county.community_a.name]
    assert [(r.label, r.visits) for r in rollup_by_round(visits)] == [("六月督查", 2)]


def test_the_lines_most_failed_come_first(results):
    lines = most_failed_lines(Visit.objects.filter(round=results))
    assert [(line.text, line.failed, line.checked) for line in lines] == [
        ("地面干净", 2, 2),
        ("无乱堆乱放", 1, 2),
    ]
    counts = problem_counts(Visit.objects.filter(round=results), now=NOW)
    assert (counts.failed_lines, counts.open_cases, counts.overdue_cases) == (3, 3, 0)
    later = problem_counts(Visit.objects.filter(round=results), now=NOW + dt.timedelta(days=60))
    assert later.overdue_cases == 3


def test_the_office_sees_the_results_screen(county, login, results):
    page = login(county.office_admin).get(reverse("inspections:results"), {"round": results.pk})
    assert page.status_code == 200
    text = page.text
    assert "城关街道" in text and "71.4%" in text and "14.3%" in text and "地面干净" in text
    # Best first: 城关街道 (71.4%) ranks above 柳河镇.
    table = text[text.index('data-testid="by-town"') :]
    assert table.index("城关街道") < table.index("柳河镇")


def test_a_unit_sees_only_its_own_results_and_no_unpublished_secret_visits(
    county, login, open_round, market_a
):
    with time_machine.travel(NOW):
        secret = open_round(kind=RoundKind.SECRET)
        for visit in secret.visits.all():
            _submit(county.inspector, visit, ["fail", "pass", "pass"])
    client = login(county.handler_a)

    def by_town() -> str:
        text = client.get(reverse("inspections:results")).text
        return text[text.index('data-testid="by-town"') : text.index('data-testid="by-type"')]

    assert "城关街道" not in by_town() and "No submitted inspections" in by_town()
    publish_round(county.office_admin, secret)
    assert "城关街道" in by_town() and "柳河镇" not in by_town()
