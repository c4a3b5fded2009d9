"""The Word toolkit: what every generated .docx (minutes, packet, cards, bundles, city summaries)
shares, on top of python-docx.

- new_document(): A4 portrait, 2 cm margins, page numbers 「第 n 頁，共 m 頁」 in the footer, and the
  faces of a government office: 標楷體 for Chinese, Times New Roman for Latin text.
- grid(): a fixed-width table whose header row repeats on every page; fill() writes a cell.
- heading(): a bold line kept on the page of what follows it.
- bookmark(), page_ref(), update_fields_on_open(): a contents list that names the pages.
- Ids (112-J03) and times (14:00–14:30) must never break across lines: a word processor may break
  after any hyphen or dash. text_width_cm() measures text in the documents' faces; fit_column()
  widens a column to its widest text, and lines_within() breaks a list of ids only between ids.
"""

import io
import math

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT_EAST_ASIA = "標楷體"  # DFKai-SB, the customary face of Taiwanese official documents
FONT_LATIN = "Times New Roman"
BODY_PT = 12

PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7  # A4 portrait
MARGIN_CM = 2.0
TEXT_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM  # every full-width table's widths add up to this
CELL_PADDING_CM = 2 * 108 / 20 * 2.54 / 72  # "Table Grid": 108 twips left and right of a cell's text


def new_document():
    """An empty A4 portrait document with the office's faces and page numbers in the footer."""
    document = Document()
    _set_fonts(document)
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
        section.left_margin = section.right_margin = Cm(MARGIN_CM)
        section.top_margin = section.bottom_margin = Cm(2.2)
        _page_numbers(section.footer.paragraphs[0])
    return document


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_fonts(document) -> None:
    """w:rFonts ascii/hAnsi = Times New Roman, eastAsia = 標楷體 on the Normal style, which every
    paragraph and table of these documents uses."""
    style = document.styles["Normal"]
    style.font.name = FONT_LATIN
    style.font.size = Pt(BODY_PT)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_EAST_ASIA)
    style.paragraph_format.space_before = Pt(6)  # air between a table and the heading below it
    style.paragraph_format.space_after = Pt(0)


def field(paragraph, instruction: str, *, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES, PAGEREF …) whose value the word processor fills in when it lays
    out pages; `placeholder` shows until then."""
    for kind in ("begin", "instruction", "separate", "placeholder", "end"):
        run = paragraph.add_run()
        if kind == "placeholder":
            run.text = placeholder
            continue
        if kind == "instruction":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _page_numbers(paragraph) -> None:
    """「第 3 頁，共 7 頁」, centred in the footer."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    field(paragraph, "PAGE")
    paragraph.add_run(" 頁，共 ")
    field(paragraph, "NUMPAGES")
    paragraph.add_run(" 頁")
    for run in paragraph.runs:
        run.font.size = Pt(10)


# --- tables ---------------------------------------------------------------------------------


def _row_flag(row, name: str) -> None:
    element = OxmlElement(name)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def repeat_as_header(row) -> None:
    """The row is printed again at the top of every page the table continues on."""
    _row_flag(row, "w:tblHeader")


def keep_row_together(row) -> None:
    """The row is never split across two pages."""
    _row_flag(row, "w:cantSplit")


def fill(cell, text: str, *, size_pt: float | None = None, bold: bool = False) -> None:
    """A cell's text, one paragraph per line, with no space above."""
    cell.text = ""
    for index, line in enumerate((text or "").split("\n")):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(0)
        run = paragraph.add_run(line)
        run.bold = bold
        if size_pt:
            run.font.size = Pt(size_pt)


def grid(
    container,
    header: list[str] | tuple[str, ...] | None,
    rows,
    widths_cm,
    *,
    size_pt: float | None = None,
    rows_may_split: bool = False,
):
    """A grid table with fixed column widths (the widths, not the longest text, decide), centred;
    the bold header row (if any) repeats on every page. Rows stay whole on a page unless
    `rows_may_split` (the packet's long progress texts, the cards' long fields)."""
    table = container.add_table(rows=0, cols=len(widths_cm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed
    if header is not None:
        row = table.add_row()
        for cell, text in zip(row.cells, header):
            fill(cell, text, size_pt=size_pt, bold=True)
        repeat_as_header(row)
    for values in rows:
        row = table.add_row()
        if not rows_may_split:
            keep_row_together(row)
        for cell, text in zip(row.cells, values):
            fill(cell, text, size_pt=size_pt)
    set_widths(table, widths_cm)
    return table


def set_widths(table, widths_cm) -> None:
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)  # the grid, read by LibreOffice
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)  # each cell, read by Word


