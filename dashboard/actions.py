"""Every write of the 大屏: named screens and their display links, each with its history row."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.records import save_validated
from dashboard.access import can_edit_screens
from dashboard.models import DisplayLink, Screen, ScreenEvent
from org.access import require
from org.models import Person, Unit


@transaction.atomic
def save_screen(
    actor: Person, screen: Screen, *, name: str, town: Unit | None, rotation_seconds: int, panels: list[str]
) -> Screen:
    """Create or change a screen; the history keeps what it was set to."""
    require(can_edit_screens(actor))
    adding = screen.pk is None
    save_validated(screen, name=name, town=town, rotation_seconds=rotation_seconds, panels=panels)
    ScreenEvent.objects.create(
        screen=screen,
        actor=actor,
        action=ScreenEvent.Action.CREATE if adding else ScreenEvent.Action.UPDATE,
        data={
            "name": name,
            "town": town.pk if town else None,
            "rotation": rotation_seconds,
            "panels": panels,
        },
    )
    return screen


@transaction.atomic
def make_link(actor: Person, screen: Screen, label: str) -> DisplayLink:
    require(can_edit_screens(actor))
    link = save_validated(DisplayLink(screen=screen, created_by=actor), label=label)
    ScreenEvent.objects.create(
        screen=screen, actor=actor, action=ScreenEvent.Action.LINK, note=label, data={"link": link.pk}
    )
    return link


@transaction.atomic
def revoke_link(actor: Person, link: DisplayLink) -> DisplayLink:
    """The link stops opening the screen at once (every request checks it)."""
    require(can_edit_screens(actor))
    link = DisplayLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        ScreenEvent.objects.create(
            screen=link.screen,
            actor=actor,
            action=ScreenEvent.Action.REVOKE,
            note=link.label,
            data={"link": link.pk},
        )
    return link
