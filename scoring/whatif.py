"""What-if: the open cases ordered by the score they would recover if closed on time, and the simulated framework
total with the top-N fixes.

The model, stated as the screen states it. For an open case of a scored unit (a town's communities count as the
town's, as on the score sheet), in the period's schemes:
- Rectification: if the case can still close on time (with the unit, deadline not passed), the scheme's
  rectification formula with one more case closed on time, minus the formula as it will stand if it does not (a
  case falling due within the period counts as due either way; one due after the period counts only if closed).
  An overdue case can no longer close on time: 0.
- Field: if the case was opened by a failed line of an inspection that counts for the period, fixing it wins the
  line's points back at that site: field points × (line points ÷ points at stake at the visit) ÷ the unit's
  inspections. (As if the line passed at re-inspection.)
- Each case is priced alone, against today's facts; gains of many cases add up except where the rectification
  formula is capped (a unit already at its target gains nothing more).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import Case
from core.models import Period
from core.periods import period_bounds
from org.models import Unit, UnitKind
from scoring.engine import PeriodFacts, field_rate_sums, money, rectification_facts, rectification_points
from scoring.models import ComponentKind, Scheme
from scoring.simulation import Simulation, period_findings

ZERO = Decimal(0)
TOP_N = (5, 10, 20, 50)


@dataclass
class Recovery:
    case: Case
    unit_name: str = ""  # the scored unit the points go to
    rectification: Decimal = ZERO
    field: Decimal = ZERO
    framework: Decimal = ZERO  # simulated framework total
    on_time_possible: bool = False  # still with the unit, before its deadline, dispatched in the period
    # (criterion id, line points) of the failed line behind the case
    finding: tuple[int, Decimal] | None = None

    @property
    def total(self) -> Decimal:
        return self.rectification + self.field


def _scored_owner(units: list[Unit]) -> dict[int, Unit]:
    """Unit id → the scored unit it counts for (itself or its parent), as the rectification component counts."""
    owner = {u.pk: u for u in units}
    by_pk = {u.pk: u for u in units}
    for pk, parent_id in Unit.objects.filter(parent__in=units).values_list("pk", "parent_id"):
        owner[pk] = by_pk[parent_id]
    return owner


def _rectification_gain(
    scheme: Scheme,
    component,
    cases: list[Case],
    recoveries: dict[int, Recovery],
    joint: dict[str, Decimal],
    facts: PeriodFacts,
) -> None:
    """Each case's gain alone, and per unit the gain if all its cases that still can close on time do (the
    formula is capped at its points, so the single gains do not simply add up)."""
    units = list(Unit.objects.filter(kind=scheme.unit_kind, is_active=True))
    owner = _scored_owner(units)
    _ids, totals = rectification_facts(scheme, units, facts)
    start, end = period_bounds(scheme.period)
    now = timezone.now()
    eligible: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for case in cases:
        unit = owner.get(case.unit_id) if case.unit_id is not None else None
        if unit is None:
            continue
        recovery = recoveries[case.pk]
        recovery.unit_name = unit.name
        if not (case.dispatched_at and start <= case.dispatched_at < end) or case.deadline is None:
            continue
        if not case.is_with_unit() or case.deadline < now:
            continue
        counts = totals.get(unit.pk, {})
        due, on_time, reworked = (
            counts.get("due", 0),
            counts.get("closed_on_time", 0),
            counts.get("reworked", 0),
        )
        falls_due = case.deadline < end
        baseline = rectification_points(component, due + (1 if falls_due else 0), on_time, reworked)
        fixed = rectification_points(component, due + 1, on_time + 1, reworked)
        recovery.rectification += fixed - baseline
        recovery.on_time_possible = True
        eligible[unit.pk][0] += 1
        eligible[unit.pk][1] += 1 if falls_due else 0
    for unit in units:
        if unit.pk not in eligible:
            continue
        count, falling_due = eligible[unit.pk]
        counts = totals.get(unit.pk, {})
        due, on_time, reworked = (
            counts.get("due", 0),
            counts.get("closed_on_time", 0),
            counts.get("reworked", 0),
        )
        all_fixed = rectification_points(component, due + count, on_time + count, reworked)
        joint[unit.name] += all_fixed - rectification_points(component, due + falling_due, on_time, reworked)


def _field_gain(scheme: Scheme, component, recoveries: dict[int, Recovery], facts: PeriodFacts) -> None:
    units = list(Unit.objects.filter(kind=scheme.unit_kind, is_active=True))
    counts = {pk: n for pk, (n, _total) in field_rate_sums(scheme, units, facts).items()}
    findings = (
        period_findings(scheme.period)
        .filter(case_id__in=recoveries.keys(), verdict="fail")
        .values(
            "case_id", "points", "visit__points_at_stake", "visit__site__town", "visit__site__keeper__path"
        )
    )
    for row in findings:
        if scheme.unit_kind == UnitKind.TOWN:
            unit = next((u for u in units if u.pk == row["visit__site__town"]), None)
        else:
            unit = next((u for u in units if row["visit__site__keeper__path"].startswith(u.path)), None)
        if unit is None or not counts.get(unit.pk):
            continue
        share = row["points"] / row["visit__points_at_stake"] / counts[unit.pk]
        recovery = recoveries[row["case_id"]]
        recovery.field += component.weight * share
        recovery.unit_name = recovery.unit_name or unit.name


def candidate_cases(period: Period, cases: QuerySet[Case]) -> QuerySet[Case]:
    """The open cases that can recover anything in the period: still on time with the unit and dispatched in the
    period (rectification), or opened by a failed line of the period's inspections (field). The rest (overdue,
    or from earlier periods and not from an inspection) recover nothing on this period's sheets."""
    start, end = period_bounds(period)
    on_time = Q(
        state__in=Case.UNIT_STATES,
        dispatched_at__gte=start,
        dispatched_at__lt=end,
        deadline__gte=timezone.now(),
    )
    from_lines = Q(pk__in=period_findings(period).filter(verdict="fail").values("case_id"))
    return cases.filter(on_time | from_lines, state__in=Case.OPEN_STATES, unit__isnull=False)


