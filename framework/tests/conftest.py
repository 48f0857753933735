"""Fixtures of the framework app: a small edition with one criterion of each method, and the shipped CSV."""

from __future__ import annotations

from decimal import Decimal

import pytest

from framework.actions import assign_task
from framework.csv_loader import shipped_csv_path
from framework.models import Edition, EditionLevel, MaterialType, MethodKind, RuleKind, SiteType
from framework.tree import EditionBuilder


@pytest.fixture
def shipped_csv():
    path = shipped_csv_path()
    if not path.exists():
        pytest.skip(f"the shipped data {path} is absent")
    return path


@pytest.fixture
def edition(db) -> Edition:
    edition = Edition.objects.create(name="测试版", level=EditionLevel.LOCAL, year=2026, active=True)
    builder = EditionBuilder(edition)
    node = builder.node([("Ⅰ-1", "公共环境"), ("Ⅱ-1", "市容市貌"), ("Ⅲ-1", "环境卫生")])
    market = SiteType.objects.get(code="17")
    street = SiteType.objects.get(code="09")
    clean, _ = builder.criterion(
        node, "农贸市场干净整洁，无乱堆乱放。", code="Ⅲ-1", points=Decimal(5), rule_kind=RuleKind.DEDUCTION
    )
    builder.requirement(
        clean,
        kind=MethodKind.FIELD,
        text="农贸市场：地面干净；摊位整齐。",
        site_label="农贸市场",
        site_types=[market],
        check_items=[("地面干净", Decimal(1)), ("摊位整齐", Decimal("0.5"))],
    )
    builder.requirement(
        clean,
        kind=MethodKind.FIELD,
        text="主次干道：无乱堆乱放。",
        site_label="主次干道",
        site_types=[street],
        check_items=[("无乱堆乱放", Decimal(2))],
    )
    other = builder.node([("Ⅰ-1", "公共环境"), ("Ⅱ-1", "市容市貌"), ("Ⅲ-2", "宣传教育")])
    survey, _ = builder.criterion(
        other,
        "群众对创建工作的支持率高。",
        code="Ⅲ-2",
        points=Decimal(3),
        rule_kind=RuleKind.GRADED,
        rule={"tiers": [["0.80", "1"], ["0.75", "0.5"]]},
    )
    builder.requirement(
        survey,
        kind=MethodKind.SURVEY,
        question="您是否支持创建文明城市？",
        target_rate=Decimal("0.8"),
        favourable_answers="支持、非常支持",
    )
    builder.requirement(
        survey,
        kind=MethodKind.MATERIAL,
        text="上报宣传工作报告。",
        material_types=[MaterialType.REPORT, MaterialType.PHOTO],
        word_limit=800,
        photo_limit=6,
    )
    builder.requirement(survey, kind=MethodKind.SIMULATION, text="工作时间拨打创建热线，应有人接听。")
    return edition


@pytest.fixture
def criterion(edition):
    return edition.criteria.get(code="Ⅲ-1")


@pytest.fixture
def task(county, criterion):
    from datetime import date

    return assign_task(
        county.office_admin,
        criterion=criterion,
        lead_unit=county.town_a,
        responsible_units=[county.department],
        deadline=date(2026, 12, 31),
        note="年底前完成",
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("台账.pdf", PDF, content_type="application/pdf")
