"""Excel import/export of an edition: the round trip is exact, a bad file is refused whole, the CLI works."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.excel import open_workbook
from core.tests.sheets import assert_forwardable, assert_prints_whole, needs_office
from framework.csv_loader import load_csv
from framework.excel import export_edition, import_edition, snapshot, template
from framework.models import Edition


def _reimport(data: bytes, name: str):
    return import_edition(open_workbook(io.BytesIO(data)), name=name)


def test_it_round_trips_an_edition_exactly(edition):
    report = _reimport(export_edition(edition), "副本")
    assert report.ok, report.problems
    copy = report.created[0]
    assert snapshot(copy) == snapshot(edition)
    assert (copy.level, copy.year) == (edition.level, edition.year)


def test_it_round_trips_the_shipped_2016_edition_exactly(db, shipped_csv):
    edition = load_csv(shipped_csv.read_text(encoding="utf-8"), name="南开区 2016").edition
    report = _reimport(export_edition(edition), "南开区 2016 副本")
    assert report.ok, report.problems
    assert snapshot(report.created[0]) == snapshot(edition)


def _bad_workbook(edition) -> bytes:
    workbook = load_workbook(io.BytesIO(export_edition(edition)))
    tree = workbook["测评体系"]
    tree["J3"] = "五分"  # points (row 2 is the header, under the title)
    tree["K4"] = "随便"  # rule kind
    methods = workbook["测评方法"]
    methods["A3"] = 99  # no such criterion
    methods["E4"] = "99"  # no such site type
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_refuses_a_bad_file_whole_naming_sheet_row_column_and_reason(edition):
    report = _reimport(_bad_workbook(edition), "坏文件")
    found = {(p.sheet, p.row, p.column.split(" ")[0]) for p in report.problems}
    assert found == {("测评体系", 3, "J"), ("测评体系", 4, "K"), ("测评方法", 3, "A"), ("测评方法", 4, "E")}
    assert "“五分” is not a number." in str(report.problems[0])
    assert not Edition.objects.filter(name="坏文件").exists()
    assert Edition.objects.count() == 1


def test_the_template_documents_both_sheets():
    workbook = load_workbook(io.BytesIO(template()))
    assert workbook.sheetnames == ["测评体系", "测评方法", "说明"]
    lists = {
        v.formula1
        for name in ("测评体系", "测评方法")
        for v in workbook[name].data_validations.dataValidation
    }
    assert any("逐项扣分" in f for f in lists) and any("实地考察" in f for f in lists), lists
    notes = " ".join(str(row[0].value or "") for row in workbook["说明"].iter_rows())
    assert "必填" in notes and not re.search(r"required|optional|\(\w+_\w+\)", notes)


def test_the_export_speaks_the_templates_words(edition):
    edition.status = "published"
    edition.save()
    criterion = edition.criteria.first()
    criterion.rule_kind, criterion.rule = "bonus", {"per_item": "1", "cap": "4"}
    criterion.save()
    workbook = load_workbook(io.BytesIO(export_edition(edition)))
    for name in ("测评体系", "测评方法"):
        assert_forwardable(workbook[name])
    values = [
        str(c)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    assert not {"deduction", "field", "{}", "published", "graded", "bonus"} & set(values)
    tree = workbook["测评体系"]
    titles = [c.value for c in tree[2]]
    rows = [dict(zip(titles, row, strict=True)) for row in tree.iter_rows(min_row=3, values_only=True)]
    bonus = next(row for row in rows if row["计分规则"] == "按项加分（封顶）")
    assert (
        bonus["规则说明"] == "每项 1 分，最多 4 分" and json.loads(str(bonus["规则参数"])) == criterion.rule
    )
    assert all(isinstance(row["分值"], int | float) for row in rows if row["标准序号"])
    assert [c.value for c in workbook["版本"][3]][3] == "已发布"
    assert {row[1] for row in workbook["测评方法"].iter_rows(min_row=3, values_only=True)} <= {
        "实地考察",
        "网上申报",
        "问卷调查",
        "实景模拟",
    }


@needs_office
def test_the_export_prints_without_hashes(edition):
    assert_prints_whole(export_edition(edition), "项目编号", "备注")


def test_the_export_downloads_as_the_edition_name(edition, county, login):
    response = login(county.office_admin).get(reverse("framework:edition_export", args=[edition.pk]))
    assert response.status_code == 200
    assert quote(f"测评体系-{edition.name}.xlsx") in response["Content-Disposition"]


def test_the_cli_exports_and_imports_printing_the_new_id_last(edition, tmp_path, capsys):
    target = tmp_path / "edition.xlsx"
    call_command("export-framework", edition.name, str(target))
    call_command("import-framework", str(target), "--name", "CLI 副本")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    copy = Edition.objects.get(pk=int(last))
    assert copy.name == "CLI 副本" and snapshot(copy) == snapshot(edition)


def test_the_cli_refuses_a_bad_file_and_imports_nothing(edition, tmp_path):
    target = tmp_path / "bad.xlsx"
    target.write_bytes(_bad_workbook(edition))
    with pytest.raises(CommandError, match="4 problem"):
        call_command("import-framework", str(target), "--name", "坏")
    assert Edition.objects.count() == 1


def test_the_cli_loads_the_shipped_csv(db, shipped_csv, capsys):
    call_command("import-framework", str(shipped_csv), "--name", "南开区 2016")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("Read 357 rows")
    assert Edition.objects.get(pk=int(lines[-1])).name == "南开区 2016"
