"""The standard address registry (标准地址库): roads, doorplates, and named places (小区, buildings, schools …).

Every row has a location in WGS-84 (CGCS2000 is taken as WGS-84: they differ by centimetres, below any map's
precision) and the grid and town found from it. Roads and area places also keep a GeoJSON geometry and its box,
so the base map asks for what lies in view with indexed range queries (no GIS database needed).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from shapely.geometry import shape

from addresses import pinyin
from core.geo import Bounds, validate_lon_lat
from org.models import Grid, Unit

LEADING_NUMBER = re.compile(r"^(\d+)")


class RoadKind(models.TextChoices):
    """The classes of the base map: which zoom shows a road, and how wide it is drawn."""

    HIGHWAY = "highway", _("Highway (公路)")
    MAIN = "main", _("Main road (主干路)")
    SECONDARY = "secondary", _("Secondary road (次干路)")
    BRANCH = "branch", _("Branch road (支路)")
    LANE = "lane", _("Lane (街巷)")


class PlaceKind(models.TextChoices):
    COMPOUND = "compound", _("Residential compound (小区)")
    BUILDING = "building", _("Building (楼栋)")
    MARKET = "market", _("Market (市场)")
    SCHOOL = "school", _("School (学校)")
    HOSPITAL = "hospital", _("Hospital (医院)")
    PARK = "park", _("Park (公园)")
    SQUARE = "square", _("Square (广场)")
    GOVERNMENT = "government", _("Public office (机关)")
    STATION = "station", _("Station (车站)")
    WATER = "water", _("Water (水域)")
    OTHER = "other", _("Other place (其他)")


class Located(models.Model):
    """A point (its representative point, for areas and lines) with the grid and town it lies in."""

    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    town = models.ForeignKey(
        Unit, verbose_name=_("town"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        validate_lon_lat(self.lon, self.lat)


class Shaped(Located):
    """A named row with an optional line or area geometry, its box, and stored pinyin keys for search."""

    name = models.CharField(_("name"), max_length=100)
    geometry = models.JSONField(_("geometry (GeoJSON)"), null=True, blank=True)
    min_lon = models.FloatField(editable=False, default=0)
    min_lat = models.FloatField(editable=False, default=0)
    max_lon = models.FloatField(editable=False, default=0)
    max_lat = models.FloatField(editable=False, default=0)
    pinyin = models.CharField(max_length=400, editable=False, default="")
    search_keys = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def bounds(self) -> Bounds:
        return Bounds(self.min_lon, self.min_lat, self.max_lon, self.max_lat)

    def fill_derived(self) -> None:
        """The box (the point's, without a geometry) and the pinyin keys; called by save() and bulk loaders."""
        if self.geometry:
            self.min_lon, self.min_lat, self.max_lon, self.max_lat = shape(self.geometry).bounds
        else:
            self.min_lon = self.max_lon = self.lon
            self.min_lat = self.max_lat = self.lat
        self.pinyin = pinyin.full_pinyin(self.name)[:400]
        self.search_keys = pinyin.search_keys(self.name)

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)


class Road(Shaped):
    """道路: a named street or road, its centre line (LineString or MultiLineString)."""

    kind = models.CharField(_("road class"), max_length=20, choices=RoadKind.choices, default=RoadKind.BRANCH)

    class Meta:
        verbose_name = _("road")
        verbose_name_plural = _("roads")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="road_unique_name")]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="road_bbox")]

    def clean(self) -> None:
        super().clean()
        if self.geometry and self.geometry.get("type") not in {"LineString", "MultiLineString"}:
            raise ValidationError({"geometry": _("A road is a GeoJSON LineString or MultiLineString.")})


class Doorplate(Located):
    """门牌: a number on a road (人民路 18 号), at the door's point."""

    road = models.ForeignKey(
        Road, verbose_name=_("road"), on_delete=models.PROTECT, related_name="doorplates"
    )
    number = models.CharField(_("number"), max_length=20, help_text=_("As on the plate: 18, 18-1, 18甲."))
    # The number's leading digits, to list a road's doorplates in order and find "18" among them with an index.
    number_value = models.PositiveIntegerField(editable=False, default=0)
    building = models.CharField(_("building"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("doorplate")
        verbose_name_plural = _("doorplates")
        ordering = ["road__name", "number_value", "number"]
        constraints = [models.UniqueConstraint(fields=["road", "number"], name="doorplate_unique_number")]
        indexes = [
            models.Index(fields=["lat", "lon"], name="doorplate_point"),
            models.Index(fields=["road", "number_value"], name="doorplate_road_number"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.road.name}{self.number}号"

    def fill_derived(self) -> None:
        found = LEADING_NUMBER.match(self.number)
        self.number_value = int(found.group(1)) if found else 0

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)


class Place(Shaped):
    """A named place: a 小区 or building, a school, a market, a park, a body of water …"""

    name = models.CharField(_("name"), max_length=100, db_index=True)  # a name's start is searched by btree

    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices, default=PlaceKind.OTHER)
    doorplate = models.ForeignKey(
        Doorplate,
        verbose_name=_("doorplate"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="places",
    )

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["lat", "lon"], name="place_point"),
            models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="place_bbox"),
        ]

    def clean(self) -> None:
        super().clean()
        if self.geometry and self.geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            raise ValidationError({"geometry": _("A place's outline is a GeoJSON Polygon or MultiPolygon.")})
