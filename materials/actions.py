"""Every write to material requests goes through one of these functions.

Each checks the actor's permission on the server and the state, saves, and writes a `RequestEvent` (the history
the unit and the office both read). Notifications go through notify.actions with dedupe keys.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core import history
from core.history import Transition
from core.models import Period
from framework.models import Criterion, MaterialType, MethodKind, Node, Task, TaskUnit
from jobs.actions import start_job
from jobs.models import GeneratedFile
from materials import grading
from materials.access import can_manage_materials, can_see_overview, can_submit_for
from materials.files import check_material, count_words
from materials.models import (
    EventKind,
    MaterialFile,
    MaterialRequest,
    RequestEvent,
    RequestState,
    Submission,
)
from materials.tasks import make_bundle
from notify.actions import notify_unit
from org.access import require
from org.models import Person, Unit

MAX_FILES_PER_TYPE = 30


# A request as a state machine: the unit edits its draft while it still owes the material, and submits it; the
# office accepts or returns what was submitted, and may change the score of what it accepted.
EDIT = Transition(frozenset(MaterialRequest.UNIT_EDITS))  # the state stays (a first edit makes it a draft)
STEPS: dict[str, Transition] = {
    EventKind.SUBMITTED: Transition(frozenset(MaterialRequest.UNIT_EDITS), RequestState.SUBMITTED),
    EventKind.ACCEPTED: Transition(frozenset({RequestState.SUBMITTED}), RequestState.ACCEPTED),
    EventKind.RETURNED: Transition(frozenset({RequestState.SUBMITTED}), RequestState.RETURNED),
    EventKind.SCORED: Transition(frozenset({RequestState.ACCEPTED})),
    EventKind.DEADLINE: Transition(frozenset(RequestState.values) - {RequestState.ACCEPTED}),
}


# Someone else reviewed, rescored or moved the deadline after the actor's page was shown: nothing is saved, and
# the actor sees what they had typed again (the view keeps it) with the page as it is now.
STALE = _lazy(
    "Someone changed this material after you opened the page (see its history). Nothing of yours was saved: "
    "check the page as it is now and send again if still needed."
)


def _event(
    actor: Person | None,
    request: MaterialRequest,
    kind: str,
    submission: Submission | None = None,
    **fields: Any,
) -> RequestEvent:
    """A history row that moves nothing (issued, scored, reminded, deadline changed)."""
    return RequestEvent.objects.create(
        request=request, submission=submission, action=kind, actor=actor, **fields
    )


def _lock(request: MaterialRequest, step: Transition, refusal: str) -> MaterialRequest:
    """The request, locked for this transaction, if `step` fits its state (else `refusal` is raised) and, when the
    actor's form said which version it showed (`request.seen_version`), if nobody changed it since."""
    rows = MaterialRequest.objects.select_related("criterion", "unit")

    def refuse(locked: MaterialRequest) -> ValidationError:
        if step.allows(locked.state):
            return ValidationError(STALE)
        return ValidationError(refusal)

    return history.lock(rows, request.pk, step, refuse=refuse, seen=request.seen_version)


def _move(
    actor: Person,
    request: MaterialRequest,
    kind: str,
    submission: Submission | None = None,
    fields: Iterable[str] = (),
    **event_fields: Any,
) -> RequestEvent:
    """A step: the request's state (if the step moves it) and `fields` saved, its version counted, history written."""
    event = RequestEvent(request=request, submission=submission, action=kind, actor=actor, **event_fields)
    return history.move(request, STEPS[kind], event, fields=fields)


def _url(request: MaterialRequest) -> str:
    return reverse("materials:request_detail", args=[request.pk])


# --- Issuing -------------------------------------------------------------------------------------


@dataclass
class Snapshot:
    material_types: list[str]
    word_limit: int | None
    photo_limit: int | None
    instructions: str


