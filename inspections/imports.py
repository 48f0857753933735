"""Import sites (点位) from Excel. The grid and the town are found from the location; a file with any bad row is
refused whole and the report names every problem by row and column."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.excel import Column, ImportReport, SheetRow, import_rows, read_sheet
from core.geo import gcj02_to_wgs84, validate_lon_lat
from framework.models import SiteType
from inspections.access import can_manage_inspections
from inspections.actions import place_site
from inspections.models import Site
from org.access import require
from org.models import Person, Unit

SITES_SHEET = "点位"
GCJ02_NAMES = {"GCJ-02", "GCJ02", "火星坐标", "高德", "腾讯"}
WGS84_NAMES = {"", "WGS-84", "WGS84", "GPS", "天地图", "CGCS2000"}


def _site_type(text: str) -> SiteType:
    found = SiteType.objects.filter(code=text.zfill(2) if text.isdigit() else text).first()
    found = found or SiteType.objects.filter(name=text).first()
    if found is None:
        raise ValidationError(
            _("Unknown site type “%(text)s”; use its code (01–29) or name.") % {"text": text}
        )
    return found


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError as exc:
        raise ValidationError(_("“%(text)s” is not a number.") % {"text": text}) from exc


def _datum(text: str) -> str:
    upper = text.upper()
    if upper in GCJ02_NAMES or text in GCJ02_NAMES:
        return "gcj02"
    if upper in WGS84_NAMES or text in WGS84_NAMES:
        return "wgs84"
    raise ValidationError(_("Use WGS-84 (GPS, 天地图) or GCJ-02 (高德, 腾讯)."))


SITE_COLUMNS = [
    Column("name", "点位名称", required=True, help="同一街道（乡镇）内不重复。"),
    Column(
        "site_type",
        "点位类型",
        required=True,
        help="点位类型代码（01–29）或名称，如 17 或 农贸市场(专业市场)。",
        parse=_site_type,
        choices=lambda: list(SiteType.objects.order_by("sort_order", "code").values_list("name", flat=True)),
    ),
    Column("address", "地址"),
    Column("lon", "经度", required=True, help="十进制度数，如 117.005。", parse=_number),
    Column("lat", "纬度", required=True, help="十进制度数，如 35.505。", parse=_number),
    Column(
        "datum",
        "坐标系",
        help="WGS-84（GPS、天地图，默认）或 GCJ-02（高德、腾讯地图上取的点），GCJ-02 自动换算。",
        parse=_datum,
        choices=lambda: ["WGS-84", "GCJ-02"],
    ),
    Column("keeper", "包保单位", required=True, help="包保单位的名称或 12 位区划代码。"),
]


def _find_unit(reference: str) -> Unit:
    rows = (
        Unit.objects.filter(division_code=reference)
        if reference.isdigit()
        else Unit.objects.filter(name=reference)
    )
    found = list(rows[:2])
    if not found:
        raise ValidationError(_("No unit named “%(ref)s”.") % {"ref": reference})
    if len(found) > 1:
        raise ValidationError(
            _("Several units are named “%(ref)s”; use the division code.") % {"ref": reference}
        )
    return found[0]


def _build(row: SheetRow) -> Site:
    values = row.values
    errors: dict[str, list[str]] = {}
    site = Site(name=values["name"], site_type=values["site_type"], address=values.get("address", ""))
    try:
        site.keeper = _find_unit(values["keeper"])
    except ValidationError as exc:
        errors["keeper"] = exc.messages
    lon, lat = values["lon"], values["lat"]
    if values.get("datum") == "gcj02":
        lon, lat = gcj02_to_wgs84(lon, lat)
    site.lon, site.lat = round(lon, 6), round(lat, 6)
    try:
        validate_lon_lat(site.lon, site.lat)
    except ValidationError as exc:
        errors["lon"] = exc.messages
    if errors:
        raise ValidationError(errors)
    place_site(site)  # the grid from the location, the town from the grid (else the keeper's)
    site.full_clean()
    site.save()
    return site


def import_sites(actor: Person, workbook) -> ImportReport:
    """Create the sites of the sheet in one transaction; any problem and nothing is kept."""
    require(can_manage_inspections(actor))
    report = ImportReport()
    rows = read_sheet(workbook, SITES_SHEET, SITE_COLUMNS, report.problems)
    if not report.sheet_is_readable:
        return report
    import_rows(rows, SITES_SHEET, _build, report)
    return report


TEMPLATE_NOTES = [
    "点位导入模板 Sites import template。每行一个点位；所在网格和街道（乡镇）按经纬度自动确定，不在任何网格内的按包保单位所在街道。",
    "任何一行有错误时整个文件不导入，并列出每个错误的行、列和原因。",
]
TEMPLATE_EXAMPLES = [
    ["城关农贸市场", "17", "人民路1号", 117.005, 35.505, "WGS-84", "新华社区"],
    ["人民路", "主次干道、商业大街", "人民路全段", 117.01, 35.51, "GCJ-02", "城关街道"],
]
