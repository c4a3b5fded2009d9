"""The statistics in the update workbook (dashboard/documents/statistics_sheet.py): one sheet per
table (proposal + period) with the period and version locked, a 新一期 sheet per proposal to enter a
new period; read back through statistics.prepare/save with the same checks, rights and versions,
previewed cell by cell, applied with the rest of the file. Runs on SQLite and, with
TEST_DATABASE_URL, PostgreSQL (writable_engine); the LibreOffice round trip is marked render."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from dashboard.documents import sheet_import, statistics_sheet, update_sheet
from dashboard.domain import group_terms, statistics, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine

AID = "112-J17"  # 跨區通報支援: public-safety / disaster
SOCIAL = "112-J24"  # health-welfare / welfare
LEAD = Actor(name="防災窗口", role=vocab.LEAD, groups=frozenset({"disaster"}))
OTHER_LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))
SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
FILE = "防災組_112年度.xlsx"
AID_SHEET = "支援 112-J17 1120101-1120630"
AID_NEW = "新一期 112-J17 支援"
FIRST_HALF = statistics.Period(date(2023, 1, 1), date(2023, 6, 30))
SECOND_HALF = statistics.Period(date(2023, 7, 1), date(2023, 12, 31))


def workbook(engine, group: str | None = "disaster") -> bytes:
    with Session(engine) as s:
        groups = {g.id: g for g in group_terms.groups_in_cycle(s, 112)}
        return update_sheet.workbook(s, scope=update_sheet.Scope(112, groups.get(group)))


def edited(data: bytes, title: str, edit) -> bytes:
    book = load_workbook(io.BytesIO(data))
    edit(book[title])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plan(engine, data: bytes, *, actor=LEAD, name=FILE) -> sheet_import.Plan:
    with Session(engine) as s:
        return sheet_import.plan(s, actor=actor, name=name, data=data)


def apply(engine, the_plan, *, actor=LEAD):
    with Session(engine) as s:
        return sheet_import.apply(s, actor=actor, plan=the_plan)


def aid_tables(engine) -> list[statistics.Table]:
    with Session(engine) as s:
        return statistics.proposal_tables(s, AID, statistics.MUTUAL_AID)


def row_of(sheet, source: str, target: str) -> int:
    return next(
        r
        for r in range(statistics_sheet.FIRST_ROW, sheet.max_row + 1)
        if (sheet.cell(r, 1).value, sheet.cell(r, 2).value) == (source, target)
    )


def test_the_workbook_has_a_sheet_per_table_and_a_new_period_sheet_per_proposal(writable_engine):
    data = workbook(writable_engine)
    book = load_workbook(io.BytesIO(data))
    names = book.sheetnames
    assert names[:2] == [update_sheet.DATA_SHEET, "工作會議"] and names[-1] == update_sheet.HELP_SHEET
    assert names[names.index(AID_SHEET) + 1] == AID_NEW  # each proposal's tables, then its 新一期
    sheet = book[AID_SHEET]
    assert (sheet["A1"].value, sheet["B1"].value, sheet["B2"].value, sheet["B4"].value) == (
        "統計表",
        "跨區救災救護支援",
        AID,
        0,
    )
    assert (sheet["B3"].value.date(), sheet["D3"].value.date()) == (FIRST_HALF.start, FIRST_HALF.end)
    headers = [c.value for c in sheet[statistics_sheet.HEADER_ROW]][:5]
    assert headers == ["請求支援縣市", "支援縣市", "火警", "救護", "轉報"]
    (table,) = aid_tables(writable_engine)
    typed = [
        [sheet.cell(r, c).value for c in range(1, 6)]
        for r in range(statistics_sheet.FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(r, 1).value
    ]
    assert len(typed) == len(table.rows) and all(isinstance(v, int) for row in typed for v in row[2:])
    # the period and version are locked, the figures and the rows below open
    assert sheet.protection.sheet and sheet["B3"].protection.locked and sheet["B4"].protection.locked
    assert not sheet["C7"].protection.locked and not sheet.cell(len(typed) + 10, 1).protection.locked
    new = book[AID_NEW]
    assert new["C1"].value == "新一期" and new["B2"].value == AID
    assert not new["B3"].protection.locked and not new["D3"].protection.locked and new["B2"].protection.locked
    assert all(len(name) <= 31 for name in book.sheetnames)
    help_text = "\n".join(str(c.value) for c in book[update_sheet.HELP_SHEET]["A"] if c.value)
    assert "新一期" in help_text and "統計數據" in help_text
    # the whole cycle has every proposal's, the names unique
    every = load_workbook(io.BytesIO(workbook(writable_engine, None))).sheetnames
    assert "統計 112-J32 1120605 截至1120716" in every and "新一期 112-J24 統計" in every
    assert len(every) == len({n.lower() for n in every})
    # as downloaded, it changes nothing
    untouched = plan(writable_engine, workbook(writable_engine, None), actor=SECRETARIAT)
    assert untouched.problems == [] and untouched.changes == []


def test_a_corrected_figure_is_previewed_and_applied_as_one_version_and_the_same_file_adds_nothing(writable_engine):
    data = workbook(writable_engine)

    def edit(sheet):
        sheet.cell(row_of(sheet, "宜蘭縣", "新北市"), 4).value = 33  # 救護 32 -> 33

    upload = edited(data, AID_SHEET, edit)
    result = plan(writable_engine, upload)
    assert result.problems == [] and result.rows == []
    title = f"提案 {AID} 跨區救災救護支援（{FIRST_HALF.label}）"
    assert result.changes == [(AID, title, "宜蘭縣→新北市 救護", "32", "33")]
    assert aid_tables(writable_engine)[0].version == 0  # a preview writes nothing
    apply(writable_engine, result)
    (table,) = aid_tables(writable_engine)
    assert table.version == 1 and table.recorded_by == "防災窗口"
    with Session(writable_engine) as s:
        (version,) = statistics.history(s, AID, statistics.MUTUAL_AID, FIRST_HALF)
    assert version.reason == f"試算表更新：{FILE}" and version.changes == [
        {"field": "宜蘭縣→新北市 救護", "old": 32, "new": 33}
    ]
    again = plan(writable_engine, upload)
    assert again.problems == [] and again.changes == []
    # someone else corrects it meanwhile: a file based on version 0 that changes it is refused
    stale = plan(
        writable_engine,
        edited(
            data, AID_SHEET, lambda sheet: sheet.cell(row_of(sheet, "宜蘭縣", "新北市"), 5).__setattr__("value", 82)
        ),
    )
    assert [(p.record, p.field) for p in stale.problems] == [(f"工作表「{AID_SHEET}」第 4 列", "目前版本")]
    assert "防災窗口" in stale.problems[0].message and "第 1 版" in stale.problems[0].message


def test_a_new_period_entered_in_the_new_period_sheet_applies(writable_engine):
    def edit(sheet):
        sheet["B3"], sheet["D3"] = date(2023, 7, 1), "2023/12/31"
        sheet["A7"], sheet["B7"], sheet["C7"], sheet["D7"], sheet["E7"] = "臺北市", "新北市", 4, 30, 1100
        sheet["A8"], sheet["B8"], sheet["D8"] = "宜蘭縣", "新北市", 12  # 火警、轉報 blank: 0

    upload = edited(workbook(writable_engine), AID_NEW, edit)
    result = plan(writable_engine, upload)
    assert result.problems == []
    assert (
        "112-J17",
        f"提案 {AID} 跨區救災救護支援（{SECOND_HALF.label}）",
        "臺北市→新北市 轉報",
        "（空白）",
        "1100",
    ) in result.changes
    apply(writable_engine, result)
    first, second = aid_tables(writable_engine)
    assert (first.version, second.period, second.version, second.recorded_by) == (0, SECOND_HALF, 1, "防災窗口")
    assert sorted((r["fire"], r["ambulance"], r["relay"]) for r in second.rows) == [(0, 12, 0), (4, 30, 1100)]
    again = plan(writable_engine, upload)
    assert again.problems == [] and again.changes == []


def test_an_indicators_period_up_to_a_date_applies_by_the_secretariat(writable_engine):
    data = workbook(writable_engine, None)
    book = load_workbook(io.BytesIO(data))
    old = book[next(n for n in book.sheetnames if n.startswith(f"統計 {SOCIAL}"))]
    label, unit = old["A7"].value, old["F7"].value

    def edit(sheet):
        sheet["F3"] = "113/3/31"
        sheet["A7"], sheet["B7"], sheet["E7"], sheet["F7"] = label, "合計", 25, unit

    result = plan(writable_engine, edited(data, f"新一期 {SOCIAL} 統計", edit), actor=SECRETARIAT)
    assert result.problems == [] and len(result.statistics.tables) == 1
    apply(writable_engine, result, actor=SECRETARIAT)
    with Session(writable_engine) as s:
        latest = statistics.proposal_tables(s, SOCIAL, statistics.INDICATORS)[-1]
        known = statistics.proposal_tables(s, SOCIAL, statistics.INDICATORS)[0].rows
    assert latest.period == statistics.Period(as_of=date(2024, 3, 31)) and latest.version == 1
    (row,) = latest.rows
    assert row["value"] == 25 and row["kind"] == "total"
    assert row["indicator"] == next(r["indicator"] for r in known if r["label"] == label)  # the same series


def test_a_bad_cell_is_refused_naming_sheet_row_and_column_and_nothing_is_applied(writable_engine):
    data = workbook(writable_engine)

    def edit(sheet):
        sheet.cell(row_of(sheet, "宜蘭縣", "新北市"), 3).value = "三"
        sheet.cell(row_of(sheet, "宜蘭縣", "桃園市"), 2).value = "台中市"

    def new(sheet):
        sheet["B3"], sheet["D3"] = "2023-07-01", "2023-13-01"
        sheet["A7"], sheet["B7"], sheet["C7"] = "臺北市", "臺北市", 1

    upload = edited(edited(data, AID_SHEET, edit), AID_NEW, new)
    result = plan(writable_engine, upload)
    where = {(p.record, p.field) for p in result.problems}
    ila = row_of(load_workbook(io.BytesIO(data))[AID_SHEET], "宜蘭縣", "新北市")
    assert (f"工作表「{AID_SHEET}」第 {ila} 列", "火警") in where
    assert (f"工作表「{AID_SHEET}」第 {ila + 1} 列", "支援縣市") in where
    assert (f"工作表「{AID_NEW}」第 3 列", "結束日") in where
    messages = " ".join(p.message for p in result.problems)
    assert "「三」不是數字" in messages and "「台中市」不是八縣市之一" in messages
    assert result.changes == []
    no_period = plan(writable_engine, edited(data, AID_NEW, lambda sheet: sheet.__setitem__("A7", "臺北市")))
    assert (f"工作表「{AID_NEW}」第 3 列", "開始日") in [(p.record, p.field) for p in no_period.problems]
    with pytest.raises(sheet_import.SheetRefused):
        apply(writable_engine, result)
    assert aid_tables(writable_engine)[0].version == 0


def test_another_groups_lead_is_refused(writable_engine):
    upload = edited(
        workbook(writable_engine),
        AID_SHEET,
        lambda sheet: sheet.cell(row_of(sheet, "宜蘭縣", "新北市"), 4).__setattr__("value", 33),
    )
    result = plan(writable_engine, upload, actor=OTHER_LEAD)
    refusals = [p for p in result.problems if p.record == f"工作表「{AID_SHEET}」第 2 列"]
    assert [p.field for p in refusals] == ["提案編號"]
    assert "只有該議題組的窗口或祕書處可以登錄" in refusals[0].message
    assert result.statistics.tables == []


@pytest.mark.render
def test_a_workbook_saved_again_by_libreoffice_reads_back_unchanged_and_keeps_its_edits(writable_engine, tmp_path):
    from tests.rendering import convert, require_tools

    require_tools()

    def edit(sheet):
        sheet["B3"], sheet["D3"] = date(2023, 7, 1), date(2023, 12, 31)
        sheet["A7"], sheet["B7"], sheet["C7"], sheet["D7"], sheet["E7"] = "臺北市", "新北市", 4, 30, 1100

    data = workbook(writable_engine, None)
    (tmp_path / "plain.xlsx").write_bytes(data)
    (tmp_path / "entered.xlsx").write_bytes(edited(data, AID_NEW, edit))
    convert(
        [tmp_path / "plain.xlsx", tmp_path / "entered.xlsx"], tmp_path / "saved", target="xlsx:Calc MS Excel 2007 XML"
    )
    saved = (tmp_path / "saved" / "plain.xlsx").read_bytes()
    book = load_workbook(io.BytesIO(saved))
    assert f"{AID_NEW}" in book.sheetnames and book[AID_SHEET].protection.sheet
    unchanged = plan(writable_engine, saved, actor=SECRETARIAT)
    assert unchanged.problems == [] and unchanged.changes == []
    entered = plan(writable_engine, (tmp_path / "saved" / "entered.xlsx").read_bytes(), actor=SECRETARIAT)
    assert entered.problems == [] and {c[2] for c in entered.changes} == {
        "臺北市→新北市 火警",
        "臺北市→新北市 救護",
        "臺北市→新北市 轉報",
    }


def test_import_sheet_on_the_command_line_previews_and_applies_the_statistics(engine, tmp_path, capsys):
    from dashboard.cli import main
    from tests.storetools import add_account

    add_account(engine, "防災窗口", vocab.LEAD, "disaster")
    path = tmp_path / "防災.xlsx"
    assert main(["export-sheet", str(path), "--group", "disaster"]) == 0
    path.write_bytes(
        edited(
            path.read_bytes(),
            AID_SHEET,
            lambda sheet: sheet.cell(row_of(sheet, "宜蘭縣", "新北市"), 4).__setattr__("value", 33),
        )
    )
    capsys.readouterr()
    assert main(["import-sheet", str(path), "--user", "防災窗口"]) == 0
    out = capsys.readouterr().out
    assert (
        "統計表 1 個" in out
        and f"提案 {AID} 跨區救災救護支援（{FIRST_HALF.label}）｜宜蘭縣→新北市 救護：32 → 33" in out
    )
    assert aid_tables(engine)[0].version == 0
    assert main(["import-sheet", str(path), "--user", "防災窗口", "--apply"]) == 0
    assert "統計表 1 個" in capsys.readouterr().out and aid_tables(engine)[0].version == 1
    assert main(["import-sheet", str(path), "--user", "防災窗口", "--apply"]) == 0
    assert "沒有任何變更" in capsys.readouterr().out and aid_tables(engine)[0].version == 1


@pytest.fixture(scope="module")
def page_url(tmp_path_factory):
    from dashboard.domain import accounts
    from dashboard.domain.permissions import OPERATOR
    from dashboard.web import auth
    from tests import databases
    from tests.pagetest import build_store, serving

    url = build_store(tmp_path_factory.mktemp("statistics-sheet") / "store.db")
    with Session(make_engine(url)) as s:
        secret = auth.hash_password("unused pass", rounds=4)
        accounts.add(s, actor=OPERATOR, name="交通窗口", role=vocab.LEAD, groups=("transport",), password_hash=secret)
    with serving(url):
        yield url
    databases.drop(url)


def test_the_page_previews_and_applies_a_statistics_sheet_with_the_proposals(page_url):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard.store.models import WorkGroup
    from pages.shared import auth_form
    from tests.pagetest import APP, diff_fields

    with Session(make_engine(page_url)) as s:
        data = update_sheet.workbook(s, scope=update_sheet.Scope(112, s.get(WorkGroup, "transport")))
    title = next(n for n in load_workbook(io.BytesIO(data)).sheetnames if n.startswith("統計 112-J10"))
    upload = edited(data, title, lambda sheet: sheet.__setitem__("E7", sheet["E7"].value + 1))

    def opened():
        st.cache_resource.clear()
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state[auth_form.SESSION_KEY] = "交通窗口"
        at.switch_page("../pages/sheet.py")
        at = at.run()
        at.file_uploader[0].set_value(("交通.xlsx", upload, "application/vnd.ms-excel"))
        return at.run()

    at = opened()
    assert not at.exception and not at.error
    assert any("統計表 1 個" in m.value for m in at.markdown)
    preview = next(m.value for m in at.markdown if '<div class="bt-diff-field">' in m.value)
    (change,) = diff_fields(preview)  # the one cell changed, named by proposal and table
    assert change["欄位"].startswith("112-J10　提案 112-J10 統計數據")
    at = at.button(key="sheet-apply").click().run()
    assert not at.exception and any("統計表 1 個" in s.value for s in at.success)
    with Session(make_engine(page_url)) as s:
        (table,) = statistics.proposal_tables(s, "112-J10", statistics.INDICATORS)
    assert (table.version, table.recorded_by) == (1, "交通窗口")
    assert any("沒有任何變更" in i.value for i in opened().info)
