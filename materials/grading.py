"""How a reviewed material is scored, per the criterion's rule: pass/fail and graded criteria take a grade (whose
share of the points the rule says), the others take points between 0 and the criterion's points. A criterion
without points (e.g. the shipped 2016 data) is reviewed as pass/fail out of 1."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from framework.models import Criterion, RuleKind
from framework.rules import tiers


@dataclass(frozen=True)
class Grade:
    code: str
    label: str
    share: Decimal


def plain(number: Decimal) -> str:
    """10.00 → "10", 2.50 → "2.5" (never "1E+1")."""
    return format(number.normalize(), "f")


def possible_points(criterion: Criterion) -> Decimal:
    return criterion.points if criterion.points > 0 else Decimal(1)


def grades_for(criterion: Criterion) -> list[Grade] | None:
    """The grades the office chooses from, best first; None when the office enters points."""
    if criterion.rule_kind == RuleKind.GRADED and criterion.points > 0:
        shares = sorted({share for _threshold, share in tiers(criterion.rule)}, reverse=True)
        grades = [
            Grade(
                f"tier{n}",
                _("Tier %(n)d (%(share)s%% of the points)") % {"n": n, "share": f"{s * 100:.0f}"},
                s,
            )
            for n, s in enumerate(shares, start=1)
            if s > 0
        ]
        return [*grades, Grade("none", _("Not met (no points)"), Decimal(0))]
    if criterion.rule_kind == RuleKind.PASS_FAIL or criterion.points <= 0:
        return [Grade("pass", _("Pass"), Decimal(1)), Grade("fail", _("Fail"), Decimal(0))]
    return None


def resolve(criterion: Criterion, points: str | Decimal | None, grade: str) -> tuple[Decimal, str]:
    """(points earned, grade code) from the office's entry; a clear error for anything out of the rule."""
    possible = possible_points(criterion)
    grades = grades_for(criterion)
    if grades is not None:
        chosen = next((g for g in grades if g.code == grade), None)
        if chosen is None:
            raise ValidationError(_("Choose a grade."))
        return (possible * chosen.share).quantize(Decimal("0.01")), chosen.code
    try:
        value = Decimal(str(points).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter the points as a number.")) from None
    if not value.is_finite() or value < 0 or value > possible:
        raise ValidationError(_("The points must be between 0 and %(max)s.") % {"max": plain(possible)})
    return value.quantize(Decimal("0.01")), ""


def grade_label(criterion: Criterion, code: str) -> str:
    for grade in grades_for(criterion) or []:
        if grade.code == code:
            return grade.label
    return code
