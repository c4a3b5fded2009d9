"""The draft minutes (.docx) and the decisions workbook (.xlsx) open and carry every item."""

import io
import re
from datetime import UTC, datetime, timedelta

import docx
import openpyxl
import pytest
from sqlmodel import Session

from dashboard.datafiles import build
from dashboard.documents import minutes
from dashboard.domain import decisions, meeting, meeting_record, queries, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.models import Proposal
from tests.xlsxcheck import assert_prints_on_a4_landscape_with_its_header

T0 = datetime(2023, 8, 8, 7, 12, tzinfo=UTC)
HTML_NOTE = "<script>alert(1)</script><b>x</b>"


@pytest.fixture
def engine(writable_engine):
    with Session(writable_engine) as s:
        decisions.record(
            s, proposal_id="111-01", resolution="保留", note="待補", actor=Actor.secretariat("祕書甲"), now=T0
        )
        decisions.record(
            s,
            proposal_id="111-01",
            resolution="照案通過",
            actor=Actor.secretariat("祕書乙"),
            now=T0 + timedelta(minutes=2),
        )
        decisions.record(
            s, proposal_id="112-J03", resolution="修正後通過", note=HTML_NOTE, actor=Actor.secretariat("祕書甲"), now=T0
        )
        decisions.record(
            s, proposal_id="112-J34", resolution="不通過", note="=1+1", actor=Actor.secretariat("祕書甲"), now=T0
        )
    return writable_engine


@pytest.fixture
def data(engine):
    with Session(engine) as s:
        return minutes.collect(s, now=T0)


def _decision_rows(document) -> dict[str, list[str]]:
    """Proposal id -> its row, from every table whose header starts with 項次."""
    rows = {}
    for table in document.tables:
        if [c.text for c in table.rows[0].cells][:2] == ["項次", "編號"]:
            for row in table.rows[1:]:
                cells = [c.text for c in row.cells]
                rows[cells[1]] = cells
    return rows


def test_the_minutes_open_and_list_all_55_items_with_their_decision(engine):
    document = docx.Document(io.BytesIO(minutes.docx_from(engine)))
    rows = _decision_rows(document)
    with Session(engine) as s:
        expected = [e.id for e in meeting.all_entries(meeting.decision_sections(s))]
    assert list(rows) == expected and len(rows) == 55
    assert rows["111-01"][4] == "照案通過"  # the latest change counts
    assert rows["112-J03"][4:] == ["修正後通過", HTML_NOTE]  # a note is text, kept literally
    assert rows["112-J34"][4:] == ["不通過", "=1+1"]
    undecided = [pid for pid, cells in rows.items() if cells[4] == vocab.UNDECIDED]
    assert len(undecided) == 52


def test_the_minutes_carry_the_meetings_details(data):
    document = docx.Document(io.BytesIO(minutes.minutes_docx(data)))
    text = "\n".join(p.text for p in document.paragraphs)
    m = data.info.meeting
    assert m.name in text and "會議紀錄（草案）" in text
    assert "112年8月8日（星期二）14時30分" in text
    assert f"地點：{m.venue}" in text and m.chair in text and m.chair_org in text
    assert "承辦單位：新北市政府" in text and "執行單位：" in text
    assert "已決議 3 案（照案通過 1 案、修正後通過 1 案、不通過 1 案），未決議 52 案" in text
    agenda_table = next(t for t in document.tables if t.rows[0].cells[0].text == "時間")
    assert [c.text for c in agenda_table.rows[0].cells] == ["時間", "分鐘", "議程"]
    assert len(agenda_table.rows) == len(data.info.agenda) + 1
    assert any(
        "15:10–15:45" in row.cells[0].text and "年度合作方案決議" in row.cells[2].text for row in agenda_table.rows
    )


def _record(engine, **fields) -> None:
    with Session(engine) as s:
        meeting_id = meeting.meeting_info(s).meeting.id
        meeting_record.record(s, meeting_id=meeting_id, actor=Actor.secretariat("祕書甲"), now=T0, **fields)


def _attendance(document) -> list[list[str]]:
    table = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == ["縣市", "出席人員"])
    return [[c.text for c in row.cells] for row in table.rows[1:]]


