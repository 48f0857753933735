"""The one Excel writer every export uses: files a clerk can forward as they are.

Each sheet gets a title row (what, whose, which period, when made), a frozen header row repeated on every printed
page, column widths fitted to the content (CJK characters count double, capped, long text wrapped), typed cells
(dates as dates, numbers with a fixed number of decimals per column, percentages as numbers), an autofilter on
lists, and A4 landscape printing one page wide with page numbers. Text is written as text: a value starting with
`= + - @`, tab or CR never becomes a formula, and characters XML cannot hold are dropped rather than failing the
whole file.

Sheets are always written in openpyxl's write-only mode: rows go to a temporary file as they come, so memory
stays flat however many rows an export has. Widths are fitted on the first `SAMPLE_ROWS` rows, which are held back
until then (the column widths must be written before the first row).
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image as XlImage
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

SAMPLE_ROWS = 500  # rows held back to fit the widths on
MAX_WIDTH = 40  # widest a column gets (in Excel's character units); longer text wraps
LONG_WIDTH = 50  # a column of long text (descriptions, notes) is this wide and wraps
MIN_WIDTH = 6
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
INLINE_LIST_LIMIT = 250  # Excel refuses a drop-down list written inline past 255 characters
MINUS = "\u2212"  # the sign printed before deductions (−2.00), as documents print it
PAPER_A4 = 9  # the paperSize code of A4
LINE_HEIGHT = 15  # points per line of 11-point text, CJK included


class Kind(enum.Enum):
    TEXT = "text"  # short text, fitted
    LONG = "long"  # long text: fixed width, wrapped
    CODE = "code"  # numbers people read as codes (case numbers): fitted, never wrapped or capped
    INTEGER = "integer"
    NUMBER = "number"  # `decimals` places
    SIGNED = "signed"  # a number whose sign matters (deductions): −2.00, +1.00
    PERCENT = "percent"  # a fraction written as a number, shown as 95.7%
    DATE = "date"
    DATETIME = "datetime"


FORMATS = {
    Kind.INTEGER: "0",
    Kind.PERCENT: "0.0%",
    Kind.DATE: "yyyy-mm-dd",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
}
FIXED_WIDTHS = {Kind.DATE: 12, Kind.DATETIME: 17, Kind.PERCENT: 9, Kind.LONG: LONG_WIDTH}
RIGHT = frozenset({Kind.INTEGER, Kind.NUMBER, Kind.SIGNED, Kind.PERCENT})


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, the kind of its cells, and for templates the allowed values."""

    title: str
    kind: Kind = Kind.TEXT
    decimals: int = 2
    choices: Sequence[str] = ()  # a drop-down list in the sheet (import templates)

    @property
    def number_format(self) -> str:
        if self.kind == Kind.NUMBER:
            return _decimal_format(self.decimals)
        if self.kind == Kind.SIGNED:
            number = _decimal_format(self.decimals)
            return f'+{number};"{MINUS}"{number};{number}'
        return FORMATS.get(self.kind, "General")


def _decimal_format(decimals: int) -> str:
    return "0." + "0" * decimals if decimals > 0 else "0"


@dataclass(frozen=True)
class Title:
    """The title row: what the sheet is, whose (the scope), which period, and when it was made."""

    what: str
    whose: str = ""
    period: str = ""
    made: dt.datetime | None = None

    def text(self) -> str:
        made = timezone.localtime(self.made or timezone.now()).strftime("%Y-%m-%d %H:%M")
        parts = [self.what, self.whose, self.period, _("made %(time)s") % {"time": made}]
        return "　".join(part for part in parts if part)


def text_width(text: str) -> int:
    """How wide text is in Excel's character units: CJK and full-width characters count double."""
    return max(
        (
            sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)
            for line in text.splitlines() or [""]
        ),
        default=0,
    )


