"""The 大屏's data: every panel of a screen built in one go from the facts the score engine reads.

A screen's build makes one `scoring.engine.PeriodFacts` for the period on show (the case cohort's metrics, the
survey answers and the inspections, one GROUP BY each, shared by the figures, the ranking and the survey panel)
and reads the open cases by category from their kept tally (cases.models.OpenTally) and the overdue per unit
down its index (overdue per town, the figures' overdue count): nothing reads every open case. Only the map's
points and the ticker read rows, each a bounded indexed list. The build is cached for CACHE_SECONDS per
screen scope and language: the cache spares a wall of screens the same work, it is not what makes a build fast.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.models import Case, Category, State, overdue_q
from cases.queries import open_by_category, overdue_by_unit
from core.models import Period
from dashboard.models import Panel, Screen
from inspections.models import Round
from materials.models import MaterialRequest, RequestState
from org.models import Grid, Unit, UnitKind
from scoring.engine import PeriodFacts, compute_sheet
from scoring.models import Scheme
from scoring.queries import latest_publications, live_scheme, trend

# The page asks again at most this often (≤ 30 s: a new case shows within a minute with the cache's age).
REFRESH_SECONDS = 20
CACHE_SECONDS = 20
MAP_POINTS = 600  # per list: supervised, overdue, newest (a county map shows no more legibly)
TICKER_ROWS = 8
TOP_CATEGORIES = 10
TREND_HIGHLIGHT = 3  # towns highlighted at each end of the trend; the rest are drawn muted


@dataclass
class Build:
    """What the panels of one build share: the period, its facts, the scope, the open and overdue counts."""

    period: Period
    scheme: Scheme | None
    facts: PeriodFacts
    town: Unit | None
    _overdue: dict[int | None, int] | None = field(default=None)
    _categories: dict[int | None, int] | None = field(default=None)
    _scope: set[int] | None = field(default=None)

    def in_scope(self, unit: Unit) -> bool:
        return self.town is None or unit.path.startswith(self.town.path)

    def scope_ids(self) -> set[int]:
        """The ids of the units in the screen's scope (made once)."""
        if self._scope is None:
            self._scope = {u.pk for u in self.facts.units() if self.in_scope(u)}
        return self._scope

    def towns(self) -> list[Unit]:
        return [u for u in self.facts.units() if u.kind == UnitKind.TOWN and u.is_active]

    def town_of(self) -> dict[int, Unit]:
        """unit id → the town it belongs to (a town is its own), over the small unit table."""
        towns = {t.path: t for t in self.towns()}
        result = {}
        for unit in self.facts.units():
            for path, town in towns.items():
                if unit.path.startswith(path):
                    result[unit.pk] = town
                    break
        return result

    def overdue(self) -> dict[int | None, int]:
        """Overdue cases per unit id of the whole county (a town's screen still compares every town), counted on
        first use: overdue follows the clock, so it is counted down the index of the cases units hold."""
        if self._overdue is None:
            self._overdue = overdue_by_unit()
        return self._overdue

    def open_by_category(self) -> dict[int | None, int]:
        """Open cases per category id in the screen's scope, from the tally the case writes keep
        (cases.models.OpenTally: a few thousand rows at most). Counting every open case instead (~440 ms at 1M
        cases, 455k open) was what made the cold build grow with the data."""
        if self._categories is None:
            self._categories = open_by_category(None if self.town is None else sorted(self.scope_ids()))
        return self._categories


