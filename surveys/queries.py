"""Reads of survey runs: quota progress, rates per question and per grouping, flags."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from core.tallies import months_between
from org.models import Person, Unit, UnitKind
from surveys.models import Answer, AnswerTally, Question, Questionnaire, Quota, Response, SurveyRun
from surveys.rates import Rate

# What a rate can be grouped by, and the response field behind each grouping.
GROUPINGS = {
    "": None,
    "town": "response__town__name",
    "community": "response__unit__name",
    "channel": "response__channel",
    "group": "response__questionnaire__group_code",
}


@dataclass
class QuotaRow:
    quota: Quota
    filled: int
    screened_out: int

    @property
    def share(self) -> float:
        return min(self.filled / self.quota.target, 1.0) if self.quota.target else 0.0


def quota_progress(run: SurveyRun, responses: QuerySet[Response]) -> list[QuotaRow]:
    """Valid responses against each quota; a town's quota counts every response in the town."""
    by_unit = dict(responses.values_list("unit").annotate(n=Count("id", filter=Q(screen_reason=""))))
    by_town = dict(responses.values_list("town").annotate(n=Count("id", filter=Q(screen_reason=""))))
    out_unit = dict(responses.values_list("unit").annotate(n=Count("id", filter=~Q(screen_reason=""))))
    rows = []
    for quota in run.quotas.select_related("unit", "unit__parent").order_by("unit__path"):
        filled = (
            by_town.get(quota.unit_id, 0)
            if quota.unit.kind == UnitKind.TOWN
            else by_unit.get(quota.unit_id, 0)
        )
        rows.append(QuotaRow(quota, filled, out_unit.get(quota.unit_id, 0)))
    return rows


@dataclass
class FieldDay:
    """A surveyor's day in one run: their share of what is left, what they have done today, and where to go
    next (the community furthest behind its quota) with which questionnaire."""

    run: SurveyRun
    done_today: int
    target_today: int
    left: int  # valid responses the run's quotas still need
    next_unit: Unit | None
    next_left: int
    questionnaire: Questionnaire | None

    @property
    def share(self) -> float:
        return min(self.done_today / self.target_today, 1.0) if self.target_today else 1.0


def field_day(run: SurveyRun, surveyor: Person, today: dt.date | None = None) -> FieldDay:
    """Today's share = what the quotas needed this morning, over the days left and the run's surveyors."""
    today = today or timezone.localdate()
    responses = run.responses.all()
    rows = quota_progress(run, responses)
    left = sum(max(row.quota.target - row.filled, 0) for row in rows)
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    valid_today = responses.filter(
        screen_reason="", submitted_at__gte=start, submitted_at__lt=start + dt.timedelta(days=1)
    )
    mine = valid_today.filter(surveyor=surveyor).count()
    this_morning = left + valid_today.count()
    days_left = max((run.ends_on - today).days + 1, 1)
    target = math.ceil(this_morning / days_left / max(run.surveyors.count(), 1)) if this_morning else 0
    behind = sorted((row for row in rows if row.filled < row.quota.target), key=lambda row: row.share)
    next_unit, next_left = None, 0
    if behind:
        next_unit, next_left = _community_of(behind[0], responses), behind[0].quota.target - behind[0].filled
    questionnaire = run.questionnaires.order_by("group_code", "pk").first()
    return FieldDay(run, mine, target, left, next_unit, next_left, questionnaire)


def _community_of(row: QuotaRow, responses: QuerySet[Response]) -> Unit:
    """The quota's community, or for a town's quota the community of the town with the fewest responses."""
    unit = row.quota.unit
    if unit.kind != UnitKind.TOWN:
        return unit
    communities = Unit.objects.filter(parent=unit, kind=UnitKind.COMMUNITY, is_active=True)
    counts = dict(responses.filter(unit__parent=unit).values_list("unit").annotate(n=Count("id")))
    return min(communities.order_by("path"), key=lambda c: counts.get(c.pk, 0), default=unit)


def surveyor_progress(responses: QuerySet[Response]) -> list[dict]:
    return list(
        responses.filter(surveyor__isnull=False)
        .values("surveyor__username", "surveyor__full_name")
        .annotate(
            total=Count("id"),
            valid=Count("id", filter=Q(screen_reason="")),
            too_fast=Count("id", filter=Q(too_fast=True)),
            duplicates=Count("id", filter=Q(possible_duplicate=True)),
        )
        .order_by("-total")
    )


