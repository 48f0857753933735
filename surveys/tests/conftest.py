from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from surveys.actions import Submission
from surveys.models import Question, QuestionKind, Questionnaire, Quota, RateKind, SurveyRun


@pytest.fixture
def questionnaire(db) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(name="满意度调查", group_code="A", group_label="居民")
    Question.objects.create(
        questionnaire=questionnaire,
        order=1,
        text="您是否支持参评全国文明城市？",
        options=["支持", "不支持", "说不清"],
        favourable_options=["A"],
        rate_kind=RateKind.SUPPORT,
        target_rate=Decimal("0.800"),
        criterion_code="Ⅲ-84",
    )
    Question.objects.create(
        questionnaire=questionnaire,
        order=2,
        kind=QuestionKind.RATING,
        text="您对社区环境打几分？",
        scale_max=5,
        favourable_min=4,
        rate_kind=RateKind.SATISFACTION,
        target_rate=Decimal("0.750"),
    )
    Question.objects.create(
        questionnaire=questionnaire, order=3, kind=QuestionKind.TEXT, text="建议", required=False
    )
    return questionnaire


@pytest.fixture
def run(county, questionnaire) -> SurveyRun:
    today = timezone.localdate()
    run = SurveyRun.objects.create(
        name="第四季度测评",
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=5),
        status=SurveyRun.Status.OPEN,
        public_link=True,
    )
    run.questionnaires.set([questionnaire])
    run.surveyors.set([county.surveyor])
    Quota.objects.create(run=run, unit=county.community_a, target=3)
    Quota.objects.create(run=run, unit=county.town_b, target=2)
    return run


def submission(questionnaire, unit, support="A", rating=5, age=30, months=24, **extra) -> Submission:
    questions = list(questionnaire.questions.order_by("order"))
    answers = {}
    if support:
        answers[questions[0].pk] = [support]
    if rating is not None:
        answers[questions[1].pk] = rating
    return Submission(
        client_id=extra.pop("client_id", uuid.uuid4()),
        answers=answers,
        unit=unit,
        age=age,
        residence_months=months,
        **extra,
    )


def past(days: int = 0) -> date:
    return timezone.localdate() - timedelta(days=days)
