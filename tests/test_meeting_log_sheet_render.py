"""The update workbook's 工作會議 sheet saved again by LibreOffice (as a lead using it would): it keeps
its protection and drop-downs, reads back with no change, and a meeting added and a decision typed
before the re-save come back exactly (dates as dates, line breaks kept). Needs LibreOffice (skipped
without it unless REQUIRE_LIBREOFFICE=1 or REQUIRE_BROWSER=1)."""

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from dashboard.documents import meeting_log_sheet, sheet_import, update_sheet
from dashboard.domain import group_terms, meeting_log, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from tests import databases
from tests.rendering import convert, require_tools

pytestmark = pytest.mark.render
LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))
DECIDED = "一、通過轉乘優惠。\n二、下次會議由桃園市主辦。"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """(engine, the transport workbook as LibreOffice saves it, and with edits typed before the save)."""
    require_tools()
    folder = tmp_path_factory.mktemp("log-render")
    with databases.database(folder / "store.db", loaded=True) as url:
        engine = make_engine(url)
        with Session(engine) as s:
            group = next(g for g in group_terms.groups_in_cycle(s, 112) if g.id == "transport")
            data = update_sheet.workbook(s, scope=update_sheet.Scope(112, group))
        (folder / "plain.xlsx").write_bytes(data)
        book = load_workbook(io.BytesIO(data))
        sheet = book[meeting_log_sheet.SHEET]
        sheet["G2"] = DECIDED
        sheet["C4"], sheet["D4"], sheet["E4"], sheet["F4"] = "交通運輸組", "2023-07-20", "工作會議", "第3次工作會議"
        book.save(folder / "edited.xlsx")
        convert([folder / "plain.xlsx", folder / "edited.xlsx"], folder / "saved", target="xlsx:Calc MS Excel 2007 XML")
        yield (
            engine,
            (folder / "saved" / "plain.xlsx").read_bytes(),
            (folder / "saved" / "edited.xlsx").read_bytes(),
        )
        engine.dispose()


def test_it_keeps_its_guards_and_reads_back_unchanged(saved):
    engine, plain, _ = saved
    sheet = load_workbook(io.BytesIO(plain))[meeting_log_sheet.SHEET]
    assert sheet.protection.sheet and sheet["A2"].protection.locked and not sheet["G2"].protection.locked
    assert len(sheet.data_validations.dataValidation) == 3  # group, kind, 刪除
    with Session(engine) as s:
        result = sheet_import.plan(s, actor=LEAD, name="update.xlsx", data=plain)
    assert (result.problems, result.changes) == ([], [])


def test_what_was_typed_before_the_save_comes_back_exactly(saved):
    engine, _, edited = saved
    with Session(engine) as s:
        result = sheet_import.plan(s, actor=LEAD, name="update.xlsx", data=edited)
        assert result.problems == []
        sheet_import.apply(s, actor=LEAD, plan=result)
    with Session(engine) as s:
        found = {e.name: e for e in meeting_log.entries(s, cycle=112, group_ids=["transport"])}
    assert found["第1次工作會議"].decided == DECIDED
    assert found["第3次工作會議"].date.isoformat() == "2023-07-20" and found["第3次工作會議"].kind == "工作會議"
