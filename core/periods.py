"""A period's bounds as aware datetimes, for filtering facts by when they happened."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from core.models import Period


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """[start, end) of the period in the current time zone: midnight of its first day to midnight after its last."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(period.starts_on, time.min, zone)
    return start, datetime.combine(period.ends_on + timedelta(days=1), time.min, zone)


def in_period(period: Period, field: str) -> dict:
    """Filter arguments: `field` (a datetime) within the period, as a range the database can use an index for."""
    start, end = period_bounds(period)
    return {f"{field}__gte": start, f"{field}__lt": end}
