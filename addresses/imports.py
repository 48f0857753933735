"""Import the registry from Excel (道路, 门牌, 地点 sheets) or from GIS files (GeoJSON, a zipped Shapefile).

A file with any bad row is refused whole: nothing is saved and every problem is named by sheet (or feature),
row and column. Coordinates may be WGS-84, CGCS2000 or GCJ-02: the file's system is chosen on the form, and a
坐标系 column overrides it row by row.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import shapefile
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import shape

from addresses.access import can_edit_addresses
from addresses.geometry import (
    CoordinateSystem,
    convert_geometry,
    parse_line,
    parse_number,
    parse_system,
    to_wgs84,
)
from addresses.models import Doorplate, Place, PlaceKind, Road, RoadKind
from addresses.queries import forget_registry_copies, locate
from core.excel import (
    Column,
    ImportProblem,
    ImportReport,
    SheetRow,
    import_rows,
    open_workbook,
    read_sheet,
)
from org.access import require
from org.models import Person

ROADS_SHEET, PLATES_SHEET, PLACES_SHEET = "道路", "门牌", "地点"
MAX_GIS_BYTES = 30 * 1024 * 1024
MAX_FEATURES = 50000


def _choice(choices: Any) -> Callable[[str], str]:
    """A cell naming a choice by its code, its label, or the Chinese in the label's brackets ("小区")."""

    def parse(text: str) -> str:
        for value, label in choices.choices:
            if text in {value, str(label)} or f"（{text}）" in str(label) or f"({text})" in str(label):
                return value
        names = "、".join(str(label).split("(")[-1].rstrip(")") for _value, label in choices.choices)
        raise ValidationError(
            _("Unknown value “%(text)s”; use one of: %(names)s") % {"text": text, "names": names}
        )

    return parse


SYSTEM_HELP = "WGS84 / CGCS2000 / GCJ02（高德、腾讯地图上取的点）；留空则按导入页面选择的坐标系。"
ROAD_COLUMNS = [
    Column("name", "道路名称", required=True, help="标准名称，全县不重复，如 人民路。"),
    Column(
        "kind", "等级", help="公路 / 主干路 / 次干路 / 支路 / 街巷；留空为支路。", parse=_choice(RoadKind)
    ),
    Column(
        "line",
        "走向坐标",
        required=True,
        help="中心线各点：经度,纬度; 经度,纬度; …（至少两点）。",
        parse=parse_line,
    ),
    Column("system", "坐标系", help=SYSTEM_HELP, parse=parse_system),
]
PLATE_COLUMNS = [
    Column("road", "道路名称", required=True, help="本表或“道路”表或系统中已有的道路。"),
    Column("number", "门牌号", required=True, help="如 18、18-1、18甲（不写“号”）。"),
    Column("lon", "经度", required=True, parse=parse_number),
    Column("lat", "纬度", required=True, parse=parse_number),
    Column("building", "建筑名称", help="可空。"),
    Column("system", "坐标系", help=SYSTEM_HELP, parse=parse_system),
]
PLACE_COLUMNS = [
    Column("name", "名称", required=True, help="如 幸福小区、县人民医院。"),
    Column(
        "kind",
        "类型",
        required=True,
        help="小区 / 楼栋 / 市场 / 学校 / 医院 / 公园 / 广场 / 机关 / 车站 / 水域 / 其他。",
        parse=_choice(PlaceKind),
    ),
    Column("lon", "经度", required=True, parse=parse_number),
    Column("lat", "纬度", required=True, parse=parse_number),
    Column("doorplate", "门牌", help="道路名称加门牌号，如 人民路18号；可空。"),
    Column("system", "坐标系", help=SYSTEM_HELP, parse=parse_system),
]
TEMPLATE_SHEETS: list[tuple[str, list[Column], list[list[Any]]]] = [
    (ROADS_SHEET, ROAD_COLUMNS, [["人民路", "主干路", "117.0001,35.5002; 117.0199,35.5002", "WGS84"]]),
    (PLATES_SHEET, PLATE_COLUMNS, [["人民路", "18", 117.0051, 35.5004, "", "WGS84"]]),
    (PLACES_SHEET, PLACE_COLUMNS, [["幸福小区", "小区", 117.006, 35.5012, "人民路18号", "WGS84"]]),
]
TEMPLATE_NOTES = [
    "标准地址导入模板：道路、门牌、地点三张表，可只填其中几张；表头不要修改。",
    "有任何一行出错时整个文件都不导入，错误逐条列出（表、行、列）。改正后重新上传即可。",
    "坐标：经度在前、纬度在后，单位为度。WGS84（GPS）与 CGCS2000（天地图）直接使用；GCJ02（高德、腾讯地图上拾取的坐标）自动换算。",
    "所属网格和街道乡镇由坐标自动确定，无需填写。已有同名道路或同一道路同一门牌号时，更新其位置。",
]