def current_period(today: date) -> tuple[Period, Scheme | None]:
    """The period on show: the towns' newest scheme's, or (with no scheme yet) the current quarter, unsaved."""
    scheme = live_scheme(UnitKind.TOWN)
    if scheme is not None:
        return scheme.period, scheme
    return Period(kind=Period.Kind.QUARTER, year=today.year, number=(today.month - 1) // 3 + 1), None


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figures(build: Build) -> dict:
    metrics = [m for m in build.facts.case_metrics().values() if _unit_in_scope(build, m.unit_id)]
    due = sum(m.due for m in metrics)
    closed = sum(m.closed for m in metrics)
    on_time = sum(m.closed_on_time for m in metrics)
    overdue = sum(late for unit, late in build.overdue().items() if unit and _unit_in_scope(build, unit))
    survey = _survey_by_town(build)
    rows = [row for town, row in survey.items() if build.town is None or town == build.town.pk]
    attainments = [row["attainment"] for row in rows if row["valid"]]
    today = timezone.localdate()
    materials = (
        MaterialRequest.objects.filter(period=build.period).exclude(state=RequestState.ACCEPTED)
        if build.period.pk
        else MaterialRequest.objects.none()
    )
    if build.town is not None:
        materials = materials.filter(unit__path__startswith=build.town.path)
    rounds = Round.objects.filter(starts_on__year=today.year, starts_on__month=today.month)
    return {
        "period": str(build.period),
        "items": [
            {"key": "close_rate", "label": _("Close rate"), "value": _rate(closed, due), "unit": "%"},
            {"key": "on_time_rate", "label": _("Closed on time"), "value": _rate(on_time, due), "unit": "%"},
            {"key": "overdue", "label": _("Overdue now"), "value": overdue, "unit": "", "alert": overdue > 0},
            {
                "key": "survey",
                "label": _("Survey attainment"),
                "value": round(100 * sum(attainments) / len(attainments), 1) if attainments else None,
                "unit": "%",
            },
            {"key": "materials", "label": _("Materials outstanding"), "value": materials.count(), "unit": ""},
            {"key": "rounds", "label": _("Rounds this month"), "value": rounds.count(), "unit": ""},
        ],
    }


def _unit_in_scope(build: Build, unit_id: int) -> bool:
    return build.town is None or unit_id in build.scope_ids()


def _survey_by_town(build: Build) -> dict[int, dict]:
    """town id → valid and favourable answers, the mean target and the attainment (as the survey component
    reckons it: the mean over questions of min(rate ÷ target, 1))."""
    per_town: dict[int, list[dict]] = defaultdict(list)
    for row in build.facts.survey_rows():
        per_town[row["response__town"]].append(row)
    result = {}
    for town, rows in per_town.items():
        valid = sum(r["valid"] for r in rows)
        targets = [float(r["question__target_rate"]) for r in rows if r["question__target_rate"]]
        attained = [
            min(r["favourable"] / r["valid"] / float(r["question__target_rate"]), 1.0)
            if r["question__target_rate"]
            else r["favourable"] / r["valid"]
            for r in rows
        ]
        result[town] = {
            "valid": valid,
            "favourable": sum(r["favourable"] for r in rows),
            "target": sum(targets) / len(targets) if targets else None,
            "attainment": sum(attained) / len(attained),
        }
    return result


def axis_floor(values: list[float]) -> float:
    """Where a score axis starts: five below the lowest value, down to a multiple of five (an 87–98 spread
    fills the chart instead of standing as equal bars on a 0 axis)."""
    return max(0.0, math.floor((min(values) - 5) / 5) * 5) if values else 0.0


def ranking(build: Build) -> dict:
    if build.scheme is None:
        return {"empty": _("No score scheme yet")}
    sheet = compute_sheet(build.scheme, build.facts)
    values = [float(row.total) for row in sheet]
    target = float(build.scheme.target_total) if build.scheme.target_total is not None else None
    return {
        "title": _("Towns by score, %(period)s (live)") % {"period": build.period},
        "labels": [row.unit_name for row in sheet],
        "values": values,
        "gaps": [round(target - v, 2) if target is not None else None for v in values],
        "target": target,
        "min": axis_floor(values + ([target] if target is not None else [])),
        "highlight": build.town.name if build.town else None,
    }


def overdue(build: Build) -> dict:
    town_of = build.town_of()
    counts: dict[str, int] = defaultdict(int)
    for unit, late in build.overdue().items():
        town = town_of.get(unit) if unit is not None else None
        if town is not None and late:
            counts[town.name] += late
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {
        "title": _("Overdue cases by town"),
        "labels": [name for name, _n in ordered],
        "values": [n for _name, n in ordered],
        "highlight": build.town.name if build.town else None,
    }


def categories(build: Build) -> dict:
    counts: dict[str, int] = defaultdict(int)
    per_category = build.open_by_category()
    # Every category's name (a few hundred rows) rather than a list of ids: quoting the ids into the SQL costs more.
    names = dict(Category.objects.order_by().values_list("pk", "name")) if per_category else {}
    for category, n in per_category.items():
        counts[(names.get(category) if category else None) or _("uncategorised")] += n
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_CATEGORIES]
    return {
        "title": _("Open cases by category (top %(n)d)") % {"n": TOP_CATEGORIES},
        "labels": [name for name, _n in ordered],
        "values": [n for _name, n in ordered],
    }


