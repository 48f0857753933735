"""What every export must be when opened in an office suite, as one check the export tests share."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

PERCENT_TEXT = re.compile(r"^-?\d+(\.\d+)?%$")
DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$")


def open_export(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def shown_width(sheet: Worksheet, letter: str) -> int:
    """A column's width as Excel shows it, in characters: the file stores it with the cell padding Excel adds
    (a column shown 40 wide is stored as 40.7109375)."""
    return math.floor(sheet.column_dimensions[letter].width)


def header_row(sheet: Worksheet) -> int:
    """The frozen header: the row above the first unfrozen one."""
    assert sheet.freeze_panes, f"{sheet.title}: no frozen header"
    return int(re.sub(r"\D", "", sheet.freeze_panes)) - 1


def assert_forwardable(sheet: Worksheet, autofilter: bool = True) -> list[Any]:
    """A sheet a clerk can forward as it is; returns its header titles for further checks."""
    header = header_row(sheet)
    titles = [cell.value for cell in sheet[header]]
    assert all(titles), f"{sheet.title}: empty header cells"
    for index in range(1, len(titles) + 1):
        letter = get_column_letter(index)
        assert sheet.column_dimensions[letter].width, f"{sheet.title}: column {letter} has no width"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth="1" is the file format's default, which a writer may leave out (XlsxWriter does): absent is 1
    assert sheet.page_setup.fitToWidth in (1, None) and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sheet.oddFooter and "&P" in (sheet.oddFooter.center.text or "")
    if autofilter:
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith(f"A{header}:")
    for row in sheet.iter_rows(min_row=header + 1):
        for cell in row:
            assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: a formula from data"
            fmt = cell.number_format
            if "yy" in fmt and cell.value is not None:
                assert isinstance(cell.value, dt.date), f"{sheet.title}!{cell.coordinate}: a date as text"
                assert fmt in ("yyyy-mm-dd hh:mm", "yyyy-mm-dd")
            if isinstance(cell.value, str):
                assert not PERCENT_TEXT.match(cell.value), (
                    f"{sheet.title}!{cell.coordinate}: a percentage as text"
                )
                assert not DATE_TEXT.match(cell.value), f"{sheet.title}!{cell.coordinate}: a date as text"
            if "%" in fmt and cell.value is not None:
                assert isinstance(cell.value, int | float)
    return titles


OFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(not OFFICE, reason="LibreOffice (libreoffice-calc) is not installed here")
WRITER = bool(OFFICE) and any(
    Path(folder, "libswlo.so").exists()
    for folder in ("/usr/lib/libreoffice/program", "/opt/libreoffice/program")
)
needs_writer = pytest.mark.skipif(
    not WRITER, reason="LibreOffice Writer (libreoffice-writer-nogui) is not installed here"
)


def printed_pages(data: bytes, suffix: str = ".xlsx") -> list[str]:
    """The file (a workbook, or a Word document with suffix ".docx") printed to PDF by LibreOffice headless, as
    the text of each page in order; the blank pages a section inserts (to start on an even page) are printed
    too, as a duplex printer would."""
    assert OFFICE
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"export{suffix}"
        source.write_bytes(data)
        profile = Path(folder) / "profile"  # its own profile: parallel runs do not share a lock
        keep_blank = '{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
        subprocess.run(
            [
                OFFICE,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                f"pdf:writer_pdf_Export:{keep_blank}" if suffix == ".docx" else "pdf",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        text = subprocess.run(
            ["pdftotext", "-layout", str(Path(folder) / "export.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def assert_prints_whole(data: bytes, first: str, last: str) -> list[str]:
    """Printed, no cell shows ### (a column too narrow for its number or date), and every page of the first
    sheet repeats its header from the first column title to the last (so each page holds every column: one page
    wide); returns the pages."""
    pages = printed_pages(data)
    assert pages
    assert not any("###" in page for page in pages), "a column too narrow: ### printed"
    assert first in pages[0] and last in pages[0]
    return pages
