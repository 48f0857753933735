"""Who may change what the shell's pages show."""

from __future__ import annotations

from org.access import is_office_admin
from org.models import Person


def can_edit_calendar(person: Person) -> bool:
    return is_office_admin(person)
