"""Every write of scoring: periods with their schemes, components, adjustments and publications."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Period
from core.records import save_validated
from org.access import require
from org.models import Person, UnitKind
from scoring.access import can_manage_scores
from scoring.engine import compute_sheet, sheet_as_json, sheet_changes, source_available
from scoring.models import DEFAULT_PARAMS, Adjustment, Component, ComponentKind, Publication, Scheme


@transaction.atomic
def create_period(actor: Person, kind: str, year: int, number: int) -> Period:
    """A period with a scheme for towns and one for departments, every component slot present at 0 points."""
    require(can_manage_scores(actor))
    period = Period(kind=kind, year=year, number=number)
    period.full_clean()
    period.save()
    for unit_kind in (UnitKind.TOWN, UnitKind.DEPARTMENT):
        scheme = Scheme.objects.create(period=period, unit_kind=unit_kind)
        Component.objects.bulk_create(
            [
                Component(scheme=scheme, kind=kind, params=dict(DEFAULT_PARAMS[kind]))
                for kind in ComponentKind.values
            ]
        )
    return period


@transaction.atomic
def update_component(
    actor: Person, component: Component, weight: Decimal, params: dict[str, Any]
) -> Component:
    require(can_manage_scores(actor))
    component.weight = weight
    component.params = params
    component.full_clean()
    if weight > 0 and not source_available(component.kind):  # the engine knows which facts exist
        raise ValidationError({"weight": _("This component has no facts to score yet; keep it at 0 points.")})
    component.save(update_fields=["weight", "params"])
    return component


@transaction.atomic
def update_scheme(actor: Person, scheme: Scheme, **fields: Any) -> Scheme:
    require(can_manage_scores(actor))
    return save_validated(scheme, **fields)


@transaction.atomic
def add_adjustment(actor: Person, scheme: Scheme, **fields: Any) -> Adjustment:
    require(can_manage_scores(actor))
    adjustment = Adjustment(scheme=scheme, created_by=actor, **fields)
    adjustment.full_clean()
    if adjustment.unit.kind != scheme.unit_kind:
        raise ValidationError(
            {"unit": _("This scheme scores %(kind)s only.") % {"kind": scheme.get_unit_kind_display()}}
        )
    adjustment.save()
    return adjustment


@transaction.atomic
def remove_adjustment(actor: Person, adjustment: Adjustment) -> None:
    require(can_manage_scores(actor))
    adjustment.delete()


@transaction.atomic
def publish(actor: Person, scheme: Scheme, reason: str = "", public: bool = False) -> Publication:
    """Freeze the sheet as it stands. A re-publication needs a reason and records what changed."""
    require(can_manage_scores(actor))
    Scheme.objects.select_for_update().get(pk=scheme.pk)  # two publishers at once get consecutive versions
    previous = scheme.publications.order_by("-version").first()
    if previous and not reason.strip():
        raise ValidationError({"reason": _("Say why the scores are published again.")})
    sheet = sheet_as_json(compute_sheet(scheme))
    return Publication.objects.create(
        scheme=scheme,
        version=(previous.version + 1) if previous else 1,
        reason=reason.strip(),
        sheet=sheet,
        changes=sheet_changes(previous.sheet, sheet) if previous else [],
        published_by=actor,
        is_public=public,
    )
