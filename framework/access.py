"""Who may see and change framework data and tasks. Built on org.access: outside scope → 404, no right → 403.

Editions, nodes and criteria are public to every signed-in person (units must know what they are measured on);
changing them is for office admins. Tasks are scoped by their units: a unit's people see the task units in their
subtree and act only for their own unit; the office assigns, reminds, confirms and returns.
"""

from __future__ import annotations

from django.db.models import QuerySet

from framework.models import Criterion, Edition, SiteType, Task, TaskAttachment, TaskUnit
from org.access import (
    get_or_404,
    is_active_person,
    is_office_admin,
    is_office_staff,
    is_read_only,
    is_unit_staff,
    require,
    scoped,
    sees_everything,
)
from org.models import Person


def can_edit_framework(person: Person) -> bool:
    return is_office_admin(person)


def can_manage_tasks(person: Person) -> bool:
    """The office assigns, reminds, confirms and returns tasks (admins and inspectors, not leaders)."""
    return is_office_staff(person)


def can_export_breakdown(person: Person) -> bool:
    """The breakdown as a workbook (and its place in the menu): the office, and the leaders who follow it."""
    return can_manage_tasks(person) or is_read_only(person)


def can_act_for(person: Person, task_unit: TaskUnit) -> bool:
    """A unit's handler or head reports for their own unit only (not for a unit above or below)."""
    return is_unit_staff(person) and person.unit_id == task_unit.unit_id


def editions_for(person: Person) -> QuerySet[Edition]:
    return Edition.objects.all() if is_active_person(person) else Edition.objects.none()


def get_edition_for(person: Person, pk: int | str, write: bool = False) -> Edition:
    edition = get_or_404(editions_for(person), pk)
    if write:
        require(can_edit_framework(person))
    return edition


def get_criterion_for(person: Person, pk: int | str, write: bool = False) -> Criterion:
    criteria = (
        Criterion.objects.select_related("edition", "node")
        if is_active_person(person)
        else Criterion.objects.none()
    )
    criterion = get_or_404(criteria, pk)
    if write:
        require(can_edit_framework(person))
    return criterion


def get_site_type_for(person: Person, pk: int, write: bool = False) -> SiteType:
    site_type = get_or_404(
        SiteType.objects.all() if is_active_person(person) else SiteType.objects.none(), pk
    )
    if write:
        require(can_edit_framework(person))
    return site_type


def task_units_for(person: Person) -> QuerySet[TaskUnit]:
    return scoped(person, TaskUnit.objects.select_related("unit", "task"), unit_field="unit")


def tasks_for(person: Person) -> QuerySet[Task]:
    if sees_everything(person):
        return Task.objects.all()
    return Task.objects.filter(pk__in=task_units_for(person).values("task_id"))


def get_task_for(person: Person, pk: int, write: bool = False) -> Task:
    task = get_or_404(tasks_for(person).select_related("edition", "criterion__node", "node"), pk)
    if write:
        require(can_manage_tasks(person))
    return task


def get_task_unit_for(person: Person, pk: int, write: bool = False, office: bool = False) -> TaskUnit:
    """`write` → the unit itself acts (reports); `office` → the office acts (reminds, confirms, returns)."""
    task_unit = get_or_404(task_units_for(person), pk)
    if write:
        require(can_act_for(person, task_unit))
    if office:
        require(can_manage_tasks(person))
    return task_unit


def get_attachment_for(person: Person, pk: int) -> TaskAttachment:
    attachments = TaskAttachment.objects.select_related("event")
    if not sees_everything(person):
        attachments = attachments.filter(event__task_unit__in=task_units_for(person))
    return get_or_404(attachments, pk)