def snapshot(criterion: Criterion) -> Snapshot | None:
    """What the criterion's material requirements ask for, merged; None when it has none."""
    requirements = [r for r in criterion.requirements.all() if r.kind == MethodKind.MATERIAL]
    if not requirements:
        return None
    types = [t for t in MaterialType.values if any(t in (r.material_types or []) for r in requirements)]
    words = [r.word_limit for r in requirements if r.word_limit]
    photos = [r.photo_limit for r in requirements if r.photo_limit]
    return Snapshot(
        material_types=types or [MaterialType.REGULATION],
        word_limit=min(words) if words else None,
        photo_limit=min(photos) if photos else None,
        instructions="\n".join(r.text.strip() for r in requirements if r.text.strip()),
    )


def responsible_units(criterion: Criterion) -> list[Unit]:
    """The lead and responsible units of the task breakdown for the criterion or a node above it."""
    node_ids = [node.pk for node in criterion.node.path()]
    tasks = Task.objects.filter(Q(criterion=criterion) | Q(node_id__in=node_ids))
    shares = TaskUnit.objects.filter(task__in=tasks).select_related("unit").order_by("-is_lead", "unit__path")
    return list(dict.fromkeys(share.unit for share in shares if share.unit.is_active))


@dataclass
class IssueReport:
    created: list[MaterialRequest] = field(default_factory=list)
    existing: int = 0
    without_units: list[Criterion] = field(default_factory=list)
    without_materials: list[Criterion] = field(default_factory=list)


@transaction.atomic
def issue_requests(
    actor: Person,
    *,
    period: Period,
    criteria: Iterable[Criterion],
    deadline: date,
    extra_units: Iterable[Unit] = (),
    breakdown_units: bool = True,
    note: str = "",
) -> IssueReport:
    """发起: each criterion's responsible units (task breakdown, plus any chosen) get a request for the period.
    A unit already asked for the criterion in the period is skipped, so issuing twice changes nothing."""
    require(can_manage_materials(actor))
    if deadline < timezone.localdate():
        raise ValidationError(_("The deadline cannot be in the past."))
    extra = list(extra_units)
    report = IssueReport()
    criteria = Criterion.objects.filter(pk__in=[c.pk for c in criteria]).select_related("node")
    criteria = criteria.prefetch_related("requirements").order_by("sort_order", "pk")
    for criterion in criteria:
        wanted = snapshot(criterion)
        if wanted is None:
            report.without_materials.append(criterion)
            continue
        units = list(dict.fromkeys([*(responsible_units(criterion) if breakdown_units else []), *extra]))
        if not units:
            report.without_units.append(criterion)
            continue
        asked = set(
            MaterialRequest.objects.filter(period=period, criterion=criterion).values_list(
                "unit_id", flat=True
            )
        )
        for unit in units:
            if unit.pk in asked:
                report.existing += 1
                continue
            request = MaterialRequest.objects.create(
                period=period,
                criterion=criterion,
                unit=unit,
                deadline=deadline,
                instructions=wanted.instructions,
                material_types=wanted.material_types,
                word_limit=wanted.word_limit,
                photo_limit=wanted.photo_limit,
                note=note.strip(),
                possible=grading.possible_points(criterion),
                issued_by=actor,
            )
            _event(actor, request, EventKind.ISSUED, to_state=RequestState.REQUESTED, note=note.strip())
            report.created.append(request)
    _notify_issued(report.created, period, deadline)
    return report


def _notify_issued(created: list[MaterialRequest], period: Period, deadline: date) -> None:
    by_unit: dict[int, list[MaterialRequest]] = {}
    for request in created:
        by_unit.setdefault(request.unit_id, []).append(request)
    for requests in by_unit.values():
        unit = requests[0].unit
        notify_unit(
            unit,
            kind="materials-requested",
            dedupe_key=f"materials-requested:{requests[0].pk}",
            title=_("%(n)d material requests for %(period)s, due %(deadline)s")
            % {"n": len(requests), "period": period, "deadline": deadline},
            url=reverse("materials:mine"),
        )


