"""The minutes (.docx) and the workbooks (.xlsx) as LibreOffice prints them: A4 paper in the intended
orientation, a sane number of pages, page numbers filled in, table headers on every page.

Needs LibreOffice (`soffice`) and poppler-utils (`pdfinfo`, `pdftotext`). Skipped without them,
unless REQUIRE_LIBREOFFICE=1 or REQUIRE_BROWSER=1 (CI), in which case the test fails.
"""

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from dashboard.documents import export, minutes
from dashboard.domain import decisions, meeting, meeting_record, queries
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from tests import databases
from tests.rendering import A4, convert, pdf_pages, require_tools

pytestmark = pytest.mark.render
ID = re.compile(r"\b11[12]-(?:[CJ]\d\d|\d\d)\b")
T0 = datetime(2023, 8, 8, 7, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, list[str]]:
    """name -> the text of each printed page, for the minutes, the decisions workbook and the list."""
    require_tools()
    folder = tmp_path_factory.mktemp("render")
    with databases.database(folder / "store.db", loaded=True) as url:
        engine = make_engine(url)
        files = _documents(engine)
        engine.dispose()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    convert([folder / name for name in files], folder)
    return {name: pdf_pages(folder / (name.rsplit(".", 1)[0] + ".pdf")) for name in files}


def _documents(engine) -> dict[str, bytes]:
    """The three documents, from a store with three decisions and a meeting record."""
    with Session(engine) as s:
        cities = queries.cities(s)
        for proposal_id in ("111-01", "112-J03", "112-J34"):
            decisions.record(
                s,
                proposal_id=proposal_id,
                resolution="修正後通過",
                actor=Actor.secretariat("祕書甲"),
                now=T0,
                note="請主辦機關依與會意見修正後辦理，並於下次會議報告辦理情形。" * 3,
            )
        meeting_record.record(
            s,
            meeting_id=meeting.meeting_info(s).meeting.id,
            actor=Actor.secretariat("祕書甲"),
            now=T0,
            minutes_taker="王小明",
            attendance={c.code: "副首長 ○○○" for c in cities},
            conclusions="一、各案依決議辦理。\n二、下次會議由桃園市主辦。",
        )
        frame = queries.proposals_frame(s)
    return {
        "minutes.docx": minutes.docx_from(engine),
        "decisions.xlsx": minutes.xlsx_from(engine),
        "proposals.xlsx": export.xlsx_bytes(export.proposals_download(frame)),
    }


def test_the_minutes_print_on_a4_portrait_with_page_numbers_and_repeated_headers(pdfs):
    pages = pdfs["minutes.docx"]
    assert 2 <= len(pages) <= 8, f"{len(pages)} pages for 55 proposals"
    assert {size for size, _ in pages} == {A4}
    for number, (_, text) in enumerate(pages, start=1):
        assert re.search(rf"第 {number} 頁，共 {len(pages)} 頁", text), f"page {number} has its number"
        if ID.search(text):
            assert "項次" in text, f"page {number} repeats the decision table's header"
    whole = "".join(text for _, text in pages)
    assert "紀錄：王小明" in whole and "下次會議由桃園市主辦" in whole and "副首長 ○○○" in whole
    assert len(set(ID.findall(whole))) == 55


@pytest.mark.parametrize("name, header", [("decisions.xlsx", "提案編號"), ("proposals.xlsx", "提案單名稱")])
def test_the_workbooks_print_on_a4_landscape_with_the_header_on_every_page(pdfs, name, header):
    pages = pdfs[name]
    assert 1 <= len(pages) <= 12, f"{len(pages)} pages"
    assert {size for size, _ in pages} == {(A4[1], A4[0])}
    assert all(header in text for _, text in pages)
    assert all(re.search(rf"第 \d+ 頁，共 {len(pages)} 頁", text) for _, text in pages)
