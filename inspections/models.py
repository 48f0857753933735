"""点位 (sites), inspection rounds, the visits inspectors make to sites and the line-by-line findings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from addresses.models import Doorplate
from core.tallies import Counts, Key, add_to_tally, merge_moves, month_of
from framework.models import CheckItem, Edition, SiteType
from org.models import Grid, Unit

# An inspector's position further than this from the site is flagged (not refused): GPS indoors drifts.
FAR_METRES = 500


class Site(models.Model):
    """点位: a place inspected against the checklist of its type, kept by a unit (包保单位)."""

    last_score: float | None  # not a column: set by inspections.queries.with_last_score
    name = models.CharField(_("name"), max_length=200)
    site_type = models.ForeignKey(SiteType, verbose_name=_("site type"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # The standard address (标准地址) the site stands at; `address` keeps its text (and is all a site without one has).
    doorplate = models.ForeignKey(
        Doorplate,
        verbose_name=_("standard address"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sites",
    )
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The town the site lies in: the unit whose people see it; found from the grid, else the keeper's town.
    town = models.ForeignKey(Unit, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+")
    keeper = models.ForeignKey(
        Unit, verbose_name=_("keeper unit"), on_delete=models.PROTECT, related_name="kept_sites"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["town__path", "site_type__sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="site_unique_name_in_town")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Write the site and, when it moved to another town or keeper, move its counted inspections in the kept
        period facts (VisitTally, keyed by the site's town and keeper) in the same transaction."""
        with transaction.atomic(savepoint=False):
            before = (
                None
                if self._state.adding
                else Site.objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("town_id", "keeper_id")
                .first()
            )
            super().save(*args, **kwargs)
            if before is not None and before != (self.town_id, self.keeper_id):
                move_site_visits(self.pk, before, (self.town_id, self.keeper_id))


class RoundKind(models.TextChoices):
    OPEN = "open", _("Open inspection (明查)")
    SECRET = "secret", _("Secret visit (暗访)")
    REHEARSAL = "rehearsal", _("Mock evaluation (模拟测评)")
    CROSS = "cross", _("Cross inspection (交叉检查)")
    THIRD_PARTY = "third_party", _("Third-party evaluation (第三方测评)")


class Round(models.Model):
    """One inspection round: which sites (scope and sampling), against which edition, in which dates, by whom."""

    HIDDEN_KINDS: ClassVar[set[str]] = {RoundKind.SECRET}

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices)
    edition = models.ForeignKey(Edition, verbose_name=_("framework edition"), on_delete=models.PROTECT)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    site_types = models.ManyToManyField(SiteType, verbose_name=_("site types"), blank=True, related_name="+")
    towns = models.ManyToManyField(Unit, verbose_name=_("towns"), blank=True, related_name="+")
    per_type_per_town = models.PositiveIntegerField(
        _("sites per type per town"), default=0, help_text=_("0: every site in scope.")
    )
    seed = models.PositiveIntegerField(_("sampling seed"), default=0)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on

    def is_hidden_kind(self) -> bool:
        return self.kind in self.HIDDEN_KINDS

    def is_published(self) -> bool:
        return self.published_at is not None

    def results_visible_to_units(self) -> bool:
        """暗访 results stay with the office until the round is published; other kinds are seen at once."""
        return not self.is_hidden_kind() or self.is_published()


class Visit(models.Model):
    """An inspector's inspection of one site in one round; submitted once, then locked."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To inspect")
        SUBMITTED = "submitted", _("Submitted")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="visits")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="visits")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The phone's id for the submission: a re-send of the same one (after a lost reply) is recognised, not refused.
    client_id = models.CharField(max_length=40, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the site (m)"), null=True, blank=True)
    far_away = models.BooleanField(_("far from the site"), default=False)
    points_at_stake = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    points_kept = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    lines_checked = models.PositiveIntegerField(default=0)
    lines_passed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["site__town__path", "site__name"]
        constraints = [models.UniqueConstraint(fields=["round", "site"], name="visit_unique_site_in_round")]

    def __str__(self) -> str:
        return f"{self.round} · {self.site}"

    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def score_rate(self) -> float | None:
        """得分率: points kept ÷ points at stake."""
        return float(self.points_kept / self.points_at_stake) if self.points_at_stake else None

    def pass_rate(self) -> float | None:
        """及格率: lines passed ÷ lines checked."""
        return self.lines_passed / self.lines_checked if self.lines_checked else None


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class Finding(models.Model):
    """One checklist line's result; a failed line carries the case it opened."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    check_item = models.ForeignKey(CheckItem, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("result"), max_length=10, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(0))
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "check_item"], name="finding_unique_line_in_visit")
        ]

    def __str__(self) -> str:
        return f"{self.visit} · {self.check_item}: {self.get_verdict_display()}"

    def is_failed(self) -> bool:
        return self.verdict == Verdict.FAIL


