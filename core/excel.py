"""Reading and writing Excel sheets for imports: documented templates, per-cell errors, nothing half-read.

An import reads a whole sheet into dictionaries keyed by column, collecting an `ImportProblem` (sheet, row,
column, reason) for every bad cell. The caller decides: any problem → nothing is saved.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as WorkbookType
from openpyxl.worksheet.worksheet import Worksheet

from core.uploads import check_zip

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20000


def active_sheet(workbook: WorkbookType) -> Worksheet:
    """The sheet a workbook opens on. openpyxl allows none or a chart sheet there; a new workbook, and every
    workbook this project writes, opens on a worksheet."""
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):
        raise TypeError("the workbook does not open on a worksheet")
    return sheet


@dataclass(frozen=True)
class Column:
    key: str  # the English name, also accepted as a header
    header: str  # the Chinese header written in the template
    required: bool = False
    help: str = ""
    parse: Callable[[Any], Any] | None = None  # raises ValidationError with a readable message

    @property
    def title(self) -> str:
        return f"{self.header} ({self.key})"

    def matches(self, text: str) -> bool:
        text = text.strip().rstrip("*").strip()
        return text in {self.title, self.header, self.key} or text.lower() == self.key.lower()


@dataclass
class ImportProblem:
    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = _("sheet %(sheet)s") % {"sheet": self.sheet}
        if self.row:
            where += _(", row %(row)d") % {"row": self.row}
        if self.column:
            where += _(", column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass
class SheetRow:
    number: int  # the row number as Excel shows it
    values: dict[str, Any]
    columns: dict[str, str]  # key → column letter and header, for messages
    ok: bool = True  # False when a cell could not be read; the row is then not built


@dataclass
class ImportReport:
    created: list[Any] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def sheet_is_readable(self) -> bool:
        """False when a sheet or a column is missing: then no row can be read meaningfully."""
        return not any(problem.row in (None, 1) for problem in self.problems)


def open_workbook(upload: UploadedFile | BinaryIO) -> WorkbookType:
    """Open an uploaded .xlsx, checking its size and its content (not its name)."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    data = upload.read()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError(_("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."))
    check_zip(data, getattr(upload, "name", "") or "")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("The Excel file cannot be read: %(error)s") % {"error": exc}) from exc


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number comes back as 3.7e+11 otherwise
    return str(value).strip()


def read_sheet(
    workbook: WorkbookType, sheet_name: str, columns: Iterable[Column], problems: list[ImportProblem]
) -> list[SheetRow]:
    """Read the rows of a sheet as text keyed by column; missing sheets, headers and required cells are problems."""
    columns = list(columns)
    if sheet_name not in workbook.sheetnames:
        problems.append(ImportProblem(sheet_name, None, "", _("The sheet is missing.")))
        return []
    rows = workbook[sheet_name].iter_rows(values_only=True)
    header = [cell_text(value) for value in next(rows, ())]
    positions: dict[str, int] = {}
    for column in columns:
        index = next((i for i, text in enumerate(header) if column.matches(text)), None)
        if index is None:
            if column.required:
                problems.append(ImportProblem(sheet_name, 1, column.title, _("The column is missing.")))
            continue
        positions[column.key] = index
    result: list[SheetRow] = []
    for number, raw in enumerate(rows, start=2):
        if number > MAX_IMPORT_ROWS:
            problems.append(ImportProblem(sheet_name, number, "", _("Too many rows in one file.")))
            break
        texts = {key: cell_text(raw[i]) if i < len(raw) else "" for key, i in positions.items()}
        if not any(texts.values()):
            continue
        labels = {
            c.key: f"{get_column_letter(positions[c.key] + 1)} {c.header}"
            for c in columns
            if c.key in positions
        }
        row = SheetRow(number, {}, labels)
        for column in columns:
            if column.key not in positions:
                continue
            text = texts[column.key]
            if not text:
                if column.required:
                    problems.append(
                        ImportProblem(sheet_name, number, labels[column.key], _("This cell is required."))
                    )
                    row.ok = False
                row.values[column.key] = ""
                continue
            try:
                row.values[column.key] = column.parse(text) if column.parse else text
            except ValidationError as exc:
                problems.append(
                    ImportProblem(sheet_name, number, labels[column.key], "; ".join(exc.messages))
                )
                row.ok = False
        result.append(row)
    return result


def problems_from_validation(sheet: str, row: SheetRow, error: ValidationError) -> list[ImportProblem]:
    """Turn a model's full_clean() error into problems pointing at the right column where we can."""
    found = []
    for key, messages in (
        error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
    ):
        found.append(ImportProblem(sheet, row.number, row.columns.get(key, key), "; ".join(messages)))
    return found


def import_rows(
    rows: list[SheetRow], sheet: str, build: Callable[[SheetRow], Any], report: ImportReport
) -> None:
    """Build and save every readable row inside one transaction; roll everything back if any row had a problem,
    so an import is all or nothing and the report lists every problem by row."""
    with transaction.atomic():
        for row in rows:
            if not row.ok:
                continue
            try:
                report.created.append(build(row))
            except ValidationError as exc:
                report.problems.extend(problems_from_validation(sheet, row, exc))
        report.problems.sort(key=lambda problem: problem.row or 0)
        if report.problems:
            transaction.set_rollback(True)
            report.created = []


def template_workbook(sheets: list[tuple[str, list[Column], list[list[Any]]]], notes: list[str]) -> bytes:
    """A template workbook: one sheet per (name, columns, example rows), plus a 说明 sheet with the notes."""
    workbook = Workbook()
    workbook.remove(active_sheet(workbook))
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for name, columns, examples in sheets:
        sheet = workbook.create_sheet(name)
        sheet.append([column.title + (" *" if column.required else "") for column in columns])
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = bold
            if column.required:
                cell.fill = required_fill
            sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.title) * 2)
        for example in examples:
            sheet.append(example)
        sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("说明")
    guide.column_dimensions["A"].width = 110
    for line in notes:
        guide.append([line])
    for name, columns, _examples in sheets:
        guide.append([])
        guide.append([f"{name}:"])
        for column in columns:
            mark = "必填 required" if column.required else "选填 optional"
            guide.append([f"  {column.title} — {mark}. {column.help}"])
    for row in guide.iter_rows():
        row[0].alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
