"""Who may see and do what in surveys. Built on org.access: unit people see responses of their own subtree."""

from __future__ import annotations

from django.db.models import QuerySet

from org.access import get_or_404, require, scoped, visible_units
from org.models import Person, Role
from surveys.models import Questionnaire, Response, SurveyRun


def can_manage_surveys(person: Person) -> bool:
    return person.is_authenticated and person.is_active and person.is_office_admin()


def can_enter_responses(person: Person, run: SurveyRun) -> bool:
    """Surveyors assigned to the run, and office staff (typing in paper questionnaires)."""
    if not (person.is_authenticated and person.is_active):
        return False
    return person.is_office_staff() or run.surveyors.filter(pk=person.pk).exists()


def runs_for(person: Person) -> QuerySet[SurveyRun]:
    if person.sees_everything():
        return SurveyRun.objects.all()
    if person.role == Role.SURVEYOR:
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
    if person.sees_everything():
        return responses
    if person.role == Role.SURVEYOR:
        return responses.filter(surveyor=person)
    return scoped(person, responses, "unit")


def get_questionnaire_for(person: Person, pk: int, manage: bool = False) -> Questionnaire:
    questionnaire = get_or_404(Questionnaire.objects.all(), pk)
    if manage:
        require(can_manage_surveys(person))
    return questionnaire
