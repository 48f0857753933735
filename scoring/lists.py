"""The 红榜 (best) and 黑榜 (worst) of a published sheet, fair to ties.

Units with equal totals share a rank (1, 1, 3 …, see `engine.rank`), so a list of N units is cut between groups of
tied units, never through one: the scheme says whether the group tied at the cut-off is named whole (the list grows
and says "并列") or left out whole. A group that would stand on both lists (few units, or many tied) is on neither,
and when every unit ties there is no list at all, and the bulletin says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from scoring.models import ListTies


@dataclass
class HonourLists:
    red: list[dict] = field(default_factory=list)
    black: list[dict] = field(default_factory=list)
    all_tied: bool = False
    tied_out: list[dict] = field(default_factory=list)  # tied at a cut-off and left out by the scheme's rule


def _groups(rows: list[dict]) -> list[list[dict]]:
    ordered = sorted(rows, key=lambda r: (r["rank"], r["unit"]))
    return [list(g) for _, g in groupby(ordered, key=lambda r: r["rank"])]


def _take(groups: list[list[dict]], size: int, ties: str) -> tuple[list[list[dict]], list[dict]]:
    """Whole groups from the front until `size` units; the group across the cut per the rule."""
    taken: list[list[dict]] = []
    count = 0
    for group in groups:
        if count >= size:
            break
        if count + len(group) <= size or ties == ListTies.INCLUDE:
            taken.append(group)
            count += len(group)
        else:
            return taken, group
    return taken, []


def honour_lists(rows: list[dict], size: int, ties: str) -> HonourLists:
    """`rows` carry "rank", "unit" and "total"; each named row gets "tied" (shares its rank on that list)."""
    groups = _groups(rows)
    if len(groups) <= 1:
        return HonourLists(all_tied=bool(rows))
    if size <= 0:
        return HonourLists()
    red, red_out = _take(groups, size, ties)
    black, black_out = _take(groups[::-1], size, ties)
    both = {id(g) for g in red} & {id(g) for g in black}
    red = [g for g in red if id(g) not in both]
    black = [g for g in black if id(g) not in both]
    out = [r for g in groups if id(g) in both for r in g] + red_out + black_out

    def named(chosen: list[list[dict]]) -> list[dict]:
        return [{**row, "tied": len(g) > 1} for g in chosen for row in g]

    return HonourLists(red=named(red), black=named(black), tied_out=out)
