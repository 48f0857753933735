"""Reads: sampling, an inspector's work list, and score roll-ups (得分率, 及格率)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from cases.models import Case
from core.tallies import months_between
from framework.models import SiteType
from inspections.models import (
    RATE_PLACES,
    Finding,
    Round,
    Site,
    Verdict,
    Visit,
    VisitTally,
    counted_visits,
    visit_rows,
)
from org.models import Person, Unit, UnitKind


def town_of(unit: Unit | None) -> Unit | None:
    """The town/street a unit lies in (itself when it is one)."""
    if unit is None:
        return None
    if unit.kind == UnitKind.TOWN:
        return unit
    return unit.ancestors().filter(kind=UnitKind.TOWN).order_by("-path").first()


def sample_sites(
    site_types: Iterable[SiteType], towns: Iterable[Unit], per_type_per_town: int, seed: int
) -> list[Site]:
    """The sites in scope: all of them, or N per (town, type) drawn with a seeded generator — same seed, same sites.

    Empty site types or towns mean all. Each group gets its own generator keyed by the seed and the group, so adding
    a site in one town does not change the draw in another.
    """
    rows = Site.objects.all()
    type_ids = [t.pk for t in site_types]
    town_ids = [t.pk for t in towns]
    if type_ids:
        rows = rows.filter(site_type_id__in=type_ids)
    if town_ids:
        rows = rows.filter(town_id__in=town_ids)
    groups: dict[tuple[int, int], list[Site]] = defaultdict(list)
    for site in rows.order_by("pk"):
        groups[(site.town_id, site.site_type_id)].append(site)
    chosen = []
    for (town_id, type_id), sites in sorted(groups.items()):
        if per_type_per_town and len(sites) > per_type_per_town:
            sites = random.Random(f"{seed}:{town_id}:{type_id}").sample(sites, per_type_per_town)
        chosen.extend(sites)
    return sorted(chosen, key=lambda s: s.pk)


def work_list(inspector: Person, today=None) -> QuerySet[Visit]:
    """The inspector's sites in rounds open today: those still to inspect first."""
    today = today or timezone.localdate()
    return (
        Visit.objects.filter(inspector=inspector, round__starts_on__lte=today, round__ends_on__gte=today)
        .select_related("round", "site__site_type", "site__town")
        .order_by("status", "site__town__path", "site__name")
    )


@dataclass
class Rollup:
    label: str
    visits: int
    points_at_stake: Decimal
    points_kept: Decimal
    lines_checked: int
    lines_passed: int
    key: int | None = None

    @property
    def score_rate(self) -> float | None:
        return float(self.points_kept / self.points_at_stake) if self.points_at_stake else None

    @property
    def pass_rate(self) -> float | None:
        return self.lines_passed / self.lines_checked if self.lines_checked else None


_SUMS = {
    "n": Count("id"),
    "stake": Sum("points_at_stake"),
    "kept": Sum("points_kept"),
    "checked": Sum("lines_checked"),
    "passed": Sum("lines_passed"),
}
# What a roll-up can group by: (the key field, the label field).
GROUPINGS = {
    "town": ("site__town_id", "site__town__name"),
    "site_type": ("site__site_type_id", "site__site_type__name"),
    "keeper": ("site__keeper_id", "site__keeper__name"),
    "round": ("round_id", "round__name"),
}


def rollup(visits: QuerySet[Visit], by: str) -> list[Rollup]:
    """得分率 and 及格率 per group over submitted visits, pooled (Σ kept ÷ Σ at stake), worst first."""
    key, label = GROUPINGS[by]
    rows = visits.filter(status=Visit.Status.SUBMITTED).order_by().values(key, label).annotate(**_SUMS)
    rollups = [
        Rollup(r[label], r["n"], r["stake"], r["kept"], r["checked"], r["passed"], key=r[key]) for r in rows
    ]
    return sorted(rollups, key=lambda r: (r.score_rate is None, r.score_rate or 0, r.label))


def rollup_by_round(visits: QuerySet[Visit]) -> list[Rollup]:
    """Per round, newest first."""
    rows = rollup(visits, "round")
    starts: dict[int | None, date] = dict(
        Round.objects.filter(pk__in=[r.key for r in rows]).values_list("pk", "starts_on")
    )
    return sorted(rows, key=lambda r: (starts[r.key], r.key), reverse=True)


def rollup_by_town(visits: QuerySet[Visit]) -> list[Rollup]:
    return rollup(visits, "town")


@dataclass
class FailedLine:
    text: str
    site_label: str
    code: str
    failed: int
    checked: int

    @property
    def fail_rate(self) -> float:
        return self.failed / self.checked if self.checked else 0.0


