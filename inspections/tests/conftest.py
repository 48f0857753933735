"""Fixtures of the inspections app: a small edition with a market checklist, sites in towns A and B, a round."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from framework.models import Edition, EditionLevel, MethodKind, RuleKind, SiteType
from framework.tree import EditionBuilder
from inspections.actions import create_round, save_site
from inspections.models import Round, RoundKind, Site

IN_GRID_A = (117.005, 35.505)
IN_GRID_B = (117.015, 35.505)
TODAY = dt.date(2026, 6, 10)


def photo(name: str = "photo.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def edition(db) -> Edition:
    """Markets: three lines worth 1, 0.5 and 2 points (3.5 at stake)."""
    edition = Edition.objects.create(name="测试版", level=EditionLevel.LOCAL, year=2026, active=True)
    builder = EditionBuilder(edition)
    node = builder.node([("Ⅰ-1", "公共环境"), ("Ⅱ-1", "市容市貌"), ("Ⅲ-1", "环境卫生")])
    clean, _ = builder.criterion(
        node, "农贸市场干净整洁，无乱堆乱放。", code="Ⅲ-1", points=Decimal(5), rule_kind=RuleKind.DEDUCTION
    )
    builder.requirement(
        clean,
        kind=MethodKind.FIELD,
        text="农贸市场：地面干净；摊位整齐；无乱堆乱放。",
        site_label="农贸市场",
        site_types=[SiteType.objects.get(code="17")],
        check_items=[("地面干净", Decimal(1)), ("摊位整齐", Decimal("0.5")), ("无乱堆乱放", Decimal(2))],
    )
    return edition


@pytest.fixture
def market_type(db) -> SiteType:
    return SiteType.objects.get(code="17")


@pytest.fixture
def make_site(county, market_type):
    def _make(name: str, at=IN_GRID_A, keeper=None, site_type=None) -> Site:
        lon, lat = at
        site = Site(
            name=name,
            site_type=site_type or market_type,
            address="人民路1号",
            lon=lon,
            lat=lat,
            keeper=keeper or county.community_a,
        )
        return save_site(county.office_admin, site)

    return _make


@pytest.fixture
def market_a(make_site) -> Site:
    return make_site("城关农贸市场")


@pytest.fixture
def market_b(make_site, county) -> Site:
    return make_site("柳河农贸市场", at=IN_GRID_B, keeper=county.community_b)


@pytest.fixture
def open_round(county, edition, market_a, market_b, market_type):
    def _make(kind: str = RoundKind.OPEN) -> Round:
        return create_round(
            county.office_admin,
            name="六月督查",
            kind=kind,
            edition=edition,
            starts_on=TODAY - dt.timedelta(days=5),
            ends_on=TODAY + dt.timedelta(days=5),
            site_types=[market_type],
            seed=7,
            inspectors=[county.inspector],
        )

    return _make