# --- The unit's submission -----------------------------------------------------------------------------


def latest_submission(request: MaterialRequest) -> Submission | None:
    return request.submissions.order_by("-version").first()


def _draft(actor: Person, request: MaterialRequest) -> Submission:
    """The draft to work on: the current one, or a new version carrying the last version's text and files."""
    latest = latest_submission(request)
    if latest is not None and latest.is_draft():
        return latest
    draft = Submission.objects.create(
        request=request,
        version=(latest.version + 1) if latest else 1,
        text=latest.text if latest else "",
        created_by=actor,
    )
    if (
        latest is not None
    ):  # a resubmission starts from what was sent; the stored files are shared, never moved
        MaterialFile.objects.bulk_create(
            MaterialFile(
                submission=draft,
                material_type=f.material_type,
                file=f.file.name,
                thumbnail=f.thumbnail.name,
                name=f.name,
                content_type=f.content_type,
                size=f.size,
                token=f.token,
                uploaded_by=f.uploaded_by,
            )
            for f in latest.files.all()
        )
    if request.state == RequestState.REQUESTED:
        request.state = RequestState.DRAFT
        request.save(update_fields=["state", "updated_at"])
    return draft


def _start_editing(actor: Person, request: MaterialRequest) -> tuple[MaterialRequest, Submission]:
    require(can_submit_for(actor, request))
    request = _lock(request, EDIT, _("This material is with the office now; it cannot be changed."))
    return request, _draft(actor, request)


@dataclass
class UploadReport:
    added: list[MaterialFile] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@transaction.atomic
def add_files(
    actor: Person, request: MaterialRequest, material_type: str, uploads: Iterable[UploadedFile]
) -> UploadReport:
    """Add files to the draft, each checked on its own: a refused file is named with its reason and the others
    (and everything uploaded before) are kept."""
    request, draft = _start_editing(actor, request)
    if not request.needs(material_type):
        raise ValidationError(_("This request does not ask for that kind of material."))
    report = UploadReport()
    present = draft.files.filter(material_type=material_type).count()
    limit = request.photo_limit if material_type == MaterialType.PHOTO and request.photo_limit else None
    for upload in uploads:
        if limit is not None and present >= limit:
            report.refused.append(
                _("“%(name)s” is refused: at most %(n)d photos are asked for and %(n)d are already uploaded.")
                % {"name": upload.name, "n": limit}
            )
            continue
        if present >= MAX_FILES_PER_TYPE:
            report.refused.append(
                _("“%(name)s” is refused: at most %(n)d files of one kind.")
                % {"name": upload.name, "n": MAX_FILES_PER_TYPE}
            )
            continue
        try:
            checked = check_material(upload, material_type)
        except ValidationError as error:
            report.refused.extend(error.messages)
            continue
        report.added.append(_store(actor, draft, material_type, checked))
        present += 1
    if report.added:
        draft.save(update_fields=["updated_at"])
    return report


def _store(actor: Person, draft: Submission, material_type: str, checked) -> MaterialFile:
    token = f"{secrets.token_hex(16)}.{checked.extension}"
    item = MaterialFile(
        submission=draft,
        material_type=material_type,
        name=(checked.upload.name or token)[:200],
        content_type=checked.content_type,
        size=checked.upload.size,
        token=token,
        uploaded_by=actor,
    )
    item.file.save(token, checked.upload, save=False)
    if checked.thumbnail:
        item.thumbnail.save(f"thumb-{token}.jpg", ContentFile(checked.thumbnail), save=False)
    item.save()
    return item


@transaction.atomic
def remove_file(actor: Person, item: MaterialFile) -> None:
    """Take a file out of the draft (the stored file stays: an older version may still show it)."""
    _request, draft = _start_editing(actor, item.submission.request)
    if item.submission_id != draft.pk:
        # The file belongs to the version sent before; the new draft holds its own copy of the row.
        copy = draft.files.filter(token=item.token).first()
        if copy is None:
            return
        item = copy
    item.delete()


