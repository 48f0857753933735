"""Pure scoring rules: each takes the criterion's points and parameters and an outcome, returns points earned.

No database here, so every rule is unit-tested on its own. All arithmetic is Decimal, never float, so that
0.1 + 0.2 behaves the way a clerk's spreadsheet does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

ZERO = Decimal(0)


def deduction(points: Decimal, deductions: Iterable[Decimal]) -> Decimal:
    """Deduct each failed check's amount from the points; never below zero."""
    return max(ZERO, points - sum(deductions, ZERO))


def graded(points: Decimal, rate: Decimal, tiers: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """三档: tiers are (threshold, share of points), highest first; a rate must be strictly above a threshold.

    With tiers ((0.80, 1), (0.75, 0.5)): 80.1% → full, exactly 80% → half, exactly 75% → none.
    """
    for threshold, share in sorted(tiers, key=lambda tier: tier[0], reverse=True):
        if rate > threshold:
            return points * share
    return ZERO


def pass_fail(points: Decimal, passed: bool) -> Decimal:
    return points if passed else ZERO


def bonus(per_item: Decimal, cap: Decimal, items: int) -> Decimal:
    """E.g. 1 point per honour, at most 4: extra points on top of the criterion's own."""
    return min(cap, per_item * max(items, 0))


def negative_list(per_item: Decimal, cap: Decimal | None, items: int) -> Decimal:
    """负面清单: each listed incident costs points from the total; returned as a negative number, capped if set."""
    lost = per_item * max(items, 0)
    if cap is not None:
        lost = min(lost, cap)
    return -lost


def veto(total: Decimal, vetoed: bool) -> Decimal:
    """一票否决: a vetoing fact voids the whole score."""
    return ZERO if vetoed else total


def prerequisite(total: Decimal, value: Decimal, minimum: Decimal) -> Decimal:
    """前置条件: e.g. minors' work must score at least 85, else the whole score is void. The minimum itself passes."""
    return total if value >= minimum else ZERO
