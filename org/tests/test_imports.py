"""Excel import of units and people: a file with a bad row imports nothing and names row, column and reason."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.excel import active_sheet
from core.tests.sheets import assert_forwardable
from org.imports import PEOPLE_SHEET, UNITS_SHEET
from org.models import Person, Unit

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

UNIT_HEADER = [
    "名称 (name)",
    "类型 (kind)",
    "上级单位 (parent)",
    "区划代码 (division_code)",
    "负责人 (head_name)",
    "负责人电话 (head_phone)",
]


def xlsx(sheet: str, rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    worksheet = active_sheet(workbook)
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("units.xlsx", buffer.getvalue())


def upload(client: Client, kind: str, file: SimpleUploadedFile) -> TestResponse:
    return client.post(reverse("org:import"), {"kind": kind, "file": file})


def test_it_imports_units_that_refer_to_earlier_rows(county, login):
    file = xlsx(
        UNITS_SHEET,
        [
            UNIT_HEADER,
            ["南湖街道", "街道乡镇", "", "370999003000", "周一", "13700001111"],
            ["春晖社区", "社区村", "南湖街道", "", "", ""],
            ["滨河社区", "community", "370999003000", "", "", ""],
        ],
    )
    response = upload(login(county.office_admin), "units", file)
    assert response.status_code == 302
    town = Unit.objects.get(name="南湖街道")
    assert {u.name for u in town.children.all()} == {"春晖社区", "滨河社区"}
    assert town.head_phone == "13700001111"


def test_a_bad_row_names_row_and_column_and_imports_nothing(county, login):
    file = xlsx(
        UNITS_SHEET,
        [
            UNIT_HEADER,
            ["南湖街道", "街道乡镇", "", "370999003000", "周一", "13700001111"],
            ["春晖社区", "小区", "南湖街道", "", "", ""],
            ["滨河社区", "社区村", "不存在街道", "", "", "123"],
        ],
    )
    response = upload(login(county.office_admin), "units", file)
    assert response.status_code == 200
    problems = [str(p) for p in response.context["report"].problems]
    assert any("row 3" in p and "B 类型" in p for p in problems), problems
    assert any("row 4" in p and "C 上级单位" in p and "不存在街道" in p for p in problems), problems
    assert any("row 4" in p and "F 负责人电话" in p for p in problems), problems
    assert not Unit.objects.filter(name__in=["南湖街道", "春晖社区", "滨河社区"]).exists()
    assert "nothing was imported" in response.content.decode() or "未导入" in response.content.decode()


def test_a_duplicate_in_the_file_is_refused(county, login):
    file = xlsx(
        UNITS_SHEET, [UNIT_HEADER, ["创新社区", "社区村", "城关街道"], ["创新社区", "社区村", "城关街道"]]
    )
    response = upload(login(county.office_admin), "units", file)
    problems = [str(p) for p in response.context["report"].problems]
    assert len(problems) == 1 and "row 3" in problems[0]
    assert not Unit.objects.filter(name="创新社区").exists()


def test_a_file_that_is_not_excel_is_refused_by_content(county, login):
    fake = SimpleUploadedFile("units.xlsx", b"name,kind\n\xe5\x8d\x97,town\n")
    response = upload(login(county.office_admin), "units", fake)
    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_a_missing_column_is_named(county, login):
    response = upload(login(county.office_admin), "units", xlsx(UNITS_SHEET, [["名称"], ["某单位"]]))
    problems = [str(p) for p in response.context["report"].problems]
    assert any("类型" in p and "missing" in p for p in problems), problems


def test_it_imports_people_and_shows_their_temporary_passwords(county, login):
    file = xlsx(
        PEOPLE_SHEET,
        [
            ["登录名", "姓名", "单位", "角色", "手机"],
            ["clerk1", "文员一", "城关街道", "经办人", "13600000001"],
            ["clerk2", "文员二", "370999002000", "unit_head", ""],
        ],
    )
    response = upload(login(county.office_admin), "people", file)
    assert response.status_code == 200
    accounts = response.context["accounts"]
    assert [p.username for p, _ in accounts] == ["clerk1", "clerk2"]
    assert Person.objects.get(username="clerk2").unit == county.town_b
    assert all(p.must_change_password for p, _ in accounts)


def test_a_bad_person_row_imports_no_one(county, login):
    file = xlsx(
        PEOPLE_SHEET,
        [
            ["登录名", "姓名", "单位", "角色"],
            ["clerk1", "文员一", "城关街道", "经办人"],
            ["handler_a", "重名", "城关街道", "经办人"],
        ],
    )
    response = upload(login(county.office_admin), "people", file)
    problems = [str(p) for p in response.context["report"].problems]
    assert len(problems) == 1 and "row 3" in problems[0] and "登录名" in problems[0], problems
    assert not Person.objects.filter(username="clerk1").exists()


def test_the_templates_are_documented_workbooks(county, login):
    client = login(county.office_admin)
    for kind, sheet in [("units", UNITS_SHEET), ("people", PEOPLE_SHEET)]:
        response = client.get(reverse("org:import_template", kwargs={"kind": kind}))
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == [sheet, "说明"]
        assert workbook[sheet]["A1"].value.startswith(("名称", "登录名"))
        assert_forwardable(workbook[sheet], autofilter=False)
        lists = [v.formula1 for v in workbook[sheet].data_validations.dataValidation]
        assert any("经办人" in formula or "街道乡镇" in formula for formula in lists)


def test_the_template_reimports_cleanly(db, login):
    office = Unit.objects.create(name="创建办", kind="office")
    client = login(
        Person.objects.create(username="admin", role="office_admin", unit=office, must_change_password=False)
    )
    template = client.get(reverse("org:import_template", kwargs={"kind": "units"})).content
    response = upload(client, "units", SimpleUploadedFile("t.xlsx", template))
    assert response.status_code == 302
    assert Unit.objects.get(name="新华社区", parent__name="城关街道", parent__division_code="370000000001")
