"""The history kit: one shape for every history table, and one way to take a step of a state machine.

A row with a state (a case, a unit's share of a task, a material request) changes state only through a step of
its app's transition table (a dict of `Transition`, the machine as data). A step is always the same four moves:

    step = TRANSITIONS[action]
    case = history.lock(Case.objects, case.pk, step, check=..., refuse=...)     # lock, check on the locked row
    case.return_count += 1                                                        # the step's own changes
    history.move(case, step, CaseEvent(case=case, action=action, actor=actor), fields=["return_count"])

`lock` takes the row for the rest of the transaction and checks the actor and the state on the locked row, so of
two people acting at once the second waits, sees what the first did and is refused (nothing of theirs is saved).
A step that may leave the state where it was (re-dispatching a dispatched case) cannot tell by the state alone: a
`Versioned` row counts its steps, the person acting sends the version their page showed (`seen_version`), and
`lock` refuses when the row has moved on since.
`move` saves the new state with `update_fields` and writes the history row, from the state before to the state
after. Timelines, SLA figures, metrics and audits are queries over the history rows (subclasses of `Event`);
they never re-derive history from current fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ACTION_LENGTH = 20
STATE_LENGTH = 20

R = TypeVar("R", bound=models.Model)
E = TypeVar("E", bound="Event")


class Event(models.Model):
    """One thing that happened to a row: a step of its state machine, or a mark such as a reminder or "overdue".

    A subclass adds the row it is the history of (and whatever else the step concerns: a unit, a submission) and
    names its actions and states with `action_field` and `state_field`. A mark that moves nothing has the same
    `from_state` and `to_state` (or none, where the table never recorded one).
    """

    action = models.CharField(_("action"), max_length=ACTION_LENGTH)
    from_state = models.CharField(_("from"), max_length=STATE_LENGTH, blank=True)
    to_state = models.CharField(_("to"), max_length=STATE_LENGTH, blank=True)
    # Empty for what the system did (overdue marks). PROTECT: a person who acted stays named in the history;
    # people leave by being deactivated.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A default, not auto_now_add: a case's report row takes the time it was reported, the demo writes past steps.
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def moved(self) -> bool:
        return self.from_state != self.to_state


def action_field(choices: Sequence[tuple[str, Any]], verbose_name: Any) -> models.CharField[str, str]:
    """`Event.action` with the subclass's own choices (the column keeps the common shape)."""
    return models.CharField(verbose_name, max_length=ACTION_LENGTH, choices=choices)


def state_field(choices: Sequence[tuple[str, Any]], verbose_name: Any) -> models.CharField[str, str]:
    """`Event.from_state` or `Event.to_state` with the states of the subclass's row."""
    return models.CharField(verbose_name, max_length=STATE_LENGTH, choices=choices, blank=True)


class Versioned(models.Model):
    """A row whose steps are counted, so a step can take the state its actor saw (see `lock`)."""

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    # The version the person acting saw (their form's hidden field, an API client's `version`), set on the instance
    # they act on; None when the caller has just read the row and means whatever it is now.
    seen_version: int | None = None

    class Meta:
        abstract = True


def seen_version(posted: str | None) -> int | None:
    """The version a form's hidden `version` field carried; None from an old page without one (no check)."""
    return int(posted) if posted and posted.isdigit() and len(posted) < 10 else None


@dataclass(frozen=True)
class Transition:
    """One step of a state machine: the states it starts from, the state it leads to, and whose step it is."""

    sources: frozenset[str]
    target: str | None = None  # None: the row stays where it is (or the step says where, see `move`)
    by: str = ""  # in the app's own terms, e.g. "office" or "unit"

    def allows(self, state: str) -> bool:
        return state in self.sources


def lock(
    rows: QuerySet[R] | models.Manager[R],
    pk: Any,
    step: Transition,
    *,
    refuse: Callable[[R], Exception],
    check: Callable[[R], object] | None = None,
    field: str = "state",
    seen: int | None = None,
) -> R:
    """The row, locked until the transaction ends, after `check` (the actor's right, raising) and the state check
    (raising `refuse(row)`), both on the locked row: whoever acted first is seen here, never overwritten. With
    `seen` (a `Versioned` row's version as the actor saw it), a row that took any step since is refused too."""
    row = rows.select_for_update().get(pk=pk)
    if check is not None:
        check(row)
    if not step.allows(getattr(row, field)):
        raise refuse(row)
    if seen is not None and isinstance(row, Versioned) and row.version != seen:
        raise refuse(row)
    return row


def move(
    row: R,
    step: Transition,
    event: E,
    *,
    to: str | None = None,
    fields: Iterable[str] = (),
    field: str = "state",
) -> E:
    """Put the locked `row` in the step's target state (or `to`, for a step whose target depends on the row, such
    as a resumed case going back where it was; neither: it stays), save it with the other changed `fields`, and
    write `event` for it, from the state before to the state after."""
    event.from_state = getattr(row, field)
    target = to or step.target
    if target is not None:
        setattr(row, field, target)
    counted = []
    if isinstance(row, Versioned):
        row.version += 1
        counted = ["version"]
    row.save(update_fields=[field, *fields, *counted, *_touched(row)])
    event.to_state = getattr(row, field)
    event.save(force_insert=True)
    return event


def _touched(row: models.Model) -> list[str]:
    """The row's auto_now fields ("updated at"): a step changes the row, so they are saved with it."""
    return [f.name for f in row._meta.concrete_fields if getattr(f, "auto_now", False)]
