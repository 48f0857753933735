"""The one Excel writer every export uses: files a clerk can forward as they are.

Each sheet gets a title row (what, whose, which period, when made), a frozen header row repeated on every printed
page, column widths fitted to the content (CJK characters count double, capped, long text wrapped), typed cells
(dates as dates, numbers with a fixed number of decimals per column, percentages as numbers), an autofilter on
lists, and A4 landscape printing one page wide with page numbers. Text is written as text: a value starting with
`= + - @`, tab or CR never becomes a formula, and characters XML cannot hold are dropped rather than failing the
whole file.

Sheets are written by XlsxWriter in its constant-memory mode: each row goes to a temporary file as soon as the
next one starts, so memory stays flat however many rows an export has (and it writes rows two to three times as
fast as openpyxl's write-only mode, which could not reach the case export's 5,000 rows a second). A file known to
be small (`ExcelFile(in_memory=True)`: a list downloaded at once) is kept in memory instead, which is cheaper.
Widths are fitted on the first `SAMPLE_ROWS` rows, which are held back until then: whether a column wraps, and so
how tall each row must be, depends on its width, and a row's height must be set before the row is flushed.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from xlsxwriter import Workbook

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
    """How wide text is in Excel's character units: CJK and full-width characters count double. Its widest line;
    ASCII (no wide characters) is measured by its length."""
    if text.isascii():
        return max(map(len, text.splitlines()), default=0)
    return max(map(_line_width, text.splitlines()), default=0)


def _line_width(line: str) -> int:
    kinds = list(map(unicodedata.east_asian_width, line))
    return len(kinds) + kinds.count("W") + kinds.count("F")


def clean_text(text: str) -> str:
    """Drop the characters an XML file cannot hold (\\x01, \\x0c …); everything else is kept. Those are all
    control characters, which printable text (most text) has none of."""
    return text if text.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", text)


def _local(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(zone)
    return value.replace(tzinfo=None, second=0, microsecond=0)


def _typed(column: Column, value: Any, zone: dt.tzinfo) -> Any:
    """The value as its cell should hold it: numbers rounded to the column's decimals (no float noise), datetimes
    local (in `zone`) and naive, dates as dates, text cleaned. Text and datetimes, most of an export's cells, are
    tested first."""
    if value is None:
        return None
    if type(value) is str:
        return clean_text(value) if value else None
    kind = column.kind
    if isinstance(value, dt.datetime):
        local = _local(value, zone)
        return local.date() if kind == Kind.DATE else local
    if kind in (Kind.NUMBER, Kind.SIGNED) and isinstance(value, (int, float, Decimal)):
        return round(float(value), column.decimals)
    if kind == Kind.PERCENT and isinstance(value, (int, float, Decimal)):
        return round(float(value), 4)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):  # a str subclass (a lazy translation's result, a SafeString)
        return clean_text(str(value)) if value else None
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


class SheetWriter:
    """Rows of one sheet. Call `append` for each row (values in column order); the file closes the sheet."""

    def __init__(
        self,
        book: Any,  # xlsxwriter ships no type information
        sheet: Any,
        columns: Sequence[Column],
        title: Title | None,
        autofilter: bool,
        widths: dict[int, float] | None,
    ) -> None:
        self.book = book
        self.sheet = sheet
        self.columns = list(columns)
        self.title = title
        self.autofilter = autofilter
        self.fixed_widths = widths or {}
        self.header_row = 2 if title else 1  # 1-based, as people count rows
        self.rows_written = 0
        self._held: list[tuple[list[Any], float | None, bytes | None]] = []
        self._started = False
        self._widths: list[float] = []
        self._wrapped: list[int] = []  # the columns whose text wraps
        self._styles: list[dict[str, Any]] = []  # per column, set with the widths
        self._formats: list[Any] = []  # the same as formats
        self._quoted_formats: dict[
            int, Any
        ] = {}  # the same marked as text (quote prefix), made when first needed
        self._tall_rows: list[int] = []  # rows given a height, to forget once flushed
        self._zone = timezone.get_current_timezone()  # datetimes are written in local time

    # -- rows ----------------------------------------------------------------------------------

    def append(self, values: Sequence[Any], height: float | None = None, image: bytes | None = None) -> None:
        """One row in column order; `height` in points, `image` (PNG/JPEG bytes) anchored in the last column."""
        zone = self._zone
        row = [
            value if value is None else _typed(column, value, zone)
            for column, value in zip(self.columns, values, strict=False)
        ]
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
        number = self.header_row + self.rows_written  # 0-based, as XlsxWriter counts
        height = max(height or 0, self._wrapped_height(row) if self._wrapped else 0) or None
        if height:
            self.sheet.set_row(number, height)
        if image:
            self.sheet.insert_image(
                number,
                len(self.columns) - 1,
                "photo",
                {"image_data": io.BytesIO(image), "object_position": 1},
            )
        elif height:
            self._tall_rows.append(number)
        sheet, formats, write_string = self.sheet, self._formats, self.sheet.write_string
        for index, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if value.startswith(FORMULA_START):
                    # text, never a formula, whatever it starts with
                    write_string(number, index, value, self._quoted_format(index))
                else:
                    write_string(number, index, value, formats[index])
            elif value is None:
                continue
            elif kind is float or kind is int:
                sheet.write_number(number, index, value, formats[index])
            elif kind is dt.datetime or kind is dt.date:
                sheet.write_datetime(number, index, value, formats[index])
            elif kind is bool:
                sheet.write_boolean(number, index, value, formats[index])
            else:
                sheet.write_string(number, index, clean_text(str(value)), formats[index])
        self.rows_written += 1
        self._forget_flushed_heights()

    def _forget_flushed_heights(self) -> None:
        """XlsxWriter keeps every row's height until the sheet closes, which would grow with a large export of
        wrapped text: once a row is flushed to its temporary file (XlsxWriter's `previous_row` has passed it), its
        height is written and can go. Rows holding a picture keep theirs: the picture is placed at close."""
        while self._tall_rows and self._tall_rows[0] < self.sheet.previous_row:
            number = self._tall_rows.pop(0)
            self.sheet.row_info.pop(number, None)
            self.sheet.row_sizes.pop(number, None)

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
        last = max(len(self.columns), 1) - 1
        self.sheet.freeze_panes(self.header_row, 0)
        self.sheet.repeat_rows(self.header_row - 1)
        if self.title:
            self.sheet.set_row(0, 24)
            title = self.book.add_format({"bold": True, "font_size": 14})
            text = clean_text(self.title.text())
            if last > 0:
                self.sheet.merge_range(0, 0, 0, last, text, title)
            else:
                self.sheet.write_string(0, 0, text, title)
        header = self.book.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "pattern": 1,
                "border": 1,
                "border_color": "#999999",
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        for index, column in enumerate(self.columns):
            self.sheet.write_string(self.header_row - 1, index, clean_text(column.title), header)
        for row, height, image in self._held:
            self._write(row, height, image)
        self._held = []

    def _set_widths(self) -> None:
        """Fit the widths, and give each column its cells' format: codes, whole numbers, and text that fits its
        width (no wrapping) need no more than the default; long text and text wider than its column wrap."""
        for index, column in enumerate(self.columns):
            widest = 0 if column.kind in FIXED_WIDTHS else self._widest(index, column)
            width = self.fixed_widths.get(index) or self._fitted_width(column, widest)
            self.sheet.set_column(index, index, width)
            self._widths.append(width)
            wraps = column.kind == Kind.LONG or (column.kind == Kind.TEXT and widest + 2 > width)
            if wraps:
                self._wrapped.append(index)
            style: dict[str, Any] = {}
            if column.number_format != "General":
                style["num_format"] = column.number_format
            if wraps:
                style["text_wrap"] = True
            if column.kind in RIGHT:
                style["align"] = "right"
            self._styles.append(style)
            self._formats.append(self.book.add_format(style) if style else None)

    def _quoted_format(self, index: int) -> Any:
        """The column's format marked as text, for text that would otherwise be read as a formula."""
        quoted = self._quoted_formats.get(index)
        if quoted is None:
            quoted = self._quoted_formats[index] = self.book.add_format(
                {**self._styles[index], "quote_prefix": True}
            )
        return quoted

    def _widest(self, index: int, column: Column) -> int:
        """The widest of a column's held cells as shown; a text repeated down the column is measured once."""
        values = [row[index] for row, _h, _i in self._held]
        texts = {value for value in values if type(value) is str}
        others = (
            _shown_width(column, value) for value in values if value is not None and type(value) is not str
        )
        return max(max(map(text_width, texts), default=0), max(others, default=0))

    def _fitted_width(self, column: Column, widest: int) -> float:
        header = min(text_width(column.title), 16) + 2  # long headers wrap rather than widen the column
        if column.kind in FIXED_WIDTHS:
            return max(FIXED_WIDTHS[column.kind], header)
        content = max(widest, *(text_width(choice) for choice in column.choices), 0)
        cap = 60 if column.kind == Kind.CODE else MAX_WIDTH
        return max(MIN_WIDTH, header, min(content + 2, cap))

    def _set_page(self) -> None:
        """A4 landscape, one page wide, as long as it needs; the header row on every page, page numbers below."""
        sheet = self.sheet
        sheet.set_landscape()
        sheet.set_paper(PAPER_A4)
        sheet.fit_to_pages(1, 0)
        sheet.center_horizontally()
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        sheet.set_footer("&C" + _escape_header(_("Page &P of &N"), keep_codes=True))
        if self.title:
            sheet.set_header("&C" + _escape_header(self.title.what))

    def close(self) -> None:
        """Write what is held; set the autofilter over the rows written."""
        if not self._started:
            self._start()
        if self.autofilter and self.columns:
            # An empty list filters its header and the first (empty) row, as Excel does: a one-cell range would
            # be written as "A2", which some readers do not take for a filter range.
            last_row = max(self.header_row + self.rows_written - 1, self.header_row)
            self.sheet.autofilter(self.header_row - 1, 0, last_row, len(self.columns) - 1)


def _escape_header(text: str, keep_codes: bool = False) -> str:
    """Header and footer text with its ampersands doubled (`&` starts a code there), but for the page codes."""
    if keep_codes:
        return text
    return text.replace("&", "&&")


class ExcelFile:
    """A workbook of export sheets. `sheet()` for each sheet, `notes()` for a sheet of explanations, then `save`."""

    def __init__(self, *, in_memory: bool = False) -> None:
        """`in_memory` for a file known to be small (a list downloaded at once, a few thousand rows at most): its
        cells are kept until `save` and its parts zipped from memory, which takes a fifth less CPU than streaming
        rows through temporary files. Any other file streams in constant memory."""
        # XlsxWriter writes the finished file to a target named up front; `save` copies it to where it is wanted.
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 -- lives until save() closes it
        self.workbook = Workbook(
            self._file,
            {
                "constant_memory": not in_memory,
                "in_memory": in_memory,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self._sheets: list[SheetWriter] = []
        self._names: set[str] = set()
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
        worksheet = self.workbook.add_worksheet(self._sheet_name(name))
        writer = SheetWriter(self.workbook, worksheet, columns, title, autofilter, widths)
        self._add_choices(writer)
        self._sheets.append(writer)
        return writer

    def _sheet_name(self, name: str) -> str:
        """A name Excel accepts: at most 31 characters, none of []:*?/\\, and not one already used (any case)."""
        base = SHEET_NAME_BAD.sub("", clean_text(name)).strip("'")[:31] or "Sheet"
        candidate, number = base, 1
        while candidate.casefold() in self._names:
            suffix = str(number)
            candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
        self._names.add(candidate.casefold())
        return candidate

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
            writer.sheet.data_validation(
                writer.header_row,
                index,
                EXCEL_LAST_ROW,
                index,
                {
                    "validate": "list",
                    "source": self._list_source(column.choices),
                    "ignore_blank": True,
                    "error_message": _("Choose a value from the list."),
                    "show_error": True,
                },
            )

    def _list_source(self, choices: Sequence[str]) -> list[str] | str:
        inline = ",".join(choices)
        if len(inline) <= INLINE_LIST_LIMIT and not any("," in choice or '"' in choice for choice in choices):
            return [clean_text(choice) for choice in choices]
        # Long lists live on a hidden sheet, one column per list.
        self._lists.append(choices)
        letter = get_column_letter(len(self._lists))
        return f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(choices)}"

    def _write_lists(self) -> None:
        if not self._lists:
            return
        sheet = self.workbook.add_worksheet(LISTS_SHEET)
        sheet.hide()
        depth = max(len(choices) for choices in self._lists)
        for row in range(depth):
            for column, choices in enumerate(self._lists):
                if row < len(choices):
                    sheet.write_string(row, column, clean_text(choices[row]))

    def save(self, out: BinaryIO | Any) -> None:
        """Write the workbook to a file-like object (an HttpResponse works)."""
        for writer in self._sheets:
            writer.close()
        self._write_lists()
        self.workbook.close()
        self._file.seek(0)
        shutil.copyfileobj(self._file, out)
        self._file.close()

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()


LISTS_SHEET = "选项"
EXCEL_LAST_ROW = 1_048_575  # 0-based
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
