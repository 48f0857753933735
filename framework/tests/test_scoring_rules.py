"""Every scoring rule kind, with its edges: deductions beyond the points, rates exactly at a threshold."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from framework import scoring
from framework.models import RuleKind
from framework.rules import apply_rule, check_rule, describe_rule

TIERS = [(D("0.80"), D(1)), (D("0.75"), D("0.5"))]


def test_it_deducts_each_failed_check():
    assert scoring.deduction(D(5), [D(1), D("0.5")]) == D("3.5")


def test_it_floors_deductions_at_zero_when_they_exceed_the_points():
    assert scoring.deduction(D(2), [D(1), D(1), D(1)]) == D(0)


def test_it_keeps_all_points_without_failed_checks():
    assert scoring.deduction(D(4), []) == D(4)


@pytest.mark.parametrize(
    ("rate", "earned"),
    [
        (D("0.801"), D(10)),  # above 80%: full
        (D("0.80"), D(5)),  # exactly 80% is not above 80%: part
        (D("0.751"), D(5)),
        (D("0.75"), D(0)),  # exactly 75%: none (≤75%)
        (D(0), D(0)),
        (D(1), D(10)),
    ],
)
def test_it_grades_by_thresholds_strictly_above(rate, earned):
    assert scoring.graded(D(10), rate, TIERS) == earned


def test_it_grades_whatever_order_the_tiers_are_given_in():
    assert scoring.graded(D(10), D("0.9"), list(reversed(TIERS))) == D(10)


def test_it_passes_or_fails():
    assert scoring.pass_fail(D(3), True) == D(3)
    assert scoring.pass_fail(D(3), False) == D(0)


@pytest.mark.parametrize(("items", "earned"), [(0, 0), (3, 3), (4, 4), (9, 4), (-1, 0)])
def test_it_gives_a_bonus_per_item_up_to_the_cap(items, earned):
    assert scoring.bonus(D(1), D(4), items) == D(earned)


def test_it_deducts_per_negative_list_item_capped_or_not():
    assert scoring.negative_list(D(2), None, 3) == D(-6)
    assert scoring.negative_list(D(2), D(5), 3) == D(-5)
    assert scoring.negative_list(D(2), D(5), 0) == D(0)


def test_it_voids_the_total_on_a_veto():
    assert scoring.veto(D(92), True) == D(0)
    assert scoring.veto(D(92), False) == D(92)


def test_it_voids_the_total_below_a_prerequisite_and_accepts_the_minimum_itself():
    assert scoring.prerequisite(D(90), D("84.99"), D(85)) == D(0)
    assert scoring.prerequisite(D(90), D(85), D(85)) == D(90)


def test_it_applies_each_rule_kind_from_its_stored_parameters():
    assert apply_rule(RuleKind.DEDUCTION, D(3), {}, {"deductions": ["1", "5"]}) == D(0)
    assert apply_rule(RuleKind.GRADED, D(4), {}, {"rate": "0.8"}) == D(2)
    assert apply_rule(RuleKind.PASS_FAIL, D(4), {}, {"passed": False}) == D(0)
    assert apply_rule(RuleKind.BONUS, D(0), {"per_item": "1", "cap": "4"}, {"items": 6}) == D(4)
    assert apply_rule(RuleKind.NEGATIVE_LIST, D(0), {"per_item": "0.5"}, {"items": 3}) == D("-1.5")
    assert apply_rule(RuleKind.VETO, D(0), {}, {"total": "88", "vetoed": True}) == D(0)
    assert apply_rule(RuleKind.PREREQUISITE, D(0), {"minimum": "85"}, {"total": "88", "value": "86"}) == D(88)


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        (RuleKind.GRADED, {"tiers": [["0.8"]]}),
        (RuleKind.GRADED, {"tiers": [["80", "1"]]}),
        (RuleKind.BONUS, {"per_item": "1"}),
        (RuleKind.BONUS, {"per_item": "-1", "cap": "4"}),
        (RuleKind.NEGATIVE_LIST, {"per_item": "x"}),
        (RuleKind.PREREQUISITE, {}),
        (RuleKind.PASS_FAIL, []),
    ],
)
def test_it_refuses_bad_rule_parameters(kind, rule):
    with pytest.raises(ValidationError):
        check_rule(kind, rule)


def test_it_describes_a_graded_rule():
    assert describe_rule(RuleKind.GRADED, {}) == "Graded: ＞80% → 100%; ＞75% → 50%, otherwise none"


# --- Properties over many inputs -------------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

amounts = st.decimals(min_value=0, max_value=100, places=2)
rates = st.decimals(min_value=0, max_value=1, places=4)


@given(points=amounts, deductions=st.lists(amounts, max_size=12))
def test_a_deduction_stays_between_zero_and_the_points(points, deductions):
    assert D(0) <= scoring.deduction(points, deductions) <= points


@given(points=amounts, low=rates, high=rates)
def test_a_higher_rate_never_earns_less(points, low, high):
    low, high = min(low, high), max(low, high)
    assert scoring.graded(points, low, TIERS) <= scoring.graded(points, high, TIERS) <= points


@given(items=st.integers(min_value=-5, max_value=1000))
def test_a_bonus_never_exceeds_its_cap(items):
    assert D(0) <= scoring.bonus(D(1), D(4), items) <= D(4)
