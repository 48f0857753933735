"""The one place that decides what a person may see and change.

A unit person sees their unit's subtree only; office staff and leaders see everything. Every list, detail view
and API endpoint gets its rows from these helpers: a row outside the person's scope is "not found" (404), a row
inside it that the person may not change is "forbidden" (403).

Every app's `can_*` predicates (in its own `access.py`) are built on the few predicates below, which ask the
Person's role predicates for a signed-in, active account: a visitor or a disabled account has no rights at all.
"""

from __future__ import annotations

from typing import TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from org.models import ApiToken, Grid, Person, Role, Unit

M = TypeVar("M", bound=Model)


# --- Who someone is ---------------------------------------------------------------------------------


def is_active_person(person: Person | AnonymousUser) -> TypeGuard[Person]:
    """Signed in with an account that is not disabled: every right starts here."""
    return person.is_authenticated and person.is_active


def is_office_staff(person: Person | AnonymousUser) -> bool:
    """Office admins and inspectors: they run the case loop, issue and review materials, assign tasks."""
    return is_active_person(person) and person.is_office_staff()


def is_office_admin(person: Person | AnonymousUser) -> bool:
    """Office admins: they change the campaign's data (units, people, categories, editions, rules, keys)."""
    return is_active_person(person) and person.is_office_admin()


def sees_everything(person: Person | AnonymousUser) -> bool:
    """The office and the leaders: every unit's rows."""
    return is_active_person(person) and person.sees_everything()


def is_read_only(person: Person | AnonymousUser) -> bool:
    """Leaders: they read everything and change nothing."""
    return is_active_person(person) and person.is_read_only()


def is_unit_staff(person: Person | AnonymousUser) -> bool:
    """A unit's handlers and heads: they act for their own unit."""
    return is_active_person(person) and person.is_unit_staff()


def is_surveyor(person: Person | AnonymousUser) -> bool:
    return is_active_person(person) and person.is_surveyor()


def works_for_own_unit(person: Person | AnonymousUser) -> bool:
    """Anyone with a unit who does not see every unit (surveyors too): their unit's tasks and materials are theirs
    to follow; the office and the leaders follow everyone's."""
    return is_active_person(person) and person.unit_id is not None and not person.sees_everything()


# --- What they see ------------------------------------------------------------------------------------


EVERY_UNIT = "*"  # no unit's path: paths are digits and slashes ("0001/0007/")


def scope_of(person: Person | AnonymousUser) -> str:
    """A person's scope as one value: EVERY_UNIT, the path of their unit (its subtree), or "" (nothing). The two
    scoping helpers below are built from it alone, so people with the same scope see the same rows: pickers hold
    their options under it (core.forms.hold_as)."""
    if sees_everything(person):
        return EVERY_UNIT
    unit = person.unit if is_active_person(person) else None
    return unit.path if unit is not None else ""


def visible_units(person: Person | AnonymousUser) -> QuerySet[Unit]:
    scope = scope_of(person)
    if scope == EVERY_UNIT:
        return Unit.objects.all()
    if not scope:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=scope)


def scoped(person: Person | AnonymousUser, queryset: QuerySet[M], unit_field: str = "unit") -> QuerySet[M]:
    """Restrict any queryset to rows whose `unit_field` lies in the person's visible subtree."""
    scope = scope_of(person)
    if scope == EVERY_UNIT:
        return queryset
    if not scope:
        return queryset.none()
    return queryset.filter(**{f"{unit_field}__path__startswith": scope})


# --- What they may change -----------------------------------------------------------------------------


def can_manage_org(person: Person | AnonymousUser) -> bool:
    """Units, people and grids are managed by the office admins."""
    return is_office_admin(person)


def can_name_liaison(person: Person | AnonymousUser, unit: Unit) -> bool:
    """A unit names its own liaison (联络员): its head does, and the office that manages the organisation."""
    if not is_active_person(person):
        return False
    return can_manage_org(person) or (person.role == Role.UNIT_HEAD and person.unit_id == unit.pk)


def can_view_audit(person: Person | AnonymousUser) -> bool:
    return is_office_admin(person) or is_read_only(person)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def get_or_404(queryset: QuerySet[M], pk: int | str | None) -> M:
    """The row `pk` of a scoped queryset; outside one's scope is answered exactly like "does not exist", and so
    is a key that is no number (as a query string may give)."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_unit_for(person: Person, pk: int, write: bool = False) -> Unit:
    unit = get_or_404(visible_units(person), pk)
    if write:
        require(can_manage_org(person))
    return unit


def people_for(person: Person) -> QuerySet[Person]:
    return scoped(person, Person.objects.select_related("unit"))


def get_person_for(person: Person, pk: int, write: bool = False) -> Person:
    other = get_or_404(people_for(person), pk)
    if write:
        require(can_manage_org(person))
    return other


def grids_for(person: Person) -> QuerySet[Grid]:
    return scoped(person, Grid.objects.select_related("unit"))


def get_grid_for(person: Person, pk: int, write: bool = False) -> Grid:
    grid = get_or_404(grids_for(person), pk)
    if write:
        require(can_manage_org(person))
    return grid


# --- API tokens ---------------------------------------------------------------------------------------


def can_issue_token(actor: Person | AnonymousUser, person: Person) -> bool:
    """Anyone active may issue tokens acting as themselves (a token can do no more than its person); the office
    admins issue them for the integration accounts in their scope."""
    if not is_active_person(actor) or not person.is_active:
        return False
    return actor.pk == person.pk or (
        can_manage_org(actor) and people_for(actor).filter(pk=person.pk).exists()
    )


def tokens_for(person: Person) -> QuerySet[ApiToken]:
    """One's own tokens; an office admin also sees (and may revoke) those of everyone in scope."""
    tokens = ApiToken.objects.select_related("person", "created_by")
    if not is_active_person(person):
        return tokens.none()
    if can_manage_org(person):
        return tokens.filter(person__in=people_for(person))
    return tokens.filter(person=person)


def get_token_for(person: Person, pk: int) -> ApiToken:
    return get_or_404(tokens_for(person), pk)
