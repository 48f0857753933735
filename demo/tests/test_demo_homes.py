"""Every demo login opens on a home page with its own work for today (issue 15.6): the demo is loaded as `make run`
loads it, then each login's home page is read as that person and what it lists is checked to be theirs."""

from __future__ import annotations

from django.urls import reverse

from cases.models import Case
from demo.today import build_demo_today
from notify.models import Notification
from org.models import Person, Unit

INSPECTORS = [f"inspector{n}" for n in range(1, 7)]
SURVEYORS = [f"surveyor{n}" for n in range(1, 5)]


def _home(client, username: str):
    person = Person.objects.get(username=username)
    client.force_login(person)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    return person, page.context


def _within(case: Case, person: Person) -> bool:
    unit = Unit.objects.filter(pk=case.unit_id or 0).first()
    return unit is not None and person.unit is not None and unit.is_within(person.unit)


def test_every_demo_login_has_unread_messages(demo_county, db):
    for username in [*demo_county, *INSPECTORS, *SURVEYORS]:
        unread = Notification.objects.filter(recipient__username=username, read_at__isnull=True, folded=False)
        assert unread.exists(), username


def test_the_office_has_reports_to_accept_report_backs_to_verify_and_material_to_review(
    demo_county, db, client
):
    _person, context = _home(client, "admin")
    cards = {card["url"].rsplit("=", 1)[1]: card["count"].value for card in context["case_cards"]}
    assert cards["to_accept"] > 0 and cards["to_verify"] > 0
    assert context["material_cards"][0]["count"] > 0  # materials to review


def test_each_inspector_has_visits_of_their_own_today(demo_county, db, client):
    for username in INSPECTORS:
        person, context = _home(client, username)
        assert context["visits"], username
        assert all(visit.inspector_id == person.pk for visit, _m in context["visits"])


def test_each_surveyor_has_a_share_for_today_and_a_next_respondent(demo_county, db, client):
    for username in SURVEYORS:
        person, context = _home(client, username)
        days = context["field_days"]
        assert days and all(day.run.surveyors.filter(pk=person.pk).exists() for day in days), username
        assert any(day.target_today > 0 and day.next_unit is not None for day in days), username


def test_each_handler_has_new_sent_back_due_today_and_overdue_cases_of_their_unit(demo_county, db, client):
    for username in ("town01", "c0101", "dept11"):
        person, context = _home(client, username)
        sections = {section["name"]: section["cases"] for section in context["unit_work"]}
        assert set(sections) == {"new", "rework", "due_today", "overdue"}
        for name, cases in sections.items():
            assert cases, (username, name)
            assert all(_within(case, person) for case in cases), (username, name)


def test_the_unit_head_sees_the_standing_and_late_cases_with_escalations(demo_county, db, client):
    person, context = _home(client, "town01head")
    assert context["standing"]["rank"] >= 1 and context["standing"]["metrics"] is not None
    rows = context["late"]["rows"]
    assert rows and all(_within(case, person) for case, _escalated in rows)
    assert any(escalated for _case, escalated in rows)
    assert Notification.objects.filter(recipient=person, kind="escalate").exists()


def test_the_leader_follows_the_cases_they_supervise_and_the_brief(demo_county, db, client):
    person, context = _home(client, "leader")
    assert context["supervised"] and all(case.supervised_by_id == person.pk for case in context["supervised"])
    assert context["brief"]["overdue"] > 0
    assert Notification.objects.filter(recipient=person, kind="case-progress").exists()


def test_todays_work_is_added_once_a_day(demo_county, db):
    assert build_demo_today() == 0
