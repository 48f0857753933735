"""Reads of the framework: the tree with summed points, search, checklists, the task breakdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from framework.models import CheckItem, Criterion, Framework, MethodKind, Node, SiteType, Task, TaskUnit


def active_edition() -> Framework | None:
    return Framework.objects.filter(active=True).order_by("-year", "-pk").first()


def checklist_for(site_type: SiteType, edition: Framework | None = None) -> QuerySet[CheckItem]:
    """The check items to inspect at a site of this type: the field requirements of the (active) edition."""
    edition = edition or active_edition()
    if edition is None:
        return CheckItem.objects.none()
    return (
        CheckItem.objects.filter(
            requirement__kind=MethodKind.FIELD,
            requirement__site_types=site_type,
            requirement__criterion__edition=edition,
        )
        .select_related("requirement__criterion__node")
        .order_by("requirement__criterion__sort_order", "requirement__sort_order", "sort_order")
    )


@dataclass
class TreeNode:
    node: Node
    children: list[TreeNode] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    points: Decimal = Decimal(0)
    count: int = 0


def edition_tree(edition: Framework, criteria: QuerySet[Criterion] | None = None) -> list[TreeNode]:
    """The edition's nodes as a tree, each with its criteria, the points summed below it and a criteria count.

    With `criteria` given (a search), only nodes leading to one of them are kept. Two queries, whatever the size.
    """
    nodes = {n.pk: TreeNode(n) for n in Node.objects.filter(edition=edition).order_by("sort_order", "pk")}
    if criteria is None:
        criteria = Criterion.objects.filter(edition=edition)
    for criterion in criteria.order_by("sort_order", "pk"):
        nodes[criterion.node_id].criteria.append(criterion)
    roots: list[TreeNode] = []
    for item in nodes.values():
        parent = nodes.get(item.node.parent_id)
        (parent.children if parent else roots).append(item)
    for root in roots:
        _sum(root)
    if criteria is not None:
        roots = [root for root in roots if root.count]
    return roots


def _sum(item: TreeNode) -> None:
    for child in item.children:
        _sum(child)
    item.children = [child for child in item.children if child.count or not child.criteria]
    item.points = sum((c.points for c in item.criteria), Decimal(0)) + sum(
        (child.points for child in item.children), Decimal(0)
    )
    item.count = len(item.criteria) + sum(child.count for child in item.children)


def search_criteria(edition: Framework, text: str) -> QuerySet[Criterion]:
    query = Q(text__icontains=text) | Q(code__iexact=text) | Q(requirements__text__icontains=text)
    return Criterion.objects.filter(edition=edition).filter(query).distinct()


def tasks_for_criterion(criterion: Criterion) -> QuerySet[Task]:
    """Tasks for the criterion itself or for a node above it."""
    node_ids = [node.pk for node in criterion.node.path()]
    return (
        Task.objects.filter(Q(criterion=criterion) | Q(node_id__in=node_ids))
        .prefetch_related(Prefetch("units", TaskUnit.objects.select_related("unit")))
        .order_by("deadline")
    )
