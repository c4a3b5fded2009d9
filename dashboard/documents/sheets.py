"""What every .xlsx and .csv download shares: typed text never becomes a formula, and a workbook
prints on A4 landscape with its header row on every page.

Formula guard (OWASP "CSV injection"): a cell whose text starts with = + - @, a tab or a carriage
return may be run as a formula by a spreadsheet. In .xlsx the cell is stored as a string cell
(data_type "s", plus Excel's quote prefix so that editing it keeps it text): the value reads exactly
as typed. CSV has no cell types, so there the text gets a leading apostrophe, the mark spreadsheets
themselves use for "this is text"; it is visible, but the rest of the value stays readable.
"""

import io
import math
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dashboard.documents import word

LINE_HEIGHT_PT = 15  # one line of the default 11 pt font
# One line of Chinese at 11 pt: the CJK face LibreOffice and Excel fall back on sets its lines about
# 17 pt apart (measured in LibreOffice's print), so a row sized at 15 pt a line cut a four-line
# title's last line in half.
CJK_LINE_HEIGHT_PT = 18
MAX_ROW_HEIGHT_PT = 409  # the most Excel allows
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TEXT_MARK = "'"


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value):
    """A CSV field that no spreadsheet runs as a formula (other values unchanged)."""
    return CSV_TEXT_MARK + value if looks_like_formula(value) else value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with csv_safe applied to every text cell (headers included)."""
    safe = frame.map(csv_safe)
    safe.columns = [csv_safe(c) for c in frame.columns]
    return safe


def set_text_cells(sheet, *, min_row: int = 1) -> None:
    """Store every text cell of the sheet as text: openpyxl turns a str starting with '=' into a
    formula on assignment, and this undoes that before the workbook is saved."""
    for row in sheet.iter_rows(min_row=min_row):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if looks_like_formula(cell.value):
                    cell.quotePrefix = True


def text_width(text: str) -> int:
    """Width in spreadsheet character units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_row_heights(sheet) -> None:
    """Row heights for the wrapped text: LibreOffice keeps the stored (default, one-line) height
    when it opens or prints a workbook, which cuts wrapped text off; Excel does the same in print."""
    for row in sheet.iter_rows(min_row=1):
        lines, line_height = 1, LINE_HEIGHT_PT
        for cell in row:
            if cell.value is None:
                continue
            if text_width(str(cell.value)) > len(str(cell.value)):  # wide (CJK) characters
                line_height = CJK_LINE_HEIGHT_PT
            width = sheet.column_dimensions[cell.column_letter].width or 8.43
            usable = max(1.0, width - 1)
            lines = max(
                lines, sum(max(1, math.ceil(text_width(part) / usable)) for part in str(cell.value).split("\n"))
            )
        if lines > 1:  # Excel's tallest row is 409 points: a longer text scrolls within its cell
            sheet.row_dimensions[row[0].row].height = min(lines * line_height, MAX_ROW_HEIGHT_PT)


def print_setup(sheet, *, header_rows: int = 1) -> None:
    """A4 landscape, fit to the page width, the header rows printed on every page and frozen on
    screen, page numbers in the footer; text cells stored as text. Call it after setting the
    column widths (row heights follow from them)."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as needed
    sheet.page_margins.left = sheet.page_margins.right = 0.5  # inches
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_title_rows = f"1:{header_rows}"
    sheet.freeze_panes = sheet.cell(row=header_rows + 1, column=1).coordinate
    sheet.oddFooter.center.text = "第 &P 頁，共 &N 頁"
    set_text_cells(sheet)
    fit_row_heights(sheet)


MAX_AUTO_WIDTH = 26  # characters: longer texts wrap, so the page printed at its width stays readable


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: a bold header row, then the rows. `widths` in characters; None sizes
    each column to its longest text (up to MAX_AUTO_WIDTH)."""

    title: str
    header: list[str]
    rows: list[list]
    widths: list[int] | None = None
    grid_lines: bool = False


def _cell(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def set_properties(book, *, title: str, now: datetime | None = None) -> None:
    """The workbook's properties, as every generated .docx states them (documents/word.py):
    `title`, the committee as author and last editor, the generation time, Traditional Chinese."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0, tzinfo=None)  # openpyxl: naive UTC
    properties = book.properties
    properties.title = title
    properties.creator = properties.lastModifiedBy = word.AUTHOR
    properties.created = properties.modified = moment
    properties.language = word.LANGUAGE


def to_bytes(book, *, title: str, now: datetime | None = None) -> bytes:
    """The .xlsx file, its properties stamped (set_properties)."""
    set_properties(book, title=title, now=now)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_bytes(*sheets: Sheet, title: str) -> bytes:
    """The one .xlsx writer: every sheet wraps its text, prints on A4 landscape with the header row on
    every page, and stores typed text as text, never as a formula (print_setup); the file's title."""
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        sheet.append(list(spec.header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in spec.rows:
            sheet.append([_cell(v) for v in values])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:  # numbers centred: a year or a count never touches the next column's text
                number = isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
                cell.alignment = Alignment(
                    wrap_text=isinstance(cell.value, str), vertical="top", horizontal="center" if number else None
                )
        widths = spec.widths or [
            min(MAX_AUTO_WIDTH, max(text_width(str(v)) for v in column if v is not None) + 2)
            for column in zip(spec.header, *spec.rows)
        ]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.print_options.gridLines = spec.grid_lines
        print_setup(sheet)
    return to_bytes(book, title=title)
