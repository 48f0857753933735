"""Who may see and do what in surveys. Built on org.access: unit people see responses of their own subtree."""

from __future__ import annotations

from django.db.models import QuerySet

from org.access import (
    get_or_404,
    is_active_person,
    is_office_admin,
    is_office_staff,
    is_surveyor,
    require,
    scoped,
    sees_everything,
    visible_units,
)
from org.models import Person
from surveys.models import Questionnaire, Response, SurveyRun


def can_manage_surveys(person: Person) -> bool:
    return is_office_admin(person)


def can_enter_responses(person: Person, run: SurveyRun) -> bool:
    """Surveyors assigned to the run, and office staff (typing in paper questionnaires)."""
    if not is_active_person(person):
        return False
    return is_office_staff(person) or run.surveyors.filter(pk=person.pk).exists()


def runs_for(person: Person) -> QuerySet[SurveyRun]:
    if sees_everything(person):
        return SurveyRun.objects.all()
    if is_surveyor(person):
        return SurveyRun.objects.filter(surveyors=person)
    # A unit sees the runs with a quota in its subtree, to follow its own rates.
    return SurveyRun.objects.filter(quotas__unit__in=visible_units(person)).distinct()


def get_run_for(person: Person, pk: int, manage: bool = False) -> SurveyRun:
    run = get_or_404(runs_for(person), pk)
    if manage:
        require(can_manage_surveys(person))
    return run


def responses_for(person: Person, run: SurveyRun) -> QuerySet[Response]:
    responses = run.responses.all()
    if sees_everything(person):
        return responses
    if is_surveyor(person):
        return responses.filter(surveyor=person)
    return scoped(person, responses, "unit")


def get_questionnaire_for(person: Person, pk: int, manage: bool = False) -> Questionnaire:
    questionnaire = get_or_404(Questionnaire.objects.all(), pk)
    if manage:
        require(can_manage_surveys(person))
    return questionnaire
