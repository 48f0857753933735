"""Demo surveys: a residents' and a civil servants' questionnaire, two quarterly runs with a few thousand responses."""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from org.models import Person, Role, Unit, UnitKind
from surveys.models import (
    Answer,
    Channel,
    Question,
    QuestionKind,
    Questionnaire,
    Quota,
    RateKind,
    Response,
    SurveyRun,
)
from surveys.tally import rebuild_answer_tally

SEED = 88
TZ = ZoneInfo("Asia/Shanghai")
SATISFACTION = ["满意", "比较满意", "一般", "不太满意", "不满意"]
RESIDENT_QUESTIONS = [
    (
        "Ⅲ-7",
        "您是否支持本县参评全国文明城市？",
        ["支持", "不支持", "说不清"],
        ["A"],
        RateKind.SUPPORT,
        "0.900",
    ),
    (
        "Ⅲ-12",
        "您对本县开展文明城市创建活动是否满意？",
        SATISFACTION,
        ["A", "B"],
        RateKind.SATISFACTION,
        "0.850",
    ),
    (
        "Ⅲ-7",
        "您是否知道社会主义核心价值观的内容？",
        ["知道", "知道一些", "不知道"],
        ["A", "B"],
        RateKind.AWARENESS,
        "0.900",
    ),
    ("Ⅲ-12", "您是否愿意参加志愿服务活动？", ["愿意", "不愿意"], ["A"], RateKind.PARTICIPATION, "0.800"),
    ("Ⅲ-60", "您对所在社区生活便利程度的评价？", SATISFACTION, ["A", "B"], RateKind.SATISFACTION, "0.800"),
    ("Ⅲ-64", "您对自身安全感的评价？", SATISFACTION, ["A", "B"], RateKind.SATISFACTION, "0.850"),
    ("Ⅲ-38", "您对本县窗口单位服务质量的评价？", SATISFACTION, ["A", "B"], RateKind.SATISFACTION, "0.800"),
    (
        "Ⅲ-77",
        "您是否参加过环境保护、生态文明主题活动？",
        ["参加过", "没有参加过"],
        ["A"],
        RateKind.PARTICIPATION,
        "0.600",
    ),
    ("Ⅲ-21", "您对本县刊播展示公益广告的评价？", SATISFACTION, ["A", "B"], RateKind.SATISFACTION, "0.800"),
]
# Criterion codes of the demo edition (Ⅲ-7 awareness and support, Ⅲ-12 satisfaction and participation) where it
# asks the public; the other questions keep the national edition's codes.
SERVANT_QUESTIONS = [
    ("Ⅲ-27", "您对本县政务行为规范的评价？", SATISFACTION, ["A", "B"], RateKind.SATISFACTION, "0.850"),
    ("Ⅲ-34", "您对本县诚信建设的评价？", SATISFACTION, ["A", "B"], RateKind.SATISFACTION, "0.800"),
    (
        "Ⅲ-7",
        "您是否支持本县参评全国文明城市？",
        ["支持", "不支持", "说不清"],
        ["A"],
        RateKind.SUPPORT,
        "0.900",
    ),
]


def _questionnaire(name: str, code: str, group: str, items: list) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        name=name,
        group_code=code,
        group_label=group,
        description="您好！我们正在开展文明城市创建满意度调查，耽误您几分钟。",
    )
    Question.objects.bulk_create(
        [
            Question(
                questionnaire=questionnaire,
                order=i,
                kind=QuestionKind.SINGLE,
                text=text,
                options=options,
                favourable_options=favourable,
                rate_kind=rate,
                target_rate=Decimal(target),
                criterion_code=criterion,
            )
            for i, (criterion, text, options, favourable, rate, target) in enumerate(items, start=1)
        ]
    )
    Question.objects.create(
        questionnaire=questionnaire,
        order=len(items) + 1,
        kind=QuestionKind.TEXT,
        text="您对文明城市创建还有什么意见和建议？",
        required=False,
    )
    return questionnaire


def _answers(rng: random.Random, questions: list[Question], mood: float) -> list[tuple[Question, list[str]]]:
    result = []
    for question in questions:
        if question.kind == QuestionKind.TEXT:
            continue
        favourable = rng.random() < mood
        pool = (
            question.favourable_options
            if favourable
            else [code for code, _label in question.option_pairs if code not in question.favourable_options]
        )
        result.append((question, [rng.choice(pool)]))
    return result


