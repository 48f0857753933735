"""Who may make bulletins and round reports, and manage their Word templates."""

from __future__ import annotations

from org.access import is_office_admin, sees_everything
from org.models import Person


def can_make_bulletins(person: Person) -> bool:
    return sees_everything(person)


def can_manage_templates(person: Person) -> bool:
    return is_office_admin(person)


def can_issue_documents(person: Person) -> bool:
    """Issuing gives a document its number (文号) and puts it in the register: the office's admins."""
    return is_office_admin(person)


def can_see_register(person: Person) -> bool:
    return sees_everything(person)