def surveys(build: Build) -> dict:
    survey = _survey_by_town(build)
    towns = [t for t in build.towns() if t.pk in survey]
    targets = [survey[t.pk]["target"] for t in towns if survey[t.pk]["target"] is not None]
    return {
        "title": _("Favourable answers by town, %(period)s (%%)") % {"period": build.period},
        "labels": [t.name for t in towns],
        "values": [_rate(survey[t.pk]["favourable"], survey[t.pk]["valid"]) for t in towns],
        "target": round(100 * sum(targets) / len(targets), 1) if targets else None,
        "highlight": build.town.name if build.town else None,
    }


def score_trend(build: Build) -> dict:
    data = trend(latest_publications(UnitKind.TOWN))
    series = data["series"]
    last = {s["name"]: next((v for v in reversed(s["values"]) if v is not None), None) for s in series}
    ranked = sorted((name for name in last if last[name] is not None), key=lambda n: -(last[n] or 0))
    top = ranked[:TREND_HIGHLIGHT]
    bottom = ranked[-TREND_HIGHLIGHT:] if len(ranked) > 2 * TREND_HIGHLIGHT else ranked[TREND_HIGHLIGHT:]
    for s in series:
        s["mark"] = "top" if s["name"] in top else "bottom" if s["name"] in bottom else ""
        if build.town and s["name"] == build.town.name:
            s["mark"] = s["mark"] or "own"
    values = [v for s in series for v in s["values"] if v is not None]
    return {"title": _("Published scores by period"), **data, "min": axis_floor(values)}


def case_map(build: Build) -> dict:
    grids = Grid.objects.values("code", "boundary", "unit__parent__name", "unit__name", "unit__kind")
    if build.town is not None:
        grids = grids.filter(unit__path__startswith=build.town.path)
    features = [
        {
            "type": "Feature",
            "geometry": g["boundary"],
            "properties": {
                "code": g["code"],
                "town": g["unit__name"] if g["unit__kind"] == UnitKind.TOWN else g["unit__parent__name"],
            },
        }
        for g in grids
    ]
    return {
        "title": _("Open cases and grids"),
        "features": features,
        "points": _points(build),
    }


