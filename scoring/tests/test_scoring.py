"""The scoring engine against a hand-computed fixture, adjustments and vetoes, ranking, and publications."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import Period
from org.models import Unit, UnitKind
from scoring import actions
from scoring.engine import SOURCES, UnitScore, compute_sheet, rank
from scoring.models import Adjustment, ComponentKind
from surveys.models import Answer, Channel, Question, Questionnaire, Response, SurveyRun
from surveys.tally import rebuild_answer_tally

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def period(county):
    return actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 4)


@pytest.fixture
def scheme(county, period):
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    actions.update_component(
        county.office_admin, scheme.components.get(kind=ComponentKind.SURVEY), Decimal("20"), {}
    )
    return scheme


def _answers(
    county, town_community, favourable: list[bool], question, when=datetime(2026, 11, 2, 10, tzinfo=TZ)
):
    run = SurveyRun.objects.get_or_create(name="r", starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 31))[
        0
    ]
    for value in favourable:
        response = Response.objects.create(
            run=run,
            questionnaire=question.questionnaire,
            client_id=uuid.uuid4(),
            channel=Channel.HOUSEHOLD,
            unit=town_community,
            town=town_community.parent,
            submitted_at=when,
        )
        Answer.objects.create(
            response=response, question=question, choices=["A" if value else "B"], favourable=value
        )
    rebuild_answer_tally()  # written round submit_response, which keeps the period facts


@pytest.fixture
def questions(db):
    questionnaire = Questionnaire.objects.create(name="q")
    support = Question.objects.create(
        questionnaire=questionnaire,
        order=1,
        text="支持",
        options=["是", "否"],
        favourable_options=["A"],
        target_rate=Decimal("0.800"),
    )
    satisfied = Question.objects.create(
        questionnaire=questionnaire,
        order=2,
        text="满意",
        options=["是", "否"],
        favourable_options=["A"],
        target_rate=Decimal("0.500"),
    )
    return support, satisfied


def test_the_survey_component_matches_the_hand_computed_fixture(county, scheme, questions):
    support, satisfied = questions
    # Town A: support 3/5 = 60% of an 80% target → 0.75; satisfied 2/4 = 50% of 50% → 1.0; mean 0.875 → 17.50
    _answers(county, county.community_a, [True, True, True, False, False], support)
    _answers(county, county.community_a, [True, True, False, False], satisfied)
    # Town B: support 4/4 → 1.0 (capped), nothing else → 20.00; an answer outside the period does not count
    _answers(county, county.community_b, [True] * 4, support)
    _answers(county, county.community_b, [False] * 9, support, when=datetime(2026, 9, 30, 12, tzinfo=TZ))
    sheet = {row.unit_name: row for row in compute_sheet(scheme)}
    assert sheet["城关街道"].component(ComponentKind.SURVEY).points == Decimal("17.50")
    assert sheet["柳河镇"].component(ComponentKind.SURVEY).points == Decimal("20.00")
    assert sheet["柳河镇"].rank == 1 and sheet["城关街道"].rank == 2
    assert "mean attainment of targets 87.5%" in sheet["城关街道"].component(ComponentKind.SURVEY).explanation
    assert sheet["城关街道"].component(ComponentKind.FIELD).available is False


def test_bonuses_are_capped_and_vetoes_zero_or_cap(county, scheme, questions):
    support, _ = questions
    _answers(county, county.community_a, [True] * 5, support)
    _answers(county, county.community_b, [True] * 5, support)
    admin = county.office_admin
    for _ in range(6):
        actions.add_adjustment(
            admin, scheme, unit=county.town_a, kind=Adjustment.Kind.BONUS, points=Decimal("1"), reason="荣誉"
        )
    actions.add_adjustment(
        admin,
        scheme,
        unit=county.town_a,
        kind=Adjustment.Kind.PENALTY,
        points=Decimal("0.5"),
        reason="负面清单",
    )
    sheet = {row.unit_name: row for row in compute_sheet(scheme)}
    assert (sheet["城关街道"].bonus, sheet["城关街道"].penalty, sheet["城关街道"].total) == (
        Decimal("4.00"),
        Decimal("0.50"),
        Decimal("23.50"),
    )
    actions.add_adjustment(
        admin,
        scheme,
        unit=county.town_a,
        kind=Adjustment.Kind.VETO_CAP,
        points=Decimal("15"),
        reason="重大事件",
    )
    actions.add_adjustment(
        admin,
        scheme,
        unit=county.town_b,
        kind=Adjustment.Kind.VETO_ZERO,
        points=Decimal("0"),
        reason="一票否决",
    )
    sheet = {row.unit_name: row for row in compute_sheet(scheme)}
    assert (sheet["城关街道"].total, sheet["城关街道"].veto) == (Decimal("15.00"), "cap")
    assert (sheet["柳河镇"].total, sheet["柳河镇"].veto) == (Decimal("0.00"), "zero")


def test_equal_totals_share_a_rank():
    scores = [
        UnitScore(i, name, [], total=Decimal(total))
        for i, (name, total) in enumerate([("甲", "90"), ("乙", "95"), ("丙", "90"), ("丁", "80")])
    ]
    rank(scores)
    assert [(s.unit_name, s.rank) for s in scores] == [("乙", 1), ("丙", 2), ("甲", 2), ("丁", 4)]


def test_a_component_without_facts_stays_at_zero(county, scheme, monkeypatch):
    # Every kind has a source now; an installation without one (e.g. a source removed) keeps the slot at 0.
    monkeypatch.delitem(SOURCES, ComponentKind.MATERIAL)
    with pytest.raises(ValidationError):
        actions.update_component(
            county.office_admin, scheme.components.get(kind=ComponentKind.MATERIAL), Decimal("30"), {}
        )
    rectification = scheme.components.get(kind=ComponentKind.RECTIFICATION)
    with pytest.raises(ValidationError):
        actions.update_component(county.office_admin, rectification, Decimal("0"), {"bogus": 1})


def test_a_publication_is_frozen_and_republishing_lists_the_changes(county, scheme, questions):
    support, _ = questions
    _answers(county, county.community_a, [True] * 4, support)
    first = actions.publish(county.office_admin, scheme)
    assert first.version == 1
    _answers(county, county.community_a, [False] * 4, support)  # new facts after publishing
    first.refresh_from_db()
    town_a = next(row for row in first.sheet if row["unit_name"] == "城关街道")
    assert town_a["total"] == "20.00", "the published sheet does not move"
    with pytest.raises(ValidationError):
        actions.publish(county.office_admin, scheme)  # a second version needs a reason
    second = actions.publish(county.office_admin, scheme, reason="补录问卷")
    assert second.version == 2
    assert {"unit": "城关街道", "field": "total", "before": "20.00", "after": "12.50"} in second.changes


def test_only_the_office_admin_changes_scores(county, scheme, login):
    with pytest.raises(PermissionDenied):
        actions.publish(county.leader, scheme)
    client = login(county.handler_a)
    assert client.get(reverse("scoring:scheme_detail", args=[scheme.pk])).status_code == 403
    response = client.post(
        reverse("scoring:adjustment_add", args=[scheme.pk]),
        {"unit": county.town_a.pk, "kind": "bonus", "points": "3", "reason": "自己加分"},
    )
    assert response.status_code == 403
    assert not Adjustment.objects.exists()
    assert login(county.leader).get(reverse("scoring:scheme_detail", args=[scheme.pk])).status_code == 200


def test_an_adjustment_must_name_a_unit_of_the_schemes_kind(county, scheme):
    with pytest.raises(ValidationError):
        actions.add_adjustment(
            county.office_admin,
            scheme,
            unit=county.department,
            kind=Adjustment.Kind.BONUS,
            points=Decimal("1"),
            reason="x",
        )


def test_the_public_page_shows_only_what_the_office_published_publicly(county, scheme, client):
    actions.publish(county.office_admin, scheme, public=False)
    assert "城关街道" not in client.get(reverse("scoring:public")).content.decode()
    actions.publish(county.office_admin, scheme, reason="公开", public=True)
    assert "城关街道" in client.get(reverse("scoring:public")).content.decode()
    assert Unit.objects.filter(kind=UnitKind.TOWN).count() == 2