def _find_road(name: str) -> Road:
    road = Road.objects.filter(name=name).first()
    if road is None:
        raise ValidationError({"road": [_("No road named “%(name)s”.") % {"name": name}]})
    return road


def _find_doorplate(text: str) -> Doorplate:
    for road in Road.objects.filter(name__in=[text[:i] for i in range(1, len(text))]):
        number = text[len(road.name) :].removesuffix("号")
        plate = Doorplate.objects.filter(road=road, number=number).first()
        if plate:
            return plate
    raise ValidationError({"doorplate": [_("No doorplate “%(text)s”.") % {"text": text}]})


def _point(row: SheetRow, system: str) -> tuple[float, float]:
    try:
        return to_wgs84(row.values["lon"], row.values["lat"], row.values.get("system") or system)
    except ValidationError as exc:
        raise ValidationError({"lon": exc.messages}) from exc


def _locate(row: Any) -> None:
    row.full_clean(exclude=["grid", "town"])
    row.grid_id, row.town_id = locate(row.lon, row.lat)
    row.save()


def _road_builder(system: str) -> Callable[[SheetRow], Road]:
    def build(row: SheetRow) -> Road:
        values = row.values
        points = [list(to_wgs84(lon, lat, values.get("system") or system)) for lon, lat in values["line"]]
        road = Road.objects.filter(name=values["name"]).first() or Road(name=values["name"])
        road.kind = values.get("kind") or road.kind
        road.geometry = {"type": "LineString", "coordinates": points}
        road.lon, road.lat = points[len(points) // 2]
        _locate(road)
        return road

    return build


def _plate_builder(system: str) -> Callable[[SheetRow], Doorplate]:
    def build(row: SheetRow) -> Doorplate:
        road = _find_road(row.values["road"])
        number = row.values["number"].removesuffix("号")
        plate = Doorplate.objects.filter(road=road, number=number).first() or Doorplate(
            road=road, number=number
        )
        plate.lon, plate.lat = _point(row, system)
        plate.building = row.values.get("building", "")
        _locate(plate)
        return plate

    return build


def _place_builder(system: str) -> Callable[[SheetRow], Place]:
    def build(row: SheetRow) -> Place:
        values = row.values
        place = Place(name=values["name"], kind=values["kind"])
        place.lon, place.lat = _point(row, system)
        if values.get("doorplate"):
            place.doorplate = _find_doorplate(values["doorplate"])
        _locate(place)
        return place

    return build


def missing_sheets(workbook: Any) -> str | None:
    """The complaint when the workbook has none of the registry's sheets, checked before a background import is
    queued (import_registry checks it again)."""
    names = (ROADS_SHEET, PLATES_SHEET, PLACES_SHEET)
    if any(name in workbook.sheetnames for name in names):
        return None
    return _("The file has none of the sheets %(names)s.") % {"names": "、".join(names)}


def import_registry(actor: Person, workbook: Any, system: str = CoordinateSystem.WGS84) -> ImportReport:
    """Roads first (doorplates name them), then doorplates (places name them), then places; all or nothing."""
    require(can_edit_addresses(actor))
    report = ImportReport()
    sheets = [
        (ROADS_SHEET, ROAD_COLUMNS, _road_builder(system)),
        (PLATES_SHEET, PLATE_COLUMNS, _plate_builder(system)),
        (PLACES_SHEET, PLACE_COLUMNS, _place_builder(system)),
    ]
    present = [sheet for sheet in sheets if sheet[0] in workbook.sheetnames]
    complaint = missing_sheets(workbook)
    if complaint:
        report.problems.append(ImportProblem("", None, "", complaint))
        return report
    with transaction.atomic():
        created: list[Any] = []
        for name, columns, build in present:
            part = ImportReport()
            rows = read_sheet(workbook, name, columns, part.problems)
            if part.sheet_is_readable:
                import_rows(rows, name, build, part)
            report.problems += part.problems
            created += part.created
        if report.problems:
            transaction.set_rollback(True)
        else:
            report.created = created
    forget_registry_copies()
    return report


# --- GIS files --------------------------------------------------------------------------------------


def read_features(name: str, data: bytes) -> list[dict]:
    """GeoJSON features from a .geojson/.json file or a zipped Shapefile (.shp with its .dbf, as GIS offices send
    it). Attributes come along as properties."""
    if len(data) > MAX_GIS_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_GIS_BYTES // (1024 * 1024)}
        )
    if zipfile.is_zipfile(io.BytesIO(data)):
        return _shapefile_features(data)
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(_("The file is neither GeoJSON nor a zipped Shapefile.")) from exc
    if isinstance(collection, dict) and collection.get("type") == "Feature":
        return [collection]
    if not isinstance(collection, dict) or not isinstance(collection.get("features"), list):
        raise ValidationError(_("The GeoJSON has no features."))
    return collection["features"][:MAX_FEATURES]


