"""Fixtures for the case tests: the shipped categories, a photo, and a helper that files a case in grid A."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.actions import open_case
from cases.categories import CJT_214, load_categories
from cases.models import Case, Category, Source

IN_GRID_A = (117.005, 35.505)  # inside the county fixture's grid A (community A of town A)
IN_GRID_B = (117.015, 35.505)


def photo(name: str = "photo.jpg", color: str = "green") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def deadline_of(case: Case) -> dt.datetime:
    """A dispatched case's deadline (the field is empty until a case is dispatched)."""
    assert case.deadline is not None
    return case.deadline


@pytest.fixture
def categories(db) -> None:
    load_categories()


@pytest.fixture
def rubbish(categories) -> Category:
    """暴露垃圾: 1 working day in the shipped list."""
    return Category.objects.get(standard_ref=CJT_214, kind="event", code="0102")


@pytest.fixture
def new_case(county, rubbish):
    def _new(
        at: tuple[float, float] | None = IN_GRID_A, category: Category | None = rubbish, **fields
    ) -> Case:
        lon, lat = at if at else (None, None)
        defaults = {"source": Source.INSPECTION, "description": "路边暴露垃圾一堆"}
        return open_case(county.inspector, category=category, lon=lon, lat=lat, **{**defaults, **fields})

    return _new