def clean_text(text: str) -> str:
    """Drop the characters an XML file cannot hold (\\x01, \\x0c …); everything else is kept."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, second=0, microsecond=0)


def _typed(column: Column, value: Any) -> Any:
    """The value as its cell should hold it: numbers rounded to the column's decimals (no float noise), datetimes
    local and naive, dates as dates, text cleaned."""
    if value is None or value == "":
        return None
    kind = column.kind
    if isinstance(value, str):
        return clean_text(value)
    if kind == Kind.DATETIME and isinstance(value, dt.datetime):
        return _local(value)
    if kind == Kind.DATE and isinstance(value, dt.datetime):
        return _local(value).date()
    if kind in (Kind.NUMBER, Kind.SIGNED) and isinstance(value, (int, float, Decimal)):
        return round(float(value), column.decimals)
    if kind == Kind.PERCENT and isinstance(value, (int, float, Decimal)):
        return round(float(value), 4)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return _local(value)
    return value


def _shown_width(column: Column, value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return text_width(value)
    if isinstance(value, float):
        decimals = column.decimals if column.kind in (Kind.NUMBER, Kind.SIGNED) else 2
        return len(f"{value:.{decimals}f}") + (1 if column.kind == Kind.SIGNED else 0)
    return len(str(value))


@dataclass
class _Styles:
    """The style of each column's cells, made once: copying a style is far cheaper than building one per cell."""

    header: Any  # openpyxl's WriteOnlyCell is a factory function, not a type
    title: Any
    cells: list[Any] = field(default_factory=list)
    text_cells: list[Any] = field(default_factory=list)  # the same, marked as text (quote prefix)


