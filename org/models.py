"""The organisation: the unit tree, the people who work in it and the grid cells (网格) that cover the county."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.geo import Bounds, parse_boundary
from core.history import Event, action_field

phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$",
    _("Enter a mobile number (11 digits) or a landline with area code, e.g. 0531-88886666."),
)
division_code_validator = RegexValidator(r"^\d{12}$", _("A division code (区划代码) has exactly 12 digits."))
grid_code_validator = RegexValidator(r"^\d{14}$", _("A grid code has exactly 14 digits."))


class UnitKind(models.TextChoices):
    OFFICE = "office", _("Campaign office")
    DEPARTMENT = "department", _("Department")
    TOWN = "town", _("Town / street")
    COMMUNITY = "community", _("Community / village")
    COMMAND_POST = "command_post", _("Command post")
    ENTERPRISE = "enterprise", _("Enterprise / property company")


class Unit(models.Model):
    """Any organisation in the campaign; `path` holds the ids from the root so a subtree is one prefix query."""

    PATH_STEP = 8  # digits per level in `path`
    indent: int  # not a column: the depth below the top unit shown, set by org.queries.unit_tree

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    division_code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        validators=[division_code_validator],
        help_text=_("12-digit administrative division code (区划代码), if the unit has one."),
    )
    head_name = models.CharField(_("head"), max_length=50, blank=True)
    head_phone = models.CharField(_("head's phone"), max_length=20, blank=True, validators=[phone_validator])
    liaison_name = models.CharField(_("liaison"), max_length=50, blank=True)
    liaison_phone = models.CharField(
        _("liaison's phone"), max_length=20, blank=True, validators=[phone_validator]
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["division_code"],
                condition=~models.Q(division_code=""),
                name="unit_unique_division_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(len(self.path) // (self.PATH_STEP + 1) - 1, 0)

    def is_within(self, other: Unit) -> bool:
        """True when this unit is `other` or below it."""
        return self.path.startswith(other.path)

    def subtree(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(path__startswith=self.path)

    def chain_ids(self) -> list[int]:
        """This unit's id, then each unit above it, nearest first (read from the path: no query)."""
        return [int(step) for step in reversed(self.path.strip("/").split("/"))]

    def ancestors(self) -> models.QuerySet[Unit]:
        step = self.PATH_STEP + 1
        prefixes = [self.path[: i + step] for i in range(0, len(self.path) - step, step)]
        return Unit.objects.filter(path__in=prefixes)

    def clean(self) -> None:
        if self.pk and self.parent_id:
            parent = Unit.objects.filter(pk=self.parent_id).only("path").first()
            if parent and parent.path.startswith(self.path):
                raise ValidationError(
                    {"parent": _("A unit cannot be placed under itself or one of its own units.")}
                )

    def _own_path(self) -> str:
        prefix = self.parent.path if self.parent is not None else ""
        return f"{prefix}{self.pk:0{self.PATH_STEP}d}/"

    def save(self, *args, **kwargs) -> None:
        # The path is derived from the parent chain; keep it (and the descendants' paths) right on every save.
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)
                self.path = self._own_path()
                Unit.objects.filter(pk=self.pk).update(path=self.path)
                return
            old_path = self.path
            self.path = self._own_path()
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                for child in (
                    Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).order_by("path")
                ):
                    child.path = child.path.replace(old_path, self.path, 1)
                    Unit.objects.filter(pk=child.pk).update(path=child.path)


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("Office admin")
    INSPECTOR = "inspector", _("Inspector")
    UNIT_HANDLER = "unit_handler", _("Unit handler")
    UNIT_HEAD = "unit_head", _("Unit head")
    LEADER = "leader", _("Leader")
    SURVEYOR = "surveyor", _("Surveyor")


