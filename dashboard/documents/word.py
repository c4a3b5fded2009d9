"""The Word toolkit: what every generated .docx (minutes, packet, cards, bundles, city summaries)
shares, on top of python-docx.

- new_document(): A4 portrait, 2 cm margins, page numbers 「第 n 頁，共 m 頁」 in the footer, and the
  faces of a government office: 標楷體 for Chinese, Times New Roman for Latin text (named in the
  styles and the font table, DFKai-SB as 標楷體's other name), Traditional Chinese as the language,
  widow and orphan control. to_bytes() stamps the file's properties: its title, the committee as
  author, the generation time as created and modified, zh-TW (set_properties()).
- back_page(): a last page of its own section, without the page number (the packet's organisers).
- grid(): a fixed-width table whose header row repeats on every page and whose header words never
  break (fit_words()); fill() writes a cell; keep_together() keeps a short table on one page;
  caption_row() gives a table its caption as its first row.
- heading(): a bold line kept on the page of what follows it.
- bookmark(), page_ref(), update_fields_on_open(): a contents list that names the pages.
- Ids (112-J03) and times (14:00–14:30) must never break across lines: a word processor may break
  after any hyphen or dash. text_width_cm() measures text in the documents' faces; fit_column()
  widens a column to its widest text, and lines_within() breaks a list of ids only between ids.
"""

import io
import math
import re
import unicodedata
from datetime import UTC, datetime

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

FONT_EAST_ASIA = "標楷體"  # DFKai-SB, the customary face of Taiwanese official documents
FONT_EAST_ASIA_ALT = "DFKai-SB"  # its name on a system in another language
FONT_LATIN = "Times New Roman"
BODY_PT = 12
LANGUAGE = "zh-TW"  # Traditional Chinese, Taiwan: the documents' language (Word's w:lang, the file's)
AUTHOR = "北臺區域發展推動委員會"  # every generated file's author: the committee whose secretariat issues it

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


def to_bytes(document, *, title: str, now: datetime | None = None) -> bytes:
    """The .docx file, its properties stamped (set_properties)."""
    set_properties(document, title=title, now=now)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def set_properties(document, *, title: str, now: datetime | None = None) -> None:
    """The file's properties: `title`, the committee as author and last editor, the generation time
    (`now`, default the present) as created and modified, Traditional Chinese; nothing of
    python-docx's template (its author, its 2013 dates, its description, its thumbnail)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = AUTHOR
    properties.created = properties.modified = moment
    properties.language = LANGUAGE
    properties.comments = properties.subject = properties.keywords = properties.category = ""
    properties.revision = 1
    package_rels = document.part.package.rels
    for key in [k for k, rel in package_rels.items() if rel.reltype.endswith("/metadata/thumbnail")]:
        del package_rels[key]  # python-docx's template's picture of another document


def _set_fonts(document) -> None:
    """w:rFonts ascii/hAnsi/cs = Times New Roman, eastAsia = 標楷體, and w:lang zh-TW, in the document
    defaults and on the Normal style, which every paragraph and table of these documents uses; both
    faces in the font table, 標楷體 with its other name DFKai-SB. Widow and orphan control on."""
    style = document.styles["Normal"]
    style.font.name = FONT_LATIN
    style.font.size = Pt(BODY_PT)
    style.paragraph_format.space_before = Pt(6)  # air between a table and the heading below it
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.widow_control = True
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for properties in (defaults, style.element.get_or_add_rPr()):
        fonts = properties.find(qn("w:rFonts"))
        if fonts is None:
            fonts = properties.get_or_add_rFonts()
        for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{theme}"), None)
        for script in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{script}"), FONT_LATIN)
        fonts.set(qn("w:eastAsia"), FONT_EAST_ASIA)
        lang = properties.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            properties.append(lang)
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
        theme_lang.set(qn("w:eastAsia"), LANGUAGE)
    _font_table(document)


def _font_table(document) -> None:
    """標楷體 in word/fontTable.xml, with its other name, its PANOSE and Big5 charset, so that Word
    finds DFKai-SB under either name (Times New Roman is there already)."""
    part = next((rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if part is None:
        return
    fonts = etree.fromstring(part.blob)  # python-docx keeps the font table as a plain part: its bytes
    if any(f.get(qn("w:name")) == FONT_EAST_ASIA for f in fonts.findall(qn("w:font"))):
        return
    font = OxmlElement("w:font")
    font.set(qn("w:name"), FONT_EAST_ASIA)
    for tag, value in (
        ("altName", FONT_EAST_ASIA_ALT),
        ("panose1", "03000509000000000000"),
        ("charset", "88"),  # Chinese Big5
        ("family", "script"),
        ("pitch", "fixed"),
    ):
        child = OxmlElement(f"w:{tag}")
        child.set(qn("w:val"), value)
        font.append(child)
    fonts.insert(0, font)
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


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


def back_page(document):
    """A last page in a section of its own, without the page number in the footer (the packet's
    organisers); returns the section."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.footer.is_linked_to_previous = False
    for paragraph in section.footer.paragraphs:
        paragraph.text = ""
    return section


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


