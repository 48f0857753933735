"""Every write to a case: one function per transition of the case loop (DESIGN.md §4).

Each function locks the case row (`select_for_update`), checks the actor's permission (cases.access) and the
transition (`cases.models.TRANSITIONS`) on the locked row, saves with `update_fields`, and writes a `CaseEvent`.
When two people act on the same case at once, the second one waits for the lock, finds the state changed and
gets `CaseConflict` with a message saying what happened; nothing of theirs is saved.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import notices
from cases.access import can_edit_categories, can_export_cases, can_report, may_take_step
from cases.filing import file_rows, insert_rows, next_number
from cases.models import TRANSITIONS, Case, CaseEvent, CasePhoto, Category, Priority, State
from cases.queries import find_relapse_origin, route_unit
from cases.tasks import make_case_export
from core import history
from core.records import save_validated
from core.uploads import CheckedImage, check_image
from core.workcalendar import WorkCalendar
from jobs.actions import start_job
from jobs.models import GeneratedFile
from org.access import require
from org.models import Person, Unit
from org.queries import grid_id_at

Action = CaseEvent.Action


class CaseConflict(Exception):
    """The case changed under the actor (someone else acted first) or the step does not fit its state."""

    def __init__(self, case: Case, action: str) -> None:
        self.case = case
        self.action = action
        values = {"number": case.number, "state": case.get_state_display(), "action": Action(action).label}
        if TRANSITIONS[action].allows(case.state):
            # The step still fits the state: someone else took a step (the same one, perhaps) since the actor looked.
            message = _(
                "Case %(number)s changed while you were looking at it (it is now “%(state)s”); nothing of yours "
                "was saved. Reload to see what changed, then take “%(action)s” again if it is still needed."
            )
        else:
            message = _(
                "Case %(number)s is now “%(state)s”; “%(action)s” is no longer possible. Reload to see what changed."
            )
        super().__init__(message % values)


# --- Building blocks ---------------------------------------------------------------------------


def _lock(case: Case, action: str, actor: Person) -> Case:
    """The case row, locked for this transaction, after the permission and state checks, and refused when it took
    a step since the actor saw it (`case.seen_version`, set by the view or the API from what the actor sent)."""
    return history.lock(
        Case.objects,
        case.pk,
        TRANSITIONS[action],
        check=lambda locked: _check_actor(locked, action, actor),
        refuse=lambda locked: CaseConflict(locked, action),
        seen=case.seen_version,
    )


def _check_actor(locked: Case, action: str, actor: Person) -> None:
    """The actor's right to take the step (cases.access), asked of the locked case with its unit."""
    locked.unit = Unit.objects.filter(pk=locked.unit_id).first() if locked.unit_id else None
    require(may_take_step(actor, locked, action))


