"""Reads of the framework: the tree with summed points, search, checklists, the task breakdown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from framework.models import (
    CheckItem,
    Criterion,
    Edition,
    MethodKind,
    Node,
    NodeLevel,
    SiteType,
    Task,
    TaskUnit,
)
from framework.rules import describe_rule


def active_edition() -> Edition | None:
    return Edition.objects.filter(active=True).order_by("-year", "-pk").first()


def checklist_for(site_type: SiteType, edition: Edition | None = None) -> QuerySet[CheckItem]:
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


def checklist_texts(
    site_type_ids: Iterable[int], edition: Edition | None, limit: int
) -> dict[int, list[str]]:
    """site type id → the first `limit` lines of its checklist (as checklist_for orders them), for many site types
    in one query (the printed boards of a whole town)."""
    texts: dict[int, list[str]] = {pk: [] for pk in site_type_ids}
    if edition is None or not texts:
        return texts
    rows = (
        CheckItem.objects.filter(
            requirement__kind=MethodKind.FIELD,
            requirement__site_types__in=texts.keys(),
            requirement__criterion__edition=edition,
        )
        .order_by("requirement__criterion__sort_order", "requirement__sort_order", "sort_order")
        .values_list("requirement__site_types", "text")
    )
    for site_type_id, text in rows:
        if len(texts[site_type_id]) < limit:
            texts[site_type_id].append(text)
    return texts


@dataclass
class TreeNode:
    node: Node
    children: list[TreeNode] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    points: Decimal = Decimal(0)
    count: int = 0


def edition_tree(edition: Edition, criteria: QuerySet[Criterion] | None = None) -> list[TreeNode]:
    """The edition's nodes as a tree, each with its criteria, the points summed below it and a criteria count.

    With `criteria` given (a search), only nodes leading to one of them are kept. Two queries, whatever the size.
    """
    nodes = {n.pk: TreeNode(n) for n in Node.objects.filter(edition=edition).order_by("sort_order", "pk")}
    prune = criteria is not None
    if criteria is None:
        criteria = Criterion.objects.filter(edition=edition)
    for criterion in criteria.order_by("sort_order", "pk"):
        nodes[criterion.node_id].criteria.append(criterion)
    roots: list[TreeNode] = []
    for item in nodes.values():
        parent = nodes.get(item.node.parent_id) if item.node.parent_id is not None else None
        (parent.children if parent else roots).append(item)
    for root in roots:
        _sum(root, prune)
    return [root for root in roots if root.count] if prune else roots


def _sum(item: TreeNode, prune: bool) -> None:
    for child in item.children:
        _sum(child, prune)
    if prune:  # a search shows only the branches leading to a match
        item.children = [child for child in item.children if child.count]
    item.points = sum((c.points for c in item.criteria), Decimal(0)) + sum(
        (child.points for child in item.children), Decimal(0)
    )
    item.count = len(item.criteria) + sum(child.count for child in item.children)


def search_criteria(edition: Edition, text: str) -> QuerySet[Criterion]:
    query = Q(text__icontains=text) | Q(code__iexact=text) | Q(requirements__text__icontains=text)
    return Criterion.objects.filter(edition=edition).filter(query).distinct()


def tasks_for_criterion(
    criterion: Criterion, tasks: QuerySet[Task], task_units: QuerySet[TaskUnit]
) -> QuerySet[Task]:
    """The given (scoped) tasks for the criterion itself or a node above it, with only the given task units."""
    node_ids = [node.pk for node in criterion.node.path()]
    return (
        tasks.filter(Q(criterion=criterion) | Q(node_id__in=node_ids))
        .prefetch_related(Prefetch("units", task_units.select_related("unit")))
        .order_by("deadline")
    )


def describe(criterion: Criterion) -> str:
    return describe_rule(criterion.rule_kind, criterion.rule or {})


def checklist_counts(edition: Edition) -> dict[int, int]:
    """Check items per site type in an edition, for the site type list (one query)."""
    rows = (
        CheckItem.objects.filter(requirement__criterion__edition=edition, requirement__kind=MethodKind.FIELD)
        .values("requirement__site_types")
        .annotate(n=Count("pk"))
    )
    return {row["requirement__site_types"]: row["n"] for row in rows if row["requirement__site_types"]}


def node_paths(edition_ids: Iterable[int]) -> dict[int, list[Node]]:
    """Every node's path from the top, for whole editions, in one query."""
    nodes = {n.pk: n for n in Node.objects.filter(edition_id__in=set(edition_ids))}
    paths: dict[int, list[Node]] = {}
    for node in nodes.values():
        chain: list[Node] = []
        current: Node | None = node
        while current is not None:
            chain.append(current)
            current = nodes.get(current.parent_id) if current.parent_id is not None else None
        paths[node.pk] = chain[::-1]
    return paths


