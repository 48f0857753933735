"""The leaders' dashboard (大屏): each panel is a function returning chart data from SQL aggregates.

Panels are registered in PANELS in display order; a domain adds its panels here when its facts exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.models import Case
from cases.queries import overdue_by_town, overdue_q
from org.models import Grid, UnitKind
from scoring.engine import compute_sheet
from scoring.queries import latest_publications, live_scheme, trend
from surveys.models import Answer, SurveyRun


def score_ranking() -> dict:
    scheme = live_scheme(UnitKind.TOWN)
    if scheme is None:
        return {}
    sheet = compute_sheet(scheme)
    return {
        "type": "bar",
        "title": _("Towns by score (%(period)s, live)") % {"period": scheme.period},
        "labels": [row.unit_name for row in sheet],
        "values": [float(row.total) for row in sheet],
    }


def score_trend() -> dict:
    data = trend(latest_publications(UnitKind.TOWN))
    if len(data["periods"]) < 1:
        return {}
    return {"type": "line", "title": _("Published scores over periods"), **data}


def survey_rates() -> dict:
    run = SurveyRun.objects.exclude(status=SurveyRun.Status.DRAFT).order_by("-starts_on").first()
    if run is None:
        return {}
    rows = (
        Answer.objects.filter(response__run=run, response__screen_reason="", favourable__isnull=False)
        .values("response__town__name")
        .annotate(valid=Count("id"), favourable=Count("id", filter=Q(favourable=True)))
        .order_by("response__town__path")
    )
    return {
        "type": "bar",
        "title": _("Favourable answers per town, %(run)s (%%)") % {"run": run.name},
        "labels": [row["response__town__name"] or "—" for row in rows],
        "values": [round(100 * row["favourable"] / row["valid"], 1) for row in rows],
        "max": 100,
    }


def overdue_per_town() -> dict:
    rows = overdue_by_town()
    return {
        "type": "bar",
        "title": _("Overdue cases per town"),
        "labels": [town for town, _n in rows],
        "values": [n for _town, n in rows],
        "color": "#ef6c00",
    }


def open_cases_by_category() -> dict:
    rows = (
        Case.objects.filter(state__in=Case.OPEN_STATES)
        .values("category_name")
        .annotate(n=Count("id"))
        .order_by("-n")[:10]
    )
    return {
        "type": "bar",
        "title": _("Open cases by category (top 10)"),
        "labels": [r["category_name"] or _("uncategorised") for r in rows],
        "values": [r["n"] for r in rows],
        "color": "#1565c0",
    }


def grid_map() -> dict:
    features = [
        {
            "type": "Feature",
            "geometry": g["boundary"],
            "properties": {"code": g["code"], "town": g["unit__parent__name"]},
        }
        for g in Grid.objects.values("code", "boundary", "unit__parent__name")
    ]
    open_cases = Case.objects.filter(state__in=Case.OPEN_STATES, lon__isnull=False).annotate(
        late=ExpressionWrapper(overdue_q(), output_field=BooleanField())
    )
    points = [
        {
            "lon": c["lon"],
            "lat": c["lat"],
            "label": f"{c['number']} {c['category_name']}",
            "color": "#b71c1c" if c["late"] else "#1565c0",
        }
        for c in open_cases.values("lon", "lat", "number", "category_name", "late")[:2000]
    ]
    return {
        "type": "map",
        "title": _("Open cases (red: overdue) and grids"),
        "features": features,
        "points": points,
    }


PANELS: list[tuple[str, Callable[[], dict]]] = [
    ("score_ranking", score_ranking),
    ("overdue_per_town", overdue_per_town),
    ("open_cases_by_category", open_cases_by_category),
    ("score_trend", score_trend),
    ("survey_rates", survey_rates),
    ("grid_map", grid_map),
]


# The dashboard refreshes every minute; every screen showing it in that minute shares one computation.
CACHE_SECONDS = 60


def build_dashboard_data() -> dict:
    panels = []
    for key, function in PANELS:
        data = function()
        if data:
            panels.append({"key": key, **data})
    return {"panels": panels, "as_of": timezone.localtime().strftime("%H:%M:%S")}


def dashboard_json() -> str:
    """The panels as JSON as of at most CACHE_SECONDS ago (per language: the titles are translated); cached
    encoded, so a screen refreshing costs a cache read, not a re-encoding of the map's points."""
    encoded = cache.get_or_set(
        f"dashboard-json:{get_language()}",
        lambda: json.dumps(build_dashboard_data(), cls=DjangoJSONEncoder, ensure_ascii=False),
        CACHE_SECONDS,
    )
    assert isinstance(encoded, str)  # what the lambda made (the stubs type the cache's answer as maybe None)
    return encoded