def _event(
    case: Case,
    action: str,
    actor: Person | None,
    from_state: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    unit: Unit | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """A history row for the case as it is now (not saved yet)."""
    return CaseEvent(
        case=case,
        action=action,
        from_state=from_state,
        to_state=case.state,
        unit=unit if unit is not None else case.unit,
        actor=actor,
        at=at or timezone.now(),
        note=note,
        data=data or {},
    )


def _move(
    case: Case,
    action: str,
    actor: Person,
    note: str = "",
    fields: Iterable[str] = (),
    to: str | None = None,
    **event: Any,
) -> CaseEvent:
    """Save the new state (and the given fields), write the history row for it and tell whoever the step hands
    work to (cases.notices)."""
    record = _event(case, action, actor, case.state, note=note, **event)
    history.move(case, TRANSITIONS[action], record, to=to, fields=fields)
    notices.announce(case, record)
    return record


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    return text


def attach_photos(
    case: Case, event: CaseEvent | None, kind: str, uploads: Iterable[UploadedFile], actor: Person | None
) -> list[CasePhoto]:
    """Check each image by content, keep the original as evidence, store a public copy without EXIF and a thumbnail."""
    checked = [check_image(upload) for upload in uploads]  # all checked before anything is stored
    return store_photos(case, event, kind, checked, actor)


def store_photos(
    case: Case, event: CaseEvent | None, kind: str, images: Sequence[CheckedImage], actor: Person | None
) -> list[CasePhoto]:
    """Save checked images (the original, the public copy and the thumbnail, each made once at upload) and their
    rows in one INSERT."""
    photos = []
    for image in images:
        # Random names: wherever the media folder is served from, a file cannot be found by counting.
        stem = secrets.token_hex(16)
        photo = CasePhoto(
            case=case,
            event=event,
            kind=kind,
            taken_at=image.taken_at,
            gps_lon=image.gps_lon,
            gps_lat=image.gps_lat,
            uploaded_by=actor,
        )
        photo.original.save(f"{stem}.{image.extension}", ContentFile(image.data), save=False)
        photo.public.save(f"{stem}.jpg", ContentFile(image.public_jpeg), save=False)
        photo.thumbnail.save(f"{stem}-t.jpg", ContentFile(image.thumbnail_jpeg), save=False)
        photos.append(photo)
    return CasePhoto.objects.bulk_create(photos) if photos else []


# --- Intake ------------------------------------------------------------------------------------


def open_case(
    actor: Person,
    *,
    source: str,
    description: str,
    category: Category | None = None,
    lon: float | None = None,
    lat: float | None = None,
    address: str = "",
    site_name: str = "",
    priority: str = Priority.NORMAL,
    reporter_name: str = "",
    reporter_phone: str = "",
    photos: Iterable[UploadedFile] = (),
    covert: bool = False,
) -> Case:
    """File a new case from the office, an inspection or an API client: the actor's right to, the description,
    the photos by content and the grid from the location (in memory) are checked here, the rest is `file_case`."""
    require(can_report(actor))
    now = timezone.now()
    case = Case(
        source=source,
        description=_required(description, _("Describe the problem.")),
        category=category,
        lon=lon,
        lat=lat,
        address=address,
        site_name=site_name,
        priority=priority,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reported_at=now,
        created_by=actor,
        covert=covert,
    )
    images = [check_image(upload) for upload in photos]
    if lon is not None and lat is not None:
        case.grid_id = grid_id_at(lon, lat)
    return file_case(case, actor, {"source": source}, images)


def file_case(
    case: Case, actor: Person | None, report_data: dict[str, Any], images: Sequence[CheckedImage] = ()
) -> Case:
    """Write a new case built and checked by its channel (office intake, the portal, an inspection): the category
    snapshot, the relapse link, the number, the case with its history and its before-photos.

    What needs no number (the relapse origin; image checks and re-encoding, done by the caller) is worked out
    first, outside the transaction; then the number is drawn, which locks the year's counter row until commit,
    and the rows are written (`cases.filing`: one statement on PostgreSQL). Concurrent intake waits for a few
    INSERTs, never for image processing.
    """
    case.snapshot_category()
    case.relapse_of = origin = find_relapse_origin(case)
    now = case.reported_at
    year = timezone.localtime(now).year
    report = _event(case, Action.REPORT, actor, "", data=report_data, at=now)
    if origin is None and not images:
        file_rows(case, report, year)  # the common case: one statement on PostgreSQL
        return case
    with transaction.atomic():
        case.number = next_number(year)
        events = [report]
        if origin is not None:
            data = {"case": case.number, "origin": origin.number}
            events += [
                _event(case, Action.RELAPSE, actor, case.state, data=data, at=now),
                _event(origin, Action.RELAPSE, actor, origin.state, data=data, at=now),
            ]
        insert_rows(case, events)
        store_photos(case, report, CasePhoto.Kind.BEFORE, images, actor)
    return case


@transaction.atomic
def accept_case(actor: Person, case: Case, note: str = "", category: Category | None = None) -> Case:
    case = _lock(case, Action.ACCEPT, actor)
    fields = []
    if category is not None and category.pk != case.category_id:
        case.category = category
        case.snapshot_category()
        fields = ["category", "category_ref", "category_code", "category_name"]
    _move(case, Action.ACCEPT, actor, note, fields)
    return case


@transaction.atomic
def reject_case(actor: Person, case: Case, note: str) -> Case:
    note = _required(note, _("Say why the case is not accepted."))
    case = _lock(case, Action.REJECT, actor)
    case.closed_at = timezone.now()
    _move(case, Action.REJECT, actor, note, ["closed_at"])
    return case


@transaction.atomic
def mark_duplicate(actor: Person, case: Case, original: Case, note: str = "") -> Case:
    """Merge `case` into `original`: the history of both says so, and the photos stay where they were taken."""
    if original.pk == case.pk or original.duplicate_of_id == case.pk:
        raise ValidationError(_("A case cannot be a duplicate of itself."))
    case = _lock(case, Action.MARK_DUPLICATE, actor)
    original = Case.objects.select_for_update().get(pk=original.pk)
    if not original.is_open() and not original.is_closed():
        raise ValidationError(_("Merge into a case that is open or closed, not into a refused one."))
    case.duplicate_of = original
    case.closed_at = timezone.now()
    data = {"original": original.number, "duplicate": case.number}
    _move(case, Action.MARK_DUPLICATE, actor, note, ["duplicate_of", "closed_at"], data=data)
    _event(original, Action.MERGE, actor, original.state, note=note, data=data).save(force_insert=True)
    return case


# --- Dispatch and the unit's steps --------------------------------------------------------------


@transaction.atomic
def dispatch_case(
    actor: Person,
    case: Case,
    unit: Unit | None = None,
    deadline: dt.datetime | None = None,
    note: str = "",
    calendar: WorkCalendar | None = None,
) -> Case:
    """Send the case to a unit (routing picks one when none is given) with a deadline in working time."""
    explicit_unit = unit is not None
    case = _lock(case, Action.DISPATCH, actor)
    returned_by = case.unit if case.state == State.RETURNED else None
    unit = unit or route_unit(case)
    if unit is None:
        raise ValidationError(_("No unit found for this case: choose the responsible unit."))
    if returned_by is not None and unit.is_within(returned_by) and not explicit_unit:
        # Routing would send it straight back to the unit (or a unit under it) that returned it: the office chooses.
        raise ValidationError(_("This unit returned the case; choose the responsible unit."))
    now = timezone.now()
    if deadline is None:
        amount, deadline_unit = (case.category or Category()).deadline()
        deadline = (calendar or WorkCalendar.load()).due_at(now, amount, deadline_unit)
    elif deadline <= now:
        raise ValidationError(_("The deadline must be in the future."))
    previous_unit = case.unit_id
    redispatch = case.unit_id is not None and case.unit_id != unit.pk
    case.unit, case.deadline, case.dispatched_at = unit, deadline, now
    case.extension_requested_until, case.extension_reason = None, ""
    data = {"deadline": deadline.isoformat(), "redispatch": redispatch, "previous_unit": previous_unit}
    fields = ["unit", "deadline", "dispatched_at", "extension_requested_until", "extension_reason"]
    if case.first_dispatched_at is None:  # the cohort: a redispatch never moves the case to another period
        case.first_dispatched_at = now
        fields.append("first_dispatched_at")
    _move(case, Action.DISPATCH, actor, note, fields, data=data, unit=unit)
    return case


@transaction.atomic
def return_case(actor: Person, case: Case, reason: str) -> Case:
    """The unit says the case is not theirs; it goes back to the office to be dispatched again."""
    reason = _required(reason, _("Say why the case is not your unit's."))
    case = _lock(case, Action.RETURN, actor)
    case.return_count += 1
    _move(case, Action.RETURN, actor, reason, ["return_count"])
    return case


@transaction.atomic
def start_rectifying(actor: Person, case: Case, note: str = "") -> Case:
    case = _lock(case, Action.START, actor)
    _move(case, Action.START, actor, note)
    return case


@transaction.atomic
def report_back(actor: Person, case: Case, note: str, photos: list[UploadedFile]) -> Case:
    """The unit reports the problem fixed; after-photos are required as evidence."""
    note = _required(note, _("Describe what was done."))
    if not photos:
        raise ValidationError(_("Add at least one photo of the result."))
    case = _lock(case, Action.REPORT_BACK, actor)
    case.submitted_at = timezone.now()
    case.submit_count += 1
    event = _move(case, Action.REPORT_BACK, actor, note, ["submitted_at", "submit_count"])
    attach_photos(case, event, CasePhoto.Kind.AFTER, photos, actor)
    return case


# --- Verification --------------------------------------------------------------------------------


@transaction.atomic
def verify_case(
    actor: Person,
    case: Case,
    note: str = "",
    calendar: WorkCalendar | None = None,
    photos: Iterable[UploadedFile] = (),
) -> Case:
    """The office checks the result on site (核查, with its own photos if taken) and closes the case. On time =
    reported back before the deadline."""
    case = _lock(case, Action.VERIFY, actor)
    calendar = calendar or WorkCalendar.load()
    # A case to verify was dispatched and reported back: both times are set.
    assert case.dispatched_at is not None and case.submitted_at is not None
    case.closed_at = timezone.now()
    case.closed_on_time = case.deadline is None or case.submitted_at <= case.deadline
    case.handling_hours = round(
        calendar.working_time_between(case.dispatched_at, case.submitted_at).total_seconds() / 3600, 2
    )
    event = _move(case, Action.VERIFY, actor, note, ["closed_at", "closed_on_time", "handling_hours"])
    attach_photos(case, event, CasePhoto.Kind.CHECK, photos, actor)
    return case


@transaction.atomic
def rework_case(actor: Person, case: Case, note: str, photos: Iterable[UploadedFile] = ()) -> Case:
    """Verification failed: back to the unit (返工), counted against it, with the check's photos of what is still
    wrong if taken. The deadline stays."""
    note = _required(note, _("Say what is still wrong."))
    case = _lock(case, Action.REWORK, actor)
    case.rework_count += 1
    event = _move(case, Action.REWORK, actor, note, ["rework_count"])
    attach_photos(case, event, CasePhoto.Kind.CHECK, photos, actor)
    return case


# --- Extension and deferral -----------------------------------------------------------------------


@transaction.atomic
def request_extension(actor: Person, case: Case, until: dt.datetime, reason: str) -> Case:
    reason = _required(reason, _("Say why more time is needed."))
    case = _lock(case, Action.REQUEST_EXTENSION, actor)
    if case.deadline and until <= case.deadline:
        raise ValidationError(_("The new deadline must be later than the current one."))
    case.extension_requested_until, case.extension_reason = until, reason
    data = {"until": until.isoformat()}
    _move(
        case,
        Action.REQUEST_EXTENSION,
        actor,
        reason,
        ["extension_requested_until", "extension_reason"],
        data=data,
    )
    return case


@transaction.atomic
def approve_extension(actor: Person, case: Case, until: dt.datetime | None = None, note: str = "") -> Case:
    case = _lock(case, Action.APPROVE_EXTENSION, actor)
    until = until or case.extension_requested_until
    if until is None:
        raise ValidationError(_("There is no extension request; give the new deadline."))
    data = {"from": case.deadline.isoformat() if case.deadline else None, "until": until.isoformat()}
    case.deadline, case.extension_count = until, case.extension_count + 1
    case.extension_requested_until, case.extension_reason = None, ""
    fields = ["deadline", "extension_count", "extension_requested_until", "extension_reason"]
    _move(case, Action.APPROVE_EXTENSION, actor, note, fields, data=data)
    return case


@transaction.atomic
def refuse_extension(actor: Person, case: Case, note: str) -> Case:
    note = _required(note, _("Say why the extension is refused."))
    case = _lock(case, Action.REFUSE_EXTENSION, actor)
    if not case.has_extension_request():
        raise ValidationError(_("There is no extension request."))
    case.extension_requested_until, case.extension_reason = None, ""
    _move(case, Action.REFUSE_EXTENSION, actor, note, ["extension_requested_until", "extension_reason"])
    return case


@transaction.atomic
def defer_case(actor: Person, case: Case, note: str) -> Case:
    """Put the case on hold (缓办): it is not overdue while deferred and leaves the close-rate denominators."""
    note = _required(note, _("Say why the case is deferred."))
    case = _lock(case, Action.DEFER, actor)
    case.resume_state = case.state
    _move(case, Action.DEFER, actor, note, ["resume_state"])
    return case


@transaction.atomic
def resume_case(
    actor: Person,
    case: Case,
    deadline: dt.datetime | None = None,
    note: str = "",
    calendar: WorkCalendar | None = None,
) -> Case:
    """Take a deferred case up again where it was; a case with a unit gets a fresh deadline from today."""
    case = _lock(case, Action.RESUME, actor)
    to, case.resume_state = case.resume_state or State.ACCEPTED, ""
    if to in Case.UNIT_STATES:
        if deadline is None:
            amount, deadline_unit = (case.category or Category()).deadline()
            deadline = (calendar or WorkCalendar.load()).due_at(timezone.now(), amount, deadline_unit)
        case.deadline = deadline
    _move(case, Action.RESUME, actor, note, ["resume_state", "deadline"], to=to)
    return case


# --- Pressure by hand: 催办 and 领导督办 -------------------------------------------------------------


@transaction.atomic
def urge_case(actor: Person, case: Case, note: str = "") -> Case:
    """催办: the office chases the case; counted on the case and in the unit's metrics (from the history)."""
    case = _lock(case, Action.URGE, actor)
    case.urge_count += 1
    _move(case, Action.URGE, actor, note.strip(), ["urge_count"], data={"count": case.urge_count})
    return case


@transaction.atomic
def supervise_case(actor: Person, case: Case, note: str = "") -> Case:
    """领导督办: a leader takes the case under supervision; it heads the queues and each step is reported to them."""
    case = _lock(case, Action.SUPERVISE, actor)
    if case.is_supervised():
        raise ValidationError(_("This case is already under leader supervision."))
    case.supervised_by, case.supervised_at = actor, timezone.now()
    _move(case, Action.SUPERVISE, actor, note.strip(), ["supervised_by", "supervised_at"])
    return case


@transaction.atomic
def shorten_deadline(actor: Person, case: Case, until: dt.datetime, note: str = "") -> Case:
    """A supervised case (领导督办) gets less time: the new deadline is earlier than the current one and still
    ahead. The unit hears of it at once (cases.notices), the leader as of every step."""
    case = _lock(case, Action.SHORTEN_DEADLINE, actor)
    if not case.is_supervised():
        raise ValidationError(_("Only a case under leader supervision can have its deadline shortened."))
    if until <= timezone.now():
        raise ValidationError(_("The deadline must be in the future."))
    if case.deadline is not None and until >= case.deadline:
        raise ValidationError(_("The new deadline must be earlier than the current one."))
    data = {"from": case.deadline.isoformat() if case.deadline else None, "until": until.isoformat()}
    case.deadline = until
    _move(case, Action.SHORTEN_DEADLINE, actor, note.strip(), ["deadline"], data=data)
    return case


# --- Categories ------------------------------------------------------------------------------------


@transaction.atomic
def save_category(actor: Person, category: Category | None, **fields: Any) -> Category:
    """Create or change a category; cases filed before keep their snapshot of it."""
    require(can_edit_categories(actor))
    category = category or Category()
    return save_validated(category, **fields)


@transaction.atomic
def request_case_export(actor: Person, query: str, language: str = "") -> GeneratedFile:
    """Queue the Excel export of a case list (the query string of the list page). The worker rebuilds the list
    as `actor` sees it (their scope, their filters), so a job can never hold a case its requester cannot see."""
    require(can_export_cases(actor))
    return start_job(actor, "cases-xlsx", {"query": query, "language": language}, make_case_export)


def reveal_covert_cases(cases: QuerySet[Case]) -> int:
    """The 暗访 round these cases came from is published: who acted for the office is shown to the units from now
    on. Called by the step that publishes the round, which checked its actor."""
    return cases.filter(covert=True).update(covert=False, updated_at=timezone.now())