def keep_together(table) -> None:
    """The table prints on one page (when it fits one): no row splits, and every row keeps with the
    next (Word: keep-with-next on the paragraphs of every row but the last)."""
    rows = table.rows
    for index, row in enumerate(rows):
        keep_row_together(row)
        if index < len(rows) - 1:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def caption_row(table, text: str, *, size_pt: float | None = None):
    """A first row spanning all the table's columns holding its caption, without a border above or
    beside it, so that it reads as the line over the table: the caption is part of the table, which
    keeps it on the page of the table's first rows (Word and LibreOffice both keep a row with the
    next; LibreOffice ignores keep-with-next on a paragraph in a cell followed by a table). A
    header row, with the table's header after it (header rows lead a table); returns the cell."""
    row = table.add_row()
    table._tbl.tr_lst[0].addprevious(row._tr)
    cell = row.cells[0].merge(row.cells[-1])
    fill(cell, text, size_pt=size_pt)
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "right"):
        border = OxmlElement(f"w:{side}")
        border.set(qn("w:val"), "nil")
        borders.append(border)
    cell._tc.get_or_add_tcPr().append(borders)
    repeat_as_header(row)
    return cell


TAIL_LINES = 5  # a page never holds fewer lines than this of a table's end


def keep_tail(table, widths_cm, size_pt: float | None = None, *, lines: int = TAIL_LINES) -> None:
    """The table's last rows, enough for `lines` lines, print on one page: a table that ends after
    a page break (a section's last row, a card's last fields) never leaves a page of only a few
    lines. The rows before the last keep with the next one (a row that may split keeps its end
    with it)."""
    rows = [row for row in table.rows if row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None]
    total = 0
    for index in range(len(rows) - 1, 0, -1):
        total += row_lines([cell.text for cell in rows[index].cells], widths_cm, size_pt or BODY_PT)
        if total >= lines:
            break
        for cell in rows[index - 1].cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


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
    """A grid table with fixed column widths (the widths, not the longest text, decide, but a column
    is widened to its widest header word), centred; the bold header row (if any) repeats on every page. Rows stay whole on a page unless
    `rows_may_split` (the packet's long progress texts, the cards' long fields), and then only rows
    longer than WHOLE_ROW_LINES: a shorter row moves whole to the next page rather than leave a few
    of its lines alone there."""
    if header is not None:  # a header word never breaks: its column widens, the widest gives way
        widest = max(range(len(widths_cm)), key=lambda i: widths_cm[i])
        columns = [i for i in range(len(widths_cm)) if i != widest]
        widths_cm = fit_words(widths_cm, [header], size_pt or BODY_PT, columns=columns, taking_from=widest)
    table = container.add_table(rows=0, cols=len(widths_cm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed
    if header is not None:
        row = table.add_row()
        for cell, text, width in zip(row.cells, header, widths_cm):
            fill(cell, balanced_lines(text, width, size_pt or BODY_PT), size_pt=size_pt, bold=True)
        repeat_as_header(row)
    for values in rows:
        row = table.add_row()
        if not rows_may_split or row_lines(values, widths_cm, size_pt or BODY_PT) <= WHOLE_ROW_LINES:
            keep_row_together(row)
        for cell, text in zip(row.cells, values):
            fill(cell, text, size_pt=size_pt)
    set_widths(table, widths_cm)
    return table


WHOLE_ROW_LINES = 12


def row_lines(values, widths_cm, size_pt: float) -> int:
    """About how many lines the row's tallest cell prints (its lines wrapped at the cell's width)."""
    return max(
        (
            sum(
                max(1, math.ceil(text_width_cm(line, size_pt) / max(0.1, width - CELL_PADDING_CM)))
                for line in (text or "").split("\n")
            )
            for text, width in zip(values, widths_cm)
        ),
        default=1,
    )


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


def _full_width(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def text_width_cm(text: str, size_pt: float) -> float:
    """The width of one line of `text` in the documents' faces at `size_pt`: a full-width (CJK)
    character is an em in 標楷體 and its stand-in; other characters with SAFETY headroom."""
    full = sum(1 for ch in text if _full_width(ch))
    latin = sum(_TIMES_WIDTHS.get(ch, 1000) for ch in text if not _full_width(ch)) / 1000 * SAFETY
    return (full + latin) * size_pt / 72 * 2.54


def fit_column(
    widths_cm, column: int, texts, size_pt: float, *, taking_from: int, slack_cm: float = 0.0
) -> list[float]:
    """`widths_cm` with `column` widened, when needed, so that its widest text (ids, times) fits on one
    line of its cells; the width comes from column `taking_from`, so the table keeps its width."""
    widths = list(widths_cm)
    needed = max((text_width_cm(t, size_pt) for t in texts), default=0.0) + CELL_PADDING_CM + slack_cm
    if needed > widths[column]:
        extra = math.ceil((needed - widths[column]) * 100) / 100  # whole hundredths of a cm
        widths[column] = round(widths[column] + extra, 2)
        widths[taking_from] = round(widths[taking_from] - extra, 2)
    return widths


_WORD_BREAK = re.compile(r"(?<=[-–、，／/])|\s+")
FIT_SLACK_CM = 0.05  # a little room over the measure, so that a word exactly as wide as its cell fits
KEEP_SHARE = 0.6  # fit_words never narrows the column it takes from below this share of its width


def words(text: str) -> list[str]:
    """The pieces of `text` that must not break: its lines, split after a hyphen, dash, 、 or slash
    (where a word processor may break) and at spaces."""
    return [w for line in (text or "").split("\n") for w in _WORD_BREAK.split(line) if w]


def fit_words(widths_cm, rows, size_pt: float, *, columns, taking_from: int) -> list[float]:
    """`widths_cm` with each of `columns` widened, when needed, so that the widest word of its cells
    in `rows` fits on one line (header cells, names of groups and agencies); the width comes from
    column `taking_from`, so the table keeps its width, as long as that column keeps KEEP_SHARE of its
    width."""
    widths = list(widths_cm)
    for column in columns:
        texts = [w for row in rows for w in words(row[column])]
        fitted = fit_column(widths, column, texts, size_pt, taking_from=taking_from, slack_cm=FIT_SLACK_CM)
        if fitted[taking_from] >= KEEP_SHARE * widths_cm[taking_from]:  # else the phrase wraps
            widths = fitted
    return widths


def balanced_lines(text: str, width_cm: float, size_pt: float) -> str:
    """`text` with each line too wide for a cell `width_cm` wide (a header phrase of Chinese text)
    broken into lines of equal length that fit (參與民眾所屬縣市 -> 參與民眾\n所屬縣市), rather
    than wherever the word processor runs out of room; a line with Latin text is left to it."""
    room = width_cm - CELL_PADDING_CM - FIT_SLACK_CM
    lines = []
    for line in (text or "").split("\n"):
        if text_width_cm(line, size_pt) <= room or not all(_full_width(ch) for ch in line):
            lines.append(line)
            continue
        per_line = max(1, int(room / text_width_cm("中", size_pt)))
        count = math.ceil(len(line) / per_line)
        size = math.ceil(len(line) / count)
        lines += [line[i : i + size] for i in range(0, len(line), size)]
    return "\n".join(lines)


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
