"""The update workbook in LibreOffice: printed on A4 landscape with its header on every page and the
instructions on their own page; and saved again by LibreOffice (as a lead using it would), it keeps
its protection and drop-downs and reads back with no change. Needs LibreOffice and poppler-utils
(skipped without them unless REQUIRE_LIBREOFFICE=1 or REQUIRE_BROWSER=1)."""

import io
import math
import re

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from dashboard.documents import sheet_import, sheets, update_sheet
from dashboard.domain import editing
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from tests import databases
from tests.datadocs import cycle_of_data, data_proposals
from tests.rendering import A4, convert, pdf_pages, require_tools

pytestmark = pytest.mark.render
SECRETARIAT = Actor(name="祕書甲", role="secretariat")
EDITED = "112-J02"
MULTI_LINE = {
    "contact": "新北市政府教育局 王小明\n02-2960-3456 分機 4500",
    "description": "一、現況：賃居生分散各縣市。\n\n二、問題：缺少跨縣市聯繫。",
    "card_title": "跨縣市賃居生安全維護合作",
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """(the store's URL, the workbook of every group, its PDF pages, the workbook as LibreOffice saves it)."""
    require_tools()
    folder = tmp_path_factory.mktemp("sheet-render")
    with databases.database(folder / "store.db", loaded=True) as url:
        engine = make_engine(url)
        with Session(engine) as s:  # texts of several lines, as a lead types them on the card
            editing.edit(s, actor=SECRETARIAT, proposal_id=EDITED, changes=MULTI_LINE, base_version=0)
            data = update_sheet.workbook(s, scope=update_sheet.Scope(cycle_of_data(), None))
        (folder / "update.xlsx").write_bytes(data)
        convert([folder / "update.xlsx"], folder)
        convert([folder / "update.xlsx"], folder / "saved", target="xlsx:Calc MS Excel 2007 XML")
        yield engine, data, pdf_pages(folder / "update.pdf"), (folder / "saved" / "update.xlsx").read_bytes()
        engine.dispose()


def test_it_prints_on_a4_landscape_with_the_header_on_every_page_and_the_instructions_last(rendered):
    _, data, pages, _ = rendered
    statistics_sheets = [n for n in load_workbook(io.BytesIO(data)).sheetnames if n[:2] in ("統計", "支援", "新一")]
    statistics_pages = [text for _, text in pages if "提案編號" in text and "開始日" in text]
    assert len(statistics_sheets) <= len(statistics_pages) <= 2 * len(statistics_sheets)  # not their empty rows
    assert len(pages) - len(statistics_pages) >= 2, f"{len(pages)} pages"
    assert {size for size, _ in pages} == {(A4[1], A4[0])}
    *data_pages, instructions = pages
    assert all("編號" in text and "目前版本" in text for _, text in data_pages if not text.lstrip().startswith("編號"))
    # The update sheet: bands of PAGES_WIDE pages, each page with the header and the ids (column A
    # repeats), the context columns (目前版本) on the first page of a band.
    update_pages = [text for _, text in data_pages if text.lstrip().startswith("編號")]
    bands = len(update_pages) // update_sheet.PAGES_WIDE
    assert bands >= 1 and len(update_pages) == bands * update_sheet.PAGES_WIDE
    assert all(re.search(r"\b\d{3}-(?:[CJ]\d\d|\d\d)\b", text) for text in update_pages)
    assert [("目前版本" in text) for text in update_pages] == [True, *[False] * (update_sheet.PAGES_WIDE - 1)] * bands
    # How many bands is the texts' business (a row is as tall as its longest text's lines, 409 pt at
    # most: sheets.fit_row_heights), not a fixed count; what must hold is that no band is wasted. Every
    # row is printed once, in order, and a band ends only where the next row would not fit: every band
    # is shorter than any band with the next band's first row added (no empty row, no blank page, no
    # band left half empty), whatever the print scale.
    sheet = load_workbook(io.BytesIO(data))[update_sheet.DATA_SHEET]
    heights = {
        sheet.cell(r, 1).value: sheet.row_dimensions[r].height or sheets.LINE_HEIGHT_PT
        for r in range(2, sheet.max_row + 1)
    }
    in_bands = [
        re.findall(r"^\s*(\d{3}-(?:[CJ]\d\d|\d\d))\b", text, re.M) for text in update_pages[:: update_sheet.PAGES_WIDE]
    ]
    assert all(in_bands) and [i for band in in_bands for i in band] == list(heights)
    filled = [sum(heights[i] for i in band) for band in in_bands]
    overfilled = [height + heights[following[0]] for height, following in zip(filled, in_bands[1:])]
    assert max(filled) < min(overfilled, default=math.inf), (filled, overfilled)
    assert "怎麼填" in instructions[1] and "未設密碼" in instructions[1]
    cycle = cycle_of_data()
    ids = {
        p["id"]
        for p in data_proposals()
        if p["year"] in (cycle, cycle - 1) and (p["track"] == "carried") == (p["year"] == cycle - 1)
    }
    printed = set(re.findall(r"\b\d{3}-(?:[CJ]\d\d|\d\d)\b", "".join(text for _, text in data_pages)))
    assert printed == ids


def test_saved_again_by_libreoffice_it_keeps_its_guards_and_reads_back_unchanged(rendered):
    engine, _, _, saved = rendered
    sheet = load_workbook(io.BytesIO(saved))[update_sheet.DATA_SHEET]
    assert sheet.protection.sheet and sheet["A2"].protection.locked
    assert sheet.page_setup.fitToWidth == update_sheet.PAGES_WIDE and sheet.print_title_cols == "$A:$A"
    assert sheet["A2"].border.left.style == "thin" and sheet.cell(sheet.max_row, sheet.max_column).border.right.style
    assert not sheet.cell(2, len(update_sheet.CONTEXT) + 1).protection.locked
    kinds = sorted(rule.type for rule in sheet.data_validations.dataValidation)
    limited = [f for f in editing.EDITABLE_FIELDS if f.limit]
    assert kinds == ["list"] * len(update_sheet.CHOICES) + ["textLength"] * len(limited)
    header = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == EDITED)
    for field, text in MULTI_LINE.items():  # line breaks kept, text wrapped
        cell = sheet.cell(row, header.index(editing.FIELD_LABELS[field]) + 1)
        assert cell.value == text and cell.alignment.wrap_text
    with Session(engine) as s:
        result = sheet_import.plan(s, actor=SECRETARIAT, name="update.xlsx", data=saved)
    assert (result.problems, result.rows) == ([], [])
