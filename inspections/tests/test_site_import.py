"""Sites from Excel: the documented template, the grid found from the location, nothing half-imported."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.excel import active_sheet, open_workbook
from core.geo import wgs84_to_gcj02
from core.tests.sheets import assert_forwardable
from inspections.imports import SITES_SHEET, import_sites
from inspections.models import Site

HEADER = ["点位名称", "点位类型", "地址", "经度", "纬度", "坐标系", "包保单位"]


def workbook(*rows) -> io.BytesIO:
    book = Workbook()
    sheet = active_sheet(book)
    sheet.title = SITES_SHEET
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def test_it_imports_sites_and_finds_grid_and_town(county):
    gcj_lon, gcj_lat = wgs84_to_gcj02(117.015, 35.505)  # a point picked on a 高德 map, in town B
    data = workbook(
        ["城关农贸市场", "17", "人民路1号", 117.005, 35.505, "", "新华社区"],
        ["王庄背街小巷", "背街小巷", "", gcj_lon, gcj_lat, "GCJ-02", county.community_b.name],
    )
    report = import_sites(county.office_admin, open_workbook(data))
    assert report.ok, report.problems
    market, lane = Site.objects.order_by("pk")
    assert (market.grid, market.town, market.keeper) == (county.grid_a, county.town_a, county.community_a)
    assert market.site_type.code == "17"
    assert (lane.grid, lane.town, lane.site_type.code) == (county.grid_b, county.town_b, "10")
    assert abs(lane.lon - 117.015) < 1e-5 and abs(lane.lat - 35.505) < 1e-5


def test_a_bad_row_keeps_the_whole_file_out_and_names_each_problem(county):
    data = workbook(
        ["城关农贸市场", "17", "", 117.005, 35.505, "", "新华社区"],
        ["无名", "99", "", "东经117", 35.5, "", "不存在的单位"],
        ["城关农贸市场", "17", "", 117.005, 35.505, "", "新华社区"],  # the same name twice in one town
    )
    report = import_sites(county.office_admin, open_workbook(data))
    assert not report.ok and not Site.objects.exists()
    text = [str(p) for p in report.problems]
    assert any("row 3" in t and "点位类型" in t for t in text)
    assert any("row 3" in t and "经度" in t for t in text)
    assert any("row 4" in t for t in text)


def test_only_the_office_imports(county, login):
    with pytest.raises(PermissionDenied):
        import_sites(
            county.handler_a, open_workbook(workbook(["x", "17", "", 117.005, 35.505, "", "新华社区"]))
        )
    upload = workbook(["x", "17", "", 117.005, 35.505, "", "新华社区"])
    upload.name = "sites.xlsx"
    assert (
        login(county.handler_a).post(reverse("inspections:site_import"), {"file": upload}).status_code == 403
    )
    assert not Site.objects.exists()


def test_the_page_imports_and_the_template_reads_back(county, login):
    client = login(county.office_admin)
    template = load_workbook(io.BytesIO(client.get(reverse("inspections:site_import_template")).content))
    assert [c.value for c in template[SITES_SHEET][1]][:2] == ["点位名称 *", "点位类型 *"]
    assert "说明" in template.sheetnames
    assert_forwardable(template[SITES_SHEET], autofilter=False)
    formulas = [v.formula1 for v in template[SITES_SHEET].data_validations.dataValidation]
    assert '"WGS-84,GCJ-02"' in formulas and len(formulas) == 2
    upload = workbook(["城关农贸市场", "17", "", 117.005, 35.505, "WGS-84", "新华社区"])
    upload.name = "sites.xlsx"
    response = client.post(reverse("inspections:site_import"), {"file": upload})
    assert response.status_code == 302 and Site.objects.get().town == county.town_a
