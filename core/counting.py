"""Counts that stop at a cap, as large trackers show "10,000+": nobody pages to page 201 or works through ten
thousand rows one by one, they filter. Counting every row of a list costs as much as the table is large; counting
up to a cap costs at most cap + 1 index entries, however large the table grows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol, cast

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.formats import number_format


class Rows(Protocol):
    """What a capped paginator pages through: a queryset, or rows read in parts (cases.queries.SupervisedFirst)."""

    def order_by(self, *fields: str) -> QuerySet: ...

    def __getitem__(self, window: slice) -> Any: ...

    def count(self) -> int: ...


@dataclass(frozen=True)
class CappedCount:
    """A count that stops at a cap: exact when not `capped`, else "more than `value`" (value is the cap)."""

    value: int
    capped: bool

    def __bool__(self) -> bool:
        return self.value > 0

    def __str__(self) -> str:
        # Grouped as the language groups digits (en 10,000; zh 10000), so 9,999 and 10,000+ look alike.
        shown = number_format(self.value, force_grouping=True)
        return f"{shown}+" if self.capped else shown


def capped_count(queryset: QuerySet | Rows, cap: int) -> CappedCount:
    """`SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)`: the database stops after cap + 1 rows. The order is
    dropped first: it changes no count, and sorting every matching row would undo the limit."""
    counted = queryset.order_by()[: cap + 1].count()
    return CappedCount(min(counted, cap), counted > cap)


def capped_counts(querysets: Mapping[str, QuerySet], cap: int) -> dict[str, CappedCount]:
    """`capped_count` of each queryset, in one statement: `SELECT 0, COUNT(*) FROM (… LIMIT cap + 1) UNION ALL
    SELECT 1, …`, each part as bounded as alone, one round trip instead of one per count (a queue page shows six).
    The querysets are read from the database the first one is routed to."""
    names = list(querysets)
    counted = dict.fromkeys(names, 0)  # a queryset that can match nothing (EmptyResultSet) counts 0 unasked
    parts, params, alias = [], [], None
    for index, name in enumerate(names):
        queryset = querysets[name]
        alias = alias or queryset.db
        ids = queryset.order_by().values_list("pk")[: cap + 1]
        try:
            sql, part_params = ids.query.get_compiler(using=alias).as_sql()
        except EmptyResultSet:
            continue
        parts.append(f"SELECT {index}, COUNT(*) FROM ({sql}) AS counted_{index}")
        params.extend(part_params)
    if parts:
        with connections[alias or "default"].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for index, count in cursor.fetchall():
                counted[names[index]] = count
    return {name: CappedCount(min(count, cap), count > cap) for name, count in counted.items()}


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap`: the pages hold the first `cap` rows, later pages are not offered
    (a page number past them gives the last one, like any page number past the end)."""

    def __init__(self, object_list: QuerySet | Rows, per_page: int, cap: int) -> None:
        # Rows is sliced to a list, not to Rows as django-stubs' protocol wants; Paginator only slices and lists.
        super().__init__(cast(Any, object_list), per_page)
        self.queryset = object_list
        self.cap = cap

    @cached_property
    def capped_count(self) -> CappedCount:
        return capped_count(self.queryset, self.cap)

    @cached_property
    def count(self) -> int:
        return self.capped_count.value

    @property
    def capped(self) -> bool:
        """True when there are more rows than `count`."""
        return self.capped_count.capped
