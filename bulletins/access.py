"""Who may make bulletins and round reports, and manage their Word templates."""

from __future__ import annotations

from org.models import Person


def can_make_bulletins(person: Person) -> bool:
    return person.is_authenticated and person.is_active and person.sees_everything()


def can_manage_templates(person: Person) -> bool:
    return person.is_authenticated and person.is_active and person.is_office_admin()
