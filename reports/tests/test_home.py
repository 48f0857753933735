"""The home page shows each person the work waiting for them."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Source, State


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
    cards = {card["label"]: card["count"] for card in page.context["case_cards"]}
    assert cards["To rectify"] == 2


def test_the_office_sees_its_queues(county, login):
    _case("2026-000804", None, State.REPORTED, None)
    _case("2026-000805", county.town_b, State.SUBMITTED, None)
    page = login(county.office_admin).get(reverse("home"))
    cards = {card["label"]: card["count"] for card in page.context["case_cards"]}
    assert cards["To accept"] == 1 and cards["To verify"] == 1
    assert "due_today" not in page.context
