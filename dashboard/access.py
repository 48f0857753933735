"""Who sees the dashboard (大屏): the office and the leaders."""

from __future__ import annotations

from org.models import Person


def can_see_dashboard(person: Person) -> bool:
    return person.is_authenticated and person.is_active and person.sees_everything()
