"""Who may change what the shell's pages show."""

from __future__ import annotations

from org.models import Person


def can_edit_calendar(person: Person) -> bool:
    return person.is_authenticated and person.is_active and person.is_office_admin()
