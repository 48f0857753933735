"""JSON API of the framework: editions, criteria, site type checklists and the person's task units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Router, Schema

from core.ids import RowId
from framework.access import editions_for, get_criterion_for, get_site_type_for, task_units_for
from framework.queries import checklist_for
from org.http import ApiRequest

router = Router(tags=["framework"])


class EditionOut(Schema):
    id: int
    name: str
    level: str
    year: int
    active: bool
    status: str


class RequirementOut(Schema):
    id: int
    kind: str
    text: str
    site_label: str
    material_types: list[str]
    question: str
    target_rate: Decimal | None


class CriterionOut(Schema):
    id: int
    edition_id: int
    node_id: int
    code: str
    text: str
    points: Decimal
    rule_kind: str
    rule: dict
    requirements: list[RequirementOut]


class CheckItemOut(Schema):
    id: int
    text: str
    deduction: Decimal
    criterion_id: int


class TaskUnitOut(Schema):
    id: int
    task_id: int
    unit_id: int
    is_lead: bool
    progress: str
    deadline: date
    subject: str


@router.get("/framework/editions", response=list[EditionOut])
def list_editions(request: ApiRequest):
    return editions_for(request.auth)


@router.get("/framework/criteria/{pk}", response=CriterionOut)
def get_criterion(request: ApiRequest, pk: RowId):
    return get_criterion_for(request.auth, pk)


@router.get("/framework/site-types/{pk}/checklist", response=list[CheckItemOut])
def site_type_checklist(request: ApiRequest, pk: RowId):
    items = checklist_for(get_site_type_for(request.auth, pk))
    return [
        {"id": i.pk, "text": i.text, "deduction": i.deduction, "criterion_id": i.requirement.criterion_id}
        for i in items
    ]


@router.get("/framework/my-tasks", response=list[TaskUnitOut])
def my_task_units(request: ApiRequest):
    units = task_units_for(request.auth).select_related("task__criterion", "task__node")
    return [
        {
            "id": tu.pk,
            "task_id": tu.task_id,
            "unit_id": tu.unit_id,
            "is_lead": tu.is_lead,
            "progress": tu.progress,
            "deadline": tu.task.deadline,
            "subject": tu.task.subject_text(),
        }
        for tu in units
    ]
