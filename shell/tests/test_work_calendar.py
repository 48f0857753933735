"""The working-calendar page: everyone reads the year's days off and make-up workdays; office admins change them."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from core.models import CalendarOverride


def test_the_office_admin_adds_an_override_in_the_ui(county, login):
    client = login(county.office_admin)
    response = client.post(
        reverse("work_calendar"), {"date": "2027-10-09", "is_workday": "1", "note": "调休"}
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.get(date=dt.date(2027, 10, 9)).is_workday
    page = client.get(reverse("work_calendar") + "?year=2027").content.decode()
    assert "2027-10-09" in page


def test_a_unit_handler_cannot_change_the_calendar(county, login):
    client = login(county.handler_a)
    assert client.get(reverse("work_calendar")).status_code == 200
    response = client.post(reverse("work_calendar"), {"date": "2027-10-09", "is_workday": "1"})
    assert response.status_code == 403
    assert not CalendarOverride.objects.exists()
    override = CalendarOverride.objects.create(date=dt.date(2027, 1, 4), is_workday=False)
    assert client.post(reverse("work_calendar_remove", args=[override.pk])).status_code == 403
    assert CalendarOverride.objects.filter(pk=override.pk).exists()


def test_the_office_admin_removes_an_override(county, login):
    override = CalendarOverride.objects.create(date=dt.date(2027, 1, 4), is_workday=False)
    response = login(county.office_admin).post(reverse("work_calendar_remove", args=[override.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("work_calendar") + "?year=2027"
    assert not CalendarOverride.objects.exists()


def test_the_page_lists_the_years_holidays_and_make_up_workdays(county, login):
    page = login(county.handler_a).get(reverse("work_calendar") + "?year=2025")
    days = {day: worked for day, worked, _overridden in page.context["special_days"]}
    assert days[dt.date(2025, 10, 1)] is False  # 国庆节
    assert days[dt.date(2025, 9, 28)] is True  # a Sunday worked (调休)
    assert page.context["can_edit"] is False
