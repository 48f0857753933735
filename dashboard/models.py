"""Named screens of the 大屏 (one for the 指挥部, one per town...): which panels, in which order, how fast they
rotate; their history; and the signed, revocable display links a lobby TV shows one screen with."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import Event, action_field
from org.models import Unit, UnitKind


class Panel(models.TextChoices):
    FIGURES = "figures", _("Key figures")
    MAP = "map", _("Map of open cases")
    RANKING = "ranking", _("Town ranking")
    OVERDUE = "overdue", _("Overdue by town")
    CATEGORIES = "categories", _("Open cases by category")
    SURVEYS = "surveys", _("Survey rates by town")
    TREND = "trend", _("Trend of published scores")
    TICKER = "ticker", _("Latest reports and closures")


def every_panel() -> list[str]:
    return list(Panel.values)


class Screen(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    # Panel keys in display order; the figures and the ticker are strips, the map takes the middle, the charts
    # fill the four side slots and rotate through them when there are more than four.
    panels = models.JSONField(_("panels"), default=every_panel)
    rotation_seconds = models.PositiveSmallIntegerField(
        _("seconds per rotation"), default=20, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    # A town's screen: its figures, cases and map; the town charts highlight it.
    town = models.ForeignKey(
        Unit,
        verbose_name=_("town"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": UnitKind.TOWN},
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("screen")
        verbose_name_plural = _("screens")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            not isinstance(self.panels, list)
            or not self.panels
            or len(set(self.panels)) != len(self.panels)
            or any(key not in Panel.values for key in self.panels)
        ):
            raise ValidationError({"panels": _("Choose panels from the list, each once.")})

    def chosen(self) -> list[str]:
        """The screen's panels that exist, in its order (a key dropped from the code is ignored)."""
        return [key for key in self.panels if key in Panel.values]


class ScreenEvent(Event):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        LINK = "link", _("Display link made")
        REVOKE = "revoke", _("Display link revoked")

    screen = models.ForeignKey(Screen, on_delete=models.CASCADE, related_name="events")
    action = action_field(Action.choices, _("action"))

    class Meta(Event.Meta):
        verbose_name = _("screen event")


def new_key() -> str:
    return secrets.token_urlsafe(24)


class DisplayLink(models.Model):
    """A lobby TV's way in: its URL carries this row's key signed with the site's secret; it reads only its screen,
    and stops working the moment the office revokes it."""

    screen = models.ForeignKey(Screen, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("where it is shown"), max_length=60)
    key = models.CharField(max_length=40, unique=True, default=new_key, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("display link")

    def __str__(self) -> str:
        return self.label

    def is_live(self) -> bool:
        return self.revoked_at is None
