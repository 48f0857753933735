"""Who may read and change the address registry: anyone may search it (the public report form does); the office
admins keep it."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from org.access import is_office_admin, is_office_staff
from org.models import Person


def can_edit_addresses(person: Person | AnonymousUser) -> bool:
    return is_office_admin(person)


def can_see_registry(person: Person | AnonymousUser) -> bool:
    """The registry's pages (lists, import); searching and the base map are public."""
    return is_office_staff(person)