def test_without_a_saved_record_the_minutes_leave_the_fields_to_fill_in(engine):
    document = docx.Document(io.BytesIO(minutes.docx_from(engine)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "主席結論" in text and "紀錄：" in text
    assert document.tables[-1].cell(0, 0).text.strip() == ""
    with Session(engine) as s:
        names = [c.name for c in queries.cities(s)]
    assert _attendance(document) == [[name, ""] for name in names]


def test_the_minutes_carry_the_saved_minutes_taker_attendance_and_conclusions(engine):
    with Session(engine) as s:
        cities = queries.cities(s)
    _record(engine, minutes_taker="舊的紀錄", conclusions="舊結論")
    _record(
        engine,
        minutes_taker="王小明",
        conclusions="一、各案依決議辦理。\n二、下次會議由桃園市主辦。",
        attendance={cities[2].code: f"{cities[2].name}　副市長 ○○○", cities[0].code: "縣長 ○○○"},
    )
    document = docx.Document(io.BytesIO(minutes.docx_from(engine)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "紀錄：王小明" in text and "舊的紀錄" not in text  # the latest save is in force
    assert document.tables[-1].cell(0, 0).text == "一、各案依決議辦理。\n二、下次會議由桃園市主辦。"
    rows = _attendance(document)
    assert [name for name, _ in rows] == [c.name for c in cities]  # every city, in the store's order
    assert rows[0][1] == "縣長 ○○○" and rows[2][1] == f"{cities[2].name}　副市長 ○○○"
    assert all(who == "" for _, who in rows[3:])


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_the_minutes_are_laid_out_for_a4_with_repeated_headers_and_page_numbers(engine):
    document = docx.Document(io.BytesIO(minutes.docx_from(engine)))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    text_width = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        grid = [int(col.get(f"{W}w")) for col in table._tbl.tblGrid.iter(f"{W}gridCol")]
        assert abs(sum(grid) * 635 - text_width) < 36000, "every table spans the text width (1 twip = 635 EMU)"
        assert table._tbl.tblPr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
    decision_tables = [t for t in document.tables if t.rows[0].cells[0].text == "項次"]
    assert decision_tables and all(t.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None for t in decision_tables)
    instructions = [i.text.strip() for i in section.footer._element.iter(f"{W}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_the_workbook_has_every_item_and_every_change(data):
    book = openpyxl.load_workbook(io.BytesIO(minutes.decisions_xlsx(data)))
    assert book.sheetnames == [minutes.DECISION_SHEET, minutes.HISTORY_SHEET]
    current = list(book[minutes.DECISION_SHEET].iter_rows(values_only=True))
    header, rows = current[0], current[1:]
    assert len(rows) == 55
    by_id = {row[header.index("提案編號")]: row for row in rows}
    assert by_id["111-01"][header.index("決議")] == "照案通過"
    assert by_id["111-01"][header.index("變更次數")] == 2
    assert by_id["111-02"][header.index("決議")] == vocab.UNDECIDED
    changes = list(book[minutes.HISTORY_SHEET].iter_rows(values_only=True))[1:]
    assert [(r[2], r[4]) for r in changes] == [
        ("111-01", "保留"),
        ("112-J03", "修正後通過"),
        ("112-J34", "不通過"),
        ("111-01", "照案通過"),
    ]
    assert changes[0][1] == "112年8月8日 15:12" and changes[0][6] == "祕書甲"


def test_a_note_that_looks_like_a_formula_stays_text(data):
    book = openpyxl.load_workbook(io.BytesIO(minutes.decisions_xlsx(data)))
    sheet = book[minutes.HISTORY_SHEET]
    cell = next(row[5] for row in sheet.iter_rows(min_row=2) if row[2].value == "112-J34")
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_minutes_without_any_decision_mark_everything_undecided(fresh_engine):
    build.load(fresh_engine)
    document = docx.Document(io.BytesIO(minutes.docx_from(fresh_engine)))
    rows = _decision_rows(document)
    assert len(rows) == 55 and {cells[4] for cells in rows.values()} == {vocab.UNDECIDED}


def test_the_summary_sentence_adds_up_decided_and_undecided_to_the_whole_list(data):
    """Not 「共決議 55 案：…未決議 52 案」: the decided and the undecided are parts of the list."""
    document = docx.Document(io.BytesIO(minutes.minutes_docx(data)))
    line = next(p.text for p in document.paragraphs if p.text.startswith("本次會議"))
    assert line == (
        "本次會議待決議提案共 55 案：已決議 3 案（照案通過 1 案、修正後通過 1 案、不通過 1 案），未決議 52 案。"
    )
    total, decided, *parts, undecided = (int(n) for n in re.findall(r"(\d+) 案", line))
    assert decided + undecided == total and sum(parts) == decided


def test_the_closing_block_keeps_together_so_no_last_page_holds_a_line_or_two(data):
    """主席結論, its box (every line kept with the next: LibreOffice and Word then keep the table with
    the paragraph below), 散會 and the note: one block that goes to a new page whole."""
    document = docx.Document(io.BytesIO(minutes.minutes_docx(data)))
    paragraphs = document.paragraphs
    heading = next(i for i, p in enumerate(paragraphs) if "、主席結論：" in p.text)
    closing = next(i for i, p in enumerate(paragraphs) if "、散會：" in p.text)
    assert closing == heading + 1 and closing == len(paragraphs) - 2  # the box between, the note after
    assert paragraphs[heading].paragraph_format.keep_with_next and paragraphs[closing].paragraph_format.keep_with_next
    box = document.tables[-1].cell(0, 0).paragraphs
    assert box and all(p.paragraph_format.keep_with_next for p in box)


@pytest.mark.parametrize("n, text", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三")])
def test_numeral(n, text):
    assert minutes.numeral(n) == text


def test_file_name_drops_characters_file_systems_dislike():
    name = minutes.file_name("112年度「北臺區域發展推動委員會」副首長會議", "會議紀錄草案", ".docx")
    assert name == "112年度北臺區域發展推動委員會副首長會議_會議紀錄草案.docx"


def test_minutes_of_a_store_of_many_years_hold_only_the_meetings_proposals(engine):
    with Session(engine) as s:
        p = s.get(Proposal, "112-J01")
        s.add(Proposal(**{**p.model_dump(), "id": "114-J01", "year": 114, "sort_order": p.sort_order + 1000}))
        s.commit()
        decisions.record(s, proposal_id="114-J01", resolution="保留", actor=Actor.secretariat("祕書甲"), now=T0)
        data = minutes.collect(s, now=T0)
    assert "114-J01" not in data.decided and all(d.proposal_id != "114-J01" for d in data.history)
    rows = _decision_rows(docx.Document(io.BytesIO(minutes.minutes_docx(data))))
    assert len(rows) == 55 and "114-J01" not in rows
    book = openpyxl.load_workbook(io.BytesIO(minutes.decisions_xlsx(data)))
    assert "114-J01" not in [row[2] for row in book[minutes.HISTORY_SHEET].iter_rows(min_row=2, values_only=True)]


def test_both_sheets_of_the_workbook_print_on_a4_landscape_with_the_header_on_every_page(data):
    book = openpyxl.load_workbook(io.BytesIO(minutes.decisions_xlsx(data)))
    for sheet in book.worksheets:
        assert_prints_on_a4_landscape_with_its_header(sheet)


@pytest.mark.parametrize("note", ["+886-2-2960-3456", "-5", "@SUM(A1:A2)", '=HYPERLINK("http://x","y")'])
def test_no_note_becomes_a_formula_in_the_workbook(engine, note):
    with Session(engine) as s:
        decisions.record(
            s,
            proposal_id="112-J01",
            resolution="保留",
            note=note,
            actor=Actor.secretariat("=cmd|' /C calc'!A0"),
            now=T0,
        )
        data = minutes.collect(s, now=T0)
    book = openpyxl.load_workbook(io.BytesIO(minutes.decisions_xlsx(data)))
    for sheet in book.worksheets:
        cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value in (note, "=cmd|' /C calc'!A0")]
        assert len(cells) == 2 and all(c.data_type == "s" for c in cells)
