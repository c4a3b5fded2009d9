"""Every text of the card is editable by its owner (issue 19): `edit --set` takes each by its data/
name and the update workbook has a column for each; both keep a multi-line text's line breaks,
record a version (who, when, why) and refuse a text past its limit with a Chinese message naming
the field. A contact's line break goes from the store to the card, the packet and the workbook and
back unchanged. On both engines (TEST_DATABASE_URL)."""

import io
from datetime import UTC, datetime, timedelta

import docx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from dashboard.cli import main
from dashboard.documents import card_docx, packet, sheet_import, update_sheet
from dashboard.domain import editing, proposal_rules, proposal_yaml, queries, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.models import Proposal, WorkGroup
from tests.datadocs import cycle_of_data, data_document, expected_ids
from tests.storetools import add_account

OWN = "112-J02"  # an education proposal with a card
LEAD_NAME = "教育窗口"
# A new value for each text of the card, several lines where the card has several.
CARD_TEXTS = {
    "title": "跨縣市高中職賃居生安全維護合作方案（修訂）",
    "card_title": "跨縣市賃居生安全維護合作",
    "description": "一、現況：賃居生分散各縣市。\n二、問題：缺少跨縣市聯繫。",
    "approach": "1. 每季召開聯繫會議。\n2. 共同訪視賃居處所。",
    "benefits": "提升賃居生安全。\n各縣市共享訪視資料。",
    "contact": "新北市政府教育局 王小明\n02-2960-3456 分機 4500",
    "central_ministry": "教育部",
}
LABELS = {
    "title": "提案名稱",
    "card_title": "提案單上的名稱",
    "description": "說明",
    "approach": "具體作法",
    "benefits": "合作效益",
    "contact": "聯絡人",
    "central_ministry": "對應中央部會",
}


def test_every_text_of_the_card_is_an_editable_field_with_its_label_and_limit():
    for field, label in LABELS.items():
        assert editing.EDITABLE[field] == label
        assert editing.EDITABLE_BY_KEY[field].limit == proposal_rules.MAX_CHARS[field]
    assert {f for f, e in editing.EDITABLE_BY_KEY.items() if e.kind == editing.LINES} >= {
        "description",
        "approach",
        "benefits",
        "contact",
    }


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def people(engine):
    add_account(engine, LEAD_NAME, vocab.LEAD, "education")


def document(engine, proposal_id: str = OWN) -> dict:
    with Session(engine) as session:
        return proposal_yaml.proposal_document(session, session.get(Proposal, proposal_id))


@pytest.mark.parametrize("field", list(CARD_TEXTS))
def test_a_lead_edits_each_text_of_the_card_by_its_data_name_as_a_version(engine, people, capsys, field):
    before = document(engine)
    value = CARD_TEXTS[field]
    started = datetime.now(UTC) - timedelta(seconds=1)
    code = main(["edit", OWN, "--user", LEAD_NAME, "--set", f"{field}={value}", "--reason", "依工作會議修正"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"已儲存提案 {OWN} 第 1 版" in out and f"{LABELS[field]}：" in out
    assert document(engine) == {**before, field: value}  # line breaks kept, nothing else touched
    with Session(engine) as session:
        [version] = editing.history(session, OWN)
        assert (version.recorded_by, version.reason, version.kind) == (LEAD_NAME, "依工作會議修正", "edit")
        assert version.changes == [{"field": field, "old": before.get(field), "new": value}]
        recorded = version.recorded_at if version.recorded_at.tzinfo else version.recorded_at.replace(tzinfo=UTC)
        assert started <= recorded <= datetime.now(UTC) + timedelta(seconds=1)
    assert main(["history", OWN]) == 0
    assert f"｜{LEAD_NAME}｜修改｜原因：依工作會議修正" in capsys.readouterr().out


@pytest.mark.parametrize("field", list(CARD_TEXTS))
def test_a_text_past_its_limit_is_refused_naming_the_field_and_nothing_is_saved(engine, people, capsys, field):
    before = document(engine)
    limit = proposal_rules.MAX_CHARS[field]
    assert main(["edit", OWN, "--user", LEAD_NAME, "--set", f"{field}={'長' * (limit + 1)}"]) == 1
    err = capsys.readouterr().err
    assert f"{LABELS[field]}最多 {limit} 字，目前為 {limit + 1} 字" in err and "Traceback" not in err
    assert document(engine) == before
    with Session(engine) as session:
        assert editing.history(session, OWN) == []


def test_a_5000_character_title_is_refused(engine, people, capsys):
    assert main(["edit", OWN, "--user", LEAD_NAME, "--set", f"title={'長' * 5000}"]) == 1
    assert "提案名稱最多 120 字，目前為 5000 字" in capsys.readouterr().err
    assert document(engine)["title"] == data_document(OWN)["title"]


def test_clearing_the_title_is_refused_and_clearing_the_card_title_is_not(engine, people, capsys):
    assert main(["edit", OWN, "--user", LEAD_NAME, "--set", "title="]) == 1
    assert "欄位「提案名稱（title）」：必填欄位，不可空白" in capsys.readouterr().err
    assert main(["edit", OWN, "--user", LEAD_NAME, "--set", "card_title=另一個名稱"]) == 0
    assert main(["edit", OWN, "--user", LEAD_NAME, "--set", "card_title="]) == 0
    assert "card_title" not in document(engine)


# --- the update workbook ------------------------------------------------------------------------

GROUP = "transport"
LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({GROUP}))
FILE = "交通.xlsx"


def target_id() -> str:
    """A transport proposal with a card, of the cycle's own year."""
    return next(i for i in sorted(expected_ids(GROUP)) if data_document(i)["track"] != vocab.CARRIED)


def workbook(engine) -> bytes:
    with Session(engine) as s:
        return update_sheet.workbook(s, scope=update_sheet.Scope(cycle_of_data(), s.get(WorkGroup, GROUP)))


def cells(data: bytes, proposal_id: str) -> tuple:
    """The data sheet, the proposal's row and {header: column} of a workbook."""
    sheet = load_workbook(io.BytesIO(data))[update_sheet.DATA_SHEET]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == proposal_id)
    return sheet, row, {c.value: c.column for c in sheet[1]}


