"""红榜/黑榜 with ties: whole groups of tied units, by the scheme's rule; none across lists; none when all tie."""

from __future__ import annotations

from decimal import Decimal

from scoring.engine import UnitScore, rank
from scoring.lists import honour_lists
from scoring.models import ListTies


def _rows(*totals: str) -> list[dict]:
    """Units A, B, C … with these totals, ranked 1, 1, 3 … as the engine ranks them."""
    rows: list[dict] = [{"unit": chr(ord("A") + i), "total": t} for i, t in enumerate(totals)]
    ordered = sorted(rows, key=lambda r: -float(r["total"]))
    for position, row in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        row["rank"] = previous["rank"] if previous and previous["total"] == row["total"] else position
    return rows


def _names(rows: list[dict]) -> list[str]:
    return [r["unit"] for r in rows]


def test_when_every_unit_ties_no_unit_is_named():
    lists = honour_lists(_rows(*["60.00"] * 46), 3, ListTies.INCLUDE)
    assert lists.all_tied and lists.red == [] and lists.black == []


def test_a_tie_at_the_cut_off_names_all_tied_when_the_scheme_includes_them():
    rows = _rows("90", "80", "70", "70", "60", "50", "40", "30")
    lists = honour_lists(rows, 3, ListTies.INCLUDE)
    assert _names(lists.red) == ["A", "B", "C", "D"]
    assert [r["tied"] for r in lists.red] == [False, False, True, True]
    assert _names(lists.black) == ["H", "G", "F"]


def test_a_tie_at_the_cut_off_names_none_of_them_when_the_scheme_excludes_them():
    rows = _rows("90", "80", "70", "70", "60", "50", "40", "30")
    lists = honour_lists(rows, 3, ListTies.EXCLUDE)
    assert _names(lists.red) == ["A", "B"]
    assert _names(lists.tied_out) == ["C", "D"]


def test_a_group_tied_across_both_lists_is_on_neither():
    rows = _rows("90", "80", "70", "70", "70", "60")
    lists = honour_lists(rows, 3, ListTies.INCLUDE)
    assert _names(lists.red) == ["A", "B"] and _names(lists.black) == ["F"]
    assert set(_names(lists.tied_out)) == {"C", "D", "E"}
    assert not set(_names(lists.red)) & set(_names(lists.black))


def test_equal_totals_share_a_rank_and_the_next_skips():
    scores = [
        UnitScore(i, name, [], total=Decimal(t))
        for i, (name, t) in enumerate([("乙", "90"), ("甲", "90"), ("丙", "80")])
    ]
    rank(scores)
    assert [(s.unit_name, s.rank) for s in scores] == [("乙", 1), ("甲", 1), ("丙", 3)]
