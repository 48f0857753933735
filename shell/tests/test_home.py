"""The home page shows each person the work waiting for them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Source, State
from core.models import Period
from org.models import UnitKind
from scoring import actions
from scoring.models import Adjustment


def _case(number, unit, state, deadline):
    return Case.objects.create(
        number=number, source=Source.PATROL, description="暴露垃圾", unit=unit, state=state, deadline=deadline
    )


def test_a_town_sees_what_falls_due_today_and_nothing_of_other_towns(county, login):
    later_today = timezone.localtime().replace(hour=23, minute=30)
    _case("2026-000801", county.town_a, State.DISPATCHED, later_today)
    _case("2026-000802", county.town_a, State.DISPATCHED, later_today + timedelta(days=3))
    _case("2026-000803", county.town_b, State.DISPATCHED, later_today)
    page = login(county.handler_a).get(reverse("home"))
    assert [case.number for case in page.context["due_today"]] == ["2026-000801"]
    cards = {card["label"]: card["count"].value for card in page.context["case_cards"]}
    assert cards["To rectify"] == 2


def test_the_office_sees_its_queues(county, login):
    _case("2026-000804", None, State.REPORTED, None)
    _case("2026-000805", county.town_b, State.SUBMITTED, None)
    page = login(county.office_admin).get(reverse("home"))
    cards = {card["label"]: card["count"].value for card in page.context["case_cards"]}
    assert cards["To accept"] == 1 and cards["To verify"] == 1
    assert "due_today" not in page.context


def test_a_leader_sees_the_standing_the_handling_and_nothing_to_act_on(county, login):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 4)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    actions.add_adjustment(
        county.office_admin,
        scheme,
        unit=county.town_b,
        kind=Adjustment.Kind.BONUS,
        points=Decimal("2"),
        reason="荣誉",
    )
    overdue = timezone.now() - timedelta(hours=2)
    _case("2026-000806", county.town_a, State.DISPATCHED, overdue)
    _case("2026-000807", county.town_a, State.DISPATCHED, overdue)
    _case("2026-000808", county.town_b, State.DISPATCHED, overdue)
    for number in ("2026-000809", "2026-000810", "2026-000811"):  # a department's: no town's
        _case(number, county.department, State.DISPATCHED, overdue)
    page = login(county.leader).get(reverse("home"))
    brief = page.context["brief"]
    assert [(row.unit_name, row.total) for row in brief["top"]] == [
        ("柳河镇", Decimal("2.00")),
        ("城关街道", 0),
    ]
    assert brief["overdue"] == 6
    assert brief["overdue_towns"] == [("城关街道", 2), ("柳河镇", 1)]
    assert b'data-testid="leader-brief"' in page.content


def test_units_get_no_county_brief(county, login):
    page = login(county.handler_a).get(reverse("home"))
    assert "brief" not in page.context
    assert b'data-testid="leader-brief"' not in page.content