class SheetWriter:
    """Rows of one sheet. Call `append` for each row (values in column order); the file closes the sheet."""

    def __init__(
        self,
        sheet: WriteOnlyWorksheet,
        columns: Sequence[Column],
        title: Title | None,
        autofilter: bool,
        widths: dict[int, float] | None,
    ) -> None:
        # typed loosely: the stubs lack the attributes a write-only sheet shares with an ordinary one
        self.sheet: Any = sheet
        self.columns = list(columns)
        self.title = title
        self.autofilter = autofilter
        self.fixed_widths = widths or {}
        self.header_row = 2 if title else 1
        self.rows_written = 0
        self._held: list[tuple[list[Any], float | None, bytes | None]] = []
        self._started = False
        self._images: list[tuple[int, bytes]] = []
        self._plain: list[bool] = []  # per column, set with the widths
        self._widths: list[float] = []
        self._wrapped: list[int] = []  # the columns whose text wraps
        self._styles = self._make_styles()

    # -- styles --------------------------------------------------------------------------------

    def _make_styles(self) -> _Styles:
        thin = Side(style="thin", color="999999")
        header = WriteOnlyCell(self.sheet)
        header.font = Font(bold=True)
        header.fill = PatternFill("solid", fgColor="DDEBF7")
        header.border = Border(bottom=thin, top=thin, left=thin, right=thin)
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        title = WriteOnlyCell(self.sheet)
        title.font = Font(bold=True, size=14)
        styles = _Styles(header=header, title=title)
        for column in self.columns:
            cell = WriteOnlyCell(self.sheet)
            cell.number_format = column.number_format
            cell.alignment = Alignment(
                wrap_text=column.kind in (Kind.TEXT, Kind.LONG),
                horizontal="right" if column.kind in RIGHT else None,
            )
            styles.cells.append(cell)
            text = self._styled(cell, None)
            text.quotePrefix = True
            styles.text_cells.append(text)
        return styles

    def _cell(self, index: int, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str) and value.startswith(FORMULA_START):
            cell = self._styled(self._styles.text_cells[index], None)
            cell._value = value
            cell.data_type = "s"  # text, never a formula, whatever it starts with
            return cell
        if self._plain[index]:
            return value  # the default style fits: no cell object to make (most of a large export's time)
        return self._styled(self._styles.cells[index], value)

    def _styled(self, like: Any, value: Any) -> Any:
        """A new cell styled as `like` (typed Any: openpyxl's WriteOnlyCell is a factory, not a type)."""
        cell: Any = WriteOnlyCell(self.sheet, value=value)
        cell._style = like._style.__copy__()
        return cell

    # -- rows ----------------------------------------------------------------------------------

    def append(self, values: Sequence[Any], height: float | None = None, image: bytes | None = None) -> None:
        """One row in column order; `height` in points, `image` (PNG/JPEG bytes) anchored in the last column."""
        row = [_typed(column, value) for column, value in zip(self.columns, values, strict=False)]
        row += [None] * (len(self.columns) - len(row))  # a short row leaves its last cells empty
        if self._started:
            self._write(row, height, image)
        else:
            self._held.append((row, height, image))
            if len(self._held) >= SAMPLE_ROWS:
                self._start()

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for values in rows:
            self.append(values)

    def _write(self, row: list[Any], height: float | None, image: bytes | None) -> None:
        number = self.header_row + self.rows_written + 1
        height = max(height or 0, self._wrapped_height(row)) or None
        if height:
            self.sheet.row_dimensions[number].height = height
        if image:
            picture = XlImage(io.BytesIO(image))
            self.sheet.add_image(picture, f"{get_column_letter(len(self.columns))}{number}")
        self.sheet.append([self._cell(i, value) for i, value in enumerate(row)])
        if height:
            # The row is written: its height is no longer needed, and held for every row it would grow with them.
            del self.sheet.row_dimensions[number]
        self.rows_written += 1

    def _wrapped_height(self, row: list[Any]) -> float:
        """The height a row needs for its wrapped text: office suites do not all grow rows on opening (LibreOffice
        prints them one line high, cutting the text), so it is written; 0 when one line is enough."""
        lines = 1
        for index in self._wrapped:
            value = row[index] if index < len(row) else None
            if not isinstance(value, str) or (len(value) * 2 <= self._widths[index] and "\n" not in value):
                continue
            usable = max(self._widths[index] - 1, 1)
            lines = max(lines, int(sum(-(-text_width(line) // usable) or 1 for line in value.split("\n"))))
        return LINE_HEIGHT * lines if lines > 1 else 0

    def _start(self) -> None:
        """Fit the widths on the rows held so far, write the sheet's top and header, then those rows."""
        self._started = True
        self._set_widths()
        self._set_page()
        last = get_column_letter(max(len(self.columns), 1))
        # The sheet's views (the frozen header) are written with its first row: set before any row.
        self.sheet.freeze_panes = f"A{self.header_row + 1}"
        self.sheet.print_title_rows = f"{self.header_row}:{self.header_row}"
        if self.title:
            self.sheet.row_dimensions[1].height = 24
            self.sheet.append([self._styled(self._styles.title, clean_text(self.title.text()))])
            if len(self.columns) > 1:
                self.sheet.merged_cells.add(f"A1:{last}1")
        self.sheet.append([self._styled(self._styles.header, clean_text(c.title)) for c in self.columns])
        for row, height, image in self._held:
            self._write(row, height, image)
        self._held = []

    def _set_widths(self) -> None:
        """Fit the widths, and mark the columns whose cells need no style: codes, whole numbers, and text that
        fits its width (no wrapping) look the same in the default style."""
        for index, column in enumerate(self.columns):
            letter = get_column_letter(index + 1)
            width = self.fixed_widths.get(index) or self._fitted_width(index, column)
            self.sheet.column_dimensions[letter].width = width
            self._widths.append(width)
            widest = max((_shown_width(column, row[index]) for row, _h, _i in self._held), default=0)
            fits = column.kind == Kind.TEXT and widest + 2 <= width
            self._plain.append(column.kind in (Kind.CODE, Kind.INTEGER) or fits)
            if column.kind in (Kind.TEXT, Kind.LONG) and not self._plain[-1]:
                self._wrapped.append(index)

    def _fitted_width(self, index: int, column: Column) -> float:
        header = min(text_width(column.title), 16) + 2  # long headers wrap rather than widen the column
        if column.kind in FIXED_WIDTHS:
            return max(FIXED_WIDTHS[column.kind], header)
        content = max((_shown_width(column, row[index]) for row, _h, _i in self._held), default=0)
        content = max(content, *(text_width(choice) for choice in column.choices), 0)
        cap = 60 if column.kind == Kind.CODE else MAX_WIDTH
        return max(MIN_WIDTH, header, min(content + 2, cap))

    def _set_page(self) -> None:
        """A4 landscape, one page wide, as long as it needs; the header row on every page, page numbers below."""
        setup = self.sheet.page_setup
        setup.orientation = "landscape"
        setup.paperSize = PAPER_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        self.sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self.sheet.print_options.horizontalCentered = True
        margins = self.sheet.page_margins
        margins.left = margins.right = 0.4
        margins.top = margins.bottom = 0.6
        self.sheet.oddFooter.center.text = _("Page &P of &N")
        if self.title:
            self.sheet.oddHeader.center.text = self.title.what

    def close(self) -> None:
        """Write what is held; set the autofilter and drop-down lists, which Excel reads after the rows."""
        if not self._started:
            self._start()
        last_row = self.header_row + self.rows_written
        last = get_column_letter(max(len(self.columns), 1))
        if self.autofilter and self.columns:
            self.sheet.auto_filter.ref = f"A{self.header_row}:{last}{max(last_row, self.header_row)}"


class ExcelFile:
    """A workbook of export sheets. `sheet()` for each sheet, `notes()` for a sheet of explanations, then `save`."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self._sheets: list[SheetWriter] = []
        self._lists: list[Sequence[str]] = []

    def sheet(
        self,
        name: str,
        columns: Sequence[Column],
        title: Title | None = None,
        *,
        autofilter: bool = True,
        widths: dict[int, float] | None = None,
    ) -> SheetWriter:
        """A sheet with a header row of `columns`; `autofilter` for lists; `widths` fixes some columns' widths
        (by index) instead of fitting them."""
        worksheet = self.workbook.create_sheet(clean_text(name)[:31])
        writer = SheetWriter(worksheet, columns, title, autofilter, widths)
        self._add_choices(writer)
        self._sheets.append(writer)
        return writer

    def notes(self, name: str, lines: Iterable[str], title: Title | None = None) -> None:
        """A sheet of explanations: one wrapped line per row, wide enough to read and to print."""
        writer = self.sheet(name, [Column(name, Kind.LONG)], title, autofilter=False, widths={0: 100})
        for line in lines:
            writer.append([line])

    def _add_choices(self, writer: SheetWriter) -> None:
        """Drop-down lists for columns with choices, from the first data row down (an import template)."""
        for index, column in enumerate(writer.columns):
            if not column.choices:
                continue
            validation = DataValidation(
                type="list", formula1=self._list_formula(column.choices), allow_blank=True
            )
            validation.error = _("Choose a value from the list.")
            validation.showErrorMessage = True
            letter = get_column_letter(index + 1)
            validation.add(f"{letter}{writer.header_row + 1}:{letter}1048576")
            writer.sheet.data_validations.append(validation)

    def _list_formula(self, choices: Sequence[str]) -> str:
        inline = ",".join(choices)
        if len(inline) <= INLINE_LIST_LIMIT and not any("," in choice or '"' in choice for choice in choices):
            return f'"{inline}"'
        # Long lists live on a hidden sheet, one column per list.
        self._lists.append(choices)
        letter = get_column_letter(len(self._lists))
        return f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(choices)}"

    def _write_lists(self) -> None:
        if not self._lists:
            return
        sheet = self.workbook.create_sheet(LISTS_SHEET)
        sheet.sheet_state = "hidden"
        depth = max(len(choices) for choices in self._lists)
        for row in range(depth):
            sheet.append([clean_text(c[row]) if row < len(c) else None for c in self._lists])

    def save(self, out: BinaryIO | Any) -> None:
        """Write the workbook to a file-like object (an HttpResponse works)."""
        for writer in self._sheets:
            writer.close()
        self._write_lists()
        self.workbook.save(out)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()


LISTS_SHEET = "选项"