@transaction.atomic
def save_text(actor: Person, request: MaterialRequest, text: str) -> Submission:
    """Keep the written report as a draft; a text over the word limit is kept too, but cannot be submitted."""
    request, draft = _start_editing(actor, request)
    draft.text = text.strip()
    draft.save(update_fields=["text", "updated_at"])
    return draft


def problems(request: MaterialRequest, draft: Submission | None) -> list[str]:
    """What stops the draft from being submitted, in words the clerk can act on."""
    if draft is None:
        return [_("Nothing is uploaded yet.")]
    found = []
    counts: dict[str, int] = {}
    for item in draft.files.all():
        counts[item.material_type] = counts.get(item.material_type, 0) + 1
    for kind in request.material_types:
        if kind == MaterialType.REPORT and draft.text.strip():
            continue
        if not counts.get(kind):
            found.append(_("Missing: %(kind)s.") % {"kind": MaterialType(kind).label})
    words = count_words(draft.text)
    if request.word_limit and words > request.word_limit:
        found.append(
            _("The written report has %(n)d characters; at most %(limit)d are allowed.")
            % {"n": words, "limit": request.word_limit}
        )
    photos = counts.get(MaterialType.PHOTO, 0)
    if request.photo_limit and photos > request.photo_limit:
        found.append(
            _("%(n)d photos; at most %(limit)d are allowed.") % {"n": photos, "limit": request.photo_limit}
        )
    return found


@transaction.atomic
def submit(actor: Person, request: MaterialRequest) -> Submission:
    """报送: the draft goes to the office for review, if it is complete and within the limits."""
    request, draft = _start_editing(actor, request)
    found = problems(request, draft)
    if found:
        raise ValidationError(found)
    now = timezone.now()
    draft.state, draft.submitted_by, draft.submitted_at = Submission.State.SUBMITTED, actor, now
    draft.save(update_fields=["state", "submitted_by", "submitted_at", "updated_at"])
    if request.first_submitted_at is None:
        request.first_submitted_at = now
        request.save(update_fields=["first_submitted_at", "updated_at"])
    _move(
        actor,
        request,
        EventKind.SUBMITTED,
        draft,
        data={"version": draft.version, "files": draft.files.count(), "words": count_words(draft.text)},
    )
    return draft


# --- The office's review -----------------------------------------------------------------------------


def _under_review(actor: Person, request: MaterialRequest, kind: str) -> tuple[MaterialRequest, Submission]:
    require(can_manage_materials(actor))
    refusal = _("Only submitted material can be reviewed; it may have been reviewed meanwhile.")
    request = _lock(request, STEPS[kind], refusal)
    return request, request.submissions.latest("version")


@transaction.atomic
def accept(
    actor: Person, request: MaterialRequest, comment: str = "", points: Any = None, grade: str = ""
) -> MaterialRequest:
    """通过: the office accepts the submitted version and scores it per the criterion's rule."""
    request, submission = _under_review(actor, request, EventKind.ACCEPTED)
    score, grade = grading.resolve(request.criterion, points, grade)
    submission.state = Submission.State.ACCEPTED
    submission.save(update_fields=["state", "updated_at"])
    _set_score(actor, request, score, grade)
    _move(
        actor,
        request,
        EventKind.ACCEPTED,
        submission,
        note=comment.strip(),
        data={
            "version": submission.version,
            "score": str(score),
            "possible": str(request.possible),
            "grade": grade,
        },
    )
    notify_unit(
        request.unit,
        kind="materials-accepted",
        dedupe_key=f"materials-accepted:{request.pk}:{submission.version}",
        title=_("Accepted: %(criterion)s (%(score)s of %(possible)s)")
        % {"criterion": request.criterion, "score": score, "possible": request.possible},
        body=comment.strip(),
        url=_url(request),
        sms=False,
    )
    return request


