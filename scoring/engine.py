"""The scoring engine: plain functions from SQL aggregates to score sheets. Every component score carries the
facts behind it and a sentence that explains it, so a number on the sheet can always be traced.

A component is scored only when its facts exist in this installation (SOURCES); the others stay at 0 points and
their slots wait in every scheme (Component.clean refuses points for them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.queries import cohort_metrics
from core.models import Period
from core.periods import period_bounds
from inspections.queries import period_visit_sums
from materials.models import MaterialRequest, RequestState, submitted_late
from org.models import Unit, UnitKind
from scoring.models import Adjustment, Component, ComponentKind, Scheme
from surveys.queries import period_answers

CENT = Decimal("0.01")


def money(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ComponentScore:
    kind: str
    weight: Decimal
    points: Decimal
    available: bool
    explanation: str = ""
    facts: dict = field(default_factory=dict)


@dataclass
class UnitScore:
    unit_id: int
    unit_name: str
    components: list[ComponentScore]
    bonus: Decimal = Decimal(0)
    penalty: Decimal = Decimal(0)
    veto: str = ""
    subtotal: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    rank: int = 0
    adjustments: list[dict] = field(default_factory=list)

    def component(self, kind: str) -> ComponentScore:
        """The row's score for one kind of component (a scheme has every kind)."""
        for component in self.components:
            if component.kind == kind:
                return component
        raise KeyError(kind)


# --- Sources of facts -------------------------------------------------------------------------------

# (scheme, component, the scheme's units, the period's shared facts) → {unit id: ComponentScore}
SourceFunction = Callable[[Scheme, Component, list[Unit], "PeriodFacts"], dict[int, ComponentScore]]


def survey_scores(
    scheme: Scheme, component: Component, units: list[Unit], facts: PeriodFacts | None = None
) -> dict[int, ComponentScore]:
    """Points × the mean attainment of the survey questions in the period: min(rate ÷ target, 1) per question."""
    period = scheme.period
    per_town: dict[int, list[dict]] = defaultdict(list)
    for row in (facts or PeriodFacts(period)).survey_rows():
        per_town[row["response__town"]].append(row)
    scores = {}
    for unit in units:
        questions = per_town.get(unit.pk, [])
        attainments = []
        for row in questions:
            rate = row["favourable"] / row["valid"]
            target = float(row["question__target_rate"] or 0)
            attainments.append(min(rate / target, 1.0) if target else rate)
        mean = sum(attainments) / len(attainments) if attainments else 0.0
        answers = sum(row["valid"] for row in questions)
        scores[unit.pk] = ComponentScore(
            kind=component.kind,
            weight=component.weight,
            points=money(component.weight * Decimal(str(mean))),
            available=True,
            explanation=_("%(q)d questions, %(a)d valid answers, mean attainment of targets %(m).1f%%")
            % {"q": len(questions), "a": answers, "m": mean * 100},
            facts={"questions": len(questions), "valid_answers": answers, "attainment": round(mean, 4)},
        )
    return scores


