"""The one Excel writer: typed cells, fitted widths, print layout, text never a formula, bad characters dropped."""

from __future__ import annotations

import datetime as dt
import tempfile
import tracemalloc
import unicodedata
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.escape import unescape
from openpyxl.worksheet.worksheet import Worksheet

from core.excel import Column as ImportColumn
from core.excel import template_workbook
from core.tests.sheets import assert_forwardable, open_export, shown_width
from core.workbooks import SAMPLE_ROWS, Column, ExcelFile, Kind, Title, clean_text, text_width

MADE = dt.datetime(2026, 12, 2, 6, 30, tzinfo=dt.UTC)
TITLE = Title("案件清单", "示范县", "2026年第4季度", MADE)


def _one_sheet(columns, rows, title=TITLE, in_memory=False):
    excel = ExcelFile(in_memory=in_memory)
    sheet = excel.sheet("案件", columns, title)
    sheet.extend(rows)
    return open_export(excel.to_bytes())["案件"]


def test_it_writes_a_title_a_frozen_header_and_print_layout():
    sheet = _one_sheet([Column("编号", Kind.CODE), Column("描述", Kind.LONG)], [["2026-000001", "路面破损"]])
    assert sheet["A1"].value == "案件清单　示范县　2026年第4季度　made 2026-12-02 14:30"
    assert "A1:B1" in sheet.merged_cells
    assert assert_forwardable(sheet) == ["编号", "描述"]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:B3"


def test_it_types_dates_numbers_and_percentages():
    columns = [
        Column("上报时间", Kind.DATETIME),
        Column("日期", Kind.DATE),
        Column("得分", Kind.NUMBER),
        Column("纬度", Kind.NUMBER, decimals=6),
        Column("率", Kind.PERCENT),
        Column("扣分", Kind.SIGNED),
    ]
    reported = dt.datetime(2026, 3, 1, 1, 2, 33, tzinfo=dt.UTC)
    sheet = _one_sheet(columns, [[reported, reported, Decimal("49.4"), 35.50665900000001, 0.957, -2]])
    cells = sheet[3]
    assert cells[0].value == dt.datetime(2026, 3, 1, 9, 2)  # local time (Asia/Shanghai), to the minute
    assert cells[0].number_format == "yyyy-mm-dd hh:mm"
    assert cells[1].value == dt.datetime(2026, 3, 1) and cells[1].number_format == "yyyy-mm-dd"
    assert cells[2].value == 49.4 and cells[2].number_format == "0.00"
    assert cells[3].value == 35.506659 and cells[3].number_format == "0.000000"
    assert cells[4].value == 0.957 and cells[4].number_format == "0.0%"
    assert cells[5].value == -2 and cells[5].number_format == '+0.00;"−"0.00;0.00'
    assert_forwardable(sheet)


@pytest.mark.parametrize("in_memory", [False, True])
def test_text_that_looks_like_a_formula_stays_text(in_memory):
    payloads = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
    sheet = _one_sheet([Column("描述", Kind.LONG)], [[p] for p in payloads], in_memory=in_memory)
    cells = [row[0] for row in sheet.iter_rows(min_row=3)]
    # a control character is stored escaped (_x000D_), as Excel reads and writes it; openpyxl leaves it so
    assert [unescape(c.value) for c in cells] == payloads
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_characters_xml_cannot_hold_are_dropped_not_fatal():
    sheet = _one_sheet([Column("描述", Kind.LONG)], [["路面\x01破损\x0c严重\x1f"]])
    assert sheet["A3"].value == "路面破损严重"


def _width_char_by_char(text: str) -> int:
    """text_width as first written: every character looked up."""
    return max(
        (
            sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)
            for line in text.splitlines() or [""]
        ),
        default=0,
    )


@given(st.one_of(st.text(), st.text(st.characters(max_codepoint=127)), st.text("中文ｆａ \n\r\x0b\u2028é")))
def test_text_width_is_the_same_measured_in_bulk_or_char_by_char(text):
    assert text_width(text) == _width_char_by_char(text)


@given(st.text())
def test_clean_text_drops_exactly_the_characters_xml_cannot_hold(text):
    assert clean_text(text) == ILLEGAL_CHARACTERS_RE.sub("", text)


def test_widths_count_cjk_double_and_are_capped():
    assert text_width("abc") == 3 and text_width("中文") == 4 and text_width("一\n二三") == 4
    sheet = _one_sheet(
        [Column("编号", Kind.CODE), Column("名称"), Column("备注", Kind.LONG)],
        [["2026-000001", "城关街道" * 20, "x"]],
    )
    assert sheet.column_dimensions["A"].width >= len("2026-000001")
    assert shown_width(sheet, "B") == 40  # capped; the text wraps
    assert sheet["B3"].alignment.wrap_text
    assert shown_width(sheet, "C") == 50


def test_widths_fit_the_longest_of_the_sampled_rows_and_streaming_keeps_order():
    rows = [[f"{n:06d}", "短"] for n in range(SAMPLE_ROWS * 2 + 3)]
    rows[10][1] = "很长很长的名称"
    sheet = _one_sheet([Column("编号", Kind.CODE), Column("名称")], rows)
    assert shown_width(sheet, "B") == text_width("很长很长的名称") + 2
    assert [r[0].value for r in sheet.iter_rows(min_row=3)] == [r[0] for r in rows]
    assert sheet.auto_filter.ref == f"A2:B{len(rows) + 2}"


