"""The draft minutes (.docx) and the decisions workbook (.xlsx) open and carry every item."""
import io
from datetime import UTC, datetime, timedelta

import docx
import openpyxl
import pytest
from sqlmodel import Session

from dashboard import agenda, decisions, minutes, store
from dashboard.models import Proposal

T0 = datetime(2023, 8, 8, 7, 12, tzinfo=UTC)
HTML_NOTE = "<script>alert(1)</script><b>x</b>"


@pytest.fixture
def engine(fresh_engine):
    store.load(fresh_engine)
    with Session(fresh_engine) as s:
        decisions.record(s, proposal_id="111-01", resolution="保留", note="待補", recorded_by="祕書甲", now=T0)
        decisions.record(s, proposal_id="111-01", resolution="照案通過", recorded_by="祕書乙",
                         now=T0 + timedelta(minutes=2))
        decisions.record(s, proposal_id="112-J03", resolution="修正後通過", note=HTML_NOTE, recorded_by="祕書甲", now=T0)
        decisions.record(s, proposal_id="112-J34", resolution="不通過", note="=1+1", recorded_by="祕書甲", now=T0)
    return fresh_engine


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
        expected = [e.id for e in agenda.all_entries(agenda.decision_sections(s))]
    assert list(rows) == expected and len(rows) == 55
    assert rows["111-01"][4] == "照案通過"  # the latest change counts
    assert rows["112-J03"][4:] == ["修正後通過", HTML_NOTE]  # a note is text, kept literally
    assert rows["112-J34"][4:] == ["不通過", "=1+1"]
    undecided = [pid for pid, cells in rows.items() if cells[4] == decisions.UNDECIDED]
    assert len(undecided) == 52


def test_the_minutes_carry_the_meetings_details(data):
    document = docx.Document(io.BytesIO(minutes.minutes_docx(data)))
    text = "\n".join(p.text for p in document.paragraphs)
    m = data.info.meeting
    assert m.name in text and "會議紀錄（草案）" in text
    assert "112年8月8日（星期二）14時30分" in text
    assert f"地點：{m.venue}" in text and m.chair in text and m.chair_org in text
    assert "承辦單位：新北市政府" in text and "執行單位：" in text
    assert "照案通過 1 案、修正後通過 1 案、保留 0 案、不通過 1 案、未決議 52 案" in text
    agenda_table = document.tables[0]
    assert [c.text for c in agenda_table.rows[0].cells] == ["時間", "分鐘", "議程"]
    assert len(agenda_table.rows) == len(data.info.agenda) + 1
    assert any("15:10–15:45" in row.cells[0].text and "年度合作方案決議" in row.cells[2].text
               for row in agenda_table.rows)


def test_the_chairs_conclusions_have_a_field(data):
    empty = docx.Document(io.BytesIO(minutes.minutes_docx(data)))
    filled = docx.Document(io.BytesIO(minutes.minutes_docx(data, conclusions="一、各案依決議辦理。\n二、下次會議由桃園市主辦。")))
    assert "主席結論" in "\n".join(p.text for p in empty.paragraphs)
    assert empty.tables[-1].cell(0, 0).text.strip() == ""
    assert filled.tables[-1].cell(0, 0).text == "一、各案依決議辦理。\n二、下次會議由桃園市主辦。"


def test_the_workbook_has_every_item_and_every_change(data):
    book = openpyxl.load_workbook(io.BytesIO(minutes.decisions_xlsx(data)))
    assert book.sheetnames == [minutes.DECISION_SHEET, minutes.HISTORY_SHEET]
    current = list(book[minutes.DECISION_SHEET].iter_rows(values_only=True))
    header, rows = current[0], current[1:]
    assert len(rows) == 55
    by_id = {row[header.index("提案編號")]: row for row in rows}
    assert by_id["111-01"][header.index("決議")] == "照案通過"
    assert by_id["111-01"][header.index("變更次數")] == 2
    assert by_id["111-02"][header.index("決議")] == decisions.UNDECIDED
    changes = list(book[minutes.HISTORY_SHEET].iter_rows(values_only=True))[1:]
    assert [(r[2], r[4]) for r in changes] == [("111-01", "保留"), ("112-J03", "修正後通過"),
                                               ("112-J34", "不通過"), ("111-01", "照案通過")]
    assert changes[0][1] == "112年8月8日 15:12" and changes[0][6] == "祕書甲"


def test_a_note_that_looks_like_a_formula_stays_text(data):
    book = openpyxl.load_workbook(io.BytesIO(minutes.decisions_xlsx(data)))
    sheet = book[minutes.HISTORY_SHEET]
    cell = next(row[5] for row in sheet.iter_rows(min_row=2) if row[2].value == "112-J34")
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_minutes_without_any_decision_mark_everything_undecided(fresh_engine):
    store.load(fresh_engine)
    document = docx.Document(io.BytesIO(minutes.docx_from(fresh_engine)))
    rows = _decision_rows(document)
    assert len(rows) == 55 and {cells[4] for cells in rows.values()} == {decisions.UNDECIDED}


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
        decisions.record(s, proposal_id="114-J01", resolution="保留", recorded_by="祕書甲", now=T0)
        data = minutes.collect(s, now=T0)
    assert "114-J01" not in data.decided and all(d.proposal_id != "114-J01" for d in data.history)
    rows = _decision_rows(docx.Document(io.BytesIO(minutes.minutes_docx(data))))
    assert len(rows) == 55 and "114-J01" not in rows
    book = openpyxl.load_workbook(io.BytesIO(minutes.decisions_xlsx(data)))
    assert "114-J01" not in [row[2] for row in book[minutes.HISTORY_SHEET].iter_rows(min_row=2, values_only=True)]
