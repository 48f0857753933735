"""The one place that decides what a person may see and change.

A unit person sees their unit's subtree only; office staff and leaders see everything. Every list, detail view
and API endpoint gets its rows from these helpers: a row outside the person's scope is "not found" (404), a row
inside it that the person may not change is "forbidden" (403).
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from org.models import Grid, Person, Unit

M = TypeVar("M", bound=Model)


def visible_units(person: Person) -> QuerySet[Unit]:
    if not person.is_authenticated or not person.is_active:
        return Unit.objects.none()
    if person.sees_everything():
        return Unit.objects.all()
    if person.unit_id is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=person.unit.path)


def scoped(person: Person, queryset: QuerySet[M], unit_field: str = "unit") -> QuerySet[M]:
    """Restrict any queryset to rows whose `unit_field` lies in the person's visible subtree."""
    if person.is_authenticated and person.is_active and person.sees_everything():
        return queryset
    if not person.is_authenticated or person.unit_id is None:
        return queryset.none()
    return queryset.filter(**{f"{unit_field}__path__startswith": person.unit.path})


def can_manage_org(person: Person) -> bool:
    """Units, people and grids are managed by the office admins."""
    return person.is_authenticated and person.is_active and person.is_office_admin()


def can_view_audit(person: Person) -> bool:
    return (
        person.is_authenticated and person.is_active and (person.is_office_admin() or person.is_read_only())
    )


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def get_or_404(queryset: QuerySet[M], pk: int) -> M:
    """The row `pk` of a scoped queryset; outside one's scope is answered exactly like "does not exist"."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
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
