"""A criterion named inside a message reads as part of the sentence: "催办：…最多扣 10 分，完成时限 …"."""

from __future__ import annotations

from framework.models import Criterion


def test_a_reminder_title_reads_as_one_sentence():
    criterion = Criterion(code="Ⅲ-7", text="被中央、省级媒体曝光的不文明问题，每起扣 2 分，最多扣 10 分。")
    title = f"催办：{criterion}，完成时限 2026-12-31"
    assert "。，" not in title
    assert (
        title == "催办：Ⅲ-7 被中央、省级媒体曝光的不文明问题，每起扣 2 分，最多扣 10 分，完成时限 2026-12-31"
    )