def heading(document, text: str):
    """A bold line that stays on the page of the table or text below it."""
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = True
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


# --- text that must not break ---------------------------------------------------------------

# Advance widths (thousandths of an em) of Times New Roman, which Liberation Serif shares: the
# characters of ids, times and counts. Other characters count as a full em (CJK text is full-width
# in 標楷體; a Latin letter not listed is narrower), so a measure never comes out short.
_TIMES_WIDTHS = {
    **dict.fromkeys("0123456789", 500),
    " ": 250,
    "-": 333,
    ":": 278,
    ".": 250,
    ",": 250,
    "–": 500,
    **dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            [722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889]
            + [722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611],
        )
    ),
}
# Headroom over the measure, so that ids fit even where Times New Roman has no metric-compatible
# stand-in: LibreOffice then falls back to DejaVu Serif, whose digits are a quarter wider.
SAFETY = 1.25


def text_width_cm(text: str, size_pt: float) -> float:
    """The width of one line of `text` in the documents' faces at `size_pt`, with SAFETY headroom."""
    ems = sum(_TIMES_WIDTHS.get(ch, 1000) for ch in text) / 1000
    return ems * size_pt / 72 * 2.54 * SAFETY


def fit_column(widths_cm, column: int, texts, size_pt: float, *, taking_from: int) -> list[float]:
    """`widths_cm` with `column` widened, when needed, so that its widest text (ids, times) fits on one
    line of its cells; the width comes from column `taking_from`, so the table keeps its width."""
    widths = list(widths_cm)
    needed = max((text_width_cm(t, size_pt) for t in texts), default=0.0) + CELL_PADDING_CM
    if needed > widths[column]:
        extra = math.ceil((needed - widths[column]) * 100) / 100  # whole hundredths of a cm
        widths[column] = round(widths[column] + extra, 2)
        widths[taking_from] = round(widths[taking_from] - extra, 2)
    return widths


def lines_within(items: list[str], separator: str, width_cm: float, size_pt: float) -> list[str]:
    """`items` joined by `separator`, as lines that each fit a cell `width_cm` wide: a list of ids
    breaks between ids, never inside one (a word processor would break after a hyphen)."""
    room = width_cm - CELL_PADDING_CM
    lines: list[str] = []
    for index, item in enumerate(items):
        piece = item + (separator if index < len(items) - 1 else "")
        if lines and text_width_cm(lines[-1] + piece, size_pt) <= room:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines


# --- a contents list with page numbers ------------------------------------------------------


def bookmark(paragraph, name: str, number: int) -> None:
    """Mark `paragraph` as bookmark `name` (`number`: unique in the document), for a PAGEREF."""
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(number))
    properties = paragraph._p.pPr  # w:pPr must stay the paragraph's first child
    if properties is None:
        paragraph._p.insert(0, start)
    else:
        properties.addnext(start)
    paragraph._p.append(end)


def page_ref(paragraph, name: str) -> None:
    """The page of bookmark `name`, filled in when the document is laid out (LibreOffice does so
    itself; Word on opening, once update_fields_on_open asks it to)."""
    field(paragraph, f"PAGEREF {name} \\h", placeholder="")


# The elements that follow w:updateFields in w:settings (ECMA-376 CT_Settings is a sequence; Word
# refuses a file whose settings are out of order).
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def update_fields_on_open(document) -> None:
    """Ask Word to fill in the page references when it opens the file."""
    settings = document.settings.element
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    later = next((child for child in settings if child.tag in {qn(f"w:{name}") for name in _AFTER_UPDATE_FIELDS}), None)
    if later is None:
        settings.append(element)
    else:
        later.addprevious(element)
