"""谁丢分谁负责: where a period's points were lost, each figure a SQL GROUP BY over the facts behind it.

Field losses are the failed lines of the inspections that count for scores (inspections.models.counted_visits): a
failed line loses the points it put at stake. Survey losses are the questions whose favourable rate is below
target. Rectification losses come from the live score sheet. Everything a unit person sees is scoped to the sites
in or kept by their units (inspections.access.sites_for) and the responses of their units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Model, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Period
from core.periods import in_period
from framework.models import CheckItem, Criterion, SiteType
from inspections.access import sites_for
from inspections.models import Finding, Site, Verdict, counted_visits
from org.access import sees_everything
from org.models import Person, Unit
from surveys.models import Answer

# The filters a facts list accepts, each the lookup on Finding it filters by (a figure's link carries one or two).
FACT_FILTERS: dict[str, str] = {
    "criterion": "check_item__requirement__criterion",
    "site_type": "visit__site__site_type",
    "town": "visit__site__town",
    "keeper": "visit__site__keeper",
    "category": "case__category_name",
    "site": "visit__site",
    "item": "check_item",
}
NO_CATEGORY = "-"
PERIOD_KIND_ORDER: dict[str, int] = {Period.Kind.QUARTER: 0, Period.Kind.MONTH: 1}  # then the year

# The groupings of the lost-points screen: (key, heading, the fields grouped by, the fact filter a row links to).
GROUPINGS: list[tuple[str, object, tuple[str, ...], str]] = [
    (
        "criterion",
        gettext_lazy("By criterion"),
        (
            "check_item__requirement__criterion",
            "check_item__requirement__criterion__code",
            "check_item__requirement__criterion__text",
        ),
        "criterion",
    ),
    (
        "site_type",
        gettext_lazy("By site type"),
        ("visit__site__site_type", "visit__site__site_type__name"),
        "site_type",
    ),
    ("town", gettext_lazy("By town/street"), ("visit__site__town", "visit__site__town__name"), "town"),
    (
        "keeper",
        gettext_lazy("By keeper unit (包保单位)"),
        ("visit__site__keeper", "visit__site__keeper__name"),
        "keeper",
    ),
    ("category", gettext_lazy("By problem category"), ("case__category_name",), "category"),
]


@dataclass
class LostRow:
    key: str  # the value of the fact filter this row links to
    label: str
    lost: Decimal
    failures: int
    extra: str = ""  # e.g. the town of a site, the number of sites a line failed at


def period_findings(period: Period, person: Person) -> QuerySet[Finding]:
    """The failed lines of the period's counted inspections that the person may see."""
    visits = counted_visits().filter(**in_period(period, "submitted_at"))
    if not sees_everything(person):
        visits = visits.filter(site__in=sites_for(person))
    return Finding.objects.filter(verdict=Verdict.FAIL, visit__in=visits)


def _label(row: dict, fields: tuple[str, ...]) -> str:
    if len(fields) == 1:
        return row[fields[0]] or _("No category")
    parts = [str(row[f]) for f in fields[1:] if row[f]]
    return " ".join(parts) or "—"


def grouped(findings: QuerySet[Finding], fields: tuple[str, ...], limit: int = 15) -> list[LostRow]:
    rows = (
        findings.values(*fields)
        .annotate(lost=Sum("points"), failures=Count("id"))
        .order_by("-lost", "-failures", fields[0])[:limit]
    )
    return [
        LostRow(str(r[fields[0]] or NO_CATEGORY), _label(r, fields)[:120], r["lost"], r["failures"])
        for r in rows
    ]


def worst_sites(findings: QuerySet[Finding], limit: int = 10) -> list[LostRow]:
    rows = (
        findings.values("visit__site", "visit__site__name", "visit__site__town__name")
        .annotate(lost=Sum("points"), failures=Count("id"))
        .order_by("-lost", "-failures", "visit__site")[:limit]
    )
    return [
        LostRow(
            str(r["visit__site"]),
            r["visit__site__name"],
            r["lost"],
            r["failures"],
            r["visit__site__town__name"],
        )
        for r in rows
    ]


def repeated_problems(findings: QuerySet[Finding], limit: int = 10) -> list[LostRow]:
    """The check lines failed most often, with how many different sites failed them."""
    rows = (
        findings.values("check_item", "check_item__text")
        .annotate(lost=Sum("points"), failures=Count("id"), sites=Count("visit__site", distinct=True))
        .order_by("-failures", "-lost", "check_item")[:limit]
    )
    return [
        LostRow(
            str(r["check_item"]),
            r["check_item__text"][:120],
            r["lost"],
            r["failures"],
            _("%(n)d sites") % {"n": r["sites"]},
        )
        for r in rows
    ]


def field_totals(findings: QuerySet[Finding]) -> dict:
    totals = findings.aggregate(
        lost=Sum("points"), failures=Count("id"), sites=Count("visit__site", distinct=True)
    )
    return {"lost": totals["lost"] or Decimal(0), "failures": totals["failures"], "sites": totals["sites"]}


