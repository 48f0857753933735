"""Capped counts (core.counting): exact up to the cap, "cap+" beyond, and a paginator that stops there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from core.counting import CappedCount, CappedPaginator, capped_count, capped_counts
from core.models import CalendarOverride


@pytest.fixture
def overrides(db) -> int:
    """Seven rows to count (any table does; the ground's own keeps the test in the ground)."""
    for day in range(1, 8):
        CalendarOverride.objects.create(date=dt.date(2027, 1, day), is_workday=day % 2 == 0)
    return 7


def test_it_counts_exactly_up_to_the_cap(overrides):
    rows = CalendarOverride.objects.all()
    assert capped_count(rows, overrides + 1) == CappedCount(overrides, capped=False)
    assert capped_count(rows, overrides) == CappedCount(overrides, capped=False)


def test_past_the_cap_it_stops_there(overrides):
    assert capped_count(CalendarOverride.objects.order_by("date"), 2) == CappedCount(2, capped=True)


def test_it_reads_as_the_language_groups_digits():
    with translation.override("en"):
        assert (
            str(CappedCount(10_000, capped=True)) == "10,000+" and str(CappedCount(9_999, False)) == "9,999"
        )
    with translation.override("zh-hans"):
        assert str(CappedCount(10_000, capped=True)) == "10000+"
    assert not CappedCount(0, capped=False) and CappedCount(1, capped=False)


def test_the_paginator_offers_no_page_past_the_cap(overrides):
    paginator = CappedPaginator(CalendarOverride.objects.order_by("pk"), 2, cap=3)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)
    last = paginator.get_page(5)
    assert last.number == 2 and len(last.object_list) == 1 and not last.has_next()


def test_several_counts_are_taken_in_one_statement(overrides, django_assert_num_queries):
    rows = CalendarOverride.objects.all()
    with django_assert_num_queries(1):
        counts = capped_counts(
            {
                "all": rows,
                "workdays": rows.filter(is_workday=True),
                "none": rows.filter(date__year=1999),
                "nothing to ask": rows.none(),
            },
            cap=5,
        )
    assert counts == {
        "all": CappedCount(5, capped=True),
        "workdays": CappedCount(3, capped=False),
        "none": CappedCount(0, capped=False),
        "nothing to ask": CappedCount(0, capped=False),
    }
    assert capped_counts({}, cap=5) == {}