def test_an_empty_export_still_has_its_header_and_layout():
    sheet = _one_sheet([Column("编号", Kind.CODE)], [])
    assert assert_forwardable(sheet) == ["编号"]


def test_templates_offer_drop_down_lists_and_explain_in_chinese():
    short = ImportColumn("kind", "类型", required=True, choices=lambda: ["甲", "乙"])
    long = ImportColumn("unit", "单位", choices=lambda: [f"单位{n:03d}" for n in range(60)])
    workbook = open_export(template_workbook([("单位", [short, long], [["甲", "单位001"]])], ["说明一"]))
    sheet = workbook["单位"]
    assert [c.value for c in sheet[1]] == ["类型 *", "单位"]
    formulas = sorted(v.formula1 for v in sheet.data_validations.dataValidation)
    assert formulas == ['"甲,乙"', "'选项'!$A$1:$A$60"]
    assert workbook["选项"].sheet_state == "hidden"
    notes = [str(row[0].value) for row in workbook["说明"].iter_rows(min_row=2) if row[0].value]
    assert notes[0] == "说明一" and "  类型 — 必填。" in notes
    assert not any(word in " ".join(notes) for word in ("required", "optional"))


def test_the_title_says_when_it_was_made_by_default():
    text = Title("案件清单").text()
    assert text.startswith("案件清单　made ")
    assert timezone.localtime().strftime("%Y-%m-%d") in text


def test_rows_with_wrapped_text_are_written_tall_enough():
    sheet = _one_sheet(
        [Column("编号", Kind.CODE), Column("描述", Kind.LONG)],
        [["1", "短"], ["2", "长" * 60], ["3", "一\n二\n三"]],
    )
    assert sheet.row_dimensions[3].height is None
    assert sheet.row_dimensions[4].height == 45  # 120 wide in a 50-wide column: three lines
    assert sheet.row_dimensions[5].height == 45


def test_a_row_shorter_than_the_columns_leaves_its_last_cells_empty():
    sheet = _one_sheet([Column("编号", Kind.CODE), Column("名称"), Column("照片")], [["1", "城关"], ["2"]])
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=3)] == [
        ["1", "城关", None],
        ["2", None, None],
    ]


def _as_read(sheet: Worksheet) -> dict[str, Any]:
    """What a reader sees of a sheet: cells with their types and looks, widths, heights, layout."""
    cells = [
        (
            cell.coordinate,
            cell.value,
            cell.data_type,
            cell.number_format,
            cell.quotePrefix,
            cell.alignment.wrap_text,
            cell.alignment.horizontal,
            cell.font.b,
            cell.fill.fgColor.rgb,
        )
        for row in sheet.iter_rows()
        for cell in row
    ]
    return {
        "cells": cells,
        "widths": {letter: dim.width for letter, dim in sheet.column_dimensions.items()},
        "heights": {number: dim.height for number, dim in sheet.row_dimensions.items()},
        "merged": sorted(str(cells) for cells in sheet.merged_cells.ranges),
        "layout": (
            sheet.freeze_panes,
            sheet.auto_filter.ref,
            sheet.print_title_rows,
            sheet.page_setup.orientation,
        ),
    }


def test_a_file_made_in_memory_reads_as_the_streamed_one():
    columns = [
        Column("编号", Kind.CODE),
        Column("名称"),
        Column("描述", Kind.LONG),
        Column("上报时间", Kind.DATETIME),
        Column("日期", Kind.DATE),
        Column("次数", Kind.INTEGER),
        Column("经度", Kind.NUMBER, decimals=6),
        Column("率", Kind.PERCENT),
        Column("扣分", Kind.SIGNED),
        Column("是否"),
    ]
    at = dt.datetime(2026, 3, 1, 1, 2, 33, tzinfo=dt.UTC)
    rows = [
        ["2026-000001", "城关街道", "路面破损", at, at, 3, 117.1234567, 0.957, -2, True],
        ["2026-000002", "城关街道" * 20, "长" * 60, None, None, 0, None, None, Decimal("1.5"), False],
        ["2026-000003", "=1+1", "一\n二\n三", at, None, None, 1.0, 1, 0, "是"],
        ["2026-000004", "路面\x01破损", "@SUM(A1)", None],
        ["2026-000005", "", "-2+3", at],
    ]
    streamed = _one_sheet(columns, rows)
    in_memory = _one_sheet(columns, rows, in_memory=True)
    assert _as_read(in_memory) == _as_read(streamed)
    assert_forwardable(in_memory)


def _peak_mb(rows: int) -> float:
    """Python's peak allocation while writing `rows` rows of wrapped text to a file."""
    tracemalloc.start()
    try:
        excel = ExcelFile()
        sheet = excel.sheet("案件", [Column("编号", Kind.CODE), Column("描述", Kind.LONG)], TITLE)
        for i in range(rows):
            sheet.append([f"2026-{i:06d}", "路面破损，" * (10 + i % 30)])
        with tempfile.TemporaryFile() as out:
            excel.save(out)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_rows_written():
    """Streaming holds nothing per row: not the cells, and not the height of a wrapped row once it is written
    (openpyxl keeps every row's dimensions until the sheet closes, which grew 100k rows by tens of MB)."""
    small, large = _peak_mb(SAMPLE_ROWS * 2), _peak_mb(SAMPLE_ROWS * 12)
    assert large < small * 1.3, (small, large)
