"""Reads: sampling, an inspector's work list, and score roll-ups (得分率, 及格率)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from framework.models import SiteType
from inspections.models import Round, Site, Visit
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

    @property
    def score_rate(self) -> float | None:
        return float(self.points_kept / self.points_at_stake) if self.points_at_stake else None

    @property
    def pass_rate(self) -> float | None:
        return self.lines_passed / self.lines_checked if self.lines_checked else None


def rollup_by_town(visits: QuerySet[Visit]) -> list[Rollup]:
    """得分率 and 及格率 per town over submitted visits, pooled (Σ kept ÷ Σ at stake), worst first."""
    rows = (
        visits.filter(status=Visit.Status.SUBMITTED)
        .values("site__town__name")
        .annotate(
            n=Count("id"),
            stake=Sum("points_at_stake"),
            kept=Sum("points_kept"),
            checked=Sum("lines_checked"),
            passed=Sum("lines_passed"),
        )
        .order_by("site__town__name")
    )
    rollups = [
        Rollup(r["site__town__name"], r["n"], r["stake"], r["kept"], r["checked"], r["passed"]) for r in rows
    ]
    return sorted(rollups, key=lambda r: (r.score_rate is None, r.score_rate or 0))


def rollup_total(visits: QuerySet[Visit], label: str) -> Rollup:
    agg = visits.filter(status=Visit.Status.SUBMITTED).aggregate(
        n=Count("id"),
        stake=Sum("points_at_stake"),
        kept=Sum("points_kept"),
        checked=Sum("lines_checked"),
        passed=Sum("lines_passed"),
    )
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