def _fill(
    rng: random.Random,
    run: SurveyRun,
    questionnaire: Questionnaire,
    units: list[Unit],
    per_unit: int,
    surveyors: list[Person],
    moods: dict[int, float],
) -> None:
    questions = list(questionnaire.questions.all())
    days = (run.ends_on - run.starts_on).days + 1
    responses, answer_rows = [], []
    for unit in units:
        mood = moods[unit.parent_id or 0]  # a community's town's
        for _ in range(per_unit):
            when = datetime.combine(
                run.starts_on + timedelta(days=rng.randrange(days)), datetime.min.time(), TZ
            )
            when += timedelta(hours=rng.randint(9, 18), minutes=rng.randrange(60))
            duration = rng.randint(8, 30) if rng.random() < 0.03 else rng.randint(120, 600)
            age = rng.choice([16, 17, 67, 70, 72]) if rng.random() < 0.04 else rng.randint(18, 65)
            months = rng.randint(1, 5) if rng.random() < 0.02 else rng.randint(6, 600)
            answers = _answers(rng, questions, mood + rng.uniform(-0.05, 0.05))
            screen = questionnaire.screen(age, months)
            response = Response(
                run=run,
                questionnaire=questionnaire,
                client_id=uuid.UUID(int=rng.getrandbits(128)),
                channel=rng.choice([Channel.HOUSEHOLD, Channel.HOUSEHOLD, Channel.STREET]),
                unit=unit,
                town_id=unit.parent_id,
                surveyor=rng.choice(surveyors),
                age=age,
                residence_months=months,
                screen_reason=screen,
                started_at=when - timedelta(seconds=duration),
                submitted_at=when,
                duration_seconds=duration,
                too_fast=duration < run.min_seconds_per_question * len(questions),
                answers_digest=hashlib.sha256(repr([(q.pk, c) for q, c in answers]).encode()).hexdigest(),
            )
            responses.append(response)
            answer_rows.append(answers)
    Response.objects.bulk_create(responses, batch_size=1000)
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question=question,
                choices=choices,
                favourable=question.is_favourable(choices, None),
            )
            for response, answers in zip(responses, answer_rows, strict=True)
            for question, choices in answers
        ],
        batch_size=5000,
    )
    rebuild_answer_tally()  # bulk_create skips submit_response, which keeps the tally


@transaction.atomic
def build_demo_surveys() -> None:
    if SurveyRun.objects.exists():
        return
    rng = random.Random(SEED)
    residents = _questionnaire("示范县文明城市创建市民满意度调查", "A", "居民", RESIDENT_QUESTIONS)
    servants = _questionnaire("示范县文明城市创建公务员问卷", "C", "公务员", SERVANT_QUESTIONS)
    surveyors = list(Person.objects.filter(role=Role.SURVEYOR).order_by("username"))
    towns = list(Unit.objects.filter(kind=UnitKind.TOWN).order_by("path"))
    communities = list(Unit.objects.filter(kind=UnitKind.COMMUNITY).order_by("path"))
    for number, (name, start, end, status, per_unit) in enumerate(
        [
            (
                "2026年第三季度文明城市创建满意度测评",
                date(2026, 7, 1),
                date(2026, 9, 30),
                SurveyRun.Status.CLOSED,
                25,
            ),
            (
                "2026年第四季度文明城市创建满意度测评",
                date(2026, 10, 1),
                date(2026, 12, 31),
                SurveyRun.Status.OPEN,
                18,
            ),
        ]
    ):
        run = SurveyRun.objects.create(
            name=name,
            starts_on=start,
            ends_on=end,
            status=status,
            public_link=status == SurveyRun.Status.OPEN,
        )
        run.questionnaires.set([residents, servants])
        run.surveyors.set(surveyors)
        Quota.objects.bulk_create([Quota(run=run, unit=unit, target=25) for unit in communities])
        # Each town has its own mood; the fourth quarter is a little better than the third.
        moods = {town.pk: rng.uniform(0.72, 0.95) + 0.02 * number for town in towns}
        _fill(rng, run, residents, communities, per_unit, surveyors, moods)
        _fill(
            rng,
            run,
            servants,
            [c for c in communities if c.parent_id in {t.pk for t in towns[:6]}][:10],
            5,
            surveyors,
            moods,
        )
