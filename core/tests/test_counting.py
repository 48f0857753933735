"""Capped counts (core.counting): exact up to the cap, "cap+" beyond, and a paginator that stops there."""

from __future__ import annotations

from django.utils import translation

from core.counting import CappedCount, CappedPaginator, capped_count
from org.models import Unit


def test_it_counts_exactly_up_to_the_cap(county):
    units = Unit.objects.count()
    assert capped_count(Unit.objects.all(), units + 1) == CappedCount(units, capped=False)
    assert capped_count(Unit.objects.all(), units) == CappedCount(units, capped=False)


def test_past_the_cap_it_stops_there(county):
    assert capped_count(Unit.objects.order_by("name"), 2) == CappedCount(2, capped=True)


def test_it_reads_as_the_language_groups_digits():
    with translation.override("en"):
        assert (
            str(CappedCount(10_000, capped=True)) == "10,000+" and str(CappedCount(9_999, False)) == "9,999"
        )
    with translation.override("zh-hans"):
        assert str(CappedCount(10_000, capped=True)) == "10000+"
    assert not CappedCount(0, capped=False) and CappedCount(1, capped=False)


def test_the_paginator_offers_no_page_past_the_cap(county):
    paginator = CappedPaginator(Unit.objects.order_by("pk"), 2, cap=3)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)
    last = paginator.get_page(5)
    assert last.number == 2 and len(last.object_list) == 1 and not last.has_next()
