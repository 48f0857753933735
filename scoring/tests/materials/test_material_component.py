"""Review results become the materials component of the period's score sheets, and the sheet links to them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from materials import actions
from materials.tests.conftest import pdf, photo
from org.models import UnitKind
from scoring import actions as scoring_actions
from scoring.engine import compute_sheet
from scoring.models import ComponentKind
from scoring.simulation import simulate


@pytest.fixture
def scheme(county, period):
    scheme = period.schemes.create(unit_kind=UnitKind.TOWN)
    for kind in ComponentKind.values:
        scheme.components.create(kind=kind)
    component = scheme.components.get(kind=ComponentKind.MATERIAL)
    scoring_actions.update_component(county.office_admin, component, Decimal("20"), {"late_penalty": 0.5})
    return scheme


def _send_ads(county, request):
    actions.add_files(county.handler_a, request, "regulation", [pdf()])
    actions.add_files(county.handler_a, request, "photo", [photo()])
    actions.submit(county.handler_a, request)


def _row(sheet, unit):
    return next(row for row in sheet if row.unit_id == unit.pk).component(ComponentKind.MATERIAL)


def test_points_are_earned_over_possible_of_the_units_requests(county, scheme, ads_a, report_a):
    _send_ads(county, ads_a)
    actions.accept(county.inspector, ads_a, points="7")  # 7 of 10; the report (4 points) is not sent
    part = _row(compute_sheet(scheme), county.town_a)
    assert part.available
    assert part.points == Decimal("10.00")  # 20 × 7 / 14
    assert part.facts["requests"] == 2 and part.facts["accepted"] == 1
    assert part.explanation == (
        "2 materials requested, 1 accepted (0 late, each −50% 逾期), 7.00 of 14.00 points: 50.0%"
    )
    assert part.facts["url"] == f"/materials/reviews/{scheme.period_id}/{county.town_a.pk}/"
    # 柳河镇 was asked for criterion 1 only and sent nothing.
    assert _row(compute_sheet(scheme), county.town_b).points == Decimal("0.00")


def test_material_first_sent_after_the_deadline_loses_the_late_share(county, scheme, ads_a, report_a):
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        _send_ads(county, ads_a)
    actions.accept(county.inspector, ads_a, points="10")
    part = _row(compute_sheet(scheme), county.town_a)
    assert part.facts["late"] == 1
    assert part.points == Decimal("7.14")  # 20 × (10 × 0.5) / 14
    assert "1 late, each −50% 逾期" in part.explanation


def test_late_material_keeps_its_mark_after_submission_and_review(county, scheme, ads_a, login):
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        _send_ads(county, ads_a)
        ads_a.refresh_from_db()
        assert ads_a.was_submitted_late() and not ads_a.is_overdue(timezone.localdate())
        page = login(county.office_admin).get(reverse("materials:request_detail", args=[ads_a.pk]))
        html = page.content.decode()
        assert 'data-testid="submitted-late"' in html
        assert 'data-testid="late-warning"' in html, "the reviewer sees the late deduction before scoring"
    actions.accept(county.inspector, ads_a, points="10")
    ads_a.refresh_from_db()
    assert ads_a.was_submitted_late()
    page = login(county.handler_a).get(reverse("materials:request_detail", args=[ads_a.pk]))
    assert 'data-testid="submitted-late"' in page.content.decode()


def test_material_sent_on_time_has_no_late_mark(county, scheme, ads_a):
    _send_ads(county, ads_a)
    ads_a.refresh_from_db()
    assert not ads_a.was_submitted_late()


def test_a_communitys_requests_count_for_its_town(county, scheme, period, ads, deadline):
    actions.issue_requests(
        county.office_admin,
        period=period,
        criteria=[ads],
        deadline=deadline,
        extra_units=[county.community_a],
        breakdown_units=False,
    )
    part = _row(compute_sheet(scheme), county.town_a)
    assert part.facts["requests"] == 1 and part.points == Decimal("0.00")


def test_a_unit_asked_for_nothing_keeps_the_points(county, scheme):
    part = _row(compute_sheet(scheme), county.town_a)
    assert part.points == Decimal("20.00") and part.explanation == "No materials requested in the period"


def test_the_sheet_links_to_the_reviews_behind_the_number(county, login, scheme, ads_a, report_a):
    _send_ads(county, ads_a)
    actions.accept(county.inspector, ads_a, "好", points="7")
    client = login(county.office_admin)
    page = client.get(f"/scores/schemes/{scheme.pk}/").content.decode()
    link = f"/materials/reviews/{scheme.period_id}/{county.town_a.pk}/"
    assert link in page
    reviews = client.get(link).content.decode()
    assert "7.00 / 10.00" in reviews and "0 / 4.00" in reviews


def test_a_town_sees_its_own_reviews_but_not_another_towns(county, login, scheme, ads_a):
    client = login(county.handler_a)
    assert client.get(f"/materials/reviews/{scheme.period_id}/{county.town_a.pk}/").status_code == 200
    assert client.get(f"/materials/reviews/{scheme.period_id}/{county.town_b.pk}/").status_code == 404


def test_accepted_material_counts_in_the_simulated_framework_total(county, period, edition, ads, ads_a):
    before = {row.criterion.pk: row for row in simulate(edition, period).rows}
    assert not before[ads.pk].others["material"]  # asked of the lead department and two towns, none accepted
    _send_ads(county, ads_a)
    actions.accept(county.inspector, ads_a, points="8")  # 8 of town A's 10; 20 more points still open
    rows = {row.criterion.pk: row for row in simulate(edition, period).rows}
    assert rows[ads.pk].others["material"] == Decimal(8) / Decimal(30)
    assert rows[ads.pk].measured


def test_the_material_page_says_what_the_late_score_counts_for(county, scheme, ads_a, login):
    """Issue 19.2: before scoring, the share it will lose; after, "7.50 − 50% 逾期 = 3.75" (this scheme takes 50%)."""
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        _send_ads(county, ads_a)
    url = reverse("scoring:material_late", args=[ads_a.pk])
    zh = {"Accept-Language": "zh-hans"}
    office = login(county.office_admin)
    page = office.get(reverse("materials:request_detail", args=[ads_a.pk]), headers=zh).content.decode()
    assert f'hx-get="{url}"' in page
    before = office.get(url, headers=zh).content.decode()
    assert "扣减 50%（逾期），满分 10.00 最多计 5.00" in before
    actions.accept(county.inspector, ads_a, points="7.5")
    after = login(county.handler_a).get(url, headers=zh).content.decode()
    assert "7.50 − 50% 逾期 = 3.75" in after
    # Another town's material is not found.
    assert login(county.handler_b).get(url).status_code == 404
