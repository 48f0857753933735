"""The 公文 layout (GB/T 9704-2012) read back from the Word file with python-docx, and its PDF read with pdftotext."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from core import officialdoc as od
from core.http import safe_filename
from core.officialpdf import docx_to_pdf, place_footer_block
from core.tests.sheets import needs_writer, printed_pages

COLUMNS = [
    od.Column("名次", numeric=True),
    od.Column("单位"),
    od.Column("问题编号", keep=True),
    od.Column("总分", numeric=True),
]


def _document(paragraphs: int = 3, lines: int = 0) -> bytes:
    document = od.new_document("测试通报", "创文")
    od.add_masthead(document, "示范县创建文明城市工作办公室", "示创办〔2026〕12号")
    od.paragraph(document, "示范县2026年第四季度考核情况通报", od.TITLE)
    od.paragraph(document, "各街道（乡镇）：", od.ADDRESSEE)
    od.paragraph(document, "一、考核结果", od.HEADING1)
    od.paragraph(document, "（一）加减分情况", od.HEADING2)
    for _ in range(paragraphs):
        od.paragraph(document, "现将有关情况通报如下。" * 8, od.BODY)
    for _ in range(lines):
        od.paragraph(document, "现将有关情况通报如下。", od.BODY)
    od.add_table(
        document, COLUMNS, [[1, "城关街道", "2026-000123", "95.50"], [2, "柳河镇", "2026-000124", "90.00"]]
    )
    od.add_signature(document, "示范县创建文明城市工作办公室", "2026年12月31日")
    od.add_footer_block(
        document, [("抄送：县委办公室。", ""), ("示范县创建文明城市工作办公室", "2026年12月31日印发")]
    )
    return od.save(document)


def _by_style(document, name: str):
    return next(p for p in document.paragraphs if p.style.name == name)


def test_it_lays_out_the_page_per_gb_t_9704():
    document = Document(io.BytesIO(_document()))
    section = document.sections[0]
    measures = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    measures += [section.left_margin, section.right_margin]
    assert [round(m.mm, 1) for m in measures if m is not None] == [
        210,
        297,
        37,
        35,
        28,
        26,
    ]  # Word stores twips
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars" and grid.get(qn("w:linePitch")) == "579"  # 22 lines
    body = document.styles[od.BODY.name]
    assert body.paragraph_format.line_spacing == Pt(28.95)
    # 28 characters of 16 pt in 156 mm: the grid narrows each by charSpace/4096 pt.
    assert 28 * (16 + int(grid.get(qn("w:charSpace"))) / 4096) == pytest.approx(156 / 25.4 * 72, abs=0.1)


@pytest.mark.parametrize(
    ("look", "font", "size"),
    [
        (od.TITLE, "方正小标宋简体", 22),
        (od.BODY, "仿宋_GB2312", 16),
        (od.HEADING1, "黑体", 16),
        (od.HEADING2, "楷体_GB2312", 16),
        (od.NUMBER, "仿宋_GB2312", 16),
        (od.FOOTER_BLOCK, "仿宋_GB2312", 14),
        (od.PAGE_NUMBER, "宋体", 14),
    ],
)
def test_it_names_the_official_east_asian_fonts_at_their_sizes(look, font, size):
    document = Document(io.BytesIO(_document()))
    style = document.styles[look.name]
    assert od.east_asian_font(style.element) == font
    assert style.font.size == Pt(size)


def test_the_masthead_is_red_and_the_number_sits_over_a_red_line():
    document = Document(io.BytesIO(_document()))
    office = _by_style(document, od.OFFICE.name)
    assert office.text == "示范县创建文明城市工作办公室"
    assert document.styles[od.OFFICE.name].font.color.rgb == RGBColor(0xFF, 0, 0)
    assert office.runs[0].font.size == Pt(31)  # 14 characters fill the 156 mm text block
    assert round(document.styles[od.OFFICE.name].paragraph_format.space_before.mm) == 35
    number = _by_style(document, od.NUMBER.name)
    assert number.text == "示创办〔2026〕12号"
    line = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert line.get(qn("w:color")) == "FF0000" and line.get(qn("w:val")) == "single"


def test_page_numbers_sit_outside_odd_right_even_left():
    document = Document(io.BytesIO(_document()))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert footer._p.find(qn("w:fldSimple")).get(qn("w:instr")) == "PAGE"


def test_the_signature_is_centred_over_the_date_four_characters_from_the_right():
    document = Document(io.BytesIO(_document()))
    date = _by_style(document, od.DATE.name)
    signature = _by_style(document, od.SIGNATURE.name)
    assert document.styles[od.DATE.name].element.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "400"
    # 14 characters over 7 (2026年12月31日, figures half wide): the name reaches 3½ characters further each side.
    assert signature.paragraph_format.right_indent == Pt((4 - 3.5) * 16)
    assert date.text == "2026年12月31日"


def test_tables_fit_content_repeat_their_header_keep_rows_and_codes_whole():
    document = Document(io.BytesIO(_document()))
    table = document.tables[0]
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(widths) == pytest.approx(156 / 25.4 * 72 * 20, rel=0.01)  # the text block's width
    assert widths[1] == max(widths)  # the spare width goes to the text column
    rows = table.rows
    assert rows[0]._tr.get_or_add_trPr().find(qn("w:tblHeader")) is not None
    assert all(r._tr.get_or_add_trPr().find(qn("w:cantSplit")) is not None for r in rows)
    assert rows[1].cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert rows[1].cells[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    case = rows[1].cells[2]
    assert case.text == "2026-000123"
    assert case._tc.find(qn("w:tcPr")).find(qn("w:noWrap")) is not None
    assert len(list(case._tc.iter(qn("w:noBreakHyphen")))) == 1


def test_a_long_text_column_wraps_while_names_and_codes_keep_their_width():
    columns = [
        od.Column("单位"),
        od.Column("问题编号", keep=True),
        od.Column("问题"),
        od.Column("天数", numeric=True),
    ]
    rows = [["城关街道", "2026-000123", "地面有积水，" * 20, "12"]]
    widths = od._widths(columns, rows, od.SIZE_TABLE)
    assert sum(widths) == pytest.approx(156 / 25.4 * 72)
    assert widths[0] >= 4 * od.SIZE_TABLE + 12 and widths[1] >= od.text_em("2026-000123") * od.SIZE_TABLE
    assert widths[2] == max(widths)


def test_the_footer_block_is_anchored_to_the_foot_of_the_page():
    document = Document(io.BytesIO(_document()))
    block = document.tables[-1]
    position = block._tbl.tblPr.find(qn("w:tblpPr"))
    assert position.get(qn("w:tblpYSpec")) == "bottom" and position.get(qn("w:vertAnchor")) == "margin"
    assert block.rows[0].cells[0].text == "抄送：县委办公室。"
    assert [c.text for c in block.rows[1].cells] == ["示范县创建文明城市工作办公室", "2026年12月31日印发"]


def _pdf_text(pdf: bytes, tmp_path, page: int | None = None) -> str:
    path = tmp_path / "d.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_the_pdf_has_the_words_of_the_word_file_in_the_fallback_faces(tmp_path):
    data = _document()
    pdf = docx_to_pdf(data)
    text = "".join(_pdf_text(pdf, tmp_path).split())
    document = Document(io.BytesIO(data))
    words = [p.text for p in document.paragraphs] + [
        c.text for t in document.tables for r in t.rows for c in r.cells
    ]
    for word in filter(None, words):
        assert "".join(word.split()) in text, word
    (tmp_path / "f.pdf").write_bytes(pdf)
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "f.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Noto-Serif-CJK-SC" in fonts and "Noto-Sans-CJK-SC" in fonts  # 仿宋/小标宋 and 黑体 fallbacks
    assert "—1—" in "".join(_pdf_text(pdf, tmp_path, 1).split())


# (paragraphs, one-line paragraphs) of text ending: on an even page with room at its foot; on an odd page; on an
# even page without room.
EVEN_WITH_ROOM, ODD, EVEN_FULL = (3, 0), (8, 0), (16, 2)


@pytest.mark.parametrize("text", [EVEN_WITH_ROOM, ODD, EVEN_FULL])
def test_the_footer_block_closes_the_last_even_page_in_word_and_pdf(tmp_path, text):
    data = place_footer_block(_document(*text))
    document = Document(io.BytesIO(data))
    block = od.footer_block_table(document)
    assert block is not None
    assert block._tbl.tblPr.find(qn("w:tblpPr")).get(qn("w:tblpYSpec")) == "bottom"  # at the foot in Word
    pdf = docx_to_pdf(data)
    pages = _pages(pdf, tmp_path)
    assert pages % 2 == 0
    text_of_last = "".join(_pdf_text(pdf, tmp_path, pages).split())
    last = re.sub(r"—\d+—", "", text_of_last)  # the page number, wherever the text extraction puts it
    assert last.endswith("抄送：县委办公室。示范县创建文明城市工作办公室2026年12月31日印发")
    if text == EVEN_WITH_ROOM:  # under the text of its last page, in one section
        assert len(document.sections) == 1 and "2026年12月31日" in last.removesuffix("2026年12月31日印发")
        return
    # A section of its own, starting on an even page, the 版记 at its foot and no page number; the PDF alike.
    section = document.sections[-1]
    assert len(document.sections) == 2 and section.start_type == WD_SECTION_START.EVEN_PAGE
    assert section._sectPr.find(qn("w:vAlign")).get(qn("w:val")) == "bottom"
    assert not section.footer.is_linked_to_previous and not section.even_page_footer.is_linked_to_previous
    assert "PAGE" not in section.footer._element.xml + section.even_page_footer._element.xml
    assert "PAGE" in document.sections[0].footer._element.xml  # the text keeps its numbers
    assert text_of_last.startswith("抄送") and "—" not in text_of_last  # alone on its page, unnumbered
    if text == EVEN_FULL:
        assert not _pdf_text(pdf, tmp_path, pages - 1).strip()  # a blank page before it, unnumbered too


def test_a_footer_block_without_a_paragraph_after_it_gets_one_to_anchor_to():
    """A template restyled or made before the anchor: the table ends the body, which LibreOffice drops."""
    document = Document(io.BytesIO(_document()))
    block = od.footer_block_table(document)
    assert block is not None
    block._tbl.getnext().getparent().remove(block._tbl.getnext())
    assert block._tbl.getnext().tag == qn("w:sectPr")
    placed = Document(io.BytesIO(place_footer_block(od.save(document))))
    placed_block = od.footer_block_table(placed)
    assert placed_block is not None and placed_block._tbl.getnext().tag == qn("w:p")


@needs_writer
def test_an_office_suite_prints_the_word_files_footer_block_alone_on_an_even_page():
    """LibreOffice Writer lays out the Word file's section: whatever page its text ends on, the 版记 comes on the
    next even page, alone and unnumbered (its grid differs from Word's, so the page the text ends on may differ)."""
    pages = printed_pages(place_footer_block(_document(*ODD)), ".docx")
    assert len(pages) % 2 == 0
    last = "".join(pages[-1].split())
    assert last.startswith("抄送：县委办公室。") and last.endswith("印发") and "—" not in last


def test_file_names_have_no_path_separators():
    name = safe_filename("示范县2026年第四季度街道/乡镇通报（示创办〔2026〕12号）.docx")
    assert name == "示范县2026年第四季度街道－乡镇通报（示创办〔2026〕12号）.docx"
    assert safe_filename('a\\b:c*?"<>|\x01.pdf') == "a－b_c_______.pdf"
    assert len(safe_filename("字" * 300 + ".docx")) == 200 and safe_filename("字" * 300 + ".docx").endswith(
        ".docx"
    )