def _set_score(actor: Person, request: MaterialRequest, score: Decimal, grade: str) -> None:
    request.score, request.grade = score, grade
    request.reviewed_by, request.reviewed_at = actor, timezone.now()
    request.save(update_fields=["score", "grade", "reviewed_by", "reviewed_at", "updated_at"])


@transaction.atomic
def return_to_unit(actor: Person, request: MaterialRequest, comment: str) -> MaterialRequest:
    """退回: back to the unit with what to fix; the unit is notified and resubmits as a new version."""
    if not comment.strip():
        raise ValidationError(_("Say what the unit must fix."))
    request, submission = _under_review(actor, request, EventKind.RETURNED)
    submission.state = Submission.State.RETURNED
    submission.save(update_fields=["state", "updated_at"])
    request.reviewed_by, request.reviewed_at = actor, timezone.now()
    request.save(update_fields=["reviewed_by", "reviewed_at", "updated_at"])
    _move(
        actor,
        request,
        EventKind.RETURNED,
        submission,
        note=comment.strip(),
        data={"version": submission.version},
    )
    notify_unit(
        request.unit,
        kind="materials-returned",
        dedupe_key=f"materials-returned:{request.pk}:{submission.version}",
        title=_("Returned for changes: %(criterion)s") % {"criterion": request.criterion},
        body=comment.strip(),
        url=_url(request),
    )
    return request


@transaction.atomic
def rescore(
    actor: Person, request: MaterialRequest, comment: str, points: Any = None, grade: str = ""
) -> MaterialRequest:
    """Change the score of accepted material, with a reason (the history keeps the old score)."""
    require(can_manage_materials(actor))
    request = _lock(request, STEPS[EventKind.SCORED], _("Only accepted material has a score to change."))
    if not comment.strip():
        raise ValidationError(_("Say why the score changes."))
    before = request.score
    score, grade = grading.resolve(request.criterion, points, grade)
    _set_score(actor, request, score, grade)
    _move(
        actor,
        request,
        EventKind.SCORED,
        note=comment.strip(),
        data={"before": str(before), "score": str(score), "possible": str(request.possible), "grade": grade},
    )
    return request


@transaction.atomic
def remind(actor: Person, request: MaterialRequest, note: str = "") -> RequestEvent:
    """催办: in the request's history, on the unit's list, and sent to the unit (inbox, SMS, robots)."""
    require(can_manage_materials(actor))
    if not request.is_open():
        raise ValidationError(_("Only material the unit still owes can be chased."))
    event = _event(actor, request, EventKind.REMINDED, note=note.strip())
    notify_unit(
        request.unit,
        kind="materials-reminder",
        dedupe_key=f"materials-reminder:{event.pk}",
        title=_("Reminder: material for %(criterion)s, due %(deadline)s")
        % {"criterion": request.criterion, "deadline": request.deadline},
        body=note.strip(),
        url=_url(request),
    )
    return event


@transaction.atomic
def change_deadline(
    actor: Person, request: MaterialRequest, deadline: date, note: str = ""
) -> MaterialRequest:
    require(can_manage_materials(actor))
    request = _lock(request, STEPS[EventKind.DEADLINE], _("The material is already accepted."))
    before = request.deadline
    request.deadline = deadline
    _move(
        actor,
        request,
        EventKind.DEADLINE,
        fields=["deadline"],
        note=note.strip(),
        data={"before": str(before), "after": str(deadline)},
    )
    return request


# --- The national bundle -----------------------------------------------------------------------------------


@transaction.atomic
def request_bundle(actor: Person, period: Period, project: Node | None = None) -> GeneratedFile:
    """Queue the ZIP of the period's accepted materials; the worker builds it and reports progress."""
    require(can_see_overview(actor))
    if not MaterialRequest.objects.filter(period=period, state=RequestState.ACCEPTED).exists():
        raise ValidationError(_("No material of this period is accepted yet; there is nothing to bundle."))
    params = {"period": period.pk, "project": project.pk if project else None}
    return start_job(actor, "materials-bundle", params, make_bundle)
