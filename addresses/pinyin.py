"""Pinyin search keys, computed once when a name is saved (pypinyin) and stored beside it.

A person types a name's pinyin in any mix of full syllables and initials: "renminlu", "rml", "rmlu" and
"renml" all find 人民路. Each name stores the strings such typing begins with: for its first few characters every
choice of initial or full syllable, followed by the rest in full and in initials. A query matches a name when it
is the beginning of one of its keys, which the database answers with one LIKE (pg_trgm-indexed on PostgreSQL).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from pypinyin import Style, lazy_pinyin

MIXED_CHARS = 5  # 2**5 = 32 keys at most per name, from its first five characters
NOT_KEY = re.compile(r"[^0-9a-z]")


def _each_character(text: str) -> Any:
    """Letters and digits among the Chinese: one part each, as a person types them."""
    return list(text)


def syllables(name: str) -> list[str]:
    """One lowercase syllable per Chinese character; letters and digits kept as they are, one per character."""
    parts: list[str] = []
    for chunk in lazy_pinyin(name, style=Style.NORMAL, errors=_each_character):
        key = NOT_KEY.sub("", chunk.lower())
        if key:
            parts.append(key)
    return parts


def full_pinyin(name: str) -> str:
    return "".join(syllables(name))


def initials(name: str) -> str:
    return "".join(part[0] for part in syllables(name))


def search_keys(name: str) -> str:
    """The keys, space-separated and with a leading space, so `contains(" " + query)` is a word-prefix match."""
    parts = syllables(name)
    head, tail = parts[:MIXED_CHARS], parts[MIXED_CHARS:]
    endings = {"".join(tail), "".join(part[0] for part in tail)}
    keys: set[str] = set()
    for choice in itertools.product((False, True), repeat=len(head)):
        start = "".join(part if full else part[0] for part, full in zip(head, choice, strict=True))
        keys.update(start + ending for ending in endings)
    return "".join(f" {key}" for key in sorted(keys) if key)


def normalise_query(text: str) -> str:
    """A typed query as the keys are written: lowercase letters and digits, without spaces or apostrophes."""
    return NOT_KEY.sub("", text.lower())