def _anchor_id(task: Task) -> int:
    node_id = task.criterion.node_id if task.criterion is not None else task.node_id
    if node_id is None:  # the check constraint: a task is for a criterion or a node
        raise ValueError(f"task {task.pk} has neither a criterion nor a node")
    return node_id


def group_by_project(tasks: list[Task]) -> list[tuple[Node, list[Task]]]:
    """Tasks grouped under their top framework node (测评项目), in tree order."""
    paths = node_paths(task.edition_id for task in tasks)
    groups: dict[int, tuple[Node, list[Task]]] = {}
    for task in tasks:
        top = paths[_anchor_id(task)][0]
        groups.setdefault(top.pk, (top, []))[1].append(task)
    return sorted(groups.values(), key=lambda group: group[0].sort_order)


def breakdown_rows(tasks: QuerySet[Task], edition: Edition | None) -> list[list[Any]]:
    """The office layout: 项目/指标/内容/标准/牵头单位/责任单位/完成时限/进度, one row per task."""
    if edition is not None:
        tasks = tasks.filter(edition=edition)
    tasks = tasks.select_related("criterion__node", "node").prefetch_related(
        Prefetch("units", TaskUnit.objects.select_related("unit"))
    )
    ordered = list(tasks.order_by("pk"))
    paths = node_paths(task.edition_id for task in ordered)
    rows = []
    for task in ordered:
        levels = {node.level: str(node) for node in paths[_anchor_id(task)]}
        units = list(task.units.all())
        lead = next((tu for tu in units if tu.is_lead), None)
        others = [tu for tu in units if not tu.is_lead]
        progress = "；".join(f"{tu.unit.name}：{tu.get_progress_display()}" for tu in units)
        rows.append(
            [
                levels.get(1, ""),
                levels.get(2, ""),
                levels.get(3, ""),
                task.criterion.text if task.criterion is not None else "",
                lead.unit.name if lead else "",
                "、".join(tu.unit.name for tu in others),
                task.deadline,
                progress,
            ]
        )
    return rows


def node_rows(edition: Edition) -> list[tuple[list[tuple[str, str]], list[Criterion]]]:
    """Depth-first: each node's levels (code, title per level) and its criteria; empty leaves kept."""
    nodes = list(Node.objects.filter(edition=edition).order_by("sort_order", "pk"))
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    criteria: dict[int, list[Criterion]] = {}
    for criterion in edition.criteria.order_by("sort_order", "pk"):
        criteria.setdefault(criterion.node_id, []).append(criterion)
    result = []

    def walk(node: Node, levels: dict[int, tuple[str, str]]) -> None:
        levels = {**levels, node.level: (node.code, node.title)}
        row = [levels.get(level, ("", "")) for level in NodeLevel.values]
        if criteria.get(node.pk) or not children.get(node.pk):
            result.append((row, criteria.get(node.pk, [])))
        for child in children.get(node.pk, []):
            walk(child, levels)

    for root in children.get(None, []):
        walk(root, {})
    return result


def existing_tasks(*, criterion: Criterion | None = None, node: Node | None = None) -> QuerySet[Task]:
    """The tasks a criterion (or node) already has: the breakdown to edit rather than repeat."""
    if criterion is not None:
        return Task.objects.filter(criterion=criterion)
    return Task.objects.filter(node=node, criterion__isnull=True)
