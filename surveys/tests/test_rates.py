from __future__ import annotations

from decimal import Decimal

import pytest

from surveys.rates import Rate, sample_size, wilson_interval


def test_it_computes_the_wilson_interval_by_hand():
    low, high = wilson_interval(81, 100)
    # p = 0.81, z = 1.95996: centre (p + z²/2n)/(1 + z²/n), half-width z·√(p(1−p)/n + z²/4n²)/(1 + z²/n)
    assert low == pytest.approx(0.72221, abs=1e-5)
    assert high == pytest.approx(0.87485, abs=1e-5)


def test_the_interval_stays_inside_zero_and_one():
    assert wilson_interval(0, 10)[0] == pytest.approx(0.0)
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0)
    assert wilson_interval(0, 0) == (0.0, 0.0)


def test_it_tells_how_many_responses_give_three_points_at_95_percent():
    assert sample_size(0.03) == 1068
    assert sample_size(0.05) == 385


@pytest.mark.parametrize(
    "favourable, valid, status", [(80, 100, "met"), (79, 100, "close"), (60, 100, "missed")]
)
def test_it_compares_a_rate_with_its_target(favourable, valid, status):
    assert Rate(favourable, valid, Decimal("0.800")).status == status


def test_a_rate_without_target_or_answers_has_no_status():
    assert Rate(5, 10).status == ""
    assert Rate(0, 0, Decimal("0.8")).status == ""
