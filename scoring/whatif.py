"""What-if: the open cases ordered by the score they would recover if closed on time, and the simulated framework
total with the top-N fixes.

The model, stated as the screen states it: what the unit would score on the live sheet if these cases closed on
time from now, minus what it scores now. So a unit never recovers more than it has lost. For an open case of a
scored unit (a town's communities count as the town's, as on the score sheet), in the period's schemes:
- Rectification: a case still with the unit before its deadline, in the period's cohort, is not yet due; closed on
  time now it becomes due and on time. Its gain is the formula with one more case due and on time, minus the
  formula now. An overdue case can no longer close on time: 0.
- Field: a case opened by a failed line of an inspection that counts for the period wins the line's points back
  at that visit if fixed (as if the line passed at re-inspection): the field points with the visit's 得分率 raised
  by line points ÷ points at stake, minus the field points now.
- Each case is priced alone; per unit, all its cases fixed together (the formulas are capped, so the single
  gains do not simply add up).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as default
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import Case
from core.models import Period
from core.periods import period_bounds
from org.models import Unit
from scoring.engine import (
    PeriodFacts,
    field_owners,
    field_rate_sums,
    field_scores,
    money,
    rectification_facts,
    rectification_gain,
    rectification_scores,
)
from scoring.models import Component, ComponentKind, Scheme
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
    on_time_possible: bool = False  # still with the unit, before its deadline, first dispatched in the period
    # (criterion id, line points) of the failed line behind the case
    finding: tuple[int, Decimal] | None = None

    @property
    def total(self) -> Decimal:
        return self.rectification + self.field


@dataclass
class UnitRecovery:
    """A scored unit's points lost now on the live sheet and what fixing all its open cases would win back."""

    unit_id: int
    unit_name: str
    lost: dict[str, Decimal] = default(default_factory=dict)  # component kind → weight − points now
    rectification: Decimal = ZERO
    field: Decimal = ZERO
    cases: set[int] = default(default_factory=set)  # the open cases that would win points back

    @property
    def total(self) -> Decimal:
        return self.rectification + self.field

    @property
    def lost_rectification(self) -> Decimal:
        return self.lost.get(ComponentKind.RECTIFICATION, ZERO)

    @property
    def lost_field(self) -> Decimal:
        return self.lost.get(ComponentKind.FIELD, ZERO)


def in_cohort_and_on_time(case: Case, start: datetime, end: datetime, now: datetime) -> bool:
    """Whether closing the case now counts as on time in the period: in the period's cohort, with the unit,
    before its deadline."""
    return bool(
        case.first_dispatched_at
        and start <= case.first_dispatched_at < end
        and case.deadline is not None
        and case.deadline >= now
        and case.is_with_unit()
    )


def _unit_row(
    units: dict[int, UnitRecovery], unit: Unit, lost_now: dict[int, dict[str, Decimal]]
) -> UnitRecovery:
    return units.setdefault(unit.pk, UnitRecovery(unit.pk, unit.name, lost_now[unit.pk]))


def _lost_now(scheme: Scheme, components: dict[str, Component], scored: list[Unit], facts: PeriodFacts):
    """Scored unit id → {component kind: weight − points} on the live sheet, for the components the what-if
    prices (the same engine functions the sheet calls)."""
    lost: dict[int, dict[str, Decimal]] = {u.pk: {} for u in scored}
    for kind, source in (
        (ComponentKind.RECTIFICATION, rectification_scores),
        (ComponentKind.FIELD, field_scores),
    ):
        if kind in components:
            for unit_id, score in source(scheme, components[kind], scored, facts).items():
                lost[unit_id][kind] = score.weight - score.points
    return lost


def _rectification_gain(
    scheme: Scheme,
    component: Component,
    scored: list[Unit],
    cases: list[Case],
    recoveries: dict[int, Recovery],
    units: dict[int, UnitRecovery],
    facts: PeriodFacts,
    lost_now: dict[int, dict[str, Decimal]],
) -> None:
    """Each case's gain alone, and per unit the gain if all its cases that still can close on time do."""
    owner, totals = rectification_facts(scheme, scored, facts)
    by_pk = {u.pk: u for u in scored}
    start, end = period_bounds(scheme.period)
    now = timezone.now()
    closing: dict[int, list[int]] = defaultdict(list)
    for case in cases:
        unit_id = owner.get(case.unit_id) if case.unit_id is not None else None
        if unit_id is None:
            continue
        recovery = recoveries[case.pk]
        recovery.unit_name = recovery.unit_name or by_pk[unit_id].name
        if not in_cohort_and_on_time(case, start, end, now):
            continue
        recovery.rectification += rectification_gain(component, totals.get(unit_id, {}), 1)
        recovery.on_time_possible = True
        closing[unit_id].append(case.pk)
    for unit_id, case_ids in closing.items():
        row = _unit_row(units, by_pk[unit_id], lost_now)
        row.rectification += rectification_gain(component, totals.get(unit_id, {}), len(case_ids))
        if row.rectification > 0:
            row.cases.update(case_ids)