class Person(AbstractUser):
    """A person who signs in. The role decides what they may do; the unit decides what they may see."""

    ROLES_SEEING_EVERYTHING: ClassVar[set[str]] = {Role.OFFICE_ADMIN, Role.INSPECTOR, Role.LEADER}
    OFFICE_ROLES: ClassVar[set[str]] = {Role.OFFICE_ADMIN, Role.INSPECTOR}
    UNIT_ROLES: ClassVar[set[str]] = {Role.UNIT_HANDLER, Role.UNIT_HEAD}

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.UNIT_HANDLER)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    must_change_password = models.BooleanField(
        _("must change password"),
        default=True,
        help_text=_("Created accounts must choose their own password at first login."),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["unit__path", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if not self.is_superuser and self.unit_id is None:
            raise ValidationError({"unit": _("Every account belongs to a unit.")})

    # The role predicates: what the role allows. A request's rights are asked through org.access, whose
    # predicates of the same names also answer False for a visitor and for a disabled account.

    def sees_everything(self) -> bool:
        return self.is_superuser or self.role in self.ROLES_SEEING_EVERYTHING

    def is_office_staff(self) -> bool:
        return self.is_superuser or self.role in self.OFFICE_ROLES

    def is_office_admin(self) -> bool:
        return self.is_superuser or self.role == Role.OFFICE_ADMIN

    def is_read_only(self) -> bool:
        return self.role == Role.LEADER and not self.is_superuser

    def is_unit_staff(self) -> bool:
        """A unit's handler or head: they act for their own unit (report back, submit material, report a task)."""
        return self.role in self.UNIT_ROLES

    def is_surveyor(self) -> bool:
        return self.role == Role.SURVEYOR


class Grid(models.Model):
    """A unit grid cell (单元网格): 14-digit code, a polygon in WGS-84 and the unit that owns it."""

    code = models.CharField(_("grid code"), max_length=14, unique=True, validators=[grid_code_validator])
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="grids"
    )
    boundary = models.JSONField(_("boundary (GeoJSON)"))
    # Bounding box of the boundary, kept in columns so a point lookup is an indexed range query.
    min_lon = models.FloatField(editable=False, default=0)
    min_lat = models.FloatField(editable=False, default=0)
    max_lon = models.FloatField(editable=False, default=0)
    max_lat = models.FloatField(editable=False, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="grid_bbox")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def bounds(self) -> Bounds:
        return Bounds(self.min_lon, self.min_lat, self.max_lon, self.max_lat)

    def clean(self) -> None:
        try:
            parse_boundary(self.boundary)
        except ValidationError as exc:
            raise ValidationError({"boundary": exc.messages}) from exc

    def fill_bounds(self) -> None:
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = parse_boundary(self.boundary).bounds

    def save(self, *args, **kwargs) -> None:
        self.fill_bounds()
        super().save(*args, **kwargs)


# --- API tokens -----------------------------------------------------------------------------------------


class ApiScope(models.TextChoices):
    """What a token may do through the JSON API; within that, its person's own rights still decide."""

    READ = "cases:read", _("Read cases and reference data")
    FILE = "cases:file", _("File cases")
    STEPS = "cases:steps", _("Take steps on cases")


class ApiToken(models.Model):
    """A bearer token for an integration (a 12345 platform, a mobile app) acting as one person.

    Only the SHA-256 of the token is kept: it is 32 random bytes, so a plain digest cannot be guessed back, and a
    lookup by digest costs one index probe. The token itself is shown once, when issued.
    """

    PREFIX = "cw_"

    person = models.ForeignKey(
        Person, verbose_name=_("acts as"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(_("client"), max_length=100)
    prefix = models.CharField(_("token starts with"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_from = models.GenericIPAddressField(_("last used from"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_token() -> str:
        return ApiToken.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def digest(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def is_usable(self) -> bool:
        return not self.is_revoked() and not self.is_expired() and self.person.is_active

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [str(ApiScope(scope).label) for scope in self.scopes if scope in ApiScope.values]


class ApiTokenEvent(Event):
    """The history of a token: issued, each use (method and path in `data`), each refusal, revoked."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        USED = "used", _("Used")
        REFUSED = "refused", _("Refused (scope)")
        REVOKED = "revoked", _("Revoked")

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="events")
    action = action_field(Action.choices, _("action"))
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("API token event")
        verbose_name_plural = _("API token events")
        indexes = [models.Index(fields=["token", "at"], name="apitokenevent_token_at")]