def flag_counts(responses: QuerySet[Response]) -> dict[str, int]:
    return responses.aggregate(
        total=Count("id"),
        valid=Count("id", filter=Q(screen_reason="")),
        screened_out=Count("id", filter=~Q(screen_reason="")),
        repeats=Count("id", filter=Q(repeat_origin=True)),
        too_fast=Count("id", filter=Q(too_fast=True)),
        duplicates=Count("id", filter=Q(possible_duplicate=True)),
    )


@dataclass
class RateRow:
    question: Question
    group: str
    rate: Rate


def rates(run: SurveyRun, responses: QuerySet[Response], grouping: str = "") -> list[RateRow]:
    """Favourable ÷ valid answers for every rated question, optionally per town, community, channel or group.

    Valid answers are those of responses not screened out, to questions with a rate, that were answered.
    """
    field = GROUPINGS.get(grouping)
    keys = ["question"] + ([field] if field else [])
    rows = (
        Answer.objects.filter(response__in=responses.filter(screen_reason=""), favourable__isnull=False)
        .values(*keys)
        .annotate(valid=Count("id"), favourable=Count("id", filter=Q(favourable=True)))
        .order_by(*keys)
    )
    questions = {
        q.pk: q for q in Question.objects.filter(questionnaire__runs=run).select_related("questionnaire")
    }
    result = [
        RateRow(
            questions[row["question"]],
            str(row[field] or "—") if field else "",
            Rate(row["favourable"], row["valid"], questions[row["question"]].target_rate),
        )
        for row in rows
        if row["question"] in questions
    ]
    result.sort(key=lambda r: (r.question.questionnaire.group_code, r.question.order, r.group))
    return result


def rate_matrix(run: SurveyRun, responses: QuerySet[Response], grouping: str = "town") -> dict:
    """Rates shaped for a chart: one series per question, one bar per group."""
    rows = rates(run, responses, grouping)
    groups = sorted({row.group for row in rows})
    series: dict[int, dict] = {}
    for row in rows:
        entry = series.setdefault(row.question.pk, {"name": row.question.text[:30], "values": {}})
        entry["values"][row.group] = round(row.rate.value * 100, 1)
    return {"groups": groups, "series": list(series.values())}


def surveyor_counts(run: SurveyRun, surveyor: Person) -> dict[str, int]:
    """What the surveyor has entered in this run: today and in all (the fieldwork form shows it)."""
    today = timezone.localdate()
    return Response.objects.filter(run=run, surveyor=surveyor).aggregate(
        today=Count("id", filter=Q(submitted_at__date=today)),
        total=Count("id"),
    )


def quota_by_community(run: SurveyRun, communities: QuerySet[Unit]) -> dict[int, dict]:
    """For each community of the form, the quota it counts towards (its own, else its town's) and how far it is:
    {community id: {"name": quota's unit, "filled": valid responses, "target": …}}."""
    rows = {row.quota.unit_id: row for row in quota_progress(run, run.responses.all())}
    found = {}
    for community in communities:
        row = rows.get(community.pk) or rows.get(community.parent_id or 0)
        if row is not None:
            found[community.pk] = {
                "name": row.quota.unit.name,
                "filled": row.filled,
                "target": row.quota.target,
            }
    return found


def period_answers(start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Valid and favourable answers per (town, question) of the responses submitted in [start, end) and not
    screened out, with the question's target: the survey component's facts and the 大屏's survey panel. Read from
    the kept tally (surveys.models.AnswerTally: towns × questions × months rows) when the period is whole months,
    as every period is; otherwise counted from the answers."""
    months = months_between(start, end)
    if months is None:
        return counted_period_answers(start, end)
    kept = (
        AnswerTally.objects.filter(month__gte=months[0], month__lt=months[1])
        .values_list("town_key", "question_key")
        .annotate(valid=Sum("valid"), favourable=Sum("favourable"))
        .order_by()
    )
    rows = [row for row in kept if row[2]]
    targets = dict(Question.objects.filter(pk__in={row[1] for row in rows}).values_list("pk", "target_rate"))
    return [
        {
            "response__town": town or None,
            "question": question,
            "question__target_rate": targets[question],
            "valid": valid,
            "favourable": favourable,
        }
        for town, question, valid, favourable in rows
    ]


def counted_period_answers(start: dt.datetime, end: dt.datetime) -> list[dict]:
    """`period_answers` counted from the answers themselves (a hash join of the period's answers and responses)."""
    return list(
        Answer.objects.filter(
            favourable__isnull=False,
            response__screen_reason="",
            response__submitted_at__gte=start,
            response__submitted_at__lt=end,
        )
        .values("response__town", "question", "question__target_rate")
        .annotate(valid=Count("id"), favourable=Count("id", filter=Q(favourable=True)))
        .order_by()
    )
