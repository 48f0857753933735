"""The only place that decides which cases a person sees: their unit's subtree, or everything for the office."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Case, Category
from org.access import get_or_404, require, scoped
from org.models import Person


def is_office_actor(person: Person) -> bool:
    return person.is_authenticated and person.is_active and person.is_office_staff()


def can_edit_categories(person: Person) -> bool:
    return person.is_authenticated and person.is_active and person.is_office_admin()


def can_export_cases(person: Person) -> bool:
    return person.is_authenticated and person.is_active


def cases_for(person: Person) -> QuerySet[Case]:
    return scoped(person, Case.objects.select_related("unit", "grid", "category"), unit_field="unit")


def get_case_for(person: Person, pk: int) -> Case:
    """Outside the person's scope → 404. What they may do to it is decided per step in cases.actions."""
    return get_or_404(cases_for(person), pk)


def get_category_for(person: Person, pk: int, write: bool = False) -> Category:
    category = get_or_404(Category.objects.select_related("parent", "default_unit"), pk)
    if write:
        require(can_edit_categories(person))
    return category
