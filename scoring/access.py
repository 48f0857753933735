"""Who may see and change scores: everyone sees what is published, the office and the leaders also the live
(unpublished) sheets; the office admins change periods, schemes, entries and publications."""

from __future__ import annotations

from org.access import is_office_admin, sees_everything
from org.models import Person


def can_manage_scores(person: Person) -> bool:
    return is_office_admin(person)


def can_see_live_scores(person: Person) -> bool:
    return sees_everything(person)
