"""Demo scores: 2026 Q3 and Q4 periods; survey points for towns; a few honours and one penalty; Q3 published."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from org.models import Person, Role, Unit, UnitKind
from scoring import actions
from scoring.models import Adjustment, ComponentKind, Period


@transaction.atomic
def build_demo_scores() -> None:
    if Period.objects.exists():
        return
    admin = Person.objects.filter(role=Role.OFFICE_ADMIN).order_by("pk").first()
    towns = list(Unit.objects.filter(kind=UnitKind.TOWN).order_by("path"))
    for number in (3, 4):
        period = actions.create_period(admin, Period.Kind.QUARTER, 2026, number)
        scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
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
