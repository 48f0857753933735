"""Text set inside a sentence: a criterion or a task named in a message title ("催办：<criterion>，完成时限 …")."""

from __future__ import annotations

# What ends a sentence or a clause, in Chinese and in English: a text quoted inside another sentence drops it, so
# a title never reads "…最多扣 10 分。，完成时限".
TRAILING = "。．.，,；;：:！!？?、 \u3000\n\t"


def clause(text: str, limit: int | None = None) -> str:
    """The text as a clause of another sentence: no closing punctuation, cut at `limit` characters with '…'."""
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        return text[:limit].rstrip(TRAILING) + "…"
    return text.rstrip(TRAILING)
