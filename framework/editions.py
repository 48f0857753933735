"""Editions as wholes: copy one into a new draft, compare two (criteria added, removed, changed, with a text diff).

Codes are labels inside an edition, so two editions are matched by content: criteria under the same node path
with the same text are the same; what is left is paired by text similarity (a changed wording), else added/removed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.db import transaction

from framework.access import can_edit_framework
from framework.models import Criterion, Edition, EditionStatus, Requirement
from framework.queries import node_rows
from framework.tree import EditionBuilder
from org.access import require
from org.models import Person

SIMILAR = 0.6  # texts at least this similar are one criterion reworded


@transaction.atomic
def copy_edition(actor: Person, edition: Edition, name: str) -> Edition:
    """A new draft with the same tree, criteria, requirements and check items; not active."""
    require(can_edit_framework(actor))
    copy = Edition(
        name=name, level=edition.level, year=edition.year, status=EditionStatus.DRAFT, note=edition.note
    )
    copy.full_clean()
    copy.save()
    builder = EditionBuilder(copy)
    requirements = Requirement.objects.filter(criterion__edition=edition).prefetch_related(
        "site_types", "check_items"
    )
    by_criterion: dict[int, list[Requirement]] = {}
    for requirement in requirements.order_by("sort_order", "pk"):
        by_criterion.setdefault(requirement.criterion_id, []).append(requirement)
    for levels, criteria in node_rows(edition):
        node = builder.node(levels)
        for criterion in criteria:
            new, _created = builder.criterion(
                node,
                criterion.text,
                key=criterion.pk,
                code=criterion.code,
                points=criterion.points,
                rule_kind=criterion.rule_kind,
                rule=criterion.rule,
                note=criterion.note,
            )
            for r in by_criterion.get(criterion.pk, []):
                builder.requirement(
                    new,
                    site_types=list(r.site_types.all()),
                    check_items=[(i.text, i.deduction) for i in r.check_items.all()],
                    kind=r.kind,
                    text=r.text,
                    site_label=r.site_label,
                    material_types=r.material_types,
                    word_limit=r.word_limit,
                    photo_limit=r.photo_limit,
                    question=r.question,
                    target_rate=r.target_rate,
                    favourable_answers=r.favourable_answers,
                    source_row=r.source_row,
                )
    return copy


@dataclass
class Change:
    path: str
    old: Criterion | None
    new: Criterion | None
    diff: list[tuple[str, str]] = field(default_factory=list)  # (mark, text): "+", "-", " "
    fields: list[str] = field(default_factory=list)  # what else changed: points, rule


@dataclass
class Comparison:
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0


def _by_path(edition: Edition) -> dict[str, list[Criterion]]:
    grouped: dict[str, list[Criterion]] = {}
    for levels, criteria in node_rows(edition):
        path = " › ".join(f"{code} {title}".strip() for code, title in levels if code or title)
        grouped.setdefault(path, []).extend(criteria)
    return grouped


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """A character-level diff, merged into runs: good for Chinese text, which has no spaces between words."""
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append((" ", old[i1:i2]))
            continue
        if i2 > i1:
            runs.append(("-", old[i1:i2]))
        if j2 > j1:
            runs.append(("+", new[j1:j2]))
    return runs


def _other_fields(old: Criterion, new: Criterion) -> list[str]:
    return [
        name for name in ("code", "points", "rule_kind", "rule") if getattr(old, name) != getattr(new, name)
    ]


def compare_editions(old: Edition, new: Edition) -> Comparison:
    result = Comparison()
    before, after = _by_path(old), _by_path(new)
    for path in list(dict.fromkeys([*before, *after])):
        olds, news = list(before.get(path, [])), list(after.get(path, []))
        for criterion in list(olds):  # same text: the same criterion
            twin = next((c for c in news if c.text == criterion.text), None)
            if twin is None:
                continue
            olds.remove(criterion)
            news.remove(twin)
            fields = _other_fields(criterion, twin)
            if fields:
                result.changed.append(Change(path, criterion, twin, fields=fields))
            else:
                result.unchanged += 1
        for criterion in list(olds):  # reworded: the most similar remaining text
            scored = [(difflib.SequenceMatcher(None, criterion.text, c.text).ratio(), c) for c in news]
            ratio, twin = max(scored, key=lambda pair: pair[0], default=(0, None))
            if twin is not None and ratio >= SIMILAR:
                olds.remove(criterion)
                news.remove(twin)
                change = Change(path, criterion, twin, text_diff(criterion.text, twin.text), ["text"])
                change.fields += _other_fields(criterion, twin)
                result.changed.append(change)
        result.removed += [Change(path, c, None) for c in olds]
        result.added += [Change(path, None, c) for c in news]
    return result
