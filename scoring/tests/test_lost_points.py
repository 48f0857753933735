"""谁丢分谁负责: losses by criterion, site type, town, keeper and category, the worst sites and lines, the survey
questions below target; each figure opens its facts; a unit sees only its own losses."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.models import Period
from inspections.actions import publish_round
from inspections.models import Round, RoundKind
from org.models import Person
from scoring import actions, lost
from surveys.models import Answer, Channel, Question, Questionnaire, Response, SurveyRun

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def period(county):
    return actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 2)


@pytest.fixture
def losses(county, make_site, inspect):
    """Lines worth 1, 0.5, 2. Town A: a1 fails line 1 and 3 (−3), a2 fails line 1 (−1); town B: b1 fails line 2
    (−0.5); a secret round, not yet published, fails everything at b1 (does not count)."""
    a1, a2 = make_site("城关一市场"), make_site("城关二市场")
    b1 = make_site("柳河市场", at=(117.015, 35.505), keeper=county.community_b)
    inspect({a1: ["fail", "pass", "fail"], a2: ["fail", "na", "pass"], b1: ["pass", "fail", "pass"]})
    inspect({b1: ["fail", "fail", "fail"]}, kind=RoundKind.SECRET, name="暗访")
    return a1, a2, b1


def test_it_groups_the_losses_of_the_period(county, period, losses):
    assert len(losses) == 3
    findings = lost.period_findings(period, county.leader)
    assert lost.field_totals(findings) == {"lost": Decimal("4.50"), "failures": 4, "sites": 3}
    by_town = {row.label: (row.lost, row.failures) for row in lost.grouped(findings, lost.GROUPINGS[2][2])}
    assert by_town == {"城关街道": (Decimal("4.00"), 3), "柳河镇": (Decimal("0.50"), 1)}
    (criterion,) = lost.grouped(findings, lost.GROUPINGS[0][2])
    assert (criterion.label.split()[0], criterion.lost) == ("Ⅲ-1", Decimal("4.50"))
    assert [(r.label, r.lost) for r in lost.worst_sites(findings)] == [
        ("城关一市场", Decimal("3.00")),
        ("城关二市场", Decimal("1.00")),
        ("柳河市场", Decimal("0.50")),
    ]
    top = lost.repeated_problems(findings)[0]
    assert (top.label, top.failures, top.extra) == ("地面干净", 2, "2 sites")


def test_every_figure_opens_the_facts_behind_it(county, period, losses, login):
    a1, _, _ = losses
    client = login(county.leader)
    page = client.get(reverse("scoring:lost_points"), {"period": period.pk}).content.decode()
    facts_url = f"{reverse('scoring:lost_facts')}?period={period.pk}&amp;site={a1.pk}"
    assert facts_url in page
    response = client.get(reverse("scoring:lost_facts"), {"period": period.pk, "site": a1.pk})
    rows = response.context["page"].object_list
    assert [f.check_item.text for f in rows] == ["地面干净", "无乱堆乱放"]
    assert all(f.case is not None for f in rows), "each failed line links to the case it opened"
    assert rows[0].case.number in response.content.decode()
    assert response.context["totals"]["lost"] == Decimal("3.00")


def test_a_unit_sees_only_its_own_losses(county, period, losses, login):
    a1 = losses[0]
    findings = lost.period_findings(period, county.handler_b)
    assert lost.field_totals(findings) == {"lost": Decimal("0.50"), "failures": 1, "sites": 1}
    client = login(county.handler_b)
    page = client.get(reverse("scoring:lost_points"), {"period": period.pk})
    assert page.status_code == 200
    assert "城关一市场" not in page.content.decode()
    assert "sheets" not in page.context, "live score sheets stay with the office and leaders"
    facts = client.get(reverse("scoring:lost_facts"), {"period": period.pk, "site": a1.pk})
    assert list(facts.context["page"].object_list) == []


def test_a_published_secret_round_counts(county, period, losses):
    publish_round(county.office_admin, Round.objects.get(name="暗访"))
    assert lost.field_totals(lost.period_findings(period, county.leader))["lost"] == Decimal("8.00")


def test_bad_filters_show_nothing_rather_than_fail(county, period, losses, login):
    client = login(county.office_admin)
    response = client.get(reverse("scoring:lost_facts"), {"period": period.pk, "site": "x"})
    assert response.status_code == 200 and list(response.context["page"].object_list) == []
    assert client.get(reverse("scoring:lost_facts"), {"period": "999"}).status_code == 404


def _survey(county, question, community, favourable: list[bool]):
    run = SurveyRun.objects.get_or_create(
        name="二季度", starts_on=datetime(2026, 4, 1).date(), ends_on=datetime(2026, 6, 30).date()
    )[0]
    for value in favourable:
        response = Response.objects.create(
            run=run,
            questionnaire=question.questionnaire,
            client_id=uuid.uuid4(),
            channel=Channel.HOUSEHOLD,
            unit=community,
            town=community.parent,
            submitted_at=datetime(2026, 5, 5, 10, tzinfo=TZ),
        )
        Answer.objects.create(response=response, question=question, choices=["A"], favourable=value)


def test_survey_questions_below_target_come_worst_first(county, period):
    questionnaire = Questionnaire.objects.create(name="q")
    ask = lambda order, text, target: Question.objects.create(  # noqa: E731
        questionnaire=questionnaire,
        order=order,
        text=text,
        options=["是", "否"],
        favourable_options=["A"],
        target_rate=Decimal(target),
        criterion_code=f"Ⅲ-{order}",
    )
    support, know, fine = ask(1, "支持", "0.900"), ask(2, "知晓", "0.800"), ask(3, "满意", "0.500")
    _survey(county, support, county.community_a, [True] * 7 + [False] * 3)  # 70% vs 90%: −20
    _survey(county, know, county.community_b, [True] * 3 + [False] * 1)  # 75% vs 80%: −5
    _survey(county, fine, county.community_a, [True] * 3)  # 100% vs 50%: met, not listed
    rows = lost.survey_losses(period, county.leader)
    assert [(r.text, round(r.gap, 1)) for r in rows] == [("支持", 20.0), ("知晓", 5.0)]
    assert [r.text for r in lost.survey_losses(period, county.handler_b)] == ["知晓"]
    nobody = Person.objects.create(username="nobody", role=county.handler_a.role, unit=None)
    assert lost.survey_losses(period, nobody) == []