@dataclass
class WhatIf:
    cases: list[Recovery]  # most first
    units: list[
        tuple[str, Decimal, int]
    ]  # (scored unit, points if all its cases were fixed, cases), most first


def recoveries(period: Period, cases: QuerySet[Case], simulation: Simulation | None = None) -> WhatIf:
    """The open cases with what closing each on time would recover, most first; and per scored unit."""
    rows = list(candidate_cases(period, cases).select_related("unit").order_by("deadline", "pk"))
    result = {case.pk: Recovery(case) for case in rows}
    joint: dict[str, Decimal] = defaultdict(Decimal)
    facts = PeriodFacts(period)
    for scheme in period.schemes.prefetch_related("components"):
        components = {c.kind: c for c in scheme.components.all() if c.weight > 0}
        if ComponentKind.RECTIFICATION in components:
            _rectification_gain(scheme, components[ComponentKind.RECTIFICATION], rows, result, joint, facts)
        if ComponentKind.FIELD in components:
            _field_gain(scheme, components[ComponentKind.FIELD], result, facts)
    if simulation is not None:
        lines = period_findings(period).filter(case_id__in=result.keys(), verdict="fail")
        for row in lines.values("case_id", "points", "check_item__requirement__criterion"):
            finding = (row["check_item__requirement__criterion"], row["points"])
            result[row["case_id"]].finding = finding
            result[row["case_id"]].framework = simulation.gain_of_fixes([finding])
    counts: dict[str, int] = defaultdict(int)
    for recovery in result.values():
        joint[recovery.unit_name] += recovery.field  # field gains add up: every line is its own share
        counts[recovery.unit_name] += 1 if (recovery.on_time_possible or recovery.field) else 0
        recovery.rectification = money(recovery.rectification)
        recovery.field = money(recovery.field)
        recovery.framework = money(recovery.framework)
    ordered = sorted(
        result.values(), key=lambda r: (-r.total, -r.framework, r.case.deadline or timezone.now())
    )
    units = sorted(
        ((name, money(points), counts[name]) for name, points in joint.items() if name and points > 0),
        key=lambda row: (-row[1], row[0]),
    )
    return WhatIf(ordered, units)


def top_n_moves(simulation: Simulation, recoveries: list[Recovery], sizes=TOP_N) -> list[dict]:
    """The simulated total after fixing the N open cases worth most to it (exact: the rules re-applied)."""
    fixes = sorted((r for r in recoveries if r.finding and r.framework > 0), key=lambda r: -r.framework)
    base = simulation.total
    moves = []
    for n in sizes:
        chosen = fixes[:n]
        gain = simulation.gain_of_fixes([r.finding for r in chosen if r.finding])
        moves.append({"n": n, "fixes": len(chosen), "gain": money(gain), "total": money(base + gain)})
    return moves
