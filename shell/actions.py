"""Writes from the shell's pages: the office keeps the working calendar up to date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.models import CalendarOverride
from org.access import require
from org.models import Person
from shell.access import can_edit_calendar


@transaction.atomic
def set_calendar_override(actor: Person, date: dt.date, is_workday: bool, note: str = "") -> CalendarOverride:
    require(can_edit_calendar(actor))
    override, _created = CalendarOverride.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "note": note}
    )
    return override


@transaction.atomic
def remove_calendar_override(actor: Person, override: CalendarOverride) -> None:
    require(can_edit_calendar(actor))
    override.delete()
