"""Every write to the framework and its task breakdown goes through one of these functions.

Each checks the actor's permission on the server and the transition, saves, and writes a `TaskEvent` (the task's
history, which the unit and the office both read). Model changes are also audited by django-auditlog.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core import history
from core.history import Transition
from core.records import save_validated
from core.uploads import check_document
from framework.access import can_act_for, can_edit_framework, can_manage_tasks
from framework.models import (
    CheckItem,
    Criterion,
    Edition,
    EditionStatus,
    Node,
    Progress,
    SiteType,
    Task,
    TaskAttachment,
    TaskEvent,
    TaskEventKind,
    TaskUnit,
)
from framework.queries import existing_tasks
from notify.actions import notify_unit
from org.access import require
from org.models import Person, Unit

MAX_ATTACHMENTS = 10


# A unit's share of a task as a state machine (its state is `TaskUnit.progress`): the unit reports progress or
# that it is done, the office confirms or returns what was reported done.
STEPS: dict[str, Transition] = {
    TaskEventKind.PROGRESS: Transition(frozenset(TaskUnit.CAN_REPORT), Progress.IN_PROGRESS),
    TaskEventKind.REPORTED: Transition(frozenset(TaskUnit.CAN_REPORT), Progress.REPORTED),
    TaskEventKind.CONFIRMED: Transition(frozenset({Progress.REPORTED}), Progress.CONFIRMED),
    TaskEventKind.RETURNED: Transition(frozenset({Progress.REPORTED}), Progress.IN_PROGRESS),
}


# The share moved after the actor's page was shown (a new report, a confirmation, a return): nothing is saved.
STALE = _lazy(
    "This unit's share changed after you opened the page (see the history). Nothing of yours was saved: check "
    "the page as it is now and send again if still needed."
)


def _lock(task_unit: TaskUnit, kind: str, refusal: str) -> TaskUnit:
    """The share, locked for this transaction, if step `kind` fits its progress (else `refusal` is raised) and, when
    the actor's page said which version it showed (`task_unit.seen_version`), if it did not move since."""
    step = STEPS[kind]

    def refuse(locked: TaskUnit) -> ValidationError:
        return ValidationError(STALE if step.allows(locked.progress) else refusal)

    return history.lock(
        TaskUnit.objects, task_unit.pk, step, refuse=refuse, field="progress", seen=task_unit.seen_version
    )


def _move(actor: Person, task_unit: TaskUnit, kind: str, note: str = "") -> TaskEvent:
    event = TaskEvent(task_id=task_unit.task_id, task_unit=task_unit, action=kind, actor=actor, note=note)
    return history.move(task_unit, STEPS[kind], event, field="progress")


# --- Task breakdown -----------------------------------------------------------------------------


@transaction.atomic
def assign_task(
    actor: Person,
    *,
    criterion: Criterion | None = None,
    node: Node | None = None,
    lead_unit: Unit,
    responsible_units: Iterable[Unit] = (),
    deadline: date,
    note: str = "",
    reason: str = "",
) -> Task:
    """分解: one lead unit and any responsible units get a criterion (or a whole node) with a deadline. A subject
    already broken down is broken down again only deliberately, with a reason (else: edit the existing task)."""
    require(can_manage_tasks(actor))
    subject = criterion or node
    if subject is None or (criterion is not None and node is not None):
        raise ValidationError(_("Assign either a criterion or a node."))
    # Two people breaking the same subject down at once: the second waits here, then sees the first's task.
    type(subject).objects.select_for_update().filter(pk=subject.pk).first()
    again = existing_tasks(criterion=criterion, node=node).exists()
    if again and not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "This is already broken down: open the existing task, or say why it needs a second one."
                )
            }
        )
    edition = subject.edition
    task = Task.objects.create(
        edition=edition, criterion=criterion, node=node, deadline=deadline, note=note, created_by=actor
    )
    others = [unit for unit in dict.fromkeys(responsible_units) if unit.pk != lead_unit.pk]
    TaskUnit.objects.bulk_create(
        [TaskUnit(task=task, unit=lead_unit, is_lead=True)]
        + [TaskUnit(task=task, unit=unit) for unit in others]
    )
    TaskEvent.objects.create(
        task=task,
        action=TaskEventKind.ASSIGNED,
        actor=actor,
        note=note,
        data={
            "lead": lead_unit.name,
            "responsible": [unit.name for unit in others],
            "deadline": str(deadline),
            **({"again": True, "reason": reason.strip()} if again else {}),
        },
    )
    for unit in [lead_unit, *others]:
        notify_unit(
            unit,
            kind="task-assigned",
            dedupe_key=f"task-assigned:{task.pk}:{unit.pk}",
            title=_("New task: %(task)s, due %(deadline)s") % {"task": task, "deadline": deadline},
            body=note,
            url=reverse("framework:task_detail", args=[task.pk]),
        )
    return task