def filled(data: bytes, proposal_id: str, values: dict) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book[update_sheet.DATA_SHEET]
    _, row, columns = cells(data, proposal_id)
    for field, value in values.items():
        sheet.cell(row, columns[LABELS[field]]).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_workbook_has_a_wrapped_column_for_each_text_of_the_card_with_its_limit(loaded_engine):
    data, target = workbook(loaded_engine), target_id()
    sheet, row, columns = cells(data, target)
    source = data_document(target)
    for field, label in LABELS.items():
        cell = sheet.cell(row, columns[label])
        assert (cell.value or None) == (source.get(field) or None) and cell.alignment.wrap_text
        assert not cell.protection.locked
    limits = {
        str(rule.sqref): int(rule.formula1)
        for rule in sheet.data_validations.dataValidation
        if rule.type == "textLength"
    }
    for field, label in LABELS.items():
        letter = sheet.cell(1, columns[label]).column_letter
        assert limits[f"{letter}2:{letter}{sheet.max_row}"] == proposal_rules.MAX_CHARS[field]
    help_text = "\n".join(
        str(c.value) for c in load_workbook(io.BytesIO(data))[update_sheet.HELP_SHEET]["A"] if c.value
    )
    assert "・說明：提案單的「說明」，可多行，最多 3000 字" in help_text


def test_each_text_of_the_card_is_imported_from_the_workbook_as_one_version_by_the_uploader(writable_engine):
    target = target_id()
    values = {**CARD_TEXTS, "contact": CARD_TEXTS["contact"].replace("\n", "\r\n")}  # as Excel on Windows may
    with Session(writable_engine) as s:
        result = sheet_import.plan(s, actor=LEAD, name=FILE, data=filled(workbook(writable_engine), target, values))
    assert result.problems == []
    assert {change[2] for change in result.changes} == set(LABELS.values())
    with Session(writable_engine) as s:
        [version] = sheet_import.apply(s, actor=LEAD, plan=result)
        assert (version.recorded_by, version.reason) == (LEAD.name, f"試算表更新：{FILE}")
        stored = proposal_yaml.proposal_document(s, s.get(Proposal, target))
    assert {f: stored.get(f) for f in CARD_TEXTS} == CARD_TEXTS  # line breaks kept, as \n

    again = workbook(writable_engine)  # downloaded anew: holds the texts, and reads back unchanged
    sheet, row, columns = cells(again, target)
    assert sheet.cell(row, columns["聯絡人"]).value == CARD_TEXTS["contact"]
    with Session(writable_engine) as s:
        assert sheet_import.plan(s, actor=LEAD, name=FILE, data=again).rows == []


@pytest.mark.parametrize("field", list(CARD_TEXTS))
def test_a_text_past_its_limit_in_the_workbook_is_refused_naming_the_row_and_field(writable_engine, field):
    target, limit = target_id(), proposal_rules.MAX_CHARS[field]
    data = filled(workbook(writable_engine), target, {field: "長" * (limit + 1)})
    _, row, _ = cells(data, target)
    with Session(writable_engine) as s:
        result = sheet_import.plan(s, actor=LEAD, name=FILE, data=data)
    [problem] = result.problems
    assert str(problem).startswith(f"{FILE}｜工作表「{update_sheet.DATA_SHEET}」第 {row} 列｜欄位「{LABELS[field]}」")
    assert f"{LABELS[field]}最多 {limit} 字，目前為 {limit + 1} 字" in problem.message and result.rows == []


# --- a contact's line break, end to end ---------------------------------------------------------


def test_a_contacts_line_break_is_kept_on_the_card_the_packet_and_the_workbook(writable_engine):
    target = target_id()
    contact, title = CARD_TEXTS["contact"], CARD_TEXTS["title"]
    with Session(writable_engine) as s:
        editing.edit(s, actor=LEAD, proposal_id=target, changes={"contact": contact, "title": title}, base_version=0)
        card = queries.proposal_card(s, proposal_id=target)
        rows = dict(card_docx.card_rows(card))
        assert rows["提案聯絡窗口"] == contact.split("\n")  # the card in Word: two lines
        packet_bytes = packet.packet_docx(s, cycle=cycle_of_data())
    paragraphs = [
        p.text for t in docx.Document(io.BytesIO(packet_bytes)).tables for c in t._cells for p in c.paragraphs
    ]
    first, second = contact.split("\n")
    assert first in paragraphs and second in paragraphs  # the packet's card: one paragraph a line
    assert title in paragraphs  # the packet's table of the year's proposals names it by its new title
    sheet, row, columns = cells(workbook(writable_engine), target)
    assert sheet.cell(row, columns["聯絡人"]).value == contact
