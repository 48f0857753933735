"""Who may see and do what with cases: the only place that decides it. Built on org.access: outside scope → 404,
no right → 403.

A person sees their unit's subtree's cases, the office and leaders all of them. Office staff (admins, inspectors)
take the office's steps; people of the responsible unit (the unit or a unit above it, i.e. whoever sees the case)
take the unit's; leaders only read. A person whose unit is responsible for a case can never verify, close or send
back that case.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import LEADER, TRANSITIONS, UNIT, Case, CaseEvent, Category
from org.access import (
    get_or_404,
    is_active_person,
    is_office_admin,
    is_office_staff,
    is_read_only,
    is_unit_staff,
    require,
    scoped,
)
from org.models import Person

# The office's steps that judge the unit's work: never by someone of the unit answerable for the case.
JUDGING_STEPS = frozenset({CaseEvent.Action.VERIFY, CaseEvent.Action.REWORK})
# Steps of the office that a leader may take as well: pressing a supervised case harder is what 督办 is for.
LEADER_TOO = frozenset({CaseEvent.Action.SHORTEN_DEADLINE})


# --- Who may do what ---------------------------------------------------------------------------


def is_office_actor(person: Person) -> bool:
    return is_office_staff(person)


def is_responsible_side(person: Person, case: Case) -> bool:
    """True when the person belongs to the unit answerable for the case (or above it): they may not judge it."""
    if person.unit_id is None or case.unit_id is None:
        return False
    return case.unit is not None and person.unit is not None and case.unit.is_within(person.unit)


def is_unit_actor(person: Person, case: Case) -> bool:
    """A handler or head of the responsible unit, or of a unit above it."""
    return is_unit_staff(person) and is_responsible_side(person, case)


def may_take_step(person: Person, case: Case, action: str) -> bool:
    """Whether step `action` is this person's to take on this case, whatever state the case is in."""
    if TRANSITIONS[action].by == UNIT:
        return is_unit_actor(person, case)
    if TRANSITIONS[action].by == LEADER:
        return can_supervise(person)
    if action in JUDGING_STEPS and is_responsible_side(person, case):
        return False
    return is_office_actor(person) or (action in LEADER_TOO and can_supervise(person))


def may(person: Person, case: Case, action: str) -> bool:
    """Whether `person` may take step `action` on `case` in its current state (for buttons and the API)."""
    if action == CaseEvent.Action.SHORTEN_DEADLINE and not case.is_supervised():
        return False  # only a supervised case's deadline is shortened (the action says so to whoever tries)
    return case.allows(action) and may_take_step(person, case, action)


def can_supervise(person: Person) -> bool:
    """领导督办 is the leaders' one step: they change nothing else."""
    return is_read_only(person) or (is_active_person(person) and person.is_superuser)


def can_report(person: Person) -> bool:
    return is_office_actor(person)


def can_see_contact(person: Person) -> bool:
    """The reporter's contact and the photos' originals (with their EXIF) stay in the office."""
    return is_office_actor(person)


def can_edit_categories(person: Person) -> bool:
    return is_office_admin(person)


def can_export_cases(person: Person) -> bool:
    """Anyone signed in exports the list they see (the export job rebuilds it in their scope)."""
    return is_active_person(person)


# --- What they see --------------------------------------------------------------------------------


def cases_for(person: Person) -> QuerySet[Case]:
    return scoped(person, Case.objects.select_related("unit", "grid", "category"), unit_field="unit")


def get_case_for(person: Person, pk: int) -> Case:
    """Outside the person's scope → 404. What they may do to it is decided per step (may_take_step)."""
    return get_or_404(cases_for(person), pk)


def get_category_for(person: Person, pk: int, write: bool = False) -> Category:
    category = get_or_404(Category.objects.select_related("parent", "default_unit"), pk)
    if write:
        require(can_edit_categories(person))
    return category


def shows_actor(person: Person, case: Case, event: CaseEvent) -> bool:
    """Whether `person` may read who took this step. On a case from an unpublished 暗访 the office's people stay
    unnamed to everyone outside the office: the inspector's name would tell the unit a secret visit took place."""
    if not case.covert or is_office_actor(person) or event.actor is None:
        return True
    return not is_office_staff(event.actor)