def _points(build: Build) -> list[dict]:
    """Open cases with a place, each list read down an index and cut short, so none reads the whole table: every
    case a leader supervises, the most recently overdue, and the newest reported."""
    located = Case.objects.filter(state__in=Case.OPEN_STATES, lon__isnull=False, lat__isnull=False)
    if build.town is not None:
        located = located.filter(unit_id__in=build.scope_ids())
    now = timezone.now()
    # Whether each point is late is asked of the database: reading 1,800 deadlines to compare them here cost more
    # than the three lists themselves (psycopg parses each timestamp from text).
    late = ExpressionWrapper(overdue_q(now), output_field=BooleanField())
    columns = ("pk", "lon", "lat", "number", "category_name", "late", "supervised_by_id")
    chosen: dict[int, tuple] = {}
    for part in (
        located.filter(supervised_by__isnull=False).order_by()[:MAP_POINTS],
        located.filter(overdue_q(now)).order_by("-deadline")[:MAP_POINTS],
        located.order_by("-reported_at")[:MAP_POINTS],
    ):
        for row in part.annotate(late=late).values_list(*columns):
            chosen.setdefault(row[0], row)
    return [
        {
            "lon": lon,
            "lat": lat,
            "label": f"{number} {category}",
            "late": is_late,
            "supervised": by is not None,
        }
        for _pk, lon, lat, number, category, is_late, by in chosen.values()
    ]


def ticker(build: Build) -> dict:
    cases = Case.objects.all()
    if build.town is not None:
        cases = cases.filter(unit_id__in=build.scope_ids())
    reported = cases.order_by("-reported_at").values("number", "category_name", "address", "reported_at")[
        :TICKER_ROWS
    ]
    closed = (
        cases.filter(closed_at__isnull=False, state=State.CLOSED)
        .order_by("-closed_at")
        .values("number", "category_name", "address", "closed_at")[:TICKER_ROWS]
    )
    items: list[tuple[datetime, str, str]] = [
        (
            r["reported_at"],
            "report",
            _report_text(r["number"], _("reported"), r["category_name"], r["address"]),
        )
        for r in reported
    ] + [
        (r["closed_at"], "close", _report_text(r["number"], _("closed"), r["category_name"], r["address"]))
        for r in closed
        if r["closed_at"] is not None
    ]
    items.sort(key=lambda item: item[0], reverse=True)
    return {
        "items": [
            {"time": timezone.localtime(at).strftime("%m-%d %H:%M"), "kind": kind, "text": text}
            for at, kind, text in items
        ]
    }


def _report_text(*parts: str) -> str:
    return " ".join(part for part in parts if part)


BUILDERS = {
    Panel.FIGURES: figures,
    Panel.MAP: case_map,
    Panel.RANKING: ranking,
    Panel.OVERDUE: overdue,
    Panel.CATEGORIES: categories,
    Panel.SURVEYS: surveys,
    Panel.TREND: score_trend,
    Panel.TICKER: ticker,
}


def build_screen(panels: list[str], town: Unit | None) -> dict:
    """Every chosen panel's data from one shared build, and the time it was built."""
    period, scheme = current_period(timezone.localdate())
    build = Build(period=period, scheme=scheme, facts=PeriodFacts(period), town=town)
    return {
        "as_of": timezone.localtime().strftime("%H:%M:%S"),
        "panels": {key: BUILDERS[Panel(key)](build) for key in panels},
    }


def screen_data(screen: Screen) -> dict[str, str]:
    """panel key → its JSON (with the build's time), as of at most CACHE_SECONDS ago: one build serves every
    panel of a screen and every screen of the same scope (per language: the titles are translated)."""
    panels = screen.chosen()
    key = f"screen:{get_language()}:{screen.town_id or 0}:{','.join(sorted(panels))}"

    def encode() -> dict[str, str]:
        data = build_screen(panels, screen.town)
        return {
            name: json.dumps(
                {"key": name, "as_of": data["as_of"], **value}, cls=DjangoJSONEncoder, ensure_ascii=False
            )
            for name, value in data["panels"].items()
        }

    encoded = cache.get_or_set(key, encode, CACHE_SECONDS)
    assert isinstance(encoded, dict)  # what encode made (the stubs type the cache's answer as maybe None)
    return encoded


def default_screen() -> Screen:
    """The screen /screen/ shows: the office's first named one, or every panel for the whole county."""
    return Screen.objects.select_related("town").first() or Screen(name=_("Command centre"))
