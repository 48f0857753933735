"""The working calendar: which days are worked, which hours count, and deadlines in working time.

Public holidays and make-up workdays (调休) come from the `chinesecalendar` package; the office overrides single
dates (`core.models.CalendarOverride`) when the State Council's notice for next year arrives before the package
is updated. Working hours come from the setting `WORKING_HOURS` (default 08:30–12:00, 14:00–17:30).

Deadline rules, the same everywhere:
- N working hours: count N hours of working time from the start (a start outside working time counts from the
  next working period); a deadline that falls exactly on the end of a period stays there.
- N working days: the end of the working day on the N-th working day after the start's date (the start's own day
  never counts, whenever in the day the case arrived).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import chinese_calendar
from django.conf import settings
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import CalendarOverride


class DeadlineUnit(TextChoices):
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")


Period = tuple[dt.time, dt.time]


def parse_working_hours(text: str) -> list[Period]:
    """'08:30-12:00,14:00-17:30' → [(08:30, 12:00), (14:00, 17:30)]; refuses overlapping or empty periods."""
    periods: list[Period] = []
    for part in text.split(","):
        start_text, end_text = part.strip().split("-")
        start, end = dt.time.fromisoformat(start_text.strip()), dt.time.fromisoformat(end_text.strip())
        if end <= start or (periods and start < periods[-1][1]):
            raise ValueError(f"working hours must be ordered, non-overlapping periods: {text!r}")
        periods.append((start, end))
    if not periods:
        raise ValueError("at least one working period is needed")
    return periods


def _package_says_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # A year the package does not know yet: weekdays work until the office enters the notice.
        return day.weekday() < 5


@dataclass
class WorkCalendar:
    """A calendar with its overrides loaded once; cheap to ask many times in a loop."""

    periods: list[Period]
    overrides: dict[dt.date, bool] = field(default_factory=dict)
    tz: dt.tzinfo = field(default_factory=timezone.get_default_timezone)
    _days: dict[dt.date, bool] = field(default_factory=dict, repr=False)  # the package is slow per call

    @classmethod
    def load(cls) -> WorkCalendar:
        overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
        return cls(periods=parse_working_hours(settings.WORKING_HOURS), overrides=overrides)

    # --- days ----------------------------------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day not in self._days:
            self._days[day] = _package_says_workday(day)
        return self._days[day]

    def next_workday(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    # --- periods -------------------------------------------------------------------------------
    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    def _span(self, day: dt.date, period: Period) -> dt.timedelta:
        return self._at(day, period[1]) - self._at(day, period[0])

    def working_periods(self, start: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Working intervals from `start` on (the first one may begin at `start` itself), forever."""
        local = start.astimezone(self.tz)
        day = local.date()
        if not self.is_workday(day):
            day = self.next_workday(day)
        while True:
            for begin_time, end_time in self.periods:
                begin, end = self._at(day, begin_time), self._at(day, end_time)
                if end <= local:
                    continue
                yield max(begin, local), end
            day = self.next_workday(day)

    def is_working_time(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.tz)
        if not self.is_workday(local.date()):
            return False
        return any(begin <= local.time() <= end for begin, end in self.periods)

    # --- deadlines and durations ---------------------------------------------------------------
    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        if hours < 0:
            raise ValueError("a deadline cannot be in the past")
        left = dt.timedelta(hours=hours)
        for begin, end in self.working_periods(start):
            if not left:
                return begin
            if end - begin >= left:
                return begin + left
            left -= end - begin
        raise AssertionError("unreachable: working periods never end")

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        if days < 0:
            raise ValueError("a deadline cannot be in the past")
        day = start.astimezone(self.tz).date()
        if days == 0:
            return start
        for _step in range(days):
            day = self.next_workday(day)
        return self._at(day, self.periods[-1][1])

    def due_at(self, start: dt.datetime, amount: float, unit: str) -> dt.datetime:
        if unit == DeadlineUnit.WORKING_HOURS:
            return self.add_working_hours(start, amount)
        if unit == DeadlineUnit.WORKING_DAYS:
            return self.add_working_days(start, int(amount))
        raise ValueError(f"unknown deadline unit {unit!r}")

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time inside [start, end]; zero when end is not after start."""
        total = dt.timedelta()
        if end <= start:
            return total
        for begin, stop in self.working_periods(start):
            if begin >= end:
                break
            total += min(stop, end) - begin
        return total


def due_at(start: dt.datetime, amount: float, unit: str, calendar: WorkCalendar | None = None) -> dt.datetime:
    """The deadline `amount` working hours or working days after `start`, on the office's calendar."""
    return (calendar or WorkCalendar.load()).due_at(start, amount, unit)


def working_hours_between(
    start: dt.datetime, end: dt.datetime, calendar: WorkCalendar | None = None
) -> float:
    return (calendar or WorkCalendar.load()).working_time_between(start, end).total_seconds() / 3600
