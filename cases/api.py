"""JSON API for cases: the scoped list, one case with its history, filing a case and each step of the loop.

Every endpoint reads through cases.access and writes through cases.actions, like the screens: a case outside
the caller's scope is 404, a step they may not take is 403, a step that no longer fits the state is 409.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from cases import actions
from cases.access import cases_for, get_case_for, shows_actor
from cases.models import Case, CaseEvent, Category, Priority, Source, overdue_q
from core.ids import BIGINT_MAX, RowId
from core.text import CleanText
from org.apiauth import api_auth
from org.http import ApiRequest
from org.models import ApiScope, Person, Unit

router = Router(tags=["cases"])
A = CaseEvent.Action


class CaseOut(Schema):
    id: int
    number: str
    state: str
    source: str
    description: CleanText  # cleaned on the way out too: rows stored before input was cleaned
    address: CleanText
    lon: float | None
    lat: float | None
    grid_id: int | None
    category_id: int | None
    category_ref: str
    category_code: str
    category_name: str
    priority: str
    unit_id: int | None
    deadline: dt.datetime | None
    reported_at: dt.datetime
    closed_at: dt.datetime | None
    rework_count: int
    overdue: bool
    relapse_of_id: int | None
    duplicate_of_id: int | None
    version: int

    @staticmethod
    def resolve_overdue(case: Case) -> bool:
        return case.is_overdue()


class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    unit_id: int | None
    actor: str | None
    at: dt.datetime
    note: CleanText

    @staticmethod
    def resolve_actor(event: CaseEvent, context: dict) -> str | None:
        if event.actor is None:
            return None
        return (
            str(event.actor) if shows_actor(context["request"].auth, event.case, event) else "Campaign office"
        )


class CaseDetailOut(CaseOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(case: Case) -> list[CaseEvent]:
        return list(case.events.select_related("actor", "case"))


class CaseIn(Schema):
    source: Source
    description: CleanText
    category_id: RowId | None = None
    lon: float | None = None
    lat: float | None = None
    # As long as the columns they go in: a longer value is the caller's error (422), not the database's (500).
    address: CleanText = Field("", max_length=200)
    site_name: CleanText = Field("", max_length=100)
    priority: Priority = Priority.NORMAL
    reporter_name: CleanText = Field("", max_length=50)
    reporter_phone: CleanText = Field("", max_length=20)


class StepIn(Schema):
    # The case's `version` as the client last read it: the step is refused (409) if the case took a step since.
    # Without it the step applies to the case as it is now.
    version: int | None = None
    note: CleanText = ""
    unit_id: RowId | None = None
    deadline: dt.datetime | None = None
    original_number: CleanText | None = None


class Problem(Schema):
    detail: str


class BoundedLimitOffset(LimitOffsetPagination):
    """Ninja's limit/offset with the offset bounded too (a huge one overflowed PostgreSQL's bigint: a 500)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=10**9)


@router.get("/cases", response=list[CaseOut])
@paginate(BoundedLimitOffset)
def list_cases(
    request: ApiRequest,
    state: str | None = None,
    # Not RowId: paginate's wrapper resolves the annotations where RowId is unknown.
    unit_id: int | None = Query(None, ge=1, le=BIGINT_MAX),
    overdue: bool = False,
):
    cases = cases_for(request.auth).order_by("-reported_at")
    if state:
        cases = cases.filter(state=state)
    if unit_id:
        cases = cases.filter(unit_id=unit_id)
    if overdue:
        cases = cases.filter(overdue_q())
    return cases


@router.get("/cases/{case_id}", response=CaseDetailOut)
def get_case(request: ApiRequest, case_id: RowId):
    return get_case_for(request.auth, case_id)


@router.post("/cases", response={201: CaseOut, 403: Problem, 422: Problem}, auth=api_auth(ApiScope.FILE))
def create_case(request: ApiRequest, payload: CaseIn):
    data = payload.dict()
    category_id = data.pop("category_id")
    category = get_object_or_404(Category, pk=category_id) if category_id else None
    try:
        case = actions.open_case(request.auth, category=category, **data)
    except PermissionDenied:
        return Status(403, {"detail": "you may not file cases"})
    except ValidationError as exc:
        return Status(422, {"detail": " ".join(exc.messages)})
    return Status(201, case)


# Steps that need no files (reporting back needs photos: use the web form or a multipart client).
API_STEPS: dict[str, Callable[[Person, Case, StepIn], Case]] = {
    A.ACCEPT: lambda u, c, p: actions.accept_case(u, c, p.note),
    A.REJECT: lambda u, c, p: actions.reject_case(u, c, p.note),
    A.DISPATCH: lambda u, c, p: actions.dispatch_case(
        u, c, get_object_or_404(Unit, pk=p.unit_id) if p.unit_id else None, p.deadline, p.note
    ),
    A.RETURN: lambda u, c, p: actions.return_case(u, c, p.note),
    A.START: lambda u, c, p: actions.start_rectifying(u, c, p.note),
    A.VERIFY: lambda u, c, p: actions.verify_case(u, c, p.note),
    A.REWORK: lambda u, c, p: actions.rework_case(u, c, p.note),
    A.DEFER: lambda u, c, p: actions.defer_case(u, c, p.note),
    A.RESUME: lambda u, c, p: actions.resume_case(u, c, p.deadline, p.note),
    A.MARK_DUPLICATE: lambda u, c, p: actions.mark_duplicate(
        u, c, get_object_or_404(Case, number=p.original_number or ""), p.note
    ),
}


@router.post(
    "/cases/{case_id}/{step}",
    response={200: CaseOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    auth=api_auth(ApiScope.STEPS),
)
def take_step(request: ApiRequest, case_id: RowId, step: str, payload: StepIn):
    case = get_case_for(request.auth, case_id)
    if step not in API_STEPS:
        return Status(404, {"detail": f"unknown step {step!r}"})
    case.seen_version = payload.version
    try:
        case = API_STEPS[step](request.auth, case, payload)
    except PermissionDenied:
        return Status(403, {"detail": "you may not take this step on this case"})
    except actions.CaseConflict as exc:
        return Status(409, {"detail": str(exc)})
    except ValidationError as exc:
        return Status(422, {"detail": " ".join(exc.messages)})
    return Status(200, case)
