"""Build an edition's tree row by row (used by the CSV loader, the Excel import, the demo and edition copies).

Nodes are found by their path of (code, title) pairs from the top, so the same code under two parents stays two
nodes (the minors' framework numbers "1）" again in every project), and a skipped level stays skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from framework.models import CheckItem, Criterion, Edition, Node, NodeLevel, Requirement, SiteType

Level = tuple[str, str]  # (code, title) of one level; ("", "") when the level is absent


@dataclass
class EditionBuilder:
    edition: Edition
    nodes: dict[tuple, Node] = field(default_factory=dict)
    criteria: dict[tuple, Criterion] = field(default_factory=dict)
    order: int = 0

    def _next(self) -> int:
        self.order += 1
        return self.order

    def node(self, levels: list[Level]) -> Node | None:
        """The deepest node for (project, indicator, content), creating the missing ones."""
        parent: Node | None = None
        key: tuple = ()
        for depth, (code, title) in enumerate(levels, start=1):
            if not code and not title:
                continue
            key = (*key, (depth, code, title))
            if key not in self.nodes:
                self.nodes[key] = Node.objects.create(
                    edition=self.edition,
                    parent=parent,
                    level=NodeLevel(depth),
                    code=code,
                    title=title,
                    sort_order=self._next(),
                )
            parent = self.nodes[key]
        return parent

    def criterion(
        self, node: Node | None, text: str, key: Any = None, **fields: Any
    ) -> tuple[Criterion, bool]:
        """The criterion with this text under this node (or this explicit key); created when new. Without a node
        (a row naming no level of the tree) full_clean refuses it."""
        lookup = ("key", key) if key is not None else (node.pk if node else None, text)
        if lookup in self.criteria:
            return self.criteria[lookup], False
        criterion = Criterion(edition=self.edition, node=node, text=text, sort_order=self._next(), **fields)
        criterion.full_clean()
        criterion.save()
        self.criteria[lookup] = criterion
        return criterion, True

    def requirement(
        self,
        criterion: Criterion,
        site_types: Sequence[SiteType] = (),
        check_items: Sequence[tuple[str, Decimal]] = (),
        **fields: Any,
    ) -> Requirement:
        requirement = Requirement(criterion=criterion, sort_order=self._next(), **fields)
        requirement.full_clean()
        requirement.save()
        if site_types:
            requirement.site_types.set(site_types)
        CheckItem.objects.bulk_create(
            CheckItem(requirement=requirement, text=text, deduction=deduction, sort_order=index)
            for index, (text, deduction) in enumerate(check_items, start=1)
        )
        return requirement
