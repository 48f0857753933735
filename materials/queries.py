"""Reads of materials: a unit's list, the office's matrix of criteria × units, the reviews behind a score."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Period
from framework.models import Criterion, Node, TaskUnit
from framework.queries import node_paths
from materials.models import MaterialRequest, RequestState
from org.models import Unit, UnitKind

# The order a matrix cell's state is read in, and its colour (Bootstrap contextual classes).
STATE_TONES: dict[str, str] = {
    RequestState.REQUESTED: "secondary",
    RequestState.DRAFT: "info",
    RequestState.SUBMITTED: "warning",
    RequestState.RETURNED: "danger",
    RequestState.ACCEPTED: "success",
}
STATE_MARKS = {
    RequestState.REQUESTED: "·",
    RequestState.DRAFT: "✎",
    RequestState.SUBMITTED: "?",
    RequestState.RETURNED: "↩",
    RequestState.ACCEPTED: "✓",
}


def current_period() -> Period | None:
    """The period with requests that contains today, else the latest period with requests, else any period."""
    periods = list(Period.objects.all())
    asked = set(MaterialRequest.objects.values_list("period_id", flat=True).distinct())
    today = timezone.localdate()
    with_requests = [p for p in periods if p.pk in asked]
    for candidates in (with_requests, periods):
        now = [p for p in candidates if p.starts_on <= today <= p.ends_on]
        if now:
            return min(now, key=lambda p: p.ends_on - p.starts_on)
        if candidates:
            return max(candidates, key=lambda p: (p.ends_on, p.pk))
    return None


def unit_requests(person, unit_id: int, requests: QuerySet[MaterialRequest]) -> list[MaterialRequest]:
    """A unit's own requests: what it still owes first (earliest deadline first), then what the office has."""
    rows = list(requests.filter(unit_id=unit_id).select_related("criterion__node", "period"))
    today = timezone.localdate()
    order: dict[str, int] = {RequestState.RETURNED: 0, RequestState.REQUESTED: 1, RequestState.DRAFT: 1}
    rows.sort(key=lambda r: (order.get(r.state, 2), r.deadline, r.pk))
    for row in rows:
        row.overdue = row.is_overdue(today)
    return rows


def top_nodes(requests: QuerySet[MaterialRequest]) -> list[Node]:
    """The 测评项目 the requests fall under, in tree order (the matrix filter)."""
    criteria = Criterion.objects.filter(pk__in=requests.values("criterion_id"))
    paths = node_paths(set(criteria.values_list("edition_id", flat=True)))
    tops = {}
    for node_id in criteria.values_list("node_id", flat=True):
        top = paths[node_id][0]
        tops[top.pk] = top
    return sorted(tops.values(), key=lambda n: (n.sort_order, n.pk))


@dataclass
class MatrixRow:
    criterion: Criterion
    path: list[Node]
    cells: list[MaterialRequest | None]
    counts: Counter = field(default_factory=Counter)


@dataclass
class Matrix:
    units: list[Unit]
    groups: list[tuple[Node, list[MatrixRow]]]
    unit_counts: list[Counter]
    totals: Counter


def matrix(requests: QuerySet[MaterialRequest], project: Node | None, unit_kind: str) -> Matrix:
    """Criteria (grouped by 测评项目) × units, each cell the request's state; three queries whatever the size."""
    if unit_kind in (UnitKind.TOWN, UnitKind.DEPARTMENT):
        requests = requests.filter(unit__kind=unit_kind)
    elif unit_kind == "other":
        requests = requests.exclude(unit__kind__in=[UnitKind.TOWN, UnitKind.DEPARTMENT])
    rows = list(requests.select_related("criterion", "unit").order_by())
    criteria = {r.criterion_id: r.criterion for r in rows}
    paths = node_paths({c.edition_id for c in criteria.values()})
    if project is not None:
        criteria = {pk: c for pk, c in criteria.items() if paths[c.node_id][0].pk == project.pk}
        rows = [r for r in rows if r.criterion_id in criteria]
    units = sorted({r.unit_id: r.unit for r in rows}.values(), key=lambda u: u.path)
    column = {unit.pk: index for index, unit in enumerate(units)}
    by_criterion: dict[int, MatrixRow] = {
        pk: MatrixRow(c, paths[c.node_id], [None] * len(units)) for pk, c in criteria.items()
    }
    unit_counts: list[Counter[str]] = [Counter() for _ in units]
    today = timezone.localdate()
    for request in rows:
        request.overdue = request.is_overdue(today)
        row = by_criterion[request.criterion_id]
        row.cells[column[request.unit_id]] = request
        row.counts[request.state] += 1
        unit_counts[column[request.unit_id]][request.state] += 1
        unit_counts[column[request.unit_id]]["total"] += 1
    groups: dict[int, tuple[Node, list[MatrixRow]]] = {}
    ordered = sorted(
        by_criterion.values(), key=lambda r: ([n.sort_order for n in r.path], r.criterion.sort_order)
    )
    for row in ordered:
        groups.setdefault(row.path[0].pk, (row.path[0], []))[1].append(row)
    totals = Counter(r.state for r in rows)
    totals["overdue"] = sum(1 for r in rows if r.overdue)
    return Matrix(units, list(groups.values()), unit_counts, totals)


