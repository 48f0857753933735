"""Who hears of each step of a case, at once, through notify (the table in docs/notifications.md).

`announce` is called by cases.actions for every step it records. Work handed to a unit (dispatched, sent back for
rework, an extension answered, deferred or resumed) goes to the unit's handlers and heads on their channels, to its
liaison's number by SMS and to its robot webhooks; work handed to the office (a case returned, reported back, an
extension asked) goes to the office admins. A case under leader supervision (领导督办) also reports each step to
its leader. The rows are written in the step's transaction; deliveries leave on commit. The key names the history
row, so a step is told once however often this runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, CaseEvent
from notify.actions import notify_people, notify_unit
from org.models import Person, Role, Unit
from org.queries import office_admins, people_by_unit

A = CaseEvent.Action
UNIT_SIDE, OFFICE_SIDE = "unit", "office"


@dataclass(frozen=True)
class Notice:
    kind: str
    label: str | Promise  # what happened, first words of the message
    to: str  # UNIT_SIDE or OFFICE_SIDE


NOTICES: dict[str, Notice] = {
    A.DISPATCH: Notice("case-dispatched", gettext_lazy("New case for your unit"), UNIT_SIDE),
    A.REWORK: Notice("case-rework", gettext_lazy("Sent back for rework"), UNIT_SIDE),
    A.RETURN: Notice("case-returned", gettext_lazy("Returned by the unit"), OFFICE_SIDE),
    A.REPORT_BACK: Notice("case-reported-back", gettext_lazy("Reported back, to verify"), OFFICE_SIDE),
    A.REQUEST_EXTENSION: Notice("case-extension-requested", gettext_lazy("Extension requested"), OFFICE_SIDE),
    A.APPROVE_EXTENSION: Notice("case-extension-approved", gettext_lazy("Extension approved"), UNIT_SIDE),
    A.REFUSE_EXTENSION: Notice("case-extension-refused", gettext_lazy("Extension refused"), UNIT_SIDE),
    A.DEFER: Notice("case-deferred", gettext_lazy("Case deferred"), UNIT_SIDE),
    A.RESUME: Notice("case-resumed", gettext_lazy("Case resumed"), UNIT_SIDE),
    A.SHORTEN_DEADLINE: Notice("case-deadline-shortened", gettext_lazy("Deadline shortened"), UNIT_SIDE),
}
URGED = Notice("case-urged", gettext_lazy("Chased (催办)"), UNIT_SIDE)
SUPERVISED = Notice("case-supervised", gettext_lazy("Leader supervision (领导督办)"), UNIT_SIDE)
PROGRESS = Notice("case-progress", gettext_lazy("Progress of a case you supervise"), OFFICE_SIDE)
MOVED_AWAY = Notice("case-redispatched", gettext_lazy("Case moved to another unit"), UNIT_SIDE)


def unit_people(unit: Unit) -> list[Person]:
    """Who works a unit's cases: its handlers and heads (its own, not those of units above)."""
    return people_by_unit([unit.pk], {Role.UNIT_HANDLER, Role.UNIT_HEAD}).get(unit.pk, [])


def place(case: Case) -> str:
    return case.address or case.site_name or (case.grid.name if case.grid_id and case.grid else "") or "—"


def deadline_text(case: Case) -> str:
    return timezone.localtime(case.deadline).strftime("%m-%d %H:%M") if case.deadline else "—"


def title(label: str | Promise, case: Case) -> str:
    """The message: what happened, the case number, what and where, and the deadline."""
    return _("%(event)s: %(number)s %(what)s at %(place)s, due %(deadline)s") % {
        "event": label,
        "number": case.number,
        "what": case.category_name or case.description[:20],
        "place": place(case)[:40],
        "deadline": deadline_text(case),
    }


def url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def tell_unit(
    unit: Unit,
    case: Case,
    notice: Notice,
    key: str,
    body: str = "",
    people: Callable[[Unit], Sequence[Person]] = unit_people,
) -> None:
    notify_unit(
        unit,
        kind=notice.kind,
        title=title(notice.label, case),
        dedupe_key=key,
        body=body,
        url=url(case),
        head_sms=False,
        people=people(unit),
    )


def tell_people(people: Sequence[Person], case: Case, notice: Notice, key: str, body: str = "") -> None:
    notify_people(
        people,
        kind=notice.kind,
        title=title(notice.label, case),
        dedupe_key=key,
        body=body,
        url=url(case),
        unit=case.unit,
    )


def _with_unit(event: CaseEvent) -> bool:
    """The step concerns the unit: the case was or is now in its hands (a case deferred before dispatch is not)."""
    return event.from_state in Case.UNIT_STATES or event.to_state in Case.UNIT_STATES


def handlers(unit: Unit) -> list[Person]:
    return people_by_unit([unit.pk], {Role.UNIT_HANDLER}).get(unit.pk, [])


def urged(case: Case, event: CaseEvent, key: str) -> None:
    """催办: the handlers hear; from the second time on, the unit's heads too."""
    count = (event.data or {}).get("count", 1)
    label = _("%(chased)s, time %(count)d") % {"chased": URGED.label, "count": count}
    if case.unit is not None:
        people = unit_people if count >= 2 else handlers
        tell_unit(case.unit, case, Notice(URGED.kind, label, UNIT_SIDE), key, event.note, people)


def supervised(case: Case, event: CaseEvent, key: str) -> None:
    """领导督办: the unit holding the case and the office hear, also in quiet hours (an urgent kind)."""
    if case.unit is not None:
        tell_unit(case.unit, case, SUPERVISED, key, event.note)
    tell_people(office_admins(), case, SUPERVISED, key, event.note)


def progress(case: Case, event: CaseEvent, key: str) -> None:
    """Every step of a supervised case is reported to its leader (not the steps the leader takes)."""
    if event.actor_id is not None and event.actor_id == case.supervised_by_id:
        return
    leader = Person.objects.filter(pk=case.supervised_by_id or 0, is_active=True).first()
    if leader is not None:
        label = _("%(progress)s (%(step)s)") % {
            "progress": PROGRESS.label,
            "step": event.get_action_display(),
        }
        tell_people([leader], case, Notice(PROGRESS.kind, label, OFFICE_SIDE), f"{key}:leader", event.note)


def announce(case: Case, event: CaseEvent) -> None:
    """Tell whoever the step hands work to (NOTICES), and the supervising leader of every step."""
    key = f"case-{event.action}:{event.pk}"
    if event.action == A.URGE:
        urged(case, event, key)
    elif event.action == A.SUPERVISE:
        supervised(case, event, key)
    elif case.is_supervised():
        progress(case, event, key)
    notice = NOTICES.get(event.action)
    if notice is not None:
        if notice.to == OFFICE_SIDE:
            tell_people(office_admins(), case, notice, key, event.note)
        elif case.unit is not None and _with_unit(event):
            tell_unit(case.unit, case, notice, key, event.note)
    previous = (event.data or {}).get("previous_unit")
    if event.action == A.DISPATCH and previous and previous != case.unit_id:
        old = Unit.objects.filter(pk=previous).first()
        if old is not None:
            tell_unit(old, case, MOVED_AWAY, f"{key}:away", event.note)
