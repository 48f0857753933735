"""Hotline intake (12345 / 12319): one work order on screen or a file of them; duplicates by number refused."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cases.models import Case, Source, State
from core.excel import active_sheet
from portal.conftest import IN_GRID_A, OUTSIDE
from portal.models import HotlineTicket

HEADER = ["工单号", "热线", "问题描述", "地址", "经度", "纬度", "类别代码", "来电号码", "受理时间"]


def xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = active_sheet(workbook)
    sheet.title = "导出"
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("orders.xlsx", out.getvalue())


def csv_file(rows, encoding="utf-8") -> SimpleUploadedFile:
    text = "\n".join(",".join(str(c) for c in row) for row in [HEADER, *rows])
    return SimpleUploadedFile("orders.csv", text.encode(encoding))


ROW = [
    "GD2026001",
    "12345",
    "小区门口垃圾",
    "人民路1号",
    IN_GRID_A[0],
    IN_GRID_A[1],
    "0102",
    "13900001111",
    "2026-11-28 09:30",
]


def test_it_files_one_work_order_and_keeps_its_number(login, county, rubbish):
    client = login(county.inspector)
    data = {"hotline": "12319", "work_order": "A-1", "description": "井盖缺失", "category": rubbish.pk}
    response = client.post("/portal/hotline/", data)
    assert response.status_code == 302
    ticket = HotlineTicket.objects.get()
    assert (ticket.hotline, ticket.work_order) == ("12319", "A-1")
    assert (ticket.case.source, ticket.case.state) == (Source.HOTLINE_12319, State.REPORTED)
    response = client.post("/portal/hotline/", data)
    assert "already filed" in response.content.decode() and "井盖缺失" in response.content.decode()
    assert Case.objects.count() == 1


def test_it_refuses_hotline_intake_to_a_unit(login, county, rubbish):
    response = login(county.handler_a).post(
        "/portal/hotline/", {"hotline": "12345", "work_order": "A-1", "description": "x"}
    )
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_it_imports_an_excel_file(login, county, rubbish):
    second = ["GD2026002", "12319", "路灯不亮", "", "", "", "", "", ""]
    response = login(county.inspector).post("/portal/hotline/import/", {"file": xlsx([ROW, second])})
    assert response.status_code == 302
    first = HotlineTicket.objects.get(work_order="GD2026001").case
    assert (first.source, first.category_id, first.reporter_phone) == (
        Source.HOTLINE_12345,
        rubbish.pk,
        "13900001111",
    )
    assert first.grid == county.grid_a
    assert HotlineTicket.objects.get(work_order="GD2026002").case.source == Source.HOTLINE_12319


def test_it_imports_a_gbk_csv(login, county, rubbish):
    response = login(county.inspector).post("/portal/hotline/import/", {"file": csv_file([ROW], "gbk")})
    assert response.status_code == 302
    assert HotlineTicket.objects.get().case.description == "小区门口垃圾"


def test_it_refuses_the_whole_file_on_a_duplicate_or_a_bad_row(login, county, rubbish):
    client = login(county.inspector)
    client.post("/portal/hotline/import/", {"file": xlsx([ROW])})
    new = ["GD2026009", "12345", "新问题", "", "", "", "", "", ""]
    response = client.post("/portal/hotline/import/", {"file": xlsx([new, ROW])})
    page = response.content.decode()
    assert response.status_code == 400 and "already filed" in page and "row 3" in page
    outside = ["GD2026010", "12345", "县外", "", OUTSIDE[0], OUTSIDE[1], "", "", ""]
    bad = ["GD2026011", "110", "错热线", "", "", "", "9999", "", "昨天"]
    response = client.post("/portal/hotline/import/", {"file": xlsx([new, outside, bad])})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Must be 12345 or 12319" in page and "No category has this code" in page and "Not a date" in page
    response = client.post("/portal/hotline/import/", {"file": xlsx([new, outside])})
    assert "outside the county" in response.content.decode()
    assert HotlineTicket.objects.count() == 1 and Case.objects.count() == 1


def test_it_refuses_a_file_that_is_not_a_sheet(login, county):
    fake = SimpleUploadedFile("orders.xlsx", b"not a workbook")
    response = login(county.inspector).post("/portal/hotline/import/", {"file": fake})
    assert "not an Excel workbook" in response.content.decode()
