"""Who may change messaging. A person's own inbox is theirs alone (the views read `request.user.notifications`)."""

from __future__ import annotations

from org.access import can_manage_org, can_name_liaison, is_active_person
from org.models import Person, Role


def can_manage_webhooks(person: Person) -> bool:
    """Robot webhooks post into the units' group chats: whoever manages the organisation manages them."""
    return can_manage_org(person)


def can_see_deliveries(person: Person) -> bool:
    """What left the system and what failed: the office admins follow it, and retry what failed."""
    return can_manage_org(person)


def can_name_own_liaison(person: Person) -> bool:
    """The liaison screen is the unit head's, for their own unit (the office edits any unit on its page)."""
    return (
        is_active_person(person)
        and person.role == Role.UNIT_HEAD
        and person.unit is not None
        and can_name_liaison(person, person.unit)
    )
