"""The PDF of a 公文, made from its Word file: the Word document is the master and the PDF reads it.

Each paragraph and table of the rendered .docx becomes HTML in document order, with the size, alignment,
indents, colour and font its style (or run) gives it in Word; WeasyPrint lays it out on the same page (A4, the
GB/T 9704-2012 margins, 22 lines of 28 characters) with the free fallback of each official font
(`officialdoc.FALLBACKS`). So the two files hold the same words, numbers and photos, and an office's restyled
template shows in both.

The 版记 closes the last even page: the PDF is laid out once to count pages; if the text ends on an odd page the
版记 takes the foot of the next (even) page, which carries no page number, as GB/T 9704 7.5 wants.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterator
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from core import officialdoc as od

ALIGN = {
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
    WD_ALIGN_PARAGRAPH.DISTRIBUTE: "justify",
    WD_ALIGN_PARAGRAPH.LEFT: "left",
}
EMU_PER_MM = 36000


def _page_css() -> str:
    font = f"'{od.FALLBACKS[od.PAGE_NUMBER_FONT][0]}'"
    number = (
        f'content: "— " counter(page) " —"; font-family: {font}; font-size: {od.SIZE_PAGE_NUMBER}pt; '
        "vertical-align: top; padding-top: 4.5mm;"
    )
    return f"""
@page {{ size: A4; margin: {od.MARGIN_TOP_MM}mm {od.MARGIN_RIGHT_MM}mm {od.MARGIN_BOTTOM_MM}mm {od.MARGIN_LEFT_MM}mm; }}
@page :right {{ @bottom-right {{ {number} padding-right: {od.SIZE_PAGE_NUMBER}pt; }} }}
@page :left {{ @bottom-left {{ {number} padding-left: {od.SIZE_PAGE_NUMBER}pt; }} }}
@page closing {{ @bottom-right {{ content: none; }} @bottom-left {{ content: none; }} }}
body {{ margin: 0; font-family: '{od.DEFAULT_FALLBACK[0]}'; font-size: {od.SIZE_BODY}pt;
        line-height: {od.LINE_PITCH_PT}pt; }}
