"""Demo scores: 2026 Q3 and Q4 periods; survey points for towns; a few honours and one penalty; Q3 published."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import Period
from demo.inspections import ROUND_NAME
from framework.models import CheckItem
from framework.queries import checklist_for
from inspections.actions import Answer, submit_visit
from inspections.models import Round, Verdict, Visit
from org.models import Person, Role, Unit, UnitKind
from scoring import actions
from scoring.models import Adjustment, ComponentKind, Scheme

DEMO_TARGET = Decimal("90")


@transaction.atomic
def build_demo_scores() -> None:
    if Period.objects.exists():
        return
    admin = Person.objects.filter(role=Role.OFFICE_ADMIN).earliest("pk")
    towns = list(Unit.objects.filter(kind=UnitKind.TOWN).order_by("path"))
    for number in (3, 4):
        period = actions.create_period(admin, Period.Kind.QUARTER, 2026, number)
        scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
        # The office's aim for every town: the ranking and the 大屏 show each town's gap to it.
        actions.update_scheme(admin, scheme, target_total=DEMO_TARGET)
        survey = scheme.components.get(kind=ComponentKind.SURVEY)
        actions.update_component(admin, survey, Decimal("20"), {})
        rectification = scheme.components.get(kind=ComponentKind.RECTIFICATION)
        actions.update_component(admin, rectification, Decimal("50"), dict(rectification.params))
        departments = period.schemes.get(unit_kind=UnitKind.DEPARTMENT)
        rectification = departments.components.get(kind=ComponentKind.RECTIFICATION)
        actions.update_component(admin, rectification, Decimal("60"), dict(rectification.params))
        for town, reason in [(towns[1], "获评省级文明社区 1 个"), (towns[4], "获评市级文明单位 2 个")]:
            actions.add_adjustment(
                admin, scheme, unit=town, kind=Adjustment.Kind.BONUS, points=Decimal("1"), reason=reason
            )
        actions.add_adjustment(
            admin,
            scheme,
            unit=towns[9],
            kind=Adjustment.Kind.PENALTY,
            points=Decimal("2"),
            reason="央视曝光环境卫生问题（负面清单）",
        )
        if number == 3:
            actions.publish(admin, scheme, public=True)
            actions.publish(admin, departments, public=True)


FIELD_POINTS = Decimal("30")


def build_demo_field_results(seed: int = 66) -> int:
    """Two thirds of the demo 明查 round inspected (some towns tidier than others), so the lost-points and what-if
    screens have facts; the fourth quarter's town scheme gets 30 points for field inspection. Idempotent: nothing
    happens once a visit of the round is submitted. Each failed line opens its case, as in real use."""
    round_ = Round.objects.filter(name=ROUND_NAME).first()
    if round_ is None or round_.visits.filter(status=Visit.Status.SUBMITTED).exists():
        return 0
    rng = random.Random(seed)
    visits = list(round_.visits.select_related("site__site_type", "inspector").order_by("pk"))
    checklists: dict[int, list[CheckItem]] = {}
    # Each town its own tidiness: the chance that a line fails.
    towns = sorted({v.site.town_id for v in visits})
    failing = {town: rng.uniform(0.04, 0.22) for town in towns}
    done = 0
    with transaction.atomic():
        for index, visit in enumerate(visits):
            if index % 3 == 2 or visit.inspector is None:
                continue
            site_type = visit.site.site_type
            items = checklists.setdefault(site_type.pk, list(checklist_for(site_type, round_.edition)))
            if not items:
                continue
            answers = []
            for item in items:
                roll = rng.random()
                verdict = Verdict.FAIL if roll < failing[visit.site.town_id] else Verdict.PASS
                if roll > 0.97:
                    verdict = Verdict.NOT_APPLICABLE
                answers.append(Answer(item=item, verdict=verdict))
            submit_visit(visit.inspector, visit, answers, lon=visit.site.lon, lat=visit.site.lat)
            done += 1
        today = timezone.localdate()
        schemes = Scheme.objects.filter(unit_kind=UnitKind.TOWN).select_related("period")
        scheme = next((s for s in schemes if s.period.starts_on <= today <= s.period.ends_on), None)
        admin = Person.objects.filter(role=Role.OFFICE_ADMIN).earliest("pk")
        if scheme is not None:
            field = scheme.components.get(kind=ComponentKind.FIELD)
            actions.update_component(admin, field, FIELD_POINTS, {})
    return done
