"""The pressure kit (催办): what the jobs that chase deadlines (cases.pressure, materials.pressure) share.

Each job reminds before a deadline, marks what is overdue in its history and tells the unit, and escalates to the
unit head (or the nearest head above) what stays overdue. Every step happens once per thing and deadline, so a
crashed run can simply run again:
- `dedupe_key` names a message (kind, thing, deadline or day): notify writes a key once per person;
- `deadline_mark` / `unmarked`: an overdue or escalation mark names the deadline it is about, and is not written
  twice for the same one (an extension gives a new deadline, and so a new mark);
- `by_unit` / `chunks_by_unit`: work is done a unit at a time, or in chunks that never split a unit, so that a
  unit's marks and messages commit together and a summary counts all of a unit's items;
- `send` folds a person's messages of one kind above a threshold into one summary (notify.actions.notify_many);
- `escalation_heads`: whom an escalation goes to;
- `Report`: what a run did, as `chuangwen tick` prints it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db.models import QuerySet

from notify.actions import Message, Summarize, notify_many, sent_pairs
from org.models import Person, Role, Unit
from org.queries import nearest_unit_with, people_by_unit

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
D = TypeVar("D", bound="HasDeadline")
ROWS_PER_INSERT = 1000  # history marks written per statement


class HasDeadline(Protocol):
    pk: Any
    deadline: Any  # a date or a datetime


@dataclass
class Report:
    label: str = ""  # says whose report it is when several are printed on one line
    reminded: int = 0
    marked_overdue: int = 0
    escalated: int = 0

    def __str__(self) -> str:
        return (
            f"{self.label}reminders: {self.reminded}, marked overdue: {self.marked_overdue}, "
            f"escalations: {self.escalated}"
        )


def dedupe_key(kind: str, pk: int, when: dt.date) -> str:
    """The key of a message about one thing (a case, a unit) and one deadline or day."""
    return f"{kind}:{pk}:{when.isoformat()}"


def not_sent(items: list[T], key: Callable[[T], str]) -> list[T]:
    """The items whose message (by key) went to nobody yet."""
    sent = {sent_key for _person, sent_key in sent_pairs([key(item) for item in items])}
    return [item for item in items if key(item) not in sent]


def deadline_mark(item: HasDeadline) -> dict[str, str]:
    """The data of a history mark: the deadline it is about."""
    return {"deadline": item.deadline.isoformat()}


def unmarked(items: list[D], marks: QuerySet, owner: str) -> list[D]:
    """The items without a mark for their current deadline among `marks` (history rows whose `owner` field points
    to the item). Pass the marks filtered by a subquery, not a list of ids: tens of thousands of ids in IN lists
    made PostgreSQL read the whole history once per list."""
    done = set(marks.order_by().values_list(f"{owner}_id", "data__deadline"))
    return [item for item in items if (item.pk, item.deadline.isoformat()) not in done]


def by_unit(items: Iterable[T], unit_of: Callable[[T], K]) -> dict[K, list[T]]:
    groups: dict[K, list[T]] = defaultdict(list)
    for item in items:
        groups[unit_of(item)].append(item)
    return groups


def chunks_by_unit(items: list[T], unit_of: Callable[[T], Hashable], size: int) -> Iterator[list[T]]:
    """`items` in chunks of about `size`, each unit's items in one chunk: its summary counts them all, and a crash
    never leaves it half told."""
    chunk: list[T] = []
    for group in by_unit(items, unit_of).values():
        chunk += group
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def send(messages: list[Message], summary_over: int, summarize: Summarize) -> int:
    """The messages, folded per person and kind above `summary_over`; how many (person, item) messages were new."""
    return len(notify_many(messages, summary_over=summary_over, summarize=summarize))


def escalation_heads(units: Iterable[Unit]) -> dict[int, tuple[int, list[Person]]]:
    """For each unit (by id), the nearest unit at or above it that has a head, and its heads. A unit with no head
    anywhere above is left out."""
    units = list(units)
    heads = people_by_unit({unit_id for unit in units for unit_id in unit.chain_ids()}, {Role.UNIT_HEAD})
    told = {}
    for unit in units:
        above = nearest_unit_with(unit, heads)
        if above is not None:
            told[unit.pk] = (above, heads[above])
    return told