def reviews_for(period: Period, unit: Unit, requests: QuerySet[MaterialRequest]) -> list[MaterialRequest]:
    """The requests behind a unit's materials score: its own and its sub-units' (a town's communities)."""
    rows = requests.filter(period=period, unit__path__startswith=unit.path)
    rows = rows.select_related("criterion__node", "unit", "reviewed_by").order_by(
        "criterion__sort_order", "unit__path"
    )
    return list(rows)


def issue_choices(criteria: QuerySet[Criterion]) -> list[tuple[Node, list[tuple[Criterion, list[str]]]]]:
    """The criteria that ask for materials, grouped by 测评项目, each with the units the task breakdown names
    (lead first); two queries whatever the size."""
    rows = list(criteria)
    paths = node_paths({c.edition_id for c in rows})
    shares = TaskUnit.objects.filter(task__edition_id__in={c.edition_id for c in rows})
    shares = shares.select_related("task", "unit").order_by("-is_lead", "unit__path")
    by_criterion: dict[int, list[str]] = {}
    by_node: dict[int, list[str]] = {}
    for share in shares:
        task = share.task
        if task.criterion_id:
            by_criterion.setdefault(task.criterion_id, []).append(share.unit.name)
        elif task.node_id:
            by_node.setdefault(task.node_id, []).append(share.unit.name)
    groups: dict[int, tuple[Node, list]] = {}
    for criterion in rows:
        path = paths[criterion.node_id]
        names = list(by_criterion.get(criterion.pk, []))
        for node in path:
            names += by_node.get(node.pk, [])
        groups.setdefault(path[0].pk, (path[0], []))[1].append((criterion, list(dict.fromkeys(names))))
    return sorted(groups.values(), key=lambda g: (g[0].sort_order, g[0].pk))


def office_cards(requests: QuerySet[MaterialRequest]) -> list[dict]:
    """The office's waiting work on the home page: material to review, and overdue material to chase."""
    period = current_period()
    if period is None:
        return []
    requests = requests.filter(period=period)
    url = reverse("materials:list")
    waiting = requests.filter(state=RequestState.SUBMITTED).count()
    overdue = requests.filter(
        state__in=MaterialRequest.OPEN_STATES, deadline__lt=timezone.localdate()
    ).count()
    return [
        {
            "label": _("Materials to review"),
            "count": waiting,
            "url": f"{url}?period={period.pk}&state=submitted",
            "tone": "warning" if waiting else "secondary",
        },
        {
            "label": _("Materials overdue"),
            "count": overdue,
            "url": f"{url}?period={period.pk}&overdue=1",
            "tone": "danger" if overdue else "secondary",
        },
    ]


def criterion_attainment(edition, period: Period) -> dict[int, Decimal]:
    """Per criterion of the edition, the share of its material points the office has accepted so far in the
    period (score ÷ possible over every unit's request): the 网上申报 method in the simulated framework total."""
    rows = (
        MaterialRequest.objects.filter(period=period, criterion__edition=edition, possible__gt=0)
        .values("criterion")
        .annotate(
            earned=Sum("score", filter=Q(state=RequestState.ACCEPTED), default=Decimal(0)),
            possible=Sum("possible"),
        )
    )
    return {row["criterion"]: min(Decimal(1), row["earned"] / row["possible"]) for row in rows}
