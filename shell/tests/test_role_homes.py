"""Each role opens on its own work: a handler on new / sent back / due today / overdue, an inspector on today's
visits (nearest first when the phone says where it is), a surveyor on the surveys in the field."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Source, State
from core.models import Period
from org.models import UnitKind
from scoring.actions import create_period, publish


def _case(number, unit, state, deadline, **fields):
    return Case.objects.create(
        number=number,
        source=Source.PATROL,
        description="暴露垃圾",
        unit=unit,
        state=state,
        deadline=deadline,
        **fields,
    )


# At noon, so "due today" never straddles midnight while the test runs (it failed at 23:59 Beijing time).
@time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_a_handler_opens_on_new_sent_back_due_today_and_overdue(county, login):
    now = timezone.now()
    tonight = timezone.localtime().replace(hour=23, minute=59)
    _case("2026-000901", county.town_a, State.DISPATCHED, now + dt.timedelta(days=3), dispatched_at=now)
    _case("2026-000902", county.town_a, State.RECTIFYING, now + dt.timedelta(days=3), rework_count=1)
    _case("2026-000903", county.town_a, State.RECTIFYING, tonight)
    _case("2026-000904", county.town_a, State.RECTIFYING, now - dt.timedelta(hours=2))
    _case("2026-000905", county.town_b, State.DISPATCHED, now - dt.timedelta(hours=2), dispatched_at=now)
    page = login(county.handler_a).get(reverse("home"))
    work = {section["name"]: [c.number for c in section["cases"]] for section in page.context["unit_work"]}
    assert work == {
        "new": ["2026-000901"],
        "rework": ["2026-000902"],
        "due_today": ["2026-000903"],
        "overdue": ["2026-000904"],
    }
    assert reverse("cases:detail", args=[Case.objects.get(number="2026-000904").pk]) in page.content.decode()


def test_a_supervised_case_heads_its_list(county, login):
    now = timezone.now()
    _case("2026-000911", county.town_a, State.RECTIFYING, now - dt.timedelta(hours=5))
    _case(
        "2026-000912",
        county.town_a,
        State.RECTIFYING,
        now - dt.timedelta(hours=1),
        supervised_by=county.leader,
        supervised_at=now,
    )
    page = login(county.handler_a).get(reverse("home"))
    overdue = next(s for s in page.context["unit_work"] if s["name"] == "overdue")
    assert [c.number for c in overdue["cases"]] == ["2026-000912", "2026-000911"]


def test_a_surveyor_sees_no_case_queues(county, login):
    page = login(county.surveyor).get(reverse("home"))
    assert "case_cards" not in page.context and b'data-testid="case-queues"' not in page.content


def test_an_inspector_opens_on_todays_visits(county, login):
    page = login(county.inspector).get(reverse("home"))
    assert page.context["visits"] == [] and b'data-testid="todays-visits"' in page.content
    assert "case_cards" not in page.context


@time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_a_unit_head_opens_on_the_units_standing_and_what_is_late(county, login):
    period = create_period(county.office_admin, Period.Kind.QUARTER, 2026, 4)  # town A, town B
    now = timezone.now()
    _case("2026-000921", county.town_a, State.RECTIFYING, now - dt.timedelta(hours=3), urge_count=2)
    _case("2026-000922", county.community_a, State.RECTIFYING, now - dt.timedelta(days=3))  # escalated
    _case("2026-000923", county.town_a, State.RECTIFYING, now + dt.timedelta(days=2))  # not late
    _case("2026-000924", county.town_b, State.RECTIFYING, now - dt.timedelta(days=3))  # another town
    page = login(county.head_a).get(reverse("home"))
    late = page.context["late"]
    assert [(case.number, escalated) for case, escalated in late["rows"]] == [
        ("2026-000922", True),
        ("2026-000921", False),
    ]
    assert late["count"] == 2
    standing = page.context["standing"]
    assert standing["overdue"] == 1  # the town's own cases (the community's count under the community)
    assert "rank" not in standing  # the live sheet is the office's until it is published
    publish(county.office_admin, period.schemes.get(unit_kind=UnitKind.TOWN), "季度通报")
    standing = login(county.head_a).get(reverse("home")).context["standing"]
    assert (standing["rank"], standing["of"]) in {(1, 2), (2, 2)}
    html = page.content.decode()
    assert 'data-testid="unit-standing"' in html and 'data-testid="late-list"' in html
    assert reverse("notify:liaison") in html  # the head names the unit's liaison from here
    assert "unit_work" not in page.context  # the lists of the handlers' own work are the handlers'
