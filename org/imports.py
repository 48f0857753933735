"""Import units and people from Excel. A file with any bad row is refused whole; the report names every problem."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from core.excel import Column, ImportProblem, ImportReport, SheetRow, import_rows, read_sheet
from core.passwords import temporary_password
from org.access import can_manage_org, require
from org.models import Person, Role, Unit, UnitKind

UNITS_SHEET = "单位"
PEOPLE_SHEET = "人员"


# The short Chinese names people type in the sheets, whatever the UI language.
ALIASES = {
    "创建办": UnitKind.OFFICE,
    "文明办": UnitKind.OFFICE,
    "委员单位": UnitKind.DEPARTMENT,
    "部门": UnitKind.DEPARTMENT,
    "街道乡镇": UnitKind.TOWN,
    "街道": UnitKind.TOWN,
    "乡镇": UnitKind.TOWN,
    "社区村": UnitKind.COMMUNITY,
    "社区": UnitKind.COMMUNITY,
    "村": UnitKind.COMMUNITY,
    "指挥部": UnitKind.COMMAND_POST,
    "物业企业": UnitKind.ENTERPRISE,
    "企业": UnitKind.ENTERPRISE,
    "物业": UnitKind.ENTERPRISE,
    "创建办管理员": Role.OFFICE_ADMIN,
    "督查员": Role.INSPECTOR,
    "经办人": Role.UNIT_HANDLER,
    "单位负责人": Role.UNIT_HEAD,
    "领导": Role.LEADER,
    "调查员": Role.SURVEYOR,
}


def _choice_parser(choices: type[UnitKind] | type[Role]):
    def parse(text: str) -> str:
        alias = ALIASES.get(text)
        if alias in choices.values:
            return alias
        for value, label in choices.choices:
            names = {value}
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    names.add(str(label))
            if text in names:
                return value
        labels = "、".join(name for name, value in ALIASES.items() if value in choices.values)
        raise ValidationError(
            _("Unknown value “%(text)s”; use one of: %(labels)s") % {"text": text, "labels": labels}
        )

    return parse


UNIT_COLUMNS = [
    Column("name", "名称", required=True, help="单位全称，同一上级下不重复。"),
    Column(
        "kind",
        "类型",
        required=True,
        help="创建办 / 委员单位 / 街道乡镇 / 社区村 / 指挥部 / 物业企业（或英文代码）。",
        parse=_choice_parser(UnitKind),
        choices=lambda: ["创建办", "委员单位", "街道乡镇", "社区村", "指挥部", "物业企业"],
    ),
    Column("parent", "上级单位", help="上级单位的名称或 12 位区划代码；可引用本表前面的行。留空为顶级单位。"),
    Column("division_code", "区划代码", help="12 位数字，可空。"),
    Column("head_name", "负责人"),
    Column("head_phone", "负责人电话", help="手机 11 位或带区号的座机。"),
    Column("liaison_name", "联络员"),
    Column("liaison_phone", "联络员电话"),
]

PERSON_COLUMNS = [
    Column("username", "登录名", required=True, help="字母、数字和 @.+-_，不可重复。"),
    Column("full_name", "姓名", required=True),
    Column("unit", "单位", required=True, help="所属单位的名称或 12 位区划代码。"),
    Column(
        "role",
        "角色",
        required=True,
        help="创建办管理员 / 督查员 / 经办人 / 单位负责人 / 领导 / 调查员。",
        parse=_choice_parser(Role),
        choices=lambda: ["创建办管理员", "督查员", "经办人", "单位负责人", "领导", "调查员"],
    ),
    Column("phone", "手机"),
    Column("email", "邮箱"),
]


def _find_unit(reference: str) -> Unit:
    if reference.isdigit() and len(reference) == 12:
        found = list(Unit.objects.filter(division_code=reference)[:2])
    else:
        found = list(Unit.objects.filter(name=reference)[:2])
    if not found:
        raise ValidationError(_("No unit named “%(ref)s”.") % {"ref": reference})
    if len(found) > 1:
        raise ValidationError(
            _("Several units are named “%(ref)s”; use the division code.") % {"ref": reference}
        )
    return found[0]


def import_units(actor: Person, workbook) -> ImportReport:
    require(can_manage_org(actor))
    report = ImportReport()
    rows = read_sheet(workbook, UNITS_SHEET, UNIT_COLUMNS, report.problems)

    def build(row: SheetRow) -> Unit:
        values = dict(row.values)
        parent_ref = values.pop("parent", "")
        unit = Unit(**values)
        errors: dict[str, list[str]] = {}
        if parent_ref:
            try:
                unit.parent = _find_unit(parent_ref)
            except ValidationError as exc:
                errors["parent"] = exc.messages
        try:
            unit.full_clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)
        unit.save()
        return unit

    if report.sheet_is_readable:
        import_rows(rows, UNITS_SHEET, build, report)
    return report


def import_people(actor: Person, workbook) -> ImportReport:
    """Create accounts; `report.created` holds (person, temporary password) pairs to hand out once."""
    require(can_manage_org(actor))
    report = ImportReport()
    rows = read_sheet(workbook, PEOPLE_SHEET, PERSON_COLUMNS, report.problems)

    def build(row: SheetRow) -> tuple[Person, str]:
        values = dict(row.values)
        person = Person(**{k: v for k, v in values.items() if k != "unit"})
        errors: dict[str, list[str]] = {}
        try:
            person.unit = _find_unit(values["unit"])
        except ValidationError as exc:
            errors["unit"] = exc.messages
        password = temporary_password()
        person.set_password(password)
        person.must_change_password = True
        try:
            person.full_clean(exclude=["unit"] if errors else None)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)
        person.save()
        return person, password

    if report.sheet_is_readable:
        import_rows(rows, PEOPLE_SHEET, build, report)
    return report


def problems_as_text(problems: list[ImportProblem]) -> list[str]:
    return [str(problem) for problem in problems]