def _shapefile_features(data: bytes) -> list[dict]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    base = next((n[:-4] for n in names if n.lower().endswith(".shp")), None)
    if base is None:
        raise ValidationError(_("The zip file holds no .shp file."))

    def member(extension: str) -> io.BytesIO | None:
        found = next((n for n in names if n.lower() == f"{base}{extension}".lower()), None)
        return io.BytesIO(archive.read(found)) if found else None

    encoding = (member(".cpg") or io.BytesIO(b"utf-8")).read().decode("ascii", "ignore").strip() or "utf-8"
    try:
        reader = shapefile.Reader(
            shp=member(".shp"), dbf=member(".dbf"), shx=member(".shx"), encoding=encoding
        )
        features = []
        for index, record in enumerate(reader.iterShapeRecords()):
            if index >= MAX_FEATURES:
                break
            features.append(
                {
                    "type": "Feature",
                    "geometry": record.shape.__geo_interface__,
                    "properties": record.record.as_dict(),
                }
            )
    except (shapefile.ShapefileException, UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(_("The Shapefile cannot be read: %(error)s") % {"error": exc}) from exc
    return features


NAME_PROPERTIES = ("name", "NAME", "名称", "道路名称", "Name", "MC", "mc")
KIND_PROPERTIES = ("kind", "KIND", "等级", "类型", "class", "fclass")


def _property(properties: dict, keys: tuple[str, ...]) -> str:
    return next((str(properties[key]).strip() for key in keys if properties.get(key) not in (None, "")), "")


def _gis_row(layer: str, feature: dict, system: str) -> Road | Place:
    properties = feature.get("properties") or {}
    name = _property(properties, NAME_PROPERTIES)
    if not name:
        raise ValidationError({"name": [_("The feature has no name (a name, 名称 or NAME attribute).")]})
    geometry = convert_geometry(feature.get("geometry") or {}, system)
    kind_text = _property(properties, KIND_PROPERTIES)
    if layer == "roads":
        road = Road.objects.filter(name=name).first() or Road(name=name)
        road.kind = _choice(RoadKind)(kind_text) if kind_text else road.kind
        row: Road | Place = road
    else:
        kind = (
            PlaceKind.WATER
            if layer == "water"
            else (_choice(PlaceKind)(kind_text) if kind_text else PlaceKind.OTHER)
        )
        row = Place.objects.filter(name=name, kind=kind).first() or Place(name=name, kind=kind)
    try:
        outline = shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ValidationError({"geometry": [_("The feature's geometry cannot be read.")]}) from exc
    if outline.is_empty:
        raise ValidationError({"geometry": [_("The feature's geometry is empty.")]})
    row.geometry = None if outline.geom_type == "Point" else geometry  # a place given as a point is its point
    centre = outline.representative_point() if layer != "roads" else outline.interpolate(0.5, normalized=True)
    row.lon, row.lat = round(centre.x, 7), round(centre.y, 7)
    _locate(row)
    return row


GIS_LAYERS = ("roads", "places", "water")


def import_gis(
    actor: Person, layer: str, name: str, data: bytes, system: str = CoordinateSystem.WGS84
) -> ImportReport:
    """Roads (lines), places (areas or points) or water (areas) from a GIS file; all or nothing, each problem
    named by feature number and attribute."""
    require(can_edit_addresses(actor))
    if layer not in GIS_LAYERS:
        raise ValueError(layer)
    report = ImportReport()
    features = read_features(name, data)
    with transaction.atomic():
        for number, feature in enumerate(features, start=1):
            try:
                report.created.append(_gis_row(layer, feature, system))
            except ValidationError as exc:
                for key, messages in (
                    exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
                ):
                    report.problems.append(ImportProblem(name, number, key, "; ".join(messages)))
        if report.problems:
            transaction.set_rollback(True)
            report.created = []
    forget_registry_copies()
    return report


def import_upload(actor: Person, name: str, data: bytes, layer: str, system: str) -> ImportReport:
    """An uploaded registry file of either kind: Excel by its sheets, else a GIS file holding `layer`."""
    if name.lower().endswith(".xlsx"):
        return import_registry(actor, open_workbook(io.BytesIO(data)), system)
    return import_gis(actor, layer, name, data, system)
