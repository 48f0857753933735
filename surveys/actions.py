"""Every write of the surveys domain: questionnaires, runs, quotas and the submission of responses."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.records import save_validated
from jobs.actions import start_job
from jobs.models import GeneratedFile
from notify.actions import notify_people, notify_unit
from org.access import require
from org.models import Person, Unit, UnitKind
from surveys.access import can_enter_responses, can_manage_surveys
from surveys.models import Answer, Channel, Question, Questionnaire, Quota, Response, SurveyRun
from surveys.tally import count_response
from surveys.tasks import make_run_export


@transaction.atomic
def save_questionnaire(actor: Person, questionnaire: Questionnaire | None, **fields: Any) -> Questionnaire:
    require(can_manage_surveys(actor))
    questionnaire = questionnaire or Questionnaire()
    save_validated(questionnaire, **fields)
    return questionnaire


@transaction.atomic
def save_question(
    actor: Person, questionnaire: Questionnaire, question: Question | None, **fields: Any
) -> Question:
    require(can_manage_surveys(actor))
    if question is None:
        last = questionnaire.questions.order_by("-order").values_list("order", flat=True).first() or 0
        question = Question(questionnaire=questionnaire, order=last + 1)
    save_validated(question, **fields)
    return question


@transaction.atomic
def delete_question(actor: Person, question: Question) -> None:
    require(can_manage_surveys(actor))
    if question.answers.exists():
        # Answers already collected must keep their question; retire it by making it optional and unrated instead.
        raise PermissionError("answered")
    question.delete()


@transaction.atomic
def save_run(
    actor: Person, run: SurveyRun | None, questionnaires: list[Questionnaire], **fields: Any
) -> SurveyRun:
    require(can_manage_surveys(actor))
    run = run or SurveyRun()
    save_validated(run, **fields)
    run.questionnaires.set(questionnaires)
    return run


@transaction.atomic
def set_quotas(actor: Person, run: SurveyRun, units: list[Unit], target: int) -> int:
    """Set the same target for each unit (e.g. 25 households in each community). Returns the number set."""
    require(can_manage_surveys(actor))
    for unit in units:
        quota, _created = Quota.objects.update_or_create(run=run, unit=unit, defaults={"target": target})
        notify_unit(
            unit,
            kind="quota-assigned",
            dedupe_key=f"quota-assigned:{quota.pk}:{target}",
            title=_("Survey quota for %(unit)s in %(run)s: %(target)d responses, until %(end)s")
            % {"unit": unit.name, "run": run.name, "target": target, "end": run.ends_on},
            url=reverse("surveys:run_detail", args=[run.pk]),
            sms=False,
        )
    return len(units)


@transaction.atomic
def assign_surveyors(actor: Person, run: SurveyRun, surveyors: list[Person]) -> None:
    require(can_manage_surveys(actor))
    before = set(run.surveyors.values_list("pk", flat=True))
    run.surveyors.set(surveyors)
    notify_people(
        [person for person in surveyors if person.pk not in before],
        kind="quota-assigned",
        dedupe_key=f"surveyor-assigned:{run.pk}",
        title=_("You survey for %(run)s, %(start)s to %(end)s")
        % {"run": run.name, "start": run.starts_on, "end": run.ends_on},
        url=reverse("surveys:run_detail", args=[run.pk]),
    )


@transaction.atomic
def set_run_status(actor: Person, run: SurveyRun, status: str, public_link: bool | None = None) -> SurveyRun:
    require(can_manage_surveys(actor))
    run.status = status
    if public_link is not None:
        run.public_link = public_link
    run.save(update_fields=["status", "public_link"])
    return run


# --- Responses ------------------------------------------------------------------------------------


@dataclass
class Submission:
    """A validated response as it comes from the form (ResponseForm.cleaned_data turned into this)."""

    client_id: uuid.UUID
    answers: dict[int, Any]  # question id → list of codes, a rating, or text
    unit: Unit | None = None
    age: int | None = None
    residence_months: int | None = None
    started_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    extra: dict = field(default_factory=dict)


def _town_of(unit: Unit | None) -> Unit | None:
    if unit is None:
        return None
    if unit.kind == UnitKind.TOWN:
        return unit
    return unit.parent if unit.parent is not None and unit.parent.kind == UnitKind.TOWN else None


def _digest(answers: dict[int, Any]) -> str:
    return hashlib.sha256(json.dumps(answers, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def submit_response(
    run: SurveyRun,
    questionnaire: Questionnaire,
    submission: Submission,
    channel: str,
    actor: Person | None = None,
    device_hash: str = "",
    origin_hash: str = "",
) -> tuple[Response, bool]:
    """Record a response once. A resubmission with the same client id returns the first one (created=False).
    A public response from a sender (`origin_hash`: address and browser) who already answered this run is kept and
    screened out: dropping the device cookie does not make a second vote."""
    existing = Response.objects.filter(run=run, client_id=submission.client_id).first()
    if existing:
        return existing, False
    if channel == Channel.ONLINE:
        require(run.public_link and run.is_accepting() and bool(device_hash))
    else:
        require(actor is not None and can_enter_responses(actor, run))
        # Paper questionnaires are typed in after the fieldwork, so only they may arrive after the run closed.
        require(run.is_accepting() or (channel == Channel.PAPER and run.status != SurveyRun.Status.DRAFT))
    require(run.questionnaires.filter(pk=questionnaire.pk).exists())
    try:
        with transaction.atomic():
            return _record(run, questionnaire, submission, channel, actor, device_hash, origin_hash), True
    except IntegrityError:
        # The same client id arrived twice at once (a retry racing the original): the first one counts.
        existing = Response.objects.filter(run=run, client_id=submission.client_id).first()
        if existing is None:
            raise
        return existing, False


def _record(run, questionnaire, submission, channel, actor, device_hash, origin_hash="") -> Response:
    now = timezone.now()
    questions = list(questionnaire.questions.all())
    duration = None
    if submission.started_at and submission.started_at <= now:
        duration = int((now - submission.started_at).total_seconds())
    digest = _digest(submission.answers)
    repeat = bool(origin_hash) and Response.objects.filter(run=run, origin_hash=origin_hash).exists()
    screen_reason = questionnaire.screen(submission.age, submission.residence_months)
    if repeat:
        screen_reason = str(_("another response came from the same address and browser"))
    response = Response.objects.create(
        run=run,
        questionnaire=questionnaire,
        client_id=submission.client_id,
        channel=channel,
        unit=submission.unit,
        town=_town_of(submission.unit),
        surveyor=actor if actor and channel != Channel.ONLINE else None,
        device_hash=device_hash,
        origin_hash=origin_hash,
        repeat_origin=repeat,
        age=submission.age,
        residence_months=submission.residence_months,
        screen_reason=screen_reason,
        started_at=submission.started_at,
        submitted_at=now,
        duration_seconds=duration,
        lat=submission.lat,
        lon=submission.lon,
        too_fast=duration is not None and duration < run.min_seconds_per_question * len(questions),
        answers_digest=digest,
        possible_duplicate=Response.objects.filter(
            run=run, unit=submission.unit, answers_digest=digest
        ).exists(),
    )
    answers = Answer.objects.bulk_create(
        [_answer(response, question, submission.answers.get(question.pk)) for question in questions]
    )
    count_response(response, answers)  # the period facts the score sheets and the 大屏 read
    return response


def _answer(response: Response, question: Question, value: Any) -> Answer:
    choices: list[str] = []
    rating = None
    text = ""
    if isinstance(value, list):
        choices = value
    elif isinstance(value, int):
        rating = value
    elif isinstance(value, str):
        text = value
    return Answer(
        response=response,
        question=question,
        choices=choices,
        rating=rating,
        text=text,
        favourable=question.is_favourable(choices, rating),
    )


@transaction.atomic
def request_run_export(actor: Person, run: SurveyRun, language: str = "") -> GeneratedFile:
    """Queue the Excel file of a large run. The worker reads the responses as `actor` sees them (the caller got
    the run through `get_run_for`), so the file never holds a response its requester cannot see."""
    return start_job(actor, "survey-xlsx", {"run": run.pk, "language": language}, make_run_export)
