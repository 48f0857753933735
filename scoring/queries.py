"""Reads over published score sheets: the latest publication of each scheme, rankings with gaps, trends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inspections.models import Round, Visit
from materials.models import MaterialRequest, RequestState
from scoring.models import DEFAULT_PARAMS, Component, ComponentKind, Publication, Scheme


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


def publish_warnings(scheme: Scheme, today: date) -> list[str]:
    """What may still change the sheet: the period not over, inspections still to do, secret rounds not released,
    material not reviewed or not sent. The publisher confirms having read them."""
    period = scheme.period
    warnings = []
    if period.ends_on >= today:
        warnings.append(
            _("The period has not ended (it ends on %(day)s): the facts can still change.")
            % {"day": period.ends_on.isoformat()}
        )
    rounds = Round.objects.filter(starts_on__lte=period.ends_on, ends_on__gte=period.starts_on)
    pending = rounds.aggregate(
        rounds=Count("pk", distinct=True, filter=Q(visits__status=Visit.Status.PENDING)),
        visits=Count("visits", filter=Q(visits__status=Visit.Status.PENDING)),
    )
    if pending["visits"]:
        warnings.append(
            ngettext(
                "%(rounds)d round still has %(visits)d inspections to do.",
                "%(rounds)d rounds still have %(visits)d inspections to do.",
                pending["rounds"],
            )
            % pending
        )
    hidden = rounds.filter(kind__in=Round.HIDDEN_KINDS, published_at__isnull=True).count()
    if hidden:
        warnings.append(
            _("%(n)d secret rounds (暗访) are not released: their inspections do not count yet.")
            % {"n": hidden}
        )
    states = dict(
        MaterialRequest.objects.filter(period=period)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    if states.get(RequestState.SUBMITTED):
        warnings.append(_("%(n)d materials are waiting for review.") % {"n": states[RequestState.SUBMITTED]})
    unsent = sum(states.get(state, 0) for state in MaterialRequest.OPEN_STATES)
    if unsent:
        warnings.append(_("%(n)d materials have not been sent by their units.") % {"n": unsent})
    return warnings


def material_late_share(material: MaterialRequest) -> Decimal:
    """The share of a late material's score the score sheet takes off: the `late_penalty` of the material component
    of the period's scheme that scores the unit (the scheme of its own kind, else of a unit above it: a community's
    material counts in its town's score)."""
    kinds = [material.unit.kind, *material.unit.ancestors().values_list("kind", flat=True)]
    components = Component.objects.filter(
        scheme__period_id=material.period_id, scheme__unit_kind__in=kinds, kind=ComponentKind.MATERIAL
    )
    component = min(components, key=lambda c: kinds.index(c.scheme.unit_kind), default=None)
    share = (
        component.param("late_penalty")
        if component
        else DEFAULT_PARAMS[ComponentKind.MATERIAL]["late_penalty"]
    )
    return Decimal(str(min(share, 1.0)))