class PeriodFacts:
    """A period's aggregates over every unit, each one SQL GROUP BY, made on first use and shared by the period's
    schemes (towns and departments), so scoring a whole period reads each fact table once."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self._metrics: dict | None = None
        self._visits: dict | None = None
        self._units: list[Unit] | None = None
        self._surveys: list[dict] | None = None

    def units(self) -> list[Unit]:
        """Every unit, in tree order (a few hundred rows): who is scored and whose facts count for whom."""
        if self._units is None:
            self._units = list(Unit.objects.order_by("path"))
        return self._units

    def case_metrics(self) -> dict:
        """unit id → cases.queries.UnitMetrics of the cases first dispatched in the period (a redispatch does not
        move them), from the kept cohort (cases.models.CohortTally)."""
        if self._metrics is None:
            self._metrics = {m.unit_id: m for m in cohort_metrics(*period_bounds(self.period))}
        return self._metrics

    def survey_rows(self) -> list[dict]:
        """Valid and favourable answers per (town, question) of the period's unscreened responses, with the
        question's target: what the survey component and the 大屏's survey panel both read, from the kept tally
        (surveys.models.AnswerTally)."""
        if self._surveys is None:
            self._surveys = period_answers(*period_bounds(self.period))
        return self._surveys

    def visit_sums(self) -> dict[tuple[int, int], tuple[int, Decimal]]:
        """(site's town id, keeper id) → (inspections, Σ 得分率) of the period's counted inspections, from the kept
        tally (inspections.models.VisitTally)."""
        if self._visits is None:
            self._visits = period_visit_sums(*period_bounds(self.period))
        return self._visits


def rectification_points(component: Component, due: int, on_time: int, reworked: int) -> Decimal:
    """The rectification formula on its own (so the what-if can ask it "and if one more closed on time?"):
    points − (target − 按期结案率) × 100 × points per percentage point below − reworks × points per rework, ≥ 0."""
    target = component.param("on_time_target")
    per_point, per_rework = component.param("per_point_below"), component.param("per_rework")
    rate = on_time / due if due else None
    shortfall = max(0.0, target - rate) * 100 if rate is not None else 0.0
    lost = shortfall * per_point + reworked * per_rework
    return max(Decimal(0), component.weight - Decimal(str(round(lost, 4))))


def rectification_gain(component: Component, counts: dict[str, int], closing: int) -> Decimal:
    """The live sheet's rectification points if `closing` more of the unit's cases, not yet due, close on time
    now, minus its points now. Closing makes a case due (a closed case always is) and on time. Never more than
    the points lost: the formula is capped at the component's points."""
    due, on_time, reworked = (counts.get(name, 0) for name in ("due", "closed_on_time", "reworked"))
    after = rectification_points(component, due + closing, on_time + closing, reworked)
    return money(after) - money(rectification_points(component, due, on_time, reworked))


def rectification_facts(
    scheme: Scheme, units: list[Unit], facts: PeriodFacts | None = None
) -> tuple[dict[int, int], dict[int, dict[str, int]]]:
    """(owner of each unit id, metrics totals per scored unit): a unit's own units count as the unit's."""
    facts = facts or PeriodFacts(scheme.period)
    owner = {unit.pk: unit.pk for unit in units}
    owner.update({u.pk: u.parent_id for u in facts.units() if u.parent_id in owner and u.pk not in owner})
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, metrics in facts.case_metrics().items():
        if unit_id in owner:
            for name in ("due", "closed_on_time", "reworked", "dispatched", "urged", "supervised"):
                totals[owner[unit_id]][name] += getattr(metrics, name)
    return owner, totals


def _urged(times: int, supervised: int = 0) -> str:
    """催办次数 and 领导督办 in the explanation: how often the office had to chase the unit and how many of its cases
    a leader had to take up (neither costs points by itself)."""
    text = _("; chased (催办) %(times)d times") % {"times": times} if times else ""
    if supervised:
        text += _("; %(count)d under leader supervision (领导督办)") % {"count": supervised}
    return text


def rectification_scores(
    scheme: Scheme, component: Component, units: list[Unit], facts: PeriodFacts | None = None
) -> dict[int, ComponentScore]:
    """Points − (target − 按期结案率) × 100 × points per percentage point − reworks × points per rework, ≥ 0.

    The cases of a unit's own units (a town's communities, a department's companies) count as the unit's.
    The metrics are cases.queries.unit_metrics: the cases first dispatched in the period (DESIGN §5).
    """
    _owner, totals = rectification_facts(scheme, units, facts)
    target = component.param("on_time_target")
    scores = {}
    for unit in units:
        counts = totals.get(unit.pk, {})
        due, on_time, reworked = (
            counts.get("due", 0),
            counts.get("closed_on_time", 0),
            counts.get("reworked", 0),
        )
        rate = on_time / due if due else None
        points = rectification_points(component, due, on_time, reworked)
        explanation = (
            _(
                "%(due)d cases due, %(on_time)d closed on time (%(rate).1f%% against %(target).0f%%), %(rework)d reworked"
            )
            % {
                "due": due,
                "on_time": on_time,
                "rate": (rate or 0) * 100,
                "target": target * 100,
                "rework": reworked,
            }
            if due
            else _("No cases due in the period")
        ) + _urged(counts.get("urged", 0), counts.get("supervised", 0))
        scores[unit.pk] = ComponentScore(
            kind=component.kind,
            weight=component.weight,
            points=money(points),
            available=True,
            explanation=explanation,
            facts={
                "due": due,
                "closed_on_time": on_time,
                "reworked": reworked,
                "on_time_rate": rate,
                "urged": counts.get("urged", 0),
                "supervised": counts.get("supervised", 0),
            },
        )
    return scores


def field_owners(units: list[Unit], facts: PeriodFacts) -> Callable[[int | None, int | None], set[int]]:
    """(site's town id, keeper id) → the scored units a visit there counts for: a town scores the sites in it,
    another unit the sites it or its own units keep (the nearest scored ancestor of the keeper). The what-if
    prices a failed line with the same owners, so its gains are shares of the same losses."""
    towns = {u.pk for u in units if u.kind == UnitKind.TOWN}
    others = sorted((u for u in units if u.kind != UnitKind.TOWN), key=lambda u: -len(u.path))
    counts_for: dict[int, int] = {}  # keeper id → the scored unit it counts for (itself or an ancestor)
    if others:
        for unit in facts.units():
            scored = next((u.pk for u in others if unit.path.startswith(u.path)), None)
            if scored is not None:
                counts_for[unit.pk] = scored

    def owners(town: int | None, keeper: int | None) -> set[int]:
        found = {town if town in towns else None, counts_for.get(keeper) if keeper is not None else None}
        return {pk for pk in found if pk is not None}

    return owners


def field_rate_sums(
    scheme: Scheme, units: list[Unit], facts: PeriodFacts | None = None
) -> dict[int, tuple[int, Decimal]]:
    """(inspections, Σ 得分率) per scored unit from the period's one GROUP BY (town, keeper): a town's are the
    visits of the sites in it; another unit's are the visits of the sites it or its own units keep."""
    facts = facts or PeriodFacts(scheme.period)
    owners = field_owners(units, facts)
    sums: dict[int, tuple[int, Decimal]] = {}
    for (town, keeper), (n, total) in facts.visit_sums().items():
        for scored in owners(town, keeper):
            before_n, before_total = sums.get(scored, (0, Decimal(0)))
            sums[scored] = (before_n + n, before_total + total)
    return sums


def field_scores(
    scheme: Scheme, component: Component, units: list[Unit], facts: PeriodFacts | None = None
) -> dict[int, ComponentScore]:
    """Points × the mean 得分率 of the period's submitted inspections of the unit's sites (town: sites in it;
    other units: sites they keep). Unpublished 暗访 rounds do not count until the office releases them."""
    sums = field_rate_sums(scheme, units, facts)
    scores = {}
    for unit in units:
        n, total = sums.get(unit.pk, (0, Decimal(0)))
        mean = total / n if n else Decimal(0)
        scores[unit.pk] = ComponentScore(
            kind=component.kind,
            weight=component.weight,
            points=money(component.weight * mean),
            available=True,
            explanation=_("%(n)d inspections, mean score rate %(m).1f%%") % {"n": n, "m": mean * 100},
            facts={"inspections": n, "score_rate": round(float(mean), 4)},
        )
    return scores


def material_scores(
    scheme: Scheme, component: Component, units: list[Unit], facts: PeriodFacts | None = None
) -> dict[int, ComponentScore]:
    """Points × earned ÷ possible over the period's material requests of the unit and its sub-units (网上申报).

    Accepted material earns the score the office gave (less `late_penalty` of it when first submitted after the
    deadline); anything not accepted earns nothing. A unit asked for nothing keeps the points.
    """
    keep = 1 - Decimal(str(min(component.param("late_penalty"), 1.0)))
    # One pass over the period's requests into totals per requested unit, then each scored unit sums the totals of
    # its subtree (a few hundred units), instead of scanning every request once per scored unit.
    per_unit: dict[str, list] = defaultdict(
        lambda: [0, Decimal(0), Decimal(0), 0, 0]
    )  # n, earned, possible, ok, late
    for row in MaterialRequest.objects.filter(period=scheme.period).values_list(
        "unit__path", "state", "score", "possible", "deadline", "first_submitted_at"
    ):
        path, state, score, row_possible, deadline, first = row
        totals = per_unit[path]
        totals[0] += 1
        totals[2] += row_possible
        if state != RequestState.ACCEPTED or score is None:
            continue
        totals[3] += 1
        if submitted_late(first, deadline):
            totals[4] += 1
            score = score * keep
        totals[1] += score
    scores = {}
    for unit in units:
        subtree = [totals for path, totals in per_unit.items() if path.startswith(unit.path)]
        requested = sum(t[0] for t in subtree)
        earned = sum((t[1] for t in subtree), Decimal(0))
        possible = sum((t[2] for t in subtree), Decimal(0))
        accepted, late = sum(t[3] for t in subtree), sum(t[4] for t in subtree)
        rate = earned / possible if possible else Decimal(1)
        url = reverse("materials:reviews", args=[scheme.period_id, unit.pk])
        explanation = (
            _(
                "%(n)d materials requested, %(a)d accepted (%(late)d late, each −%(share)s%% 逾期), %(e)s of %(p)s"
                " points: %(r).1f%%"
            )
            % {
                "n": requested,
                "a": accepted,
                "late": late,
                "share": f"{(1 - keep) * 100:.0f}",
                "e": money(earned),
                "p": money(possible),
                "r": rate * 100,
            }
            if requested
            else _("No materials requested in the period")
        )
        scores[unit.pk] = ComponentScore(
            kind=component.kind,
            weight=component.weight,
            points=money(component.weight * rate),
            available=True,
            explanation=explanation,
            facts={
                "requests": requested,
                "accepted": accepted,
                "late": late,
                "earned": str(money(earned)),
                "possible": str(money(possible)),
                "url": url,
            },
        )
    return scores


SOURCES: dict[str, SourceFunction] = {
    ComponentKind.RECTIFICATION: rectification_scores,
    ComponentKind.SURVEY: survey_scores,
    ComponentKind.FIELD: field_scores,
    ComponentKind.MATERIAL: material_scores,
}


def source_available(kind: str) -> bool:
    return kind in SOURCES


# --- The sheet --------------------------------------------------------------------------------------


def _apply_adjustments(score: UnitScore, adjustments: list[Adjustment], bonus_cap: Decimal) -> None:
    bonus = sum((a.points for a in adjustments if a.kind == Adjustment.Kind.BONUS), Decimal(0))
    score.bonus = money(min(bonus, bonus_cap))
    score.penalty = money(
        sum((a.points for a in adjustments if a.kind == Adjustment.Kind.PENALTY), Decimal(0))
    )
    total = max(score.subtotal + score.bonus - score.penalty, Decimal(0))
    if any(a.kind == Adjustment.Kind.VETO_ZERO for a in adjustments):
        score.veto, total = "zero", Decimal(0)
    caps = [a.points for a in adjustments if a.kind == Adjustment.Kind.VETO_CAP]
    if caps and total > min(caps):
        score.veto, total = "cap", min(caps)
    score.total = money(total)
    score.adjustments = [{"kind": a.kind, "points": str(a.points), "reason": a.reason} for a in adjustments]


def rank(scores: list[UnitScore]) -> None:
    """Standard competition ranking: equal totals share a rank, the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(scores, key=lambda s: (-s.total, s.unit_name))
    for position, score in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        score.rank = previous.rank if previous and previous.total == score.total else position
    scores.sort(key=lambda s: (s.rank, s.unit_name))


def compute_sheets(schemes: list[Scheme]) -> list[list[UnitScore]]:
    """Several sheets, the schemes of one period sharing the period's aggregates."""
    facts: dict[int, PeriodFacts] = {}
    return [
        compute_sheet(scheme, facts.setdefault(scheme.period_id, PeriodFacts(scheme.period)))
        for scheme in schemes
    ]


def compute_sheet(scheme: Scheme, facts: PeriodFacts | None = None) -> list[UnitScore]:
    facts = facts or PeriodFacts(scheme.period)
    units = [u for u in facts.units() if u.kind == scheme.unit_kind and u.is_active]
    components = list(scheme.components.all())
    computed = {
        c.kind: SOURCES[c.kind](scheme, c, units, facts)
        for c in components
        if c.weight > 0 and source_available(c.kind)
    }
    adjustments: dict[int, list[Adjustment]] = defaultdict(list)
    for adjustment in scheme.adjustments.all():
        adjustments[adjustment.unit_id].append(adjustment)
    sheet = []
    for unit in units:
        parts = [
            computed.get(c.kind, {}).get(unit.pk)
            or ComponentScore(c.kind, c.weight, Decimal(0), source_available(c.kind) and c.weight > 0)
            for c in components
        ]
        score = UnitScore(
            unit.pk, unit.name, parts, subtotal=money(sum((p.points for p in parts), Decimal(0)))
        )
        _apply_adjustments(score, adjustments[unit.pk], scheme.bonus_cap)
        sheet.append(score)
    rank(sheet)
    return sheet


def sheet_as_json(sheet: list[UnitScore]) -> list[dict]:
    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return [plain(asdict(score)) for score in sheet]


def sheet_changes(before: list[dict], after: list[dict]) -> list[dict]:
    """What moved between two published sheets: totals, ranks and component points per unit."""
    old = {row["unit_id"]: row for row in before}
    changes = []
    for row in after:
        previous = old.get(row["unit_id"])
        if previous is None:
            changes.append(
                {"unit": row["unit_name"], "field": "total", "before": None, "after": row["total"]}
            )
            continue
        for name in ("total", "rank", "bonus", "penalty"):
            if previous[name] != row[name]:
                changes.append(
                    {"unit": row["unit_name"], "field": name, "before": previous[name], "after": row[name]}
                )
        old_parts = {c["kind"]: c["points"] for c in previous["components"]}
        for part in row["components"]:
            if old_parts.get(part["kind"]) != part["points"]:
                changes.append(
                    {
                        "unit": row["unit_name"],
                        "field": part["kind"],
                        "before": old_parts.get(part["kind"]),
                        "after": part["points"],
                    }
                )
    return changes