p {{ margin: 0; white-space: pre-wrap; orphans: 1; widows: 1; }}
table {{ border-collapse: collapse; margin: 0 auto; table-layout: fixed; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
td, th {{ border: 0.5pt solid #000; padding: 1pt 5pt; vertical-align: middle; font-weight: normal; }}
td p, th p {{ line-height: 1.3; }}
td.keep {{ white-space: nowrap; }}
.closing {{ page: closing; break-before: left; }}
@page :blank {{ @bottom-right {{ content: none; }} @bottom-left {{ content: none; }} }}
.closing-call {{ height: 0; }}
.footer-block {{ float: footnote; }}
.footer-block::footnote-marker {{ content: none; }}
::footnote-call {{ content: none; }}
@page {{ @footnote {{ margin-top: 0; }} }}
.footer-block table {{ width: {od.TEXT_WIDTH_MM}mm; }}
.footer-block td {{ border: none; border-top: 0.25mm solid #000; padding: 2pt 0; }}
.footer-block tr:first-child td {{ border-top: 0.35mm solid #000; }}
.footer-block tr:last-child td {{ border-bottom: 0.35mm solid #000; }}

img {{ display: inline-block; }}
"""


def _inherited(style, read):
    """A style's own value or its base styles' (python-docx reports only what a style sets itself)."""
    while style is not None:
        value = read(style)
        if value is not None:
            return value
        style = style.base_style
    return None


def _style_font(style) -> str | None:
    return _inherited(style, lambda s: od.east_asian_font(s.element) if s.element.rPr is not None else None)


def _fallback(font: str | None) -> tuple[str, int]:
    if font in od.FALLBACKS:
        return od.FALLBACKS[font]
    if font and ("黑" in font or "Hei" in font or "Sans" in font):
        return od.FALLBACKS[od.HEADING1_FONT]
    return od.DEFAULT_FALLBACK


def _paragraph_css(p: Paragraph) -> str:
    style = p.style
    fmt, css = p.paragraph_format, []
    size = _inherited(style, lambda s: s.font.size)
    size_pt = size.pt if size is not None else od.SIZE_BODY
    family, weight = _fallback(_style_font(style))
    bold = _inherited(style, lambda s: s.font.bold)
    css.append(f"font-family: '{family}'; font-weight: {700 if bold else weight}; font-size: {size_pt}pt")
    color = _inherited(style, lambda s: s.font.color.rgb if s.font.color and s.font.color.type else None)
    if color is not None:
        css.append(f"color: #{color}")
    align = (
        fmt.alignment
        if fmt.alignment is not None
        else _inherited(style, lambda s: s.paragraph_format.alignment)
    )
    if align in ALIGN:
        css.append(f"text-align: {ALIGN[align]}")
    rule = _inherited(style, lambda s: s.paragraph_format.line_spacing_rule)
    spacing = _inherited(style, lambda s: s.paragraph_format.line_spacing)
    if rule == WD_LINE_SPACING.EXACTLY and spacing is not None:
        css.append(f"line-height: {spacing.pt}pt")
        if size_pt == od.SIZE_BODY:  # on the grid: 28 characters a line, as in Word
            css.append(f"letter-spacing: {od.CHAR_PITCH_PT - od.SIZE_BODY:.2f}pt")
    elif p._parent is not None and not isinstance(p._parent, DocumentType):
        css.append("line-height: 1.3")
    else:
        css.append(f"line-height: {max(size_pt * 1.3, od.LINE_PITCH_PT)}pt")
    before = (
        fmt.space_before
        if fmt.space_before is not None
        else _inherited(style, lambda s: s.paragraph_format.space_before)
    )
    if before:
        css.append(f"margin-top: {before.pt}pt")
    css.extend(_indents(p, size_pt))
    keep = (
        fmt.keep_with_next
        if fmt.keep_with_next is not None
        else _inherited(style, lambda s: s.paragraph_format.keep_with_next)
    )
    if keep:
        css.append("break-after: avoid")
    if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None:
        bottom = p._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
        if bottom is not None:
            css.append(
                f"border-bottom: {int(bottom.get(qn('w:sz'), '4')) / 8}pt solid #{bottom.get(qn('w:color'), '000000')}; "
                f"padding-bottom: {int(bottom.get(qn('w:space'), '0'))}pt"
            )
    return "; ".join(css)


def _indents(p: Paragraph, size_pt: float) -> list[str]:
    """Indents as Word reads them: in characters where given (hundredths of the paragraph's size), else points."""
    css = []
    chains = [p._p.pPr] + [s.element.pPr for s in _styles(p.style)]
    for attr, prop in (("firstLine", "text-indent"), ("left", "padding-left"), ("right", "padding-right")):
        for ppr in chains:
            ind = ppr.find(qn("w:ind")) if ppr is not None else None
            if ind is None:
                continue
            chars, points = ind.get(qn(f"w:{attr}Chars")), ind.get(qn(f"w:{attr}"))
            if chars is not None:
                css.append(f"{prop}: {int(chars) / 100 * size_pt}pt")
                break
            if points is not None:
                css.append(f"{prop}: {int(points) / 20}pt")
                break
    return css


def _styles(style) -> Iterator:
    while style is not None:
        yield style
        style = style.base_style


def _run_html(run, document: DocumentType) -> str:
    out = []
    for blip in run._r.iter(qn("a:blip")):
        part = document.part.related_parts.get(blip.get(qn("r:embed")))
        extent = next(run._r.iter(qn("wp:extent")), None)
        if part is None:
            continue
        width = int(extent.get("cx")) / EMU_PER_MM if extent is not None else 60
        data = base64.b64encode(part.blob).decode()
        out.append(f'<img src="data:{part.content_type};base64,{data}" style="width: {width:.1f}mm">')
    text = run.text
    if text:
        css = []
        if run.font.size is not None:
            css.append(f"font-size: {run.font.size.pt}pt")
        if run.font.bold:
            css.append("font-weight: 700")
        if run.font.color is not None and run.font.color.type is not None and run.font.color.rgb is not None:
            css.append(f"color: #{run.font.color.rgb}")
        if run._r.rPr is not None and od.east_asian_font(run._r) is not None:
            family, _weight = _fallback(od.east_asian_font(run._r))
            css.append(f"font-family: '{family}'")
        escaped = html.escape(text).replace("\n", "<br>")
        out.append(f'<span style="{"; ".join(css)}">{escaped}</span>' if css else escaped)
    for br in run._r.iter(qn("w:br")):
        if br.get(qn("w:type")) == "page":
            out.append('<span style="break-after: page"></span>')
    return "".join(out)


def _paragraph_html(p: Paragraph, document: DocumentType, tag: str = "p") -> str:
    runs = "".join(_run_html(r, document) for r in p.iter_inner_content() if hasattr(r, "_r"))
    hyperlinks = [h for h in p.iter_inner_content() if not hasattr(h, "_r")]
    runs += "".join(html.escape(h.text) for h in hyperlinks)
    page_break = any(br.get(qn("w:type")) == "page" for br in p._p.iter(qn("w:br")))
    css = _paragraph_css(p) + ("; break-after: page" if page_break else "")
    return f'<{tag} style="{css}">{runs or "&#8203;"}</{tag}>'


def _table_html(table: Table, document: DocumentType) -> str:
    widths = [int(c.get(qn("w:w"))) / 20 for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    cols = "".join(f'<col style="width: {w}pt">' for w in widths)
    head: list[str] = []
    body: list[str] = []
    for row in table.rows:
        trpr = row._tr.trPr
        is_header = trpr is not None and trpr.find(qn("w:tblHeader")) is not None
        cells = []
        for tc in row._tr.tc_lst:
            span = tc.grid_span
            keep = tc.tcPr is not None and tc.tcPr.find(qn("w:noWrap")) is not None
            cell = _Cell(tc, table)
            inner = "".join(_paragraph_html(p, document) for p in cell.paragraphs)
            inner += "".join(_table_html(t, document) for t in cell.tables)
            attrs = f' colspan="{span}"' if span > 1 else ""
            cells.append(f"<td{attrs}{' class=keep' if keep else ''}>{inner}</td>")
        (head if is_header and not body else body).append(f"<tr>{''.join(cells)}</tr>")
    thead = f"<thead>{''.join(head)}</thead>" if head else ""
    return f'<table style="width: {sum(widths)}pt"><colgroup>{cols}</colgroup>{thead}<tbody>{"".join(body)}</tbody></table>'


def _is_footer_block(table: Table) -> bool:
    caption = table._tbl.tblPr.find(qn("w:tblCaption"))
    return caption is not None and caption.get(qn("w:val")) == od.FOOTER_BLOCK_CAPTION


def _blocks(document: DocumentType) -> tuple[list[str], str]:
    """The body's paragraphs and tables as HTML in order, and the 版记 apart."""
    parts, closing = [], ""
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            if not od.is_hairline(item):
                parts.append(_paragraph_html(item, document))
        elif _is_footer_block(item):
            closing = _table_html(item, document)
        else:
            parts.append(_table_html(item, document))
    return parts, closing


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_page_css()}</style></head><body>{body}</body></html>"
    )


@dataclass(frozen=True)
class Parts:
    title: str
    body: str
    closing: str  # the 版记 table, "" when there is none
    own_page: bool  # the Word file already puts the 版记 on an even page of its own


def docx_parts(data: bytes) -> Parts:
    document = Document(io.BytesIO(data))
    parts, closing = _blocks(document)
    return Parts(
        document.core_properties.title or "", "".join(parts), closing, od.footer_block_on_own_page(document)
    )


def docx_to_html(data: bytes) -> tuple[str, str, str]:
    """(title, body HTML, 版记 HTML) of a Word document."""
    parts = docx_parts(data)
    return parts.title, parts.body, parts.closing


def _render(title: str, body: str):
    from weasyprint import HTML  # imported here: it needs Pango, which only PDF generation should require

    return HTML(string=_page(title, body)).render()


def _on_last_page(parts: Parts):
    """The PDF with the 版记 at the foot of the text's last page, if that page is even and has room; else None
    (the 版记 then needs an even page of its own)."""
    pages = len(_render(parts.title, parts.body).pages)
    if pages % 2:
        return None
    block = f'<p class="closing-call">&#8203;<div class="footer-block">{parts.closing}</div></p>'
    rendered = _render(parts.title, parts.body + block)
    return rendered if len(rendered.pages) == pages else None


def _on_even_page(parts: Parts) -> bytes:
    """The 版记 at the foot of the next even page (after a blank page if the text ends on an even one), as
    Word lays out a section that starts on an even page; neither page is numbered."""
    tail = f'<div class="closing"><p class="closing-call">&#8203;<div class="footer-block">{parts.closing}</div></p></div>'
    return _render(parts.title, parts.body + tail).write_pdf()


def place_footer_block(data: bytes) -> bytes:
    """The Word file with its 版记 closing the last even page: where the text (laid out as the PDF lays it out)
    ends on an even page with room at its foot, the 版记 stays anchored there; otherwise it moves to a section
    of its own starting on an even page. The PDF then follows what the Word file says."""
    parts = docx_parts(data)
    if not parts.closing or parts.own_page:
        return data
    document = Document(io.BytesIO(data))
    anchored = od.anchor_footer_block(document)
    if _on_last_page(parts) is not None:
        return od.save(document) if anchored else data
    od.move_footer_block_to_even_page(document)
    return od.save(document)


def docx_to_pdf(data: bytes) -> bytes:
    parts = docx_parts(data)
    if not parts.closing:
        return _render(parts.title, parts.body).write_pdf()
    if not parts.own_page:
        rendered = _on_last_page(parts)
        if rendered is not None:
            return rendered.write_pdf()
    return _on_even_page(parts)
