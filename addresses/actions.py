"""Every write to the address registry goes through one of these functions.

Each checks the actor's permission on the server, finds the grid and town from the location, validates the
whole row and saves it. The change history (who, when, before/after) is written by django-auditlog, registered
in apps.py. An edit takes the `updated_at` the editor saw: of two office people editing one row, the second is
told it changed rather than silently overwriting it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from addresses import tasks
from addresses.access import can_edit_addresses
from addresses.models import Doorplate, Located, Place, Road
from addresses.queries import forget_registry_copies, forget_road_names, locate
from jobs.actions import start_job
from jobs.models import GeneratedFile
from org.access import require
from org.models import Person

L = TypeVar("L", bound=Located)


def _check_seen(row: Located, seen: datetime | None) -> None:
    if row.pk and seen is not None:
        current = type(row)._default_manager.filter(pk=row.pk).values_list("updated_at", flat=True).first()
        if current is not None and current != seen:
            raise ValidationError(_("Someone else changed this row meanwhile; reload it and try again."))


def _forget_road_names() -> None:
    # Now for this process's next read, and again once committed: another process may have reloaded meanwhile.
    forget_road_names()
    transaction.on_commit(forget_road_names)


def _save(actor: Person, row: L, seen: datetime | None, fields: dict[str, Any]) -> L:
    require(can_edit_addresses(actor))
    if row.pk:
        row = type(row)._default_manager.select_for_update().get(pk=row.pk)
    _check_seen(row, seen)
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean(exclude=["grid", "town"])
    row.grid_id, row.town_id = locate(row.lon, row.lat)
    row.save()
    if isinstance(row, Road):
        _forget_road_names()
    return row


@transaction.atomic
def save_road(actor: Person, road: Road | None, seen: datetime | None = None, **fields: Any) -> Road:
    return _save(actor, road or Road(), seen, fields)


@transaction.atomic
def save_doorplate(
    actor: Person, plate: Doorplate | None, seen: datetime | None = None, **fields: Any
) -> Doorplate:
    return _save(actor, plate or Doorplate(), seen, fields)


@transaction.atomic
def save_place(actor: Person, place: Place | None, seen: datetime | None = None, **fields: Any) -> Place:
    saved = _save(actor, place or Place(), seen, fields)
    return saved


@transaction.atomic
def delete_row(actor: Person, row: Located) -> None:
    """Remove a road (only without doorplates), a doorplate or a place; sites and places pointing at a doorplate
    keep their own address text."""
    require(can_edit_addresses(actor))
    if isinstance(row, Road) and row.doorplates.exists():
        raise ValidationError(_("The road still has doorplates; remove or move them first."))
    row.delete()
    if isinstance(row, Road):
        _forget_road_names()


def after_bulk_load() -> None:
    """The base map's cached town outlines are built from the grids (a load may have come with new grids), and
    the search's road names from the roads."""
    forget_registry_copies()


# --- Imports in the background ---------------------------------------------------------------------


def start_import(actor: Person, name: str, data: bytes, layer: str, system: str) -> GeneratedFile:
    """Keep the uploaded file in storage and queue its import on the `imports` queue (the caller checked the file
    can be read); the job's page follows it. The upload stays until the import succeeds, so a retry after a lost
    worker reads it again."""
    require(can_edit_addresses(actor))
    stored = default_storage.save(
        f"imports/addresses/{uuid.uuid4().hex}-{Path(name).name}", ContentFile(data)
    )
    params = {
        "path": stored,
        "name": name,
        "layer": layer,
        "system": system,
        "language": translation.get_language(),
    }
    return start_job(actor, "address-import", params, tasks.make_address_import)
