"""The one way to render a template someone uploaded (a Word template's docxtpl tags): Jinja's immutable sandbox with
autoescaping, and no operator that can make the server compute or allocate without bound.

The sandbox refuses attributes that reach Python's internals (`cycler.__init__.__globals__.os`), so an uploaded
template can read its context and nothing else. Escaping is for XML, the language of every Office part."""

from __future__ import annotations

import operator
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

# The longest string or list one `*` may build, and the largest integer arithmetic may make (in bits): far beyond
# any report, far below what would take a worker's memory (`'x' * 10**10`) or its time (`2**100000000`).
MAX_REPEAT = 100_000
MAX_INT_BITS = 10_000


class DocumentEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, op: str, left: Any, right: Any) -> Any:
        both_ints = isinstance(left, int) and isinstance(right, int)
        if op == "**":
            if both_ints and left.bit_length() * abs(right) > MAX_INT_BITS:
                raise SecurityError(f"a power larger than {MAX_INT_BITS} bits")
            return operator.pow(left, right)
        if both_ints and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise SecurityError(f"a product larger than {MAX_INT_BITS} bits")
        for sequence, times in ((left, right), (right, left)):
            if hasattr(sequence, "__len__") and isinstance(times, int) and len(sequence) * times > MAX_REPEAT:
                raise SecurityError(f"a repeated value longer than {MAX_REPEAT}")
        return operator.mul(left, right)


def document_environment() -> DocumentEnvironment:
    """A fresh environment per render (docxtpl sets attributes on the one it is given)."""
    environment = DocumentEnvironment(autoescape=True)
    # Lorem ipsum of any length is a way to spend a worker's time, and no report needs it.
    environment.globals.pop("lipsum", None)
    return environment
