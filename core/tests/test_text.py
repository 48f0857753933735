"""A text quoted inside a message loses its closing punctuation, so titles never read "…分。，完成时限"."""

from __future__ import annotations

from core.text import clause


def test_a_clause_drops_its_closing_punctuation():
    assert (
        clause("被媒体曝光的不文明问题，每起扣 2 分，最多扣 10 分。")
        == "被媒体曝光的不文明问题，每起扣 2 分，最多扣 10 分"
    )
    assert clause("Keep it clean.  ") == "Keep it clean"


def test_a_long_clause_is_cut_with_an_ellipsis_not_mid_punctuation():
    assert clause("一二三四五，六七八", 6) == "一二三四五…"
    assert clause("一二三四五六", 6) == "一二三四五六"
