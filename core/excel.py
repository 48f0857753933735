"""Reading Excel sheets for imports, and their templates: per-cell errors, nothing half-read.

An import reads a whole sheet into dictionaries keyed by column, collecting an `ImportProblem` (sheet, row,
column, reason) for every bad cell. The caller decides: any problem → nothing is saved. The header row is found
among the first rows, so a file this project exported (a title row above its header) reads back as it is.
Templates are written by the one Excel writer, `core.workbooks`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as WorkbookType
from openpyxl.worksheet.worksheet import Worksheet

from core import workbooks
from core.text import clean_text
from core.uploads import check_zip

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20000
HEADER_SCAN = 5  # the header row is looked for among this many rows (titles may sit above it)


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
    choices: Callable[[], list[str]] | None = None  # the values a template offers in a drop-down list

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
    whole_sheet: bool = False  # a missing sheet or column: no row of the sheet can be read

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
        return not any(problem.row is None or problem.whole_sheet for problem in self.problems)


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


def choice_parser(choices: Any) -> Callable[[str], str]:
    """A cell parser for a Django choices class: the stored value, or its label in Chinese or English."""

    def parse(text: str) -> str:
        for value, label in choices.choices:
            names = {str(value)}
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    names.add(str(label))
            if text in names:
                return value
        raise ValidationError(_("Unknown value “%(text)s”.") % {"text": text})

    return parse


def choice_labels(choices: Any) -> Callable[[], list[str]]:
    """The labels of a choices class, for a template's drop-down list (templates are in Chinese)."""

    def labels() -> list[str]:
        with translation.override("zh-hans"):
            return [str(label) for _value, label in choices.choices]

    return labels


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number comes back as 3.7e+11 otherwise
    return clean_text(str(value)).strip()


def read_sheet(
    workbook: WorkbookType, sheet_name: str, columns: Iterable[Column], problems: list[ImportProblem]
) -> list[SheetRow]:
    """Read the rows of a sheet as text keyed by column; missing sheets, headers and required cells are problems."""
    columns = list(columns)
    if sheet_name not in workbook.sheetnames:
        problems.append(ImportProblem(sheet_name, None, "", _("The sheet is missing.")))
        return []
    rows = workbook[sheet_name].iter_rows(values_only=True)
    header_number, header = _header(rows, columns)
    positions: dict[str, int] = {}
    for column in columns:
        index = next((i for i, text in enumerate(header) if column.matches(text)), None)
        if index is None:
            if column.required:
                problems.append(
                    ImportProblem(
                        sheet_name, header_number, column.title, _("The column is missing."), whole_sheet=True
                    )
                )
            continue
        positions[column.key] = index
    result: list[SheetRow] = []
    for number, raw in enumerate(rows, start=header_number + 1):
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


def _header(rows: Iterator[tuple[Any, ...]], columns: list[Column]) -> tuple[int, list[str]]:
    """The first row naming one of the columns, and its number; the first row when none does."""
    first: tuple[int, list[str]] | None = None
    for number, raw in enumerate(rows, start=1):
        texts = [cell_text(value) for value in raw]
        first = first or (number, texts)
        if any(column.matches(text) for column in columns for text in texts if text):
            return number, texts
        if number >= HEADER_SCAN:
            break
    return first or (1, [])


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
    """A template workbook: one sheet per (name, columns, example rows) with drop-down lists where a column has
    choices, plus a 说明 sheet with the notes. In Chinese, as the offices fill it in; the import also accepts the
    English column keys."""
    excel = workbooks.ExcelFile()
    with translation.override("zh-hans"):
        for name, columns, examples in sheets:
            sheet = excel.sheet(name, [_template_column(column) for column in columns], autofilter=False)
            sheet.extend(examples)
        guide = list(notes)
        for name, columns, _examples in sheets:
            guide += ["", f"{name}："]
            for column in columns:
                mark = "必填" if column.required else "选填"
                guide.append(f"  {column.header} — {mark}。{column.help}")
        excel.notes("说明", guide)
    return excel.to_bytes()


def _template_column(column: Column) -> workbooks.Column:
    title = column.header + (" *" if column.required else "")
    return workbooks.Column(title, choices=column.choices() if column.choices else ())
