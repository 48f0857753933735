"""A criterion's scoring rule as data: check its parameters, describe it, and apply it to an outcome.

Parameters per kind (`Criterion.rule`):
- deduction: {} — the outcome lists the deductions of the failed checks.
- graded: {"tiers": [["0.80", "1"], ["0.75", "0.5"]]} — (threshold, share of points), rate strictly above.
- pass_fail: {}
- bonus: {"per_item": "1", "cap": "4"}
- negative_list: {"per_item": "2", "cap": "10"} (cap optional)
- veto: {}
- prerequisite: {"minimum": "85"}
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from framework import scoring


class RuleKind(models.TextChoices):
    """The kind of a criterion's rule (`Criterion.rule_kind`): kept beside the code that reads each kind."""

    DEDUCTION = "deduction", gettext_lazy("Deduction per failed check")
    GRADED = "graded", gettext_lazy("Graded thresholds")
    PASS_FAIL = "pass_fail", gettext_lazy("Pass / fail")
    BONUS = "bonus", gettext_lazy("Bonus per item, capped")
    NEGATIVE_LIST = "negative_list", gettext_lazy("Negative-list deduction")
    VETO = "veto", gettext_lazy("Veto")
    PREREQUISITE = "prerequisite", gettext_lazy("Prerequisite")


DEFAULT_TIERS = [["0.80", "1"], ["0.75", "0.5"]]


def _decimal(value: Any, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"rule": _("“%(name)s” must be a number.") % {"name": name}}) from None
    if number < 0 or not number.is_finite():
        raise ValidationError({"rule": _("“%(name)s” must be zero or more.") % {"name": name}})
    return number


def tiers(rule: dict) -> list[tuple[Decimal, Decimal]]:
    raw = rule.get("tiers") or DEFAULT_TIERS
    if not isinstance(raw, list) or not all(isinstance(t, list | tuple) and len(t) == 2 for t in raw):
        raise ValidationError({"rule": _("Tiers are pairs of (threshold, share of points).")})
    result = [(_decimal(t, "threshold"), _decimal(s, "share")) for t, s in raw]
    if any(t > 1 or s > 1 for t, s in result):
        raise ValidationError({"rule": _("Thresholds and shares are fractions between 0 and 1.")})
    return result


def check_rule(kind: str, rule: Any) -> None:
    if not isinstance(rule, dict):
        raise ValidationError({"rule": _("The rule parameters must be an object.")})
    if kind == RuleKind.GRADED:
        tiers(rule)
    elif kind in (RuleKind.BONUS, RuleKind.NEGATIVE_LIST):
        _decimal(rule.get("per_item"), "per_item")
        if kind == RuleKind.BONUS or rule.get("cap") not in (None, ""):
            _decimal(rule.get("cap"), "cap")
    elif kind == RuleKind.PREREQUISITE:
        _decimal(rule.get("minimum"), "minimum")


def apply_rule(kind: str, points: Decimal, rule: dict, outcome: dict) -> Decimal:
    """Points earned (or, for negative lists, lost; for veto and prerequisite, the adjusted total)."""
    if kind == RuleKind.DEDUCTION:
        return scoring.deduction(points, [Decimal(str(d)) for d in outcome.get("deductions", [])])
    if kind == RuleKind.GRADED:
        return scoring.graded(points, Decimal(str(outcome["rate"])), tiers(rule))
    if kind == RuleKind.PASS_FAIL:
        return scoring.pass_fail(points, bool(outcome["passed"]))
    if kind == RuleKind.BONUS:
        return scoring.bonus(Decimal(str(rule["per_item"])), Decimal(str(rule["cap"])), int(outcome["items"]))
    if kind == RuleKind.NEGATIVE_LIST:
        cap = rule.get("cap")
        cap = Decimal(str(cap)) if cap not in (None, "") else None
        return scoring.negative_list(Decimal(str(rule["per_item"])), cap, int(outcome["items"]))
    if kind == RuleKind.VETO:
        return scoring.veto(Decimal(str(outcome["total"])), bool(outcome["vetoed"]))
    if kind == RuleKind.PREREQUISITE:
        return scoring.prerequisite(
            Decimal(str(outcome["total"])), Decimal(str(outcome["value"])), Decimal(str(rule["minimum"]))
        )
    raise ValueError(kind)


def describe_rule(kind: str, rule: dict) -> str:
    """A one-line human description for the criterion page."""
    if kind == RuleKind.GRADED:
        parts = [f"＞{t * 100:.0f}% → {s * 100:.0f}%" for t, s in tiers(rule)]
        return _("Graded: %(tiers)s, otherwise none") % {"tiers": "; ".join(parts)}
    if kind == RuleKind.BONUS:
        return _("%(per)s per item, at most %(cap)s") % {"per": rule.get("per_item"), "cap": rule.get("cap")}
    if kind == RuleKind.NEGATIVE_LIST:
        return _("%(per)s off per listed item") % {"per": rule.get("per_item")}
    if kind == RuleKind.PREREQUISITE:
        return _("Whole score void below %(minimum)s") % {"minimum": rule.get("minimum")}
    return str(RuleKind(kind).label)
