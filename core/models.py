"""Shared data: the office's corrections to the working calendar, and the periods every score and request is for."""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """One date the office declares worked or free, overriding the holiday package (e.g. next year's notice)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'+' if self.is_workday else '-'}"


class Period(models.Model):
    class Kind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(
        _("number"), default=1, help_text=_("Month 1–12 or quarter 1–4.")
    )

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-year", "kind", "-number"]
        constraints = [models.UniqueConstraint(fields=["kind", "year", "number"], name="period_unique")]

    def __str__(self) -> str:
        if self.kind == self.Kind.MONTH:
            return _("%(year)d-%(n)02d") % {"year": self.year, "n": self.number}
        if self.kind == self.Kind.QUARTER:
            return _("%(year)d Q%(n)d") % {"year": self.year, "n": self.number}
        return str(self.year)

    def clean(self) -> None:
        limits: dict[str, int] = {self.Kind.MONTH: 12, self.Kind.QUARTER: 4, self.Kind.YEAR: 1}
        limit = limits.get(self.kind, 1)
        if not 1 <= self.number <= limit:
            raise ValidationError({"number": _("Must be between 1 and %(n)d.") % {"n": limit}})

    @property
    def starts_on(self) -> date:
        months: dict[str, int] = {self.Kind.MONTH: self.number, self.Kind.QUARTER: 3 * self.number - 2}
        month = months.get(self.kind, 1)
        return date(self.year, month, 1)

    @property
    def ends_on(self) -> date:
        months: dict[str, int] = {self.Kind.MONTH: self.number, self.Kind.QUARTER: 3 * self.number}
        month = months.get(self.kind, 12)
        return date(self.year, month, calendar.monthrange(self.year, month)[1])
