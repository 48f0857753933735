"""Who sees the 大屏 (the office and the leaders), who edits its screens (the office), and the display links: a
signed key that opens one screen and nothing else, until revoked."""

from __future__ import annotations

from django.core import signing
from django.db.models import QuerySet

from dashboard.models import DisplayLink, Screen
from org.access import get_or_404, is_office_staff, sees_everything
from org.models import Person

LINK_SALT = "dashboard.display-link"


def can_see_dashboard(person: Person) -> bool:
    return sees_everything(person)


def can_edit_screens(person: Person) -> bool:
    return is_office_staff(person)


def screens_for(person: Person) -> QuerySet[Screen]:
    return Screen.objects.all() if can_see_dashboard(person) else Screen.objects.none()


def get_screen_for(person: Person, pk: int, write: bool = False) -> Screen:
    allowed = can_edit_screens(person) if write else can_see_dashboard(person)
    return get_or_404(Screen.objects.all() if allowed else Screen.objects.none(), pk)


def sign_link(link: DisplayLink) -> str:
    """The token in a display link's URL: the link's random key, signed so a guessed or altered token is refused
    before the database is asked."""
    return signing.dumps(link.key, salt=LINK_SALT, compress=False)


def live_link(token: str) -> DisplayLink | None:
    """The display link a token names, if the signature holds and the office has not revoked it."""
    try:
        key = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return None
    return (
        DisplayLink.objects.select_related("screen", "screen__town")
        .filter(key=key, revoked_at__isnull=True)
        .first()
    )
