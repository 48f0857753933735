"""Deadlines in working time: Chinese holidays, 调休 Saturdays, office overrides and working hours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.models import CalendarOverride
from core.workcalendar import DeadlineUnit, WorkCalendar, due_at, parse_working_hours

TZ = ZoneInfo("Asia/Shanghai")
HOURS, DAYS = DeadlineUnit.WORKING_HOURS, DeadlineUnit.WORKING_DAYS


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar(periods=parse_working_hours("08:30-12:00,14:00-17:30"), tz=TZ)


def test_it_skips_the_national_day_holiday_in_working_hours(cal):
    # Wed 30 Sep 2026 16:00: 1.5 h left that day; 1–7 Oct are off; work resumes Thu 8 Oct 08:30.
    assert cal.due_at(at(2026, 9, 30, 16), 4, HOURS) == at(2026, 10, 8, 11, 0)


def test_it_skips_the_national_day_holiday_in_working_days(cal):
    # 30 Sep + 3 working days: 8 Oct, 9 Oct, then Saturday 10 Oct is a 调休 workday.
    assert cal.due_at(at(2026, 9, 30, 9), 3, DAYS) == at(2026, 10, 10, 17, 30)


def test_it_counts_a_make_up_saturday_as_a_working_day(cal):
    assert cal.is_workday(dt.date(2026, 10, 10))  # Saturday, 调休
    assert not cal.is_workday(dt.date(2026, 10, 11))  # Sunday
    # Friday 9 Oct 17:00 + 2 working hours: 0.5 h on Friday, 1.5 h on Saturday morning.
    assert cal.due_at(at(2026, 10, 9, 17), 2, HOURS) == at(2026, 10, 10, 10, 0)


def test_it_skips_a_lunch_break_and_a_weekend(cal):
    assert cal.due_at(at(2026, 11, 27, 11), 2, HOURS) == at(2026, 11, 27, 15, 0)  # Friday
    assert cal.due_at(at(2026, 11, 27, 17), 1, HOURS) == at(2026, 11, 30, 9, 0)  # → Monday


def test_it_starts_counting_at_the_next_period_when_started_at_night(cal):
    assert cal.due_at(at(2026, 11, 25, 22), 1, HOURS) == at(2026, 11, 26, 9, 30)
    assert cal.due_at(at(2026, 11, 25, 12, 30), 1, HOURS) == at(2026, 11, 25, 15, 0)


def test_it_keeps_a_deadline_at_the_end_of_a_period(cal):
    assert cal.due_at(at(2026, 11, 25, 8, 30), 3.5, HOURS) == at(2026, 11, 25, 12, 0)


def test_office_overrides_win_over_the_package(db):
    CalendarOverride.objects.create(date=dt.date(2026, 11, 26), is_workday=False, note="local holiday")
    CalendarOverride.objects.create(date=dt.date(2026, 11, 28), is_workday=True, note="make-up")
    calendar = WorkCalendar.load()
    assert not calendar.is_workday(dt.date(2026, 11, 26))
    assert calendar.is_workday(dt.date(2026, 11, 28))
    assert due_at(at(2026, 11, 25, 17), 1, DAYS) == at(2026, 11, 27, 17, 30)


def test_a_year_the_package_does_not_know_falls_back_to_weekdays(cal):
    assert cal.is_workday(dt.date(2099, 6, 1))  # Monday
    assert not cal.is_workday(dt.date(2099, 6, 6))  # Saturday


def test_working_hours_come_from_the_setting(db, settings):
    settings.WORKING_HOURS = "09:00-17:00"
    assert due_at(at(2026, 11, 25, 9), 8, HOURS) == at(2026, 11, 25, 17)


def test_bad_working_hours_are_refused():
    with pytest.raises(ValueError):
        parse_working_hours("14:00-12:00")
    with pytest.raises(ValueError):
        parse_working_hours("08:00-12:00,11:00-13:00")


starts = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 1)).map(
    lambda d: d.replace(tzinfo=TZ, microsecond=0)
)


@settings(max_examples=200, deadline=None)
@given(start=starts, hours=st.integers(min_value=1, max_value=200))
def test_property_working_hours_between_start_and_due_equal_the_amount(start, hours):
    cal = WorkCalendar(periods=parse_working_hours("08:30-12:00,14:00-17:30"), tz=TZ)
    due = cal.due_at(start, hours, HOURS)
    assert due > start
    assert cal.is_working_time(due)
    assert cal.working_time_between(start, due) == dt.timedelta(hours=hours)


@settings(max_examples=200, deadline=None)
@given(start=starts, days=st.integers(min_value=1, max_value=30))
def test_property_working_days_end_on_a_workday_close_and_grow_with_the_amount(start, days):
    cal = WorkCalendar(periods=parse_working_hours("08:30-12:00,14:00-17:30"), tz=TZ)
    due = cal.due_at(start, days, DAYS)
    assert cal.is_workday(due.date()) and due.time() == dt.time(17, 30)
    assert due.date() > start.date()
    assert cal.due_at(start, days + 1, DAYS) > due
    # Exactly `days` working days lie after the start's date, up to and including the due date.
    between = [start.date() + dt.timedelta(days=i) for i in range(1, (due.date() - start.date()).days + 1)]
    assert sum(cal.is_workday(d) for d in between) == days
