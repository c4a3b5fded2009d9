"""The meeting log in the update workbook (sheet 工作會議) and in the data/ CSV form
(group_meetings.csv): export, read back with the same preview, checks and versions as the proposals'
rows; per-row Chinese problems naming sheet, row and column; nothing applied when any row has one.
Runs on SQLite and, with TEST_DATABASE_URL, PostgreSQL."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from dashboard.cli import main
from dashboard.documents import meeting_log_sheet, sheet_import, update_sheet
from dashboard.domain import group_terms, meeting_log, vocab
from dashboard.domain.permissions import Actor
from tests.storetools import add_account

LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))
SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
FILE = "交通運輸組_112年度.xlsx"


def workbook(engine, group: str | None = "transport") -> bytes:
    with Session(engine) as s:
        groups = {g.id: g for g in group_terms.groups_in_cycle(s, 112)}
        return update_sheet.workbook(s, scope=update_sheet.Scope(112, groups.get(group)))


def log_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data))[meeting_log_sheet.SHEET]
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=1) if any(c.value is not None for c in row)]


def edited(data: bytes, edit) -> bytes:
    book = load_workbook(io.BytesIO(data))
    edit(book[meeting_log_sheet.SHEET])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plan(engine, data: bytes, *, actor=LEAD, name=FILE) -> sheet_import.Plan:
    with Session(engine) as s:
        return sheet_import.plan(s, actor=actor, name=name, data=data)


def apply(engine, the_plan, *, actor=LEAD):
    with Session(engine) as s:
        return sheet_import.apply(s, actor=actor, plan=the_plan)


def entries(engine, group="transport") -> list[meeting_log.Entry]:
    with Session(engine) as s:
        return meeting_log.entries(s, cycle=112, group_ids=[group])


def test_the_workbook_has_the_groups_meetings_with_number_and_version_locked(writable_engine):
    data = workbook(writable_engine)
    rows = log_rows(data)
    assert rows[0] == list(meeting_log_sheet.HEADERS)
    assert [(r[2], r[3].date(), r[4], r[5], r[1]) for r in rows[1:]] == [
        ("交通運輸組", date(2023, 3, 2), "工作會議", "第1次工作會議", 0),
        ("交通運輸組", date(2023, 3, 21), "工作會議", "第2次工作會議", 0),
    ]
    sheet = load_workbook(io.BytesIO(data))[meeting_log_sheet.SHEET]
    assert sheet.protection.sheet and sheet["A2"].protection.locked and not sheet["F2"].protection.locked
    assert not sheet["C10"].protection.locked  # empty rows below, open for new meetings
    help_text = "\n".join(
        str(c.value) for c in load_workbook(io.BytesIO(data))[update_sheet.HELP_SHEET]["A"] if c.value
    )
    assert "工作會議" in help_text and "新增會議" in help_text
    # a group with sub-groups: its sub-groups' meetings; every group: all of them
    assert {r[2] for r in log_rows(workbook(writable_engine, "health-welfare"))[1:]} == {"健康組", "社福組"}
    assert len(log_rows(workbook(writable_engine, None))) == 1 + 34


def test_a_round_trip_adds_corrects_and_removes_each_as_a_version(writable_engine):
    data = workbook(writable_engine)

    def edit(sheet):
        sheet["G2"] = "一、確認合作項目。\n二、下次會議 3 月 21 日。"
        sheet["H3"] = "刪除"
        sheet["C4"], sheet["D4"], sheet["E4"], sheet["F4"] = "交通運輸組", "112/7/20", "工作會議", "第3次工作會議"

    result = plan(writable_engine, edited(data, edit))
    assert result.problems == [] and result.rows == []
    changes = result.changes
    assert (
        "工作會議",
        "「交通運輸組 112年3月2日 第1次工作會議」",
        "決議事項",
        "（空白）",
        "一、確認合作項目。\n二、下次會議 3 月 21 日。",
    ) in changes
    assert ("工作會議", "「交通運輸組 112年3月21日 第2次工作會議」", "已刪除", "否", "是") in changes
    assert any(c[1].startswith("新增：交通運輸組") and c[2] == "日期" and c[4] == "112年7月20日" for c in changes)
    assert entries(writable_engine)[0].decided == ""  # a preview writes nothing
    apply(writable_engine, result)
    after = entries(writable_engine)
    assert [(e.name, e.version, e.updated_by) for e in after] == [
        ("第1次工作會議", 1, "交通窗口"),
        ("第3次工作會議", 1, "交通窗口"),
    ]
    assert after[0].decided.endswith("下次會議 3 月 21 日。")
    with Session(writable_engine) as s:
        reasons = {v.reason for v in meeting_log.history(s, group_ids=["transport"])}
    assert reasons == {f"試算表更新：{FILE}"}
    # the same file again: nothing more (the removed row names a meeting gone; a new row would add again)
    again = plan(writable_engine, edited(workbook(writable_engine), lambda sheet: None))
    assert again.problems == [] and again.changes == []


def test_a_row_changed_online_since_the_download_is_refused(writable_engine):
    data = workbook(writable_engine)
    first = entries(writable_engine)[0]
    with Session(writable_engine) as s:
        meeting_log.edit(s, actor=SECRETARIAT, meeting_id=first.id, changes={"decided": "祕書處補登。"}, base_version=0)
    result = plan(writable_engine, edited(data, lambda sheet: sheet.__setitem__("G2", "窗口的版本")))
    (problem,) = result.problems
    assert (problem.record, problem.field) == (f"工作表「{meeting_log_sheet.SHEET}」第 2 列", "決議事項")
    assert "祕書甲（第 1 版）已修改此欄" in problem.message
    # a field nobody else changed applies on top of the newer version
    other = plan(writable_engine, edited(data, lambda sheet: sheet.__setitem__("F2", "第1次工作會議（視訊）")))
    assert other.problems == []
    apply(writable_engine, other)
    assert entries(writable_engine)[0].decided == "祕書處補登。"


@pytest.mark.parametrize(
    ("cell", "value", "column", "message"),
    [
        ("E2", "座談會", "會議類別", "會議類別「座談會」不在清單中"),
        ("D2", "2023-02-30", "日期", "日期「2023-02-30」無法辨識"),
        ("G2", "議" * 2001, "決議事項", "決議事項最多 2000 字，目前為 2001 字"),
        ("H2", "是", "刪除", "只能填「刪除」或留空"),
        ("A2", 9999, "會議編號", "找不到第 9999 號會議"),
        ("B2", "x", "目前版本", "應為下載時的版本號"),
        ("G2", "=1+1", "決議事項", "含公式"),
        ("C2", "產業發展組", "議題組", "不能改為其他組"),
    ],
)
def test_a_bad_cell_is_named_by_sheet_row_and_column_and_nothing_applies(writable_engine, cell, value, column, message):
    def edit(sheet):
        sheet[cell] = value
        sheet["G3"] = "這一列本身沒有問題"

    result = plan(writable_engine, edited(workbook(writable_engine), edit))
    assert result.changes == [] and result.log.ops == []
    assert any(
        (p.record, p.field) == (f"工作表「{meeting_log_sheet.SHEET}」第 2 列", column) and message in p.message
        for p in result.problems
    ), result.problems


def test_a_lead_cannot_add_a_meeting_of_another_group(writable_engine):
    def edit(sheet):
        sheet["C5"], sheet["D5"], sheet["E5"] = "產業發展組", "2023-07-01", "工作會議"

    result = plan(writable_engine, edited(workbook(writable_engine), edit))
    (problem,) = result.problems
    assert problem.record == f"工作表「{meeting_log_sheet.SHEET}」第 5 列"
    assert "不能修改「產業發展組」的工作會議紀錄" in problem.message


# --- the data/ CSV form -----------------------------------------------------------------------------


def test_the_data_csv_adds_and_corrects_meetings_with_a_preview(engine, tmp_path, capsys):
    add_account(engine, "交通窗口", vocab.LEAD, "transport")
    csv_file = tmp_path / "group_meetings.csv"
    csv_file.write_text(
        "date,group,name,kind,decided\n"
        "2023-03-02,transport,第1次工作會議,,確認合作項目。\n"
        '2023-07-20,交通運輸組,第3次工作會議,工作會議,"一、通過。\n二、續辦。"\n',
        encoding="utf-8",
    )
    assert main(["import-sheet", str(csv_file), "--user", "交通窗口"]) == 0
    out = capsys.readouterr().out
    assert "工作會議 2 場" in out and "沒有版本欄" in out and "以上為預覽" in out
    assert "決議事項：（空白） → 確認合作項目。" in out
    assert len(entries(engine)) == 2  # a preview writes nothing
    assert main(["import-sheet", str(csv_file), "--user", "交通窗口", "--apply"]) == 0
    found = {e.name: e for e in entries(engine)}
    assert (
        found["第1次工作會議"].decided == "確認合作項目。"
        and found["第3次工作會議"].decided == "一、通過。\n二、續辦。"
    )
    assert main(["import-sheet", str(csv_file), "--user", "交通窗口"]) == 0
    assert "沒有任何變更" in capsys.readouterr().out


def test_the_data_csv_is_refused_row_by_row_and_applies_nothing(engine, tmp_path, capsys):
    add_account(engine, "交通窗口", vocab.LEAD, "transport")
    csv_file = tmp_path / "group_meetings.csv"
    csv_file.write_text(
        "date,group,name,kind\n2023-07-20,transport,第3次工作會議,工作會議\n2023-07-21,industry,第4次工作會議,工作會議\n"
        "2023-13-01,transport,x,工作會議\n",
        encoding="utf-8",
    )
    assert main(["import-sheet", str(csv_file), "--user", "交通窗口", "--apply"]) == 1
    err = capsys.readouterr().err
    assert "第 3 列｜欄位「group」：議題組窗口「交通窗口」不能修改「產業發展組」的工作會議紀錄" in err
    assert "第 4 列｜欄位「date」：日期「2023-13-01」無法辨識" in err
    assert len(entries(engine)) == 2