def fact_rows(findings: QuerySet[Finding], filters: dict[str, str]) -> QuerySet[Finding]:
    """The failed lines behind one figure: the findings narrowed by the figure's filters (unknown keys ignored)."""
    for key, value in filters.items():
        lookup = FACT_FILTERS.get(key)
        if lookup is None or value in ("", None):
            continue
        if key == "category":
            empty = Q(case__isnull=True) | Q(case__category_name="")
            findings = findings.filter(empty if value == NO_CATEGORY else Q(**{lookup: value}))
            continue
        if not str(value).isdigit():
            return findings.none()
        findings = findings.filter(**{lookup: int(value)})
    return findings.select_related(
        "visit__round",
        "visit__site__town",
        "visit__site__keeper",
        "check_item__requirement__criterion",
        "case",
    ).order_by("-visit__submitted_at", "pk")


# --- Surveys ----------------------------------------------------------------------------------------------


@dataclass
class SurveyLoss:
    question_id: int
    run_id: int
    run_name: str
    text: str
    criterion_code: str
    favourable: int
    valid: int
    target: Decimal

    @property
    def rate(self) -> float:
        return self.favourable / self.valid if self.valid else 0.0

    @property
    def gap(self) -> float:
        """Percentage points below target (negative: above)."""
        return (float(self.target) - self.rate) * 100


def survey_losses(period: Period, person: Person, limit: int = 10) -> list[SurveyLoss]:
    """Questions with a target, their rate in the period (valid answers of unscreened responses), furthest below
    target first; a unit person counts only the responses of their units."""
    answers = Answer.objects.filter(
        favourable__isnull=False,
        question__target_rate__isnull=False,
        response__screen_reason="",
        **in_period(period, "response__submitted_at"),
    )
    if not sees_everything(person):
        if person.unit is None:
            return []
        answers = answers.filter(
            Q(response__unit__path__startswith=person.unit.path)
            | Q(response__town__path__startswith=person.unit.path)
        )
    rows = answers.values(
        "question",
        "question__text",
        "question__criterion_code",
        "question__target_rate",
        "response__run",
        "response__run__name",
    ).annotate(valid=Count("id"), favourable=Count("id", filter=Q(favourable=True)))
    losses = [
        SurveyLoss(
            r["question"],
            r["response__run"],
            r["response__run__name"],
            r["question__text"],
            r["question__criterion_code"],
            r["favourable"],
            r["valid"],
            r["question__target_rate"],
        )
        for r in rows
    ]
    losses.sort(key=lambda loss: -loss.gap)
    return [loss for loss in losses if loss.gap > 0][:limit]


# --- The units' sheet losses (office and leaders) -----------------------------------------------------------


@dataclass
class UnitLoss:
    """One row of the live sheet as points lost: the components' losses plus the adjustments' add up to the
    total lost, and total lost + score = the scheme's full marks (what the property test holds)."""

    unit_id: int
    unit_name: str
    parts: dict[str, Decimal]  # component kind → points lost (weight − points)
    penalty: Decimal
    total: Decimal
    full: Decimal

    @property
    def lost(self) -> Decimal:
        return self.full - self.total

    @property
    def adjusted(self) -> Decimal:
        """Points lost to adjustments: penalties less bonus, and what a veto or the floor at 0 took."""
        return self.lost - sum(self.parts.values(), Decimal(0))


def sheet_losses(sheet: Iterable, full_marks: Decimal) -> list[UnitLoss]:
    """Per scored unit: points lost per component (weight − points), the adjustments, the total; worst first."""
    rows = [
        UnitLoss(
            row.unit_id,
            row.unit_name,
            {c.kind: c.weight - c.points for c in row.components},
            row.penalty,
            row.total,
            full_marks,
        )
        for row in sheet
    ]
    return sorted((r for r in rows if r.lost > 0), key=lambda r: (-r.lost, r.unit_name))


def period_choices() -> list[Period]:
    return list(Period.objects.order_by("-year", "-number"))


def default_period(today: date) -> Period | None:
    """The period covering today (the quarter before a month), else the latest."""
    periods = period_choices()
    current = [p for p in periods if p.starts_on <= today <= p.ends_on]
    current.sort(key=lambda p: PERIOD_KIND_ORDER.get(p.kind, 2))
    return current[0] if current else (periods[0] if periods else None)


def describe_filters(filters: dict[str, str]) -> list[tuple[str, str]]:
    """What a facts list is narrowed to, in words: (what, which)."""
    models: dict[str, tuple[str, type[Model], Callable[[Any], str]]] = {
        "criterion": (_("Criterion"), Criterion, lambda c: f"{c.code} {c.text[:60]}"),
        "site_type": (_("Site type"), SiteType, str),
        "town": (_("Town/street"), Unit, str),
        "keeper": (_("Keeper unit"), Unit, str),
        "site": (_("Site"), Site, str),
        "item": (_("Check line"), CheckItem, lambda i: i.text[:80]),
    }
    described = []
    for key, value in filters.items():
        if key == "category":
            described.append((_("Problem category"), _("No category") if value == NO_CATEGORY else value))
        elif key in models and str(value).isdigit():
            label, model, show = models[key]
            row = model._default_manager.filter(pk=int(value)).first()
            described.append((label, show(row) if row else "—"))
    return described
