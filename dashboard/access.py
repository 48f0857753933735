"""Who sees the dashboard (大屏): the office and the leaders."""

from __future__ import annotations

from org.access import sees_everything
from org.models import Person


def can_see_dashboard(person: Person) -> bool:
    return sees_everything(person)