def _field_gain(
    scheme: Scheme,
    component: Component,
    scored: list[Unit],
    recoveries: dict[int, Recovery],
    units: dict[int, UnitRecovery],
    facts: PeriodFacts,
    lost_now: dict[int, dict[str, Decimal]],
) -> None:
    """A failed line fixed raises its visit's 得分率 by line points ÷ points at stake; the gain is the field
    points with the raised rates minus the field points now, per case and per unit (all its lines together)."""
    sums = field_rate_sums(scheme, scored, facts)
    owners = field_owners(scored, facts)
    by_pk = {u.pk: u for u in scored}
    findings = (
        period_findings(scheme.period)
        .filter(case_id__in=recoveries.keys(), verdict="fail")
        .values("case_id", "points", "visit__points_at_stake", "visit__site__town", "visit__site__keeper")
    )
    per_case: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    per_unit: dict[int, Decimal] = defaultdict(Decimal)
    for row in findings:
        share = row["points"] / row["visit__points_at_stake"]
        for unit_id in owners(row["visit__site__town"], row["visit__site__keeper"]):
            if sums.get(unit_id, (0, ZERO))[0]:
                per_case[row["case_id"]][unit_id] += share
                per_unit[unit_id] += share

    def gain(unit_id: int, added: Decimal) -> Decimal:
        n, total = sums[unit_id]
        now = money(component.weight * total / n)
        return money(component.weight * (total + added) / n) - now

    for case_id, shares in per_case.items():
        for unit_id, added in shares.items():
            recoveries[case_id].field += gain(unit_id, added)
            recoveries[case_id].unit_name = recoveries[case_id].unit_name or by_pk[unit_id].name
            _unit_row(units, by_pk[unit_id], lost_now).cases.add(case_id)
    for unit_id, added in per_unit.items():
        row = _unit_row(units, by_pk[unit_id], lost_now)
        row.field += gain(unit_id, added)


def candidate_cases(period: Period, cases: QuerySet[Case]) -> QuerySet[Case]:
    """The open cases that can recover anything in the period: still on time with the unit and dispatched in the
    period (rectification), or opened by a failed line of the period's inspections (field). The rest (overdue,
    or from earlier periods and not from an inspection) recover nothing on this period's sheets."""
    start, end = period_bounds(period)
    on_time = Q(
        state__in=Case.UNIT_STATES,
        first_dispatched_at__gte=start,
        first_dispatched_at__lt=end,
        deadline__gte=timezone.now(),
    )
    from_lines = Q(pk__in=period_findings(period).filter(verdict="fail").values("case_id"))
    return cases.filter(on_time | from_lines, state__in=Case.OPEN_STATES, unit__isnull=False)


CASE_FIELDS = ("number", "description", "unit", "state", "deadline", "first_dispatched_at", "reported_at")


@dataclass
class WhatIf:
    cases: list[Recovery]  # most first
    units: list[UnitRecovery]  # most recoverable first


def recoveries(period: Period, cases: QuerySet[Case], simulation: Simulation | None = None) -> WhatIf:
    """The open cases with what closing each on time would recover, most first; and per scored unit."""
    # Only what the page and the sums read: the cases come scoped with their grid (its boundary is long) and
    # category joined, which cost most of the page's time for a few hundred cases.
    rows = list(
        candidate_cases(period, cases)
        .select_related(None)
        .select_related("unit")
        .only(*CASE_FIELDS)
        .order_by("deadline", "pk")
    )
    result = {case.pk: Recovery(case) for case in rows}
    units: dict[int, UnitRecovery] = {}
    facts = PeriodFacts(period)
    for scheme in period.schemes.prefetch_related("components"):
        components = {c.kind: c for c in scheme.components.all() if c.weight > 0}
        scored = [u for u in facts.units() if u.kind == scheme.unit_kind and u.is_active]
        lost_now = _lost_now(scheme, components, scored, facts)
        if ComponentKind.RECTIFICATION in components:
            component = components[ComponentKind.RECTIFICATION]
            _rectification_gain(scheme, component, scored, rows, result, units, facts, lost_now)
        if ComponentKind.FIELD in components:
            _field_gain(scheme, components[ComponentKind.FIELD], scored, result, units, facts, lost_now)
    if simulation is not None:
        lines = period_findings(period).filter(case_id__in=result.keys(), verdict="fail")
        for row in lines.values("case_id", "points", "check_item__requirement__criterion"):
            finding = (row["check_item__requirement__criterion"], row["points"])
            result[row["case_id"]].finding = finding
            result[row["case_id"]].framework = simulation.gain_of_fixes([finding])
    for recovery in result.values():
        recovery.framework = money(recovery.framework)
    ordered = sorted(
        result.values(), key=lambda r: (-r.total, -r.framework, r.case.deadline or timezone.now())
    )
    by_unit = sorted((u for u in units.values() if u.total > 0), key=lambda u: (-u.total, u.unit_name))
    return WhatIf(ordered, by_unit)


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
