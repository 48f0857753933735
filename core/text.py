"""Text as it may be stored and sent anywhere, and text set inside a sentence.

Without the characters XML 1.0 forbids: a citizen's description with `\\x01` or `\\x0c` (pasted from another app)
made Open311's XML invalid and the Excel exports fail. Such characters mean nothing to a reader, so they are
removed where text comes in (every form field and query parameter, through core.middleware.CleanTextMiddleware;
the JSON API's text fields, through `CleanText`; Excel imports) and again where text goes out as XML or JSON, for
rows stored before.

Inside a sentence: a criterion or a task named in a message title ("催办：<criterion>，完成时限 …")."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator

# XML 1.0's Char production, negated: C0 controls except tab, line feed and carriage return; lone surrogates; the
# two non-characters U+FFFE and U+FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# What ends a sentence or a clause, in Chinese and in English: a text quoted inside another sentence drops it, so
# a title never reads "…最多扣 10 分。，完成时限".
TRAILING = "。．.，,；;：:！!？?、 \u3000\n\t"


def clean_text(text: str) -> str:
    """`text` without the characters no XML document may hold."""
    return XML_ILLEGAL.sub("", text)


def clean_value(value: Any) -> Any:
    """`value` with every string in it cleaned (lists and dicts walked), for serializers."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    if isinstance(value, dict):
        return {key: clean_value(item) for key, item in value.items()}
    return value


# A text field of an API schema, cleaned as the form fields are.
CleanText = Annotated[str, AfterValidator(clean_text)]


def clause(text: str, limit: int | None = None) -> str:
    """The text as a clause of another sentence: no closing punctuation, cut at `limit` characters with '…'."""
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        return text[:limit].rstrip(TRAILING) + "…"
    return text.rstrip(TRAILING)
