"""Import from Excel (template, all or nothing, problems by sheet/row/column, GCJ-02 converted) and from GIS
files (GeoJSON, a zipped Shapefile)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import shapefile
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from addresses.imports import import_gis, import_registry
from addresses.models import Doorplate, Place, PlaceKind, Road
from core.excel import active_sheet
from core.geo import wgs84_to_gcj02


def workbook(sheets: dict[str, list[list]]) -> Workbook:
    book = Workbook()
    book.remove(active_sheet(book))
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)


ROADS = ["道路名称", "等级", "走向坐标", "坐标系"]
PLATES = ["道路名称", "门牌号", "经度", "纬度", "建筑名称", "坐标系"]
PLACES = ["名称", "类型", "经度", "纬度", "门牌", "坐标系"]


def good_file() -> Workbook:
    return workbook(
        {
            "道路": [ROADS, ["人民路", "主干路", "117.0005,35.505; 117.0195,35.505", ""]],
            "门牌": [
                PLATES,
                ["人民路", "18", 117.005, 35.5053, "", ""],
                ["人民路", "26号", 117.014, 35.5053, "", ""],
            ],
            "地点": [PLACES, ["幸福小区", "小区", 117.0035, 35.507, "人民路18号", ""]],
        }
    )


def test_a_good_file_imports_every_sheet(county):
    report = import_registry(county.office_admin, good_file())
    assert report.ok, report.problems
    plate = Doorplate.objects.get(number="18")
    assert plate.grid == county.grid_a and plate.town == county.town_a
    assert Doorplate.objects.filter(number="26").get().town == county.town_b
    place = Place.objects.get()
    assert place.kind == PlaceKind.COMPOUND and place.doorplate == plate
    assert (Road.objects.get().geometry or {})["type"] == "LineString"


def test_any_bad_row_and_nothing_is_imported_each_problem_named(county):
    book = workbook(
        {
            "道路": [
                ROADS,
                ["人民路", "主干路", "117.0005,35.505; 117.0195,35.505", ""],
                ["建设路", "快速路", "117.008,35.50", ""],
            ],
            "门牌": [
                PLATES,
                ["人民路", "18", 117.005, 35.5053, "", ""],
                ["解放路", "3", 117.0, 35.5, "", ""],
                ["人民路", "20", "东经117", 35.5, "", "北京54"],
            ],
        }
    )
    report = import_registry(county.office_admin, book)
    assert not report.ok
    text = [str(problem) for problem in report.problems]
    assert any(t.startswith("sheet 道路, row 3, column B 等级") for t in text), text
    assert any(t.startswith("sheet 道路, row 3, column C 走向坐标") and "two points" in t for t in text), text
    assert any(t.startswith("sheet 门牌, row 3") and "解放路" in t for t in text), text
    assert any(t.startswith("sheet 门牌, row 4, column C 经度") for t in text), text
    assert any(t.startswith("sheet 门牌, row 4, column F 坐标系") for t in text), text
    assert not Road.objects.exists() and not Doorplate.objects.exists()


def test_gcj02_coordinates_are_stored_as_wgs84(county):
    gcj_lon, gcj_lat = wgs84_to_gcj02(117.005, 35.5053)
    assert abs(gcj_lon - 117.005) > 0.003  # the shift is hundreds of metres: a real test
    book = workbook(
        {
            "道路": [ROADS, ["人民路", "", "117.0005,35.505; 117.0195,35.505", "WGS84"]],
            "门牌": [PLATES, ["人民路", "18", gcj_lon, gcj_lat, "", "GCJ02"]],
        }
    )
    assert import_registry(county.office_admin, book).ok
    plate = Doorplate.objects.get()
    assert plate.lon == pytest.approx(117.005, abs=1e-6) and plate.lat == pytest.approx(35.5053, abs=1e-6)


def test_the_file_wide_system_applies_where_a_row_names_none(county):
    gcj_lon, gcj_lat = wgs84_to_gcj02(117.005, 35.5053)
    book = workbook(
        {
            "道路": [ROADS, ["人民路", "", "117.0005,35.505; 117.0195,35.505", "CGCS2000"]],
            "门牌": [PLATES, ["人民路", "18", gcj_lon, gcj_lat, "", ""]],
        }
    )
    assert import_registry(county.office_admin, book, "gcj02").ok
    road, plate = Road.objects.get(), Doorplate.objects.get()
    assert (road.geometry or {})["coordinates"][0] == [117.0005, 35.505]  # CGCS2000 is taken as it is
    assert plate.lon == pytest.approx(117.005, abs=1e-6)


def test_only_the_office_admin_imports(county):
    with pytest.raises(PermissionDenied):
        import_registry(county.inspector, good_file())


def feature_collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_geojson_roads_and_water(county):
    road = {
        "type": "Feature",
        "properties": {"名称": "人民路", "等级": "主干路"},
        "geometry": {"type": "LineString", "coordinates": [[117.0005, 35.505], [117.0195, 35.505]]},
    }
    report = import_gis(county.office_admin, "roads", "roads.geojson", feature_collection(road))
    assert report.ok, report.problems
    assert Road.objects.get().kind == "main"
    lake = {
        "type": "Feature",
        "properties": {"NAME": "月牙湖"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[117.015, 35.507], [117.017, 35.507], [117.017, 35.509], [117.015, 35.507]]],
        },
    }
    assert import_gis(county.office_admin, "water", "water.json", feature_collection(lake)).ok
    assert Place.objects.get().kind == PlaceKind.WATER


def test_a_nameless_feature_refuses_the_file(county):
    good = {
        "type": "Feature",
        "properties": {"name": "人民路"},
        "geometry": {"type": "LineString", "coordinates": [[117.0, 35.5], [117.01, 35.5]]},
    }
    nameless = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "LineString", "coordinates": [[117.0, 35.5], [117.01, 35.5]]},
    }
    report = import_gis(county.office_admin, "roads", "roads.geojson", feature_collection(good, nameless))
    assert [(p.row, p.column) for p in report.problems] == [(2, "name")]
    assert not Road.objects.exists()


def test_a_zipped_shapefile_of_points_and_areas(county):
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8") as writer:
        writer.field("名称", "C", size=40)
        writer.field("类型", "C", size=20)
        writer.poly(
            [[[117.002, 35.506], [117.002, 35.509], [117.005, 35.509], [117.005, 35.506], [117.002, 35.506]]]
        )
        writer.record("幸福小区", "小区")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, part in (("places.shp", shp), ("places.shx", shx), ("places.dbf", dbf)):
            zipped.writestr(name, part.getvalue())
        zipped.writestr("places.cpg", "UTF-8")
    report = import_gis(county.office_admin, "places", "places.zip", archive.getvalue())
    assert report.ok, report.problems
    place = Place.objects.get()
    assert (place.name, place.kind, place.grid) == ("幸福小区", PlaceKind.COMPOUND, county.grid_a)


def test_the_import_page_and_template(county, login):
    client = login(county.office_admin)
    template = client.get(reverse("addresses:import_template"))
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["道路", "门牌", "地点", "说明"]
    buffer = io.BytesIO(template.content)
    buffer.name = "template.xlsx"
    response = client.post(reverse("addresses:import"), {"file": buffer, "layer": "roads", "system": "wgs84"})
    assert response.status_code == 302
    assert Doorplate.objects.get().label == "人民路18号"
