"""The photo of a problem, read for a document: a file lost from storage must not sink the whole document."""

from __future__ import annotations

from cases.models import CasePhoto


def photo_bytes(photo: CasePhoto | None) -> bytes | None:
    if photo is None:
        return None
    field = photo.public or photo.thumbnail
    try:
        with field.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None
