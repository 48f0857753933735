"""模拟测评: the whole city's score against a framework edition, simulated from the facts of a period.

The model, stated as the screen states it:
- Only criteria that carry points count (逐项扣分, 分档, 达标/不达标); bonuses, negative lists, vetoes and
  prerequisites change a unit's total, not the city's base score, and are left out.
- Field (实地考察): the criterion's 得分率 = points kept ÷ points at stake over its check lines in the period's
  counted inspections (not applicable lines left out).
- Survey (问卷调查): the favourable rate of the questions tied to the criterion's code; against the target
  (min(rate ÷ target, 1)) for a deduction rule, the rate itself for a graded rule.
- A criterion measured by several methods takes the mean of their attainments; then its rule applies: deduction →
  points × attainment; graded → the tier the attainment is strictly above; pass/fail → full points only at 100%.
- A criterion with no facts in the period is "not measured" and stays out of the total (shown beside it).
- Materials (网上申报): the share of the criterion's material points the office accepted (METHOD_SOURCES).

Fixing a failed line (its case closed, the line passing at the next inspection) moves its points from "at stake,
lost" to "kept"; `gain_of_fixes` re-applies the rules with those lines kept, so combined fixes are exact.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from core.models import Period
from core.periods import in_period
from framework import scoring as rules
from framework.models import Criterion, Edition, RuleKind
from framework.rules import tiers
from inspections.models import Finding, Verdict, counted_visits
from materials.queries import criterion_attainment
from surveys.models import Answer

SCORED_RULES = {RuleKind.DEDUCTION, RuleKind.GRADED, RuleKind.PASS_FAIL}
ZERO = Decimal(0)


@dataclass
class FieldFacts:
    stake: Decimal = ZERO
    kept: Decimal = ZERO


@dataclass
class SurveyFacts:
    favourable: int = 0
    valid: int = 0
    target: Decimal | None = None


@dataclass
class CriterionSim:
    criterion: Criterion
    field: FieldFacts | None = None
    survey: SurveyFacts | None = None
    others: dict[str, Decimal] = dataclasses.field(
        default_factory=dict
    )  # method kind → attainment, from METHOD_SOURCES

    @property
    def measured(self) -> bool:
        return self.field is not None or self.survey is not None or bool(self.others)

    def attainment(self, extra_kept: Decimal = ZERO) -> Decimal:
        graded = self.criterion.rule_kind == RuleKind.GRADED
        parts = list(self.others.values())
        if self.field is not None:
            parts.append(min(Decimal(1), (self.field.kept + extra_kept) / self.field.stake))
        if self.survey is not None:
            rate = Decimal(self.survey.favourable) / Decimal(self.survey.valid)
            target = self.survey.target
            parts.append(rate if graded or not target else min(Decimal(1), rate / target))
        return sum(parts, ZERO) / len(parts) if parts else ZERO

    def earned(self, extra_kept: Decimal = ZERO) -> Decimal:
        if not self.measured:
            return ZERO
        points, value = self.criterion.points, self.attainment(extra_kept)
        if self.criterion.rule_kind == RuleKind.GRADED:
            return rules.graded(points, value, tiers(self.criterion.rule))
        if self.criterion.rule_kind == RuleKind.PASS_FAIL:
            return rules.pass_fail(points, value >= 1)
        return points * value


@dataclass
class Simulation:
    edition: Edition
    period: Period
    rows: list[CriterionSim]

    @property
    def total(self) -> Decimal:
        return sum((row.earned() for row in self.rows), ZERO)

    @property
    def measured_points(self) -> Decimal:
        return sum((row.criterion.points for row in self.rows if row.measured), ZERO)

    @property
    def full_points(self) -> Decimal:
        return sum((row.criterion.points for row in self.rows), ZERO)

    @property
    def rate(self) -> float | None:
        """The simulated score as a share of the measured criteria's points."""
        return float(self.total / self.measured_points) if self.measured_points else None

    def gain_of_fixes(self, findings: Iterable[tuple[int, Decimal]]) -> Decimal:
        """How much the total rises if these failed lines (criterion id, points) were kept."""
        extra: dict[int, Decimal] = defaultdict(Decimal)
        for criterion_id, points in findings:
            extra[criterion_id] += points
        by_id = {row.criterion.pk: row for row in self.rows}
        return sum(
            (
                by_id[cid].earned(points) - by_id[cid].earned()
                for cid, points in extra.items()
                if cid in by_id and by_id[cid].field is not None
            ),
            ZERO,
        )


def _material_attainment(edition: Edition, period: Period) -> dict[int, Decimal]:
    return criterion_attainment(edition, period)


# Other methods' attainment per criterion (criterion id → 0..1) for a period.
METHOD_SOURCES: dict[str, Callable[[Edition, Period], dict[int, Decimal]]] = {
    "material": _material_attainment
}


def period_findings(period: Period):
    visits = counted_visits().filter(**in_period(period, "submitted_at"))
    return Finding.objects.filter(visit__in=visits)


def _field_facts(edition: Edition, period: Period) -> dict[int, FieldFacts]:
    rows = (
        period_findings(period)
        .filter(check_item__requirement__criterion__edition=edition)
        .values("check_item__requirement__criterion")
        .annotate(
            stake=Sum("points", filter=~Q(verdict=Verdict.NOT_APPLICABLE)),
            kept=Sum("points", filter=Q(verdict=Verdict.PASS)),
        )
        .order_by()
    )
    return {
        r["check_item__requirement__criterion"]: FieldFacts(r["stake"], r["kept"] or ZERO)
        for r in rows
        if r["stake"]
    }


def _survey_facts(period: Period, codes: set[str]) -> dict[str, SurveyFacts]:
    rows = (
        Answer.objects.filter(
            favourable__isnull=False,
            response__screen_reason="",
            **in_period(period, "response__submitted_at"),
            question__criterion_code__in=codes,
        )
        .values("question__criterion_code")
        .annotate(
            valid=Count("id"),
            favourable=Count("id", filter=Q(favourable=True)),
            target=Sum("question__target_rate") / Count("id"),
        )
        .order_by()
    )
    return {
        r["question__criterion_code"]: SurveyFacts(
            r["favourable"], r["valid"], Decimal(str(r["target"])) if r["target"] is not None else None
        )
        for r in rows
        if r["valid"]
    }


def simulate(edition: Edition, period: Period) -> Simulation:
    criteria = list(
        edition.criteria.filter(rule_kind__in=SCORED_RULES, points__gt=0).order_by(
            "node__sort_order", "sort_order", "pk"
        )
    )
    field = _field_facts(edition, period)
    surveys = _survey_facts(period, {c.code for c in criteria if c.code})
    others = {kind: source(edition, period) for kind, source in METHOD_SOURCES.items()}
    rows = []
    for criterion in criteria:
        row = CriterionSim(criterion, field=field.get(criterion.pk), survey=surveys.get(criterion.code))
        row.others = {k: v[criterion.pk] for k, v in others.items() if criterion.pk in v}
        rows.append(row)
    return Simulation(edition, period, rows)