class LineCategory(models.Model):
    """The office's choice of problem category for a check line's cases (else a default from the line's text)."""

    check_item = models.OneToOneField(
        CheckItem, verbose_name=_("check item"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "cases.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("check line category")
        verbose_name_plural = _("check line categories")

    def __str__(self) -> str:
        return f"{self.check_item} → {self.category}"


class VisitTally(models.Model):
    """The period facts of the inspections: how many counted inspections (submitted, with points at stake; 暗访 only
    once their round is published) and the sum of their 得分率 per site's town, site's keeper and month of
    submission, as the field component and the 大屏's ranking read them (inspections.queries.period_visit_sums). At
    1M cases the bench's quarter holds 25.7k of 100k inspections (~60 ms to group); its tally, 79 rows.

    The sum is kept in whole units of 10⁻¹² (RATE_PLACES): a visit's 得分率 rounded to 12 places, exactly (integers
    add exactly on every database). Kept by the writes that change what counts: `submit_visit`, `publish_round`
    (a 暗访's inspections count from then), `Site.save` (a site moved to another town or keeper takes its
    inspections along); bulk loads call `inspections.tally.rebuild_visit_tally()`, as the nightly repair does."""

    town_key = models.BigIntegerField()  # org.Unit id of the site's town
    keeper_key = models.BigIntegerField()  # org.Unit id of the site's keeper
    month = models.DateField()  # first day of the (local) month of submission
    visits = models.IntegerField(default=0)
    rate_units = models.BigIntegerField(default=0)  # Σ 得分率 × 10¹²

    KEYS: ClassVar[tuple[str, ...]] = ("town_key", "keeper_key", "month")
    COUNTERS: ClassVar[tuple[str, ...]] = ("visits", "rate_units")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["town_key", "keeper_key", "month"], name="visittally_key")
        ]

    def __str__(self) -> str:
        return f"{self.town_key}/{self.keeper_key}/{self.month}: {self.visits}"


RATE_PLACES = 12


def rate_units(points_kept: Decimal, points_at_stake: Decimal) -> int:
    """A visit's 得分率 (points kept ÷ points at stake) in units of 10⁻¹², rounded half up, computed exactly from the
    points (two decimals each) in integers."""
    kept, stake = int(points_kept * 100), int(points_at_stake * 100)
    scale = 10**RATE_PLACES
    return (2 * kept * scale + stake) // (2 * stake)


def counted_visits() -> models.QuerySet[Visit]:
    """The visits that count for scores: submitted with points at stake; 暗访 rounds only once published."""
    return Visit.objects.filter(status=Visit.Status.SUBMITTED, points_at_stake__gt=0).exclude(
        round__kind__in=Round.HIDDEN_KINDS, round__published_at__isnull=True
    )


def visit_rows(visits: models.QuerySet[Visit]) -> dict[Key, Counts]:
    """(town, keeper, month) → (inspections, Σ rate units) of these visits, counted in Python from their points."""
    totals: dict[Key, Counts] = {}
    rows = visits.values_list("site__town", "site__keeper", "submitted_at", "points_kept", "points_at_stake")
    for town, keeper, at, kept, stake in rows.iterator(chunk_size=5000):
        key = (town, keeper, month_of(at))
        n, units = totals.get(key, (0, 0))
        totals[key] = (n + 1, units + rate_units(kept, stake))
    return totals


def move_site_visits(site: int, before: tuple[int, int], after: tuple[int, int]) -> None:
    """A site's counted inspections from its old (town, keeper) to its new one, month by month."""
    rows = visit_rows(counted_visits().filter(site_id=site))
    moves = merge_moves(
        [((*before, month), counts, -1) for (_t, _k, month), counts in rows.items()],
        [((*after, month), counts, 1) for (_t, _k, month), counts in rows.items()],
    )
    add_to_tally(VisitTally, VisitTally.KEYS, VisitTally.COUNTERS, moves)
