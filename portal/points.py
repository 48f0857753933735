"""Points (积分) for citizen reports: awarded once a report is accepted (立案 or dispatched by the office), only to
the first valid report of a problem (a report merged as a duplicate or refused earns nothing), less for a repeat by
the same reporter on the same place and category within the office's window. The awards are a ledger: changing
the rules later never rewrites points already given."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, State
from core.workbooks import Column, ExcelFile, Kind, Title
from org.access import require
from org.models import Person
from portal.access import can_set_points_rules
from portal.models import CitizenReport, PointsAward, PointsRule

INVALID_STATES = frozenset({State.REJECTED, State.DUPLICATE})
ACCEPTING_STEPS = frozenset({CaseEvent.Action.ACCEPT, CaseEvent.Action.DISPATCH})


@transaction.atomic
def save_rules(actor: Person, points_valid: int, points_repeat: int, repeat_window_days: int) -> PointsRule:
    require(can_set_points_rules(actor))
    if points_repeat > points_valid:
        raise ValidationError(_("A repeat cannot earn more than a first report."))
    rule = PointsRule.current()
    rule.points_valid, rule.points_repeat, rule.repeat_window_days = (
        points_valid,
        points_repeat,
        repeat_window_days,
    )
    rule.updated_by = actor
    rule.save()
    return rule


def _pending() -> QuerySet[CitizenReport]:
    """Reports with a tracking identity, accepted by the office, still valid, and without an award yet."""
    accepted = CaseEvent.objects.filter(action__in=ACCEPTING_STEPS).values("case_id")
    return (
        CitizenReport.objects.exclude(phone_hash="")
        .filter(points_award__isnull=True, case_id__in=accepted, case__duplicate_of__isnull=True)
        .exclude(case__state__in=INVALID_STATES)
        .select_related("case")
        .order_by("case__reported_at", "pk")
    )


def _is_repeat(report: CitizenReport, window: dt.timedelta) -> bool:
    case = report.case
    place = Q(report__case__grid_id=case.grid_id) if case.grid_id else Q(pk__in=[])
    if case.address:
        place |= Q(report__case__address=case.address)
    same_category = (
        Q(report__case__category_id=case.category_id)
        if case.category_id
        else Q(report__case__category__isnull=True)
    )
    return (
        PointsAward.objects.filter(
            same_category,
            phone_hash=report.phone_hash,
            report__case__reported_at__gte=case.reported_at - window,
            report__case__reported_at__lt=case.reported_at,
        )
        .filter(place)
        .exists()
    )


@transaction.atomic
def award_points(now: dt.datetime | None = None) -> int:
    """Give the points due to every newly accepted report (idempotent: each report is awarded once)."""
    rule = PointsRule.current()
    window = dt.timedelta(days=rule.repeat_window_days)
    given = 0
    for report in _pending().select_for_update(of=("self",)):
        repeat = _is_repeat(report, window)
        PointsAward.objects.create(
            report=report,
            phone_hash=report.phone_hash,
            points=rule.points_repeat if repeat else rule.points_valid,
            reason=PointsAward.Reason.REPEAT if repeat else PointsAward.Reason.VALID,
            awarded_at=now or timezone.now(),
        )
        given += 1
    return given


def ranking(limit: int = 200) -> list[dict]:
    """Reporters by points (their tracking identity, the phone hash), with the last phone they gave."""
    rows = list(
        PointsAward.objects.values("phone_hash")
        .annotate(total=Sum("points"), reports=Count("pk"), last=Max("awarded_at"))
        .order_by("-total", "last")[:limit]
    )
    phones = dict(
        Case.objects.filter(citizen_report__phone_hash__in=[r["phone_hash"] for r in rows])
        .order_by("reported_at")
        .values_list("citizen_report__phone_hash", "reporter_phone")
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"], row["reporter"], row["phone"] = (
            rank,
            row["phone_hash"][:10],
            phones.get(row["phone_hash"], ""),
        )
    return rows


def masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"


def ranking_workbook(rows: list[dict]) -> ExcelFile:
    """The export for rewards: rank, reporter id, phone (the office contacts the winners), reports, points."""
    excel = ExcelFile()
    columns = [
        Column(_("Rank"), Kind.INTEGER),
        Column(_("Reporter"), Kind.CODE),
        Column(_("Phone"), Kind.CODE),
        Column(_("Reports"), Kind.INTEGER),
        Column(_("Points"), Kind.INTEGER),
        Column(_("Last awarded"), Kind.DATETIME),
    ]
    sheet = excel.sheet(_("Points"), columns, Title(_("Points of citizen reporters")))
    for row in rows:
        sheet.append([row["rank"], row["reporter"], row["phone"], row["reports"], row["total"], row["last"]])
    return excel
