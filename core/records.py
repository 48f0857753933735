"""The common tail of a write: set the given fields, validate the whole record, save it."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def save_validated(instance: M, **fields: Any) -> M:
    """Assign `fields`, run full_clean() (raising ValidationError with every problem), then save."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance
