"""Official documents (公文) in Word, laid out per GB/T 9704-2012 (党政机关公文格式).

Every generated Word document (bulletins, round reports, survey reports) is built or templated with these pieces,
so they share one layout: A4, margins 37/35/28/26 mm (a 156 × 225 mm text block of 22 lines of 28 characters),
the red 版头 (发文机关标志 and the red separator line under the 发文字号), a 2号 方正小标宋简体 title, a 3号
仿宋_GB2312 body with 黑体 and 楷体_GB2312 headings, 4号 page numbers "— 1 —" on the outside edges and the 版记 at
the foot of the last page.

The fonts are named as offices have them (East Asian font names), so Word/WPS on an office machine uses them;
`FALLBACKS` says which free face the PDF (core/officialpdf.py) draws each one with, at the same size.
Paragraphs carry named styles (`STYLES`), so an office restyles a template in Word/WPS and the PDF follows.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

# --- The measures of GB/T 9704-2012 ----------------------------------------------------------------------------

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
MM_PER_PT = 25.4 / 72
# 225 mm / 22 lines; Word keeps line pitches in twentieths of a point, so the pitch is rounded to one.
LINE_PITCH_TWIPS = int(TEXT_HEIGHT_MM / MM_PER_PT / LINES_PER_PAGE * 20)  # 579
LINE_PITCH_PT = LINE_PITCH_TWIPS / 20  # 28.95
CHAR_PITCH_PT = TEXT_WIDTH_MM / MM_PER_PT / CHARS_PER_LINE  # 15.79: 28 characters of 3号 fill 156 mm

SIZE_OFFICE_MAX = 36  # the 发文机关标志: as large as fits the text block on one line, up to this
SIZE_TITLE = 22  # 2号
SIZE_BODY = 16  # 3号
SIZE_PAGE_NUMBER = 14  # 4号
SIZE_FOOTER_BLOCK = 14  # 4号, the 版记
SIZE_TABLE = 12  # 小四 in tables of a few columns
SIZE_TABLE_WIDE = 10.5  # 五号 in tables of many columns
WIDE_TABLE_COLUMNS = 7
SHORT_TEXT_EM = 9  # a text column this narrow (a unit's name) does not wrap while a longer one can
RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"
# The separator under the 文号: red, as wide as the text block, 4 mm below the 文号.
RED_LINE_EIGHTHS = 18  # 2.25 pt, in eighths of a point
RED_LINE_GAP_PT = 11  # ≈ 4 mm (Word caps a border's gap at 31 pt)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

# The free face the PDF draws each official font with (same size and place), and its weight.
FALLBACKS: dict[str, tuple[str, int]] = {
    TITLE_FONT: ("Noto Serif CJK SC", 700),
    BODY_FONT: ("Noto Serif CJK SC", 400),
    HEADING1_FONT: ("Noto Sans CJK SC", 400),
    HEADING2_FONT: ("Noto Serif CJK SC", 400),
    PAGE_NUMBER_FONT: ("Noto Serif CJK SC", 400),
}
DEFAULT_FALLBACK = FALLBACKS[BODY_FONT]


@dataclass(frozen=True)
class Look:
    """One paragraph style of the layout."""

    name: str
    font: str
    size: float
    bold: bool = False
    red: bool = False
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.JUSTIFY
    first_line_chars: int = 0  # indent of the first line in characters of the style's size
    left_chars: int = 0
    right_chars: int = 0
    space_before_lines: float = 0
    exact_line: bool = True  # on the 22-line grid; tables use single spacing
    keep_next: bool = False  # kept on the page of the paragraph after it


OFFICE = Look(
    "GW Office", TITLE_FONT, SIZE_OFFICE_MAX, red=True, align=WD_ALIGN_PARAGRAPH.CENTER, exact_line=False
)
NUMBER = Look("GW Number", BODY_FONT, SIZE_BODY, align=WD_ALIGN_PARAGRAPH.CENTER, space_before_lines=2)
TITLE = Look("GW Title", TITLE_FONT, SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, space_before_lines=2)
ADDRESSEE = Look("GW Addressee", BODY_FONT, SIZE_BODY, space_before_lines=1)
BODY = Look("GW Body", BODY_FONT, SIZE_BODY, first_line_chars=2)
HEADING1 = Look("GW Heading 1", HEADING1_FONT, SIZE_BODY, first_line_chars=2)
HEADING2 = Look("GW Heading 2", HEADING2_FONT, SIZE_BODY, first_line_chars=2)
CAPTION = Look("GW Caption", HEADING2_FONT, SIZE_TABLE, align=WD_ALIGN_PARAGRAPH.CENTER, exact_line=False)
SIGNATURE = Look(
    "GW Signature", BODY_FONT, SIZE_BODY, align=WD_ALIGN_PARAGRAPH.RIGHT, space_before_lines=2, keep_next=True
)
# The last paragraph of the text: it stays on the page of the 署名 (GB/T 9704 7.3.5 wants no signature page
# without text).
CLOSING = Look("GW Closing", BODY_FONT, SIZE_BODY, first_line_chars=2, keep_next=True)
DATE = Look("GW Date", BODY_FONT, SIZE_BODY, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
FOOTER_BLOCK = Look(
    "GW Footer Block", BODY_FONT, SIZE_FOOTER_BLOCK, align=None, left_chars=1, right_chars=1, exact_line=False
)
TABLE_TEXT = Look("GW Table", BODY_FONT, SIZE_TABLE, align=None, exact_line=False)
TABLE_HEADER = Look(
    "GW Table Header", HEADING1_FONT, SIZE_TABLE, align=WD_ALIGN_PARAGRAPH.CENTER, exact_line=False
)
PAGE_NUMBER = Look("GW Page Number", PAGE_NUMBER_FONT, SIZE_PAGE_NUMBER, align=None, exact_line=False)
STYLES = (
    OFFICE,
    NUMBER,
    TITLE,
    ADDRESSEE,
    BODY,
    CLOSING,
    HEADING1,
    HEADING2,
    CAPTION,
    SIGNATURE,
    DATE,
    FOOTER_BLOCK,
    TABLE_TEXT,
    TABLE_HEADER,
    PAGE_NUMBER,
)
# The caption a 版记 table carries, so the PDF can put it at the foot of the last page.
FOOTER_BLOCK_CAPTION = "版记"


# --- Fonts and styles ------------------------------------------------------------------------------------------


def set_fonts(element_with_rpr, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Name the East Asian font (what Word/WPS uses for Chinese) and the Latin one of a style or run."""
    rpr = element_with_rpr.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute, value in (
        ("w:ascii", latin),
        ("w:hAnsi", latin),
        ("w:eastAsia", east_asian),
        ("w:cs", latin),
    ):
        fonts.set(qn(attribute), value)
    for hint in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(hint), None)


def east_asian_font(element_with_rpr) -> str | None:
    rpr = element_with_rpr.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _apply(style: ParagraphStyle, look: Look) -> None:
    style.font.size = Pt(look.size)
    style.font.bold = look.bold
    style.font.color.rgb = RED if look.red else RGBColor(0, 0, 0)
    set_fonts(style.element, look.font)
    fmt = style.paragraph_format
    fmt.alignment = look.align
    fmt.space_before = Pt(look.space_before_lines * LINE_PITCH_PT)
    fmt.space_after = Pt(0)
    fmt.keep_with_next = look.keep_next or None
    if look.exact_line:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH_PT)
    else:
        fmt.line_spacing = 1.0
    indent = style.element.get_or_add_pPr()
    ind = indent.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        indent.append(ind)
    # Indents in characters (hundredths), as Word's 公文 templates do, with the point value beside for readers
    # that ignore the character units.
    for attr, chars in (
        ("firstLine", look.first_line_chars),
        ("left", look.left_chars),
        ("right", look.right_chars),
    ):
        if chars:
            ind.set(qn(f"w:{attr}Chars"), str(chars * 100))
            ind.set(qn(f"w:{attr}"), str(int(chars * look.size * 20)))


def add_styles(document: DocumentType) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(SIZE_BODY)
    set_fonts(normal.element, BODY_FONT)
    for look in STYLES:
        try:
            style = document.styles[look.name]
        except KeyError:
            style = document.styles.add_style(look.name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        _apply(style, look)
    # The office's name stands 35 mm below the top of the text block (GB/T 9704 7.2.2).
    document.styles[OFFICE.name].paragraph_format.space_before = Mm(35)


def _page_setup(document: DocumentType) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    # The page number's dash sits 7 mm under the text block: its line's foot about 23 mm above the edge.
    section.footer_distance = Mm(23)
    section.header_distance = Mm(15)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(round((CHAR_PITCH_PT - SIZE_BODY) * 4096)))


def _page_number(paragraph: Paragraph) -> None:
    """— PAGE — in 4号 宋体 figures."""
    paragraph.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" —")


def _page_numbers(document: DocumentType) -> None:
    """Odd pages right with one character's space, even pages left likewise (GB/T 9704 7.5)."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, align, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = document.styles[PAGE_NUMBER.name]
        paragraph.alignment = align
        if side == "right":
            paragraph.paragraph_format.right_indent = Pt(SIZE_PAGE_NUMBER)
        else:
            paragraph.paragraph_format.left_indent = Pt(SIZE_PAGE_NUMBER)
        _page_number(paragraph)


def new_document(title: str = "", author: str = "") -> DocumentType:
    """An empty 公文: page, grid, styles and page numbers set; the caller adds the parts in order."""
    document = Document()
    add_styles(document)
    _page_setup(document)
    _page_numbers(document)
    document.core_properties.title = title
    document.core_properties.author = author
    document.core_properties.comments = "GB/T 9704-2012"
    return document


def save(document: DocumentType) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- The parts of a 公文 ----------------------------------------------------------------------------------------


def paragraph(document, text: str, look: Look = BODY) -> Paragraph:
    """A paragraph of one style (runs take the style's font and size)."""
    return document.add_paragraph(
        text, style=document.styles[look.name] if hasattr(document, "styles") else None
    )


def display_width(text: str) -> int:
    """Width in half-character units: a Chinese character (or full-width sign) counts two, others one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_em(text: str) -> float:
    """Printed width in ems: a Chinese character one, a Latin letter or figure about 0.6 (in the CJK faces)."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


def office_size(name: str) -> float:
    """The largest size (≤ 36 pt) at which the office's name fits the text block on one line."""
    width_pt = TEXT_WIDTH_MM / MM_PER_PT
    return float(min(SIZE_OFFICE_MAX, int(width_pt / max(display_width(name) / 2, 1))))


def add_masthead(document, office: str, number: str) -> None:
    """版头: the issuing office in red 小标宋 (35 mm below the top of the text block), two lines down the 发文字号,
    and 4 mm under it the red line as wide as the text block."""
    mark = paragraph(document, office, OFFICE)
    mark.runs[0].font.size = Pt(office_size(office))
    numbered = paragraph(document, number, NUMBER)
    red_line(numbered)


def red_line(paragraph_: Paragraph) -> None:
    ppr = paragraph_._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("val", "single"), ("sz", str(RED_LINE_EIGHTHS)), ("space", str(RED_LINE_GAP_PT))):
        bottom.set(qn(f"w:{attr}"), value)
    bottom.set(qn("w:color"), RED_HEX)
    borders.append(bottom)
    ppr.append(borders)


def fit_masthead(document) -> None:
    """After a template is rendered: size the office's name to fit one line, as `add_masthead` does."""
    for p in document.paragraphs:
        if p.style is not None and p.style.name == OFFICE.name and p.text.strip():
            for run in p.runs:
                run.font.size = Pt(office_size(p.text.strip()))


def center_signature(document) -> None:
    """The 署名 centred over the 成文日期, which keeps four characters from the right edge (GB/T 9704 7.3.5)."""
    signature = date = None
    for p in document.paragraphs:
        name = p.style.name if p.style is not None else ""
        if name == SIGNATURE.name and p.text.strip():
            signature = p
        elif name == DATE.name and p.text.strip():
            date = p
    if signature is None or date is None:
        return
    shift = (display_width(date.text.strip()) - display_width(signature.text.strip())) / 4  # characters
    signature.paragraph_format.right_indent = Pt(max(4 + shift, 0) * SIZE_BODY)


def add_signature(document, office: str, date: str) -> None:
    paragraph(document, office, SIGNATURE)
    paragraph(document, date, DATE)
    center_signature(document)


# --- Tables ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a Word table: its header, and whether it holds numbers (right-aligned) or codes such as case
    numbers (never broken across lines)."""

    header: str
    numeric: bool = False
    keep: bool = False


def _widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], size: float) -> list[float]:
    """Column widths in points by content, filling the text block: columns that must not break keep their
    natural width; the others share what is left in proportion to their longest text."""
    total = TEXT_WIDTH_MM / MM_PER_PT
    pad = 12.0  # cell margins and borders, with room to spare
    full, least = [], []
    for i, column in enumerate(columns):
        cell = max((text_em(str(r[i])) for r in rows), default=0)
        header = text_em(column.header)
        full.append(max(cell, header) * size + pad)
        # A header may wrap, but keeps at least two characters a line.
        least.append(max(cell, min(header, 2)) * size + pad)
    rigid = [i for i, c in enumerate(columns) if c.numeric or c.keep]
    flexible = [i for i in range(len(columns)) if i not in rigid] or list(range(len(columns)))
    if sum(full) <= total:  # everything on one line: the spare width goes to the text columns
        spare = (total - sum(full)) / len(flexible)
        return [w + (spare if i in flexible else 0) for i, w in enumerate(full)]
    if sum(least) <= total:  # headers wrap, as little as the spare width allows
        ratio = (total - sum(least)) / (sum(full) - sum(least))
        return [lo + (hi - lo) * ratio for lo, hi in zip(least, full, strict=True)]
    # Long text must wrap: rigid columns and short text (names up to SHORT_TEXT_EM) keep their width, the long
    # text columns share the rest.
    short = [i for i in flexible if least[i] <= SHORT_TEXT_EM * size + pad]
    long = [i for i in flexible if i not in short]
    left = total - sum(least[i] for i in rigid + short)
    if left <= 0 or not long:  # too much that must not wrap: scale everything
        return [w * total / sum(least) for w in least]
    floor = 4 * size + pad
    share = sum(least[i] for i in long)
    return [max(floor, least[i] * left / share) if i in long else least[i] for i in range(len(columns))]


def _set(element, tag: str, **attributes: str):
    child = element.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        element.append(child)
    for name, value in attributes.items():
        child.set(qn(f"w:{name}"), value)
    return child


def _borders(table: Table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    tblpr.append(borders)


def _cell(cell: _Cell, text: str, look: Look, width: float, column: Column, document) -> None:
    cell.width = Emu(int(Pt(width)))
    p = cell.paragraphs[0]
    p.style = document.styles[look.name]
    if look is TABLE_TEXT and column.numeric:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if column.keep:
        _set(cell._tc.get_or_add_tcPr(), "w:noWrap")
    if column.keep and "-" in text:  # a case number: hyphens that do not break
        for i, piece in enumerate(text.split("-")):
            if i:
                run = p.add_run()
                run._r.append(OxmlElement("w:noBreakHyphen"))
            if piece:
                p.add_run(piece)
    elif text:
        p.add_run(text)


def add_table(document, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> Table:
    """A bordered table as wide as the text block: widths by content, the header row repeated on every page,
    no row split across pages, numbers right-aligned, codes never broken."""
    body = [[("" if v is None else str(v)) for v in row] for row in rows]
    size = SIZE_TABLE_WIDE if len(columns) >= WIDE_TABLE_COLUMNS else SIZE_TABLE
    widths = _widths(columns, body, size)
    table = document.add_table(rows=0, cols=len(columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    _set(table._tbl.tblPr, "w:tblLayout", type="fixed")
    _set(table._tbl.tblPr, "w:tblW", w=str(int(sum(widths) * 20)), type="dxa")
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(int(width * 20)))
    for index, values in enumerate([[c.header for c in columns], *body]):
        row = table.add_row()
        trpr = row._tr.get_or_add_trPr()
        _set(trpr, "w:cantSplit")
        if index == 0:
            _set(trpr, "w:tblHeader")
        look = TABLE_HEADER if index == 0 else TABLE_TEXT
        for cell, text, width, column in zip(row.cells, values, widths, columns, strict=True):
            _cell(cell, text, look, width, column, document)
            if size != look.size:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(size)
    return table


def table_marker(name: str) -> str:
    """What a template's `{{ name }}` paragraph renders to where `place_table` puts a table."""
    return f"[table:{name}]"


def place_table(document, name: str, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> int:
    """Put a table (built by `add_table`) in place of each body paragraph that reads `table_marker(name)`, so a
    template places its tables with a tag on a paragraph of its own. Returns how many it placed."""
    marker = table_marker(name)
    rows = list(rows)
    placed = 0
    for p in list(document.paragraphs):
        if p.text.strip() == marker:
            table = add_table(document, columns, rows)
            p._p.addnext(table._tbl)
            p._p.getparent().remove(p._p)
            placed += 1
    return placed


def add_footer_block(document, lines: Sequence[tuple[str, str]]) -> Table:
    """版记: 抄送 and 印发机关/印发日期 between lines (thick first and last, thin between), 4号 仿宋, one
    character in from each side. Anchored to the foot of the text block, so it closes the last page."""
    table = document.add_table(rows=0, cols=2)
    table.autofit = False
    tblpr = table._tbl.tblPr
    _set(tblpr, "w:tblpPr", vertAnchor="margin", horzAnchor="margin", tblpYSpec="bottom", tblpXSpec="center")
    _set(tblpr, "w:tblCaption", val=FOOTER_BLOCK_CAPTION)
    _set(tblpr, "w:tblLayout", type="fixed")
    width = TEXT_WIDTH_MM / MM_PER_PT
    _set(tblpr, "w:tblW", w=str(int(width * 20)), type="dxa")
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    grid[0].set(qn("w:w"), str(int(width * 20 * 0.55)))
    grid[1].set(qn("w:w"), str(int(width * 20 * 0.45)))
    for index, (left, right) in enumerate(lines):
        row = table.add_row()
        _set(row._tr.get_or_add_trPr(), "w:cantSplit")
        cells = row.cells
        if not right:  # a line of one part (抄送) takes the whole width
            cells = [cells[0].merge(cells[1])]
        for cell, text, align in zip(
            cells, (left, right), (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT), strict=False
        ):
            p = cell.paragraphs[0]
            p.style = document.styles[FOOTER_BLOCK.name]
            p.alignment = align
            if text:
                p.add_run(text)
            thick, thin = "8", "4"  # 0.35 mm and 0.25 mm lines, in eighths of a point (rounded)
            tcpr = cell._tc.get_or_add_tcPr()
            borders = _set(tcpr, "w:tcBorders")
            top = _set(borders, "w:top", val="single", color="000000")
            top.set(qn("w:sz"), thick if index == 0 else thin)
            if index == len(lines) - 1:
                _set(borders, "w:bottom", val="single", sz=thick, color="000000")
    # A floating table anchors to the paragraph after it, and Word wants a paragraph to end the body: one point
    # high, so it never pushes the 版记 onto another page.
    table._tbl.addnext(_hairline())
    return table


HAIRLINE_TWIPS = "20"


def _hairline():
    """An empty paragraph one point high."""
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    _set(ppr, "w:spacing", line=HAIRLINE_TWIPS, lineRule="exact", before="0", after="0")
    p.append(ppr)
    return p


def is_hairline(p: Paragraph) -> bool:
    """The 版记's anchor or the section break before it: nothing to print."""
    ppr = p._p.pPr
    spacing = ppr.find(qn("w:spacing")) if ppr is not None else None
    return spacing is not None and spacing.get(qn("w:line")) == HAIRLINE_TWIPS and not p.text.strip()


def footer_block_table(document) -> Table | None:
    """The 版记 table (`add_footer_block` marks it with its caption), or None."""
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is not None and caption.get(qn("w:val")) == FOOTER_BLOCK_CAPTION:
            return table
    return None


def anchor_footer_block(document) -> bool:
    """Give the 版记 the paragraph after it that a floating table anchors to (a template made before it had one,
    or restyled without it: LibreOffice then drops the table). Returns whether one was added."""
    table = footer_block_table(document)
    following = table._tbl.getnext() if table is not None else None
    if table is None or (following is not None and following.tag == qn("w:p")):
        return False
    table._tbl.addnext(_hairline())
    return True


def footer_block_on_own_page(document) -> bool:
    """Whether the 版记 stands in a last section of its own that starts on an even page."""
    sections = document.sections
    return len(sections) > 1 and sections[-1].start_type == WD_SECTION_START.EVEN_PAGE


def move_footer_block_to_even_page(document) -> None:
    """Put the 版记 in a last section of its own that starts on an even page, at the foot of it (vertical
    alignment bottom, the table still anchored to the foot) and without a page number (GB/T 9704 7.5: the 版记
    page and a blank page before it carry none). Word inserts the blank page itself when the text ends on an
    even page, so the 版记 closes the last even page however Word breaks the pages before it."""
    table = footer_block_table(document)
    if table is None or footer_block_on_own_page(document):
        return
    body_sectpr = document.sections[-1]._sectPr
    # The text's section ends at a paragraph carrying a copy of the page setup (a section break), one point high
    # so it never pushes the text onto another page.
    breaker = _hairline()
    breaker.find(qn("w:pPr")).append(body_sectpr.clone())
    table._tbl.addprevious(breaker)
    last = document.sections[-1]
    last.start_type = WD_SECTION_START.EVEN_PAGE
    align = body_sectpr.find(qn("w:vAlign"))
    if align is None:
        align = OxmlElement("w:vAlign")
        body_sectpr.insert_element_before(
            align, "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid"
        )
    align.set(qn("w:val"), "bottom")
    for reference in body_sectpr.findall(qn("w:footerReference")):  # the text's numbered footers stay with it
        body_sectpr.remove(reference)
    for footer in (last.footer, last.even_page_footer):
        footer.is_linked_to_previous = False  # a footer of its own, empty: no page number
