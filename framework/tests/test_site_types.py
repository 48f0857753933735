"""The 29 site types ship as defaults; a site type's checklist comes from the active edition."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings

from framework.models import Edition, SiteType
from framework.queries import checklist_for


def test_it_ships_the_29_site_types(db):
    assert SiteType.objects.count() == 29
    path = Path(settings.BASE_DIR).parent / "shared" / "data" / "site_types.csv"
    if path.exists():
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert list(SiteType.objects.values_list("code", "name")) == [(r["code"], r["name"]) for r in rows]


def test_it_derives_a_site_types_checklist_from_the_active_edition(edition):
    market = SiteType.objects.get(code="17")
    assert [(i.text, str(i.deduction)) for i in checklist_for(market)] == [
        ("地面干净", "1.00"),
        ("摊位整齐", "0.50"),
    ]
    assert [i.text for i in checklist_for(SiteType.objects.get(code="09"), edition)] == ["无乱堆乱放"]
    assert not checklist_for(SiteType.objects.get(code="29")).exists()


def test_it_has_no_checklist_without_an_active_edition(edition):
    Edition.objects.update(active=False)
    assert not checklist_for(SiteType.objects.get(code="17")).exists()
