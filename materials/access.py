"""Who may see and change material requests. Built on org.access: outside scope → 404, no right → 403.

A unit's people see the requests of their unit's subtree and submit for their own unit only; office staff issue,
review, score and remind; leaders read everything.
"""

from __future__ import annotations

from django.db.models import QuerySet

from materials.models import MaterialFile, MaterialRequest
from org.access import get_or_404, is_office_staff, is_unit_staff, require, scoped, sees_everything
from org.models import Person


def can_manage_materials(person: Person) -> bool:
    """The office issues, reviews, scores and reminds (admins and inspectors, not leaders)."""
    return is_office_staff(person)


def can_submit_for(person: Person, request: MaterialRequest) -> bool:
    """A unit's handler or head submits for their own unit only."""
    return is_unit_staff(person) and person.unit_id == request.unit_id


def can_see_overview(person: Person) -> bool:
    return sees_everything(person)


def requests_for(person: Person) -> QuerySet[MaterialRequest]:
    queryset = MaterialRequest.objects.select_related("unit", "criterion", "period")
    return scoped(person, queryset, unit_field="unit")


def get_request_for(person: Person, pk: int, submit: bool = False, manage: bool = False) -> MaterialRequest:
    """`submit` → the unit itself acts; `manage` → the office acts."""
    request = get_or_404(requests_for(person).select_related("criterion__node"), pk)
    if submit:
        require(can_submit_for(person, request))
    if manage:
        require(can_manage_materials(person))
    return request


def get_file_for(person: Person, pk: int) -> MaterialFile:
    files = MaterialFile.objects.select_related("submission__request")
    if not sees_everything(person):
        files = files.filter(submission__request__in=requests_for(person))
    return get_or_404(files, pk)
