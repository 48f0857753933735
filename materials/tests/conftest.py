"""Fixtures of materials: a small edition whose criteria ask for materials, the task breakdown naming the towns,
a period, and files of each kind."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.models import Period
from framework.actions import assign_task
from framework.models import Edition, EditionLevel, MaterialType, MethodKind, RuleKind
from framework.tree import EditionBuilder
from materials import actions

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def photo(name: str = "现场.jpg", color: str = "red") -> SimpleUploadedFile:
    return upload(name, jpeg(color), "image/jpeg")


def pdf(name: str = "方案.pdf") -> SimpleUploadedFile:
    return upload(name, PDF, "application/pdf")


@pytest.fixture
def edition(db) -> Edition:
    edition = Edition.objects.create(name="材料测试版", level=EditionLevel.LOCAL, year=2026, active=True)
    builder = EditionBuilder(edition)
    publicity = builder.node([("Ⅰ-1", "公共环境"), ("Ⅱ-1", "市容市貌"), ("Ⅲ-1", "公益广告")])
    ads, _ = builder.criterion(publicity, "公益广告占比不低于 20%。", code="1", points=Decimal(10))
    builder.requirement(
        ads,
        kind=MethodKind.MATERIAL,
        text="上报公益广告刊播统计和照片。",
        material_types=[MaterialType.REGULATION, MaterialType.PHOTO],
        photo_limit=12,
    )
    culture = builder.node([("Ⅰ-2", "公共服务"), ("Ⅱ-3", "公共文化"), ("Ⅲ-5", "文化活动")])
    report, _ = builder.criterion(
        culture,
        "文化活动常态开展。",
        code="2",
        points=Decimal(4),
        rule_kind=RuleKind.GRADED,
        rule={"tiers": [["0.80", "1"], ["0.75", "0.5"]]},
    )
    builder.requirement(
        report,
        kind=MethodKind.MATERIAL,
        text="上报文化活动情况说明。",
        material_types=[MaterialType.REPORT, MaterialType.TABLE],
        word_limit=20,
    )
    field_only, _ = builder.criterion(culture, "图书馆免费开放。", code="3", points=Decimal(2))
    builder.requirement(field_only, kind=MethodKind.SIMULATION, text="现场查看。")
    return edition


@pytest.fixture
def period(db) -> Period:
    today = timezone.localdate()
    return Period.objects.create(kind=Period.Kind.QUARTER, year=today.year, number=(today.month - 1) // 3 + 1)


@pytest.fixture
def ads(edition):
    return edition.criteria.get(code="1")


@pytest.fixture
def report_criterion(edition):
    return edition.criteria.get(code="2")


@pytest.fixture
def breakdown(county, ads, report_criterion):
    """The towns are responsible for both criteria, the department leads the first."""
    deadline = date(2030, 12, 31)
    assign_task(
        county.office_admin,
        criterion=ads,
        lead_unit=county.department,
        responsible_units=[county.town_a, county.town_b],
        deadline=deadline,
    )
    assign_task(county.office_admin, node=report_criterion.node, lead_unit=county.town_a, deadline=deadline)


@pytest.fixture
def deadline():
    return timezone.localdate() + timedelta(days=10)


@pytest.fixture
def issued(county, period, ads, report_criterion, breakdown, deadline):
    return actions.issue_requests(
        county.office_admin, period=period, criteria=[ads, report_criterion], deadline=deadline
    )


@pytest.fixture
def ads_a(issued, county, ads):
    return next(r for r in issued.created if r.unit == county.town_a and r.criterion == ads)


@pytest.fixture
def report_a(issued, county, report_criterion):
    return next(r for r in issued.created if r.unit == county.town_a and r.criterion == report_criterion)
