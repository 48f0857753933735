"""Reads over published score sheets: the latest publication of each scheme, rankings with gaps, trends."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from scoring.models import Publication, Scheme


def latest_publications(unit_kind: str, visible: QuerySet[Publication] | None = None) -> list[Publication]:
    """The newest version of each period's publication for one kind of unit, oldest period first; among `visible`
    (scoring.access.publications_for) when given."""
    latest: dict[int, Publication] = {}
    publications = (
        (Publication.objects.all() if visible is None else visible)
        .filter(scheme__unit_kind=unit_kind)
        .select_related("scheme__period")
        .order_by("scheme__period__year", "scheme__period__kind", "scheme__period__number", "-version")
    )
    for publication in publications:
        latest.setdefault(publication.scheme_id, publication)
    return sorted(latest.values(), key=lambda p: (p.scheme.period.starts_on, p.scheme.period.ends_on))


def ranking(publication: Publication, list_size: int = 3) -> dict:
    """Rows with the gap to the leader and to the scheme's target, plus the red and black lists."""
    rows = publication.sheet
    if not rows:
        return {"rows": [], "red": [], "black": []}
    leader = Decimal(rows[0]["total"])
    target = publication.scheme.target_total
    enriched = [
        {
            **row,
            "gap_to_leader": leader - Decimal(row["total"]),
            "gap_to_target": (target - Decimal(row["total"])) if target is not None else None,
        }
        for row in rows
    ]
    return {
        "rows": enriched,
        "red": enriched[:list_size],
        "black": list(reversed(enriched[-list_size:])) if len(enriched) > list_size else [],
    }


def trend(publications: list[Publication]) -> dict:
    """Totals per unit across periods, shaped for a line chart."""
    periods = [str(p.scheme.period) for p in publications]
    series: dict[str, list] = {}
    for index, publication in enumerate(publications):
        for row in publication.sheet:
            series.setdefault(row["unit_name"], [None] * len(publications))[index] = float(row["total"])
    return {
        "periods": periods,
        "series": [{"name": name, "values": values} for name, values in series.items()],
    }


def live_scheme(unit_kind: str) -> Scheme | None:
    return (
        Scheme.objects.filter(unit_kind=unit_kind)
        .select_related("period")
        .order_by("-period__year", "-period__number")
        .first()
    )