@transaction.atomic
def report_progress(
    actor: Person, task_unit: TaskUnit, note: str, files: Iterable[UploadedFile] = (), done: bool = False
) -> TaskEvent:
    """反馈: the unit reports progress (or that it is done), with attachments checked by content."""
    require(can_act_for(actor, task_unit))
    kind = TaskEventKind.REPORTED if done else TaskEventKind.PROGRESS
    task_unit = _lock(task_unit, kind, _("This task is already reported done; wait for the office."))
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS})
    checked = [check_document(upload) for upload in files]
    if not note.strip() and not checked:
        raise ValidationError(_("Say what was done or attach a file."))
    event = _move(actor, task_unit, kind, note.strip())
    for item in checked:
        attachment = TaskAttachment(
            event=event,
            name=(item.file.name or "")[:200],
            content_type=item.content_type,
            size=item.file.size or 0,
            token=f"{secrets.token_hex(16)}.{item.extension}",
        )
        attachment.file.save(attachment.token, item.file, save=False)
        attachment.save()
    return event


@transaction.atomic
def confirm_task_unit(actor: Person, task_unit: TaskUnit, note: str = "") -> TaskEvent:
    """The office confirms what the unit reported done."""
    require(can_manage_tasks(actor))
    kind = TaskEventKind.CONFIRMED
    task_unit = _lock(task_unit, kind, _("Only a task reported done can be confirmed."))
    return _move(actor, task_unit, kind, note.strip())


@transaction.atomic
def return_task_unit(actor: Person, task_unit: TaskUnit, note: str) -> TaskEvent:
    """The office sends a report back to the unit, saying why."""
    require(can_manage_tasks(actor))
    kind = TaskEventKind.RETURNED
    task_unit = _lock(task_unit, kind, _("Only a task reported done can be returned."))
    if not note.strip():
        raise ValidationError(_("Say why the report is returned."))
    event = _move(actor, task_unit, kind, note.strip())
    notify_unit(
        task_unit.unit,
        kind="task-returned",
        dedupe_key=f"task-returned:{event.pk}",
        title=_("Task report returned: %(task)s, due %(deadline)s")
        % {"task": task_unit.task, "deadline": task_unit.task.deadline},
        body=note.strip(),
        url=reverse("framework:task_detail", args=[task_unit.task_id]),
    )
    return event


@transaction.atomic
def remind_task_unit(actor: Person, task_unit: TaskUnit, note: str = "") -> TaskEvent:
    """催办: recorded in the task's history, shown on 我的任务, and sent to the unit (inbox, SMS to its head and
    liaison, its robot webhooks)."""
    require(can_manage_tasks(actor))
    if task_unit.is_confirmed():
        raise ValidationError(_("This task is already confirmed."))
    event = TaskEvent.objects.create(
        task_id=task_unit.task_id,
        task_unit=task_unit,
        action=TaskEventKind.REMINDED,
        actor=actor,
        note=note.strip(),
    )
    notify_unit(
        task_unit.unit,
        kind="task-reminder",
        dedupe_key=f"task-reminder:{event.pk}",
        title=_("Reminder: %(task)s, due %(deadline)s")
        % {"task": task_unit.task, "deadline": task_unit.task.deadline},
        body=note.strip(),
        url=reverse("framework:task_detail", args=[task_unit.task_id]),
    )
    return event


# --- Framework data -------------------------------------------------------------------------------


@transaction.atomic
def update_criterion(
    actor: Person,
    criterion: Criterion,
    deductions: dict[int, tuple[str, Decimal]] | None = None,
    **fields: Any,
) -> Criterion:
    """Change a criterion; `deductions` maps its check items' ids to their (text, deduction)."""
    require(can_edit_framework(actor))
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.full_clean()
    criterion.save()
    deductions = deductions or {}
    for item in CheckItem.objects.filter(requirement__criterion=criterion, pk__in=list(deductions)):
        item.text, item.deduction = deductions[item.pk]
        item.full_clean()
        item.save(update_fields=["text", "deduction"])
    return criterion


@transaction.atomic
def save_site_type(actor: Person, site_type: SiteType | None, **fields: Any) -> SiteType:
    require(can_edit_framework(actor))
    site_type = site_type or SiteType()
    return save_validated(site_type, **fields)


@transaction.atomic
def publish_edition(actor: Person, edition: Edition) -> Edition:
    require(can_edit_framework(actor))
    edition.status = EditionStatus.PUBLISHED
    edition.save(update_fields=["status"])
    return edition


@transaction.atomic
def activate_edition(actor: Person, edition: Edition) -> Edition:
    """One active edition at a time: checklists and inspections follow it."""
    require(can_edit_framework(actor))
    for other in Edition.objects.filter(active=True).exclude(pk=edition.pk):
        other.active = False
        other.save(update_fields=["active"])
    if edition.is_draft():
        raise ValidationError(_("Publish the draft before making it active."))
    edition.active = True
    edition.save(update_fields=["active"])
    return edition
