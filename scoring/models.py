"""Periods, scoring schemes with their components, bonus/penalty entries, and frozen publications.

A scheme says how a period's score of one kind of unit (towns/streets, departments) is made: components with
points and formula parameters, a cap on bonuses, and the entries (honours, negative-list deductions, vetoes) the
office records. The engine (scoring/engine.py) computes sheets from facts; a publication freezes one.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Period
from org.models import Person, Unit, UnitKind


class ListTies(models.TextChoices):
    """What a 红榜/黑榜 does with units tied at its cut-off: name them all (the list grows) or none of them."""

    INCLUDE = "include", _("Name every unit tied at the cut-off")
    EXCLUDE = "exclude", _("Name none of the units tied at the cut-off")


class Scheme(models.Model):
    UNIT_KINDS = [(UnitKind.TOWN, UnitKind.TOWN.label), (UnitKind.DEPARTMENT, UnitKind.DEPARTMENT.label)]

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="schemes"
    )
    unit_kind = models.CharField(_("units scored"), max_length=20, choices=UNIT_KINDS)
    bonus_cap = models.DecimalField(
        _("bonus cap"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("4"),
        help_text=_("The most bonus points a unit can get in the period."),
    )
    target_total = models.DecimalField(
        _("target score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    list_size = models.PositiveSmallIntegerField(
        _("units on the red and black lists"),
        default=3,
        help_text=_("How many units the bulletin's 红榜 and 黑榜 name (0: no lists)."),
    )
    list_ties = models.CharField(
        _("ties at the cut-off"), max_length=10, choices=ListTies.choices, default=ListTies.INCLUDE
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")
        ordering = ["period", "unit_kind"]
        constraints = [models.UniqueConstraint(fields=["period", "unit_kind"], name="scheme_unique_kind")]

    def __str__(self) -> str:
        return f"{self.period} {self.get_unit_kind_display()}"

    @property
    def full_marks(self) -> Decimal:
        return sum((c.weight for c in self.components.all()), Decimal(0))


class ComponentKind(models.TextChoices):
    FIELD = "field", _("Field inspection")
    RECTIFICATION = "rectification", _("Rectification")
    SURVEY = "survey", _("Surveys")
    MATERIAL = "material", _("Materials")


# The parameters each component's formula takes, with defaults. The office edits them; engine.py reads them.
DEFAULT_PARAMS: dict[str, dict] = {
    ComponentKind.FIELD: {},
    ComponentKind.RECTIFICATION: {"on_time_target": 0.70, "per_point_below": 1.0, "per_rework": 0.2},
    ComponentKind.SURVEY: {},
    ComponentKind.MATERIAL: {"late_penalty": 0.2},
}


class Component(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(_("component"), max_length=20, choices=ComponentKind.choices)
    weight = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=Decimal("0"))
    params = models.JSONField(_("formula parameters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["scheme", "kind"]
        constraints = [models.UniqueConstraint(fields=["scheme", "kind"], name="component_unique_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.weight}"

    def clean(self) -> None:
        if self.weight < 0:
            raise ValidationError({"weight": _("Points cannot be negative.")})
        expected = DEFAULT_PARAMS.get(self.kind, {})
        unknown = set(self.params) - set(expected)
        if unknown:
            raise ValidationError(
                {"params": _("Unknown parameters: %(names)s") % {"names": ", ".join(sorted(unknown))}}
            )
        for name, value in self.params.items():
            if not isinstance(value, int | float) or value < 0:
                raise ValidationError({"params": _("%(name)s must be a number ≥ 0.") % {"name": name}})

    def param(self, name: str) -> float:
        return float(self.params.get(name, DEFAULT_PARAMS[self.kind][name]))


class Adjustment(models.Model):
    """A bonus (e.g. an honour), a penalty (negative list) or a veto entered by the office for one unit."""

    class Kind(models.TextChoices):
        BONUS = "bonus", _("Bonus")
        PENALTY = "penalty", _("Penalty")
        VETO_ZERO = "veto_zero", _("Veto: score is zero")
        VETO_CAP = "veto_cap", _("Veto: score capped")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("Bonus or penalty points; for a capped veto, the highest score allowed."),
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bonus or penalty")
        verbose_name_plural = _("bonuses and penalties")
        ordering = ["scheme", "unit__path", "created_at"]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.points}"

    def clean(self) -> None:
        if self.points < 0:
            raise ValidationError(
                {"points": _("Enter points as a positive number; the kind says which way they go.")}
            )


class Publication(models.Model):
    """A frozen score sheet. Re-publishing makes a new version that lists what changed and why."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveIntegerField()
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    sheet = models.JSONField()
    changes = models.JSONField(default=list, blank=True)
    published_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    is_public = models.BooleanField(_("shown on the public page"), default=False)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["scheme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "version"], name="publication_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} v{self.version}"