def most_failed_lines(visits: QuerySet[Visit], limit: int = 10) -> list[FailedLine]:
    """The check lines failed most often in these visits (n.a. lines are not checked), most failures first."""
    rows = (
        Finding.objects.filter(visit__in=visits.filter(status=Visit.Status.SUBMITTED).order_by().values("pk"))
        .exclude(verdict=Verdict.NOT_APPLICABLE)
        .values(
            "check_item_id",
            "check_item__text",
            "check_item__requirement__site_label",
            "check_item__requirement__criterion__code",
        )
        .annotate(failed=Count("id", filter=Q(verdict=Verdict.FAIL)), checked=Count("id"))
        .filter(failed__gt=0)
        .order_by("-failed", "-checked", "check_item_id")[:limit]
    )
    return [
        FailedLine(
            r["check_item__text"],
            r["check_item__requirement__site_label"],
            r["check_item__requirement__criterion__code"],
            r["failed"],
            r["checked"],
        )
        for r in rows
    ]


def rollup_total(visits: QuerySet[Visit], label: str) -> Rollup:
    agg = visits.filter(status=Visit.Status.SUBMITTED).aggregate(**_SUMS)
    return Rollup(
        label,
        agg["n"],
        agg["stake"] or Decimal(0),
        agg["kept"] or Decimal(0),
        agg["checked"] or 0,
        agg["passed"] or 0,
    )


def rounds_open(today=None) -> QuerySet[Round]:
    today = today or timezone.localdate()
    return Round.objects.filter(starts_on__lte=today, ends_on__gte=today)


@dataclass
class ProblemCounts:
    failed_lines: int
    open_cases: int
    overdue_cases: int


def problem_counts(visits: QuerySet[Visit], now=None) -> ProblemCounts:
    """The failed lines of these visits, and of their cases those still open and those past their deadline."""
    now = now or timezone.now()
    failed = Finding.objects.filter(
        visit__in=visits.filter(status=Visit.Status.SUBMITTED).order_by().values("pk"), verdict=Verdict.FAIL
    )
    cases = Case.objects.filter(
        pk__in=failed.exclude(case=None).values("case_id"), state__in=Case.OPEN_STATES
    )
    return ProblemCounts(
        failed.count(), cases.count(), cases.filter(state__in=Case.UNIT_STATES, deadline__lt=now).count()
    )


def with_last_score(sites: QuerySet[Site], visible: QuerySet[Visit]) -> list[Site]:
    """The sites, each with `last_score`: the 得分率 of its latest submitted visit the person may see (or None)."""
    latest = visible.filter(site=OuterRef("pk"), status=Visit.Status.SUBMITTED).order_by(
        "-submitted_at", "-pk"
    )
    rows = sites.annotate(
        _kept=Subquery(latest.values("points_kept")[:1]),
        _stake=Subquery(latest.values("points_at_stake")[:1]),
    )
    result: list[Site] = []
    for site in rows:
        site.last_score = round(float(site._kept / site._stake), 4) if site._stake else None
        result.append(site)
    return result


def sites_per_town(sites: QuerySet[Site]) -> list[dict]:
    return list(
        sites.order_by()
        .values("town_id", "town__name", "town__path")
        .annotate(n=Count("id"))
        .order_by("town__path")
    )


def period_visit_sums(start: datetime, end: datetime) -> dict[tuple[int, int], tuple[int, Decimal]]:
    """(site's town id, keeper id) → (counted inspections, Σ 得分率) of those submitted in [start, end): the field
    component's facts. Read from the kept tally (inspections.models.VisitTally) when the period is whole months, as
    every period is; otherwise counted from the inspections."""
    months = months_between(start, end)
    if months is None:
        rows = visit_rows(counted_visits().filter(submitted_at__gte=start, submitted_at__lt=end))
        sums: dict[tuple[int, int], tuple[int, int]] = {}
        for (town, keeper, _month), (n, units) in rows.items():
            before_n, before_units = sums.get((town, keeper), (0, 0))
            sums[(town, keeper)] = (before_n + n, before_units + units)
        pairs = [(town, keeper, n, units) for (town, keeper), (n, units) in sums.items()]
    else:
        pairs = list(
            VisitTally.objects.filter(month__gte=months[0], month__lt=months[1])
            .values_list("town_key", "keeper_key")
            .annotate(n=Sum("visits"), units=Sum("rate_units"))
            .order_by()
        )
    return {(town, keeper): (n, Decimal(units).scaleb(-RATE_PLACES)) for town, keeper, n, units in pairs if n}
