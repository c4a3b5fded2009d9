"""No control character reaches a reader's document: every entry refuses one, in Chinese, naming
the field (and the character), before anything is stored. One such character in a field made every
packet, bundle and workbook fail for everyone (「All strings must be XML compatible」)."""

import csv
import io

import pytest
from sqlmodel import Session, select

from dashboard.domain import decisions, editing, meeting, meeting_record, proposal_yaml, vocab
from dashboard.domain.permissions import Actor
from dashboard.domain.text import text_problem
from dashboard.store.models import Proposal, ProposalVersion
from tests.storetools import add_account, run_cli
from tests.test_pages_card_edit import OWN, errors, save, signed_in, store, widget  # noqa: F401 (store: fixture)
from tests.test_update_sheet import label, new_proposal_id, workbook_bytes

SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
TRANSPORT_LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))
BAD = ["a\x01b", "a\x1bb", "a\x7fb", "a\x85b", "a\ufffeb", "a\uffffb", "a\ud800b", "a\x00b"]


@pytest.mark.parametrize("text", BAD)
def test_control_characters_non_characters_and_lone_surrogates_are_refused(text):
    problem = text_problem(text)
    assert problem and f"U+{ord(text[1]):04X}" in problem and "第 2 個字元" in problem


@pytest.mark.parametrize("text", ["第一行\n第二行", "欄\t位", "Windows\r\n換行", "全形　空白、emoji 🚌"])
def test_tab_line_breaks_and_ordinary_text_are_kept(text):
    assert text_problem(text) is None


def _proposal_id(s: Session) -> str:
    return s.exec(select(Proposal.id).where(Proposal.group_id == "transport").order_by(Proposal.id)).first()


def test_an_edit_is_refused_naming_the_field(writable_engine):
    with Session(writable_engine) as s:
        pid = _proposal_id(s)
        with pytest.raises(editing.EditError) as refused:
            editing.edit(s, actor=TRANSPORT_LEAD, proposal_id=pid, changes={"contact": "a\x01b"}, base_version=0)
        assert s.exec(select(ProposalVersion)).all() == []
    [problem] = refused.value.problems
    assert problem.field == "contact" and "控制字元（U+0001" in problem.message


def test_a_new_proposal_is_refused_naming_the_field(writable_engine):
    with Session(writable_engine) as s:
        year = max(s.exec(select(Proposal.year)).all())
        card = {
            "year": year,
            "track": vocab.JOINT,
            "group": "transport",
            "title": "北臺公車轉乘",
            "lead_units": [{"unit": "新北市政府交通局", "city": "新北市"}],
            "types": [vocab.PROPOSAL_TYPES[0]],
            "cities": ["臺北市", "新北市"],
            "description": "第一段\n\n第二段\ufffe",
        }
        with pytest.raises(editing.EditError) as refused:
            editing.create(s, actor=SECRETARIAT, document=card)
    assert [(p.field, "U+FFFE" in p.message) for p in refused.value.problems] == [("description", True)]


def test_a_csv_import_is_refused_naming_the_row_and_column(loaded_engine):
    from dashboard.documents import sheet_import, update_sheet
    from tests.test_update_sheet import column, open_book, row_of

    target = new_proposal_id()
    sheet = open_book(workbook_bytes(loaded_engine))[update_sheet.DATA_SHEET]
    rows = [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]
    rows[row_of(sheet, target) - 1][column(sheet, label("contact")) - 1] = "王\x01小明"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    with Session(loaded_engine) as s:
        result = sheet_import.plan(s, actor=TRANSPORT_LEAD, name="交通.csv", data=out.getvalue().encode())
    [problem] = result.problems
    assert problem.field == label("contact") and "控制字元（U+0001" in problem.message
    assert problem.record == f"第 {row_of(sheet, target)} 列" and result.rows == []


def test_a_decision_note_and_the_meeting_record_are_refused_naming_the_field(writable_engine):
    with Session(writable_engine) as s:
        pid = _proposal_id(s)
        with pytest.raises(decisions.DecisionError, match="備註含有控制字元（U\\+0001"):
            decisions.record(s, actor=SECRETARIAT, proposal_id=pid, resolution=vocab.RESOLUTIONS[0], note="a\x01b")
        meeting_id = meeting.meeting_info(s).meeting.id
        with pytest.raises(meeting_record.RecordError, match="主席結論含有控制字元（U\\+001B"):
            meeting_record.record(s, actor=SECRETARIAT, meeting_id=meeting_id, conclusions="結論\x1b")


def test_the_edit_command_refuses_it_in_one_chinese_line(engine):
    add_account(engine, "交通窗口", vocab.LEAD, "transport")
    with Session(engine) as s:
        pid = _proposal_id(s)
        before = proposal_yaml.proposal_document(s, s.get(Proposal, pid))
    refused = run_cli("edit", pid, "--user", "交通窗口", "--set", "contact=a\x01b")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "欄位「聯絡人（contact）」" in refused.stderr and "控制字元（U+0001，第 2 個字元）" in refused.stderr
    with Session(engine) as s:
        assert proposal_yaml.proposal_document(s, s.get(Proposal, pid)) == before
    assert run_cli("export-sheet", "/dev/null").returncode == 0  # the documents still build for everyone


def test_the_card_form_refuses_it_naming_the_field_and_keeps_what_was_typed(store):  # noqa: F811 (the card page's store fixture)
    at = save(signed_in("教育窗口"), 聯絡人="王小明\x01 02-1234")
    assert "聯絡人" in errors(at) and "控制字元（U+0001" in errors(at)
    assert widget(at, "text_area", "聯絡人").value == "王小明\x01 02-1234"
    with Session(store) as s:
        assert editing.current_version(s, OWN) == 0
