"""The spreadsheet round trip: a group's update workbook (locked id column, status drop-downs,
instructions, A4), read back into a previewed change set that applies as versions by the
uploader, all or nothing, and changes nothing the second time; every problem by sheet, row and
column. Expected proposals come from data/, not from the workbook under test."""

import csv
import datetime as dt
import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlmodel import Session, select

from dashboard.documents import export, meeting_log_sheet, sheet_import, update_sheet
from dashboard.domain import editing, proposal_yaml, vocab
from dashboard.domain.permissions import READER, Actor, PermissionDenied
from dashboard.store.models import Proposal, ProposalVersion, WorkGroup
from tests.datadocs import cycle_of_data, data_document, expected_ids

GROUP = "transport"
LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({GROUP}))
OTHER_LEAD = Actor(name="教育窗口", role=vocab.LEAD, groups=frozenset({"education"}))
SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
FILE = "交通.xlsx"


def workbook_bytes(engine, group: str | None = GROUP) -> bytes:
    with Session(engine) as s:
        scope = update_sheet.Scope(cycle_of_data(), s.get(WorkGroup, group) if group else None)
        return update_sheet.workbook(s, scope=scope)


def open_book(data: bytes):
    return load_workbook(io.BytesIO(data))


def column(sheet, label: str) -> int:
    return [c.value for c in sheet[1]].index(label) + 1


def row_of(sheet, proposal_id: str) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == proposal_id)


def edited(data: bytes, edits: dict[tuple[str, str], object]) -> bytes:
    """The workbook with cells (proposal id, header label) set, as a user saving it would."""
    book = open_book(data)
    sheet = book[update_sheet.DATA_SHEET]
    for (proposal_id, label), value in edits.items():
        sheet.cell(row_of(sheet, proposal_id), column(sheet, label)).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def label(field: str) -> str:
    return editing.FIELD_LABELS[field]


def plan(engine, data: bytes, *, actor: Actor = LEAD, name: str = FILE) -> sheet_import.Plan:
    with Session(engine) as s:
        return sheet_import.plan(s, actor=actor, name=name, data=data)


def apply(engine, the_plan, *, actor: Actor = LEAD):
    with Session(engine) as s:
        return [(v.proposal_id, v.version) for v in sheet_import.apply(s, actor=actor, plan=the_plan)]


def all_versions(engine) -> list[ProposalVersion]:
    with Session(engine) as s:
        return list(s.exec(select(ProposalVersion).order_by(ProposalVersion.proposal_id, ProposalVersion.version)))


def own_ids() -> list[str]:
    return sorted(expected_ids(GROUP))


def new_proposal_id() -> str:
    """A transport proposal with a card (types, cities) of the cycle's own year."""
    return next(i for i in own_ids() if data_document(i)["track"] != vocab.CARRIED)


# --- the workbook ---------------------------------------------------------------------------------


def test_the_workbook_has_one_row_per_proposal_of_the_group_with_the_edit_form_fields(loaded_engine):
    book = open_book(workbook_bytes(loaded_engine))
    assert book.sheetnames[:2] == [update_sheet.DATA_SHEET, meeting_log_sheet.SHEET]
    assert book.sheetnames[-1] == update_sheet.HELP_SHEET  # the group's statistics tables in between
    assert all(book[n]["A1"].value == "統計表" for n in book.sheetnames[2:-1])
    sheet = book[update_sheet.DATA_SHEET]
    header = [c.value for c in sheet[1]]
    assert header == [
        "編號",
        "年度",
        "類別",
        "議題組",
        "目前版本",
        *(editing.FIELD_LABELS[f] for f in editing.EDITABLE),
    ]
    card_texts = ("提案名稱", "提案單上的名稱", "說明", "具體作法", "合作效益", "聯絡人", "對應中央部會")
    assert set(card_texts) <= set(header) and header[5] == "提案名稱"  # every text of the card; the name first
    ids = [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)]
    assert set(ids) == expected_ids(GROUP) and len(ids) == len(set(ids))
    some = new_proposal_id()
    row, source = row_of(sheet, some), data_document(some)
    assert sheet.cell(row, column(sheet, "提案名稱")).value == source["title"]
    assert sheet.cell(row, column(sheet, "目前版本")).value == 0
    assert sheet.cell(row, column(sheet, label("progress_status"))).value == source["progress_status"]
    assert sheet.cell(row, column(sheet, label("cities"))).value == "、".join(source["cities"])
    units = sheet.cell(row, column(sheet, label("lead_units"))).value.split("\n")
    assert units == [f"{u['unit']}（{u['city']}）" for u in source["lead_units"]]


def test_a_group_workbook_includes_its_subgroups(loaded_engine):
    book = open_book(workbook_bytes(loaded_engine, "public-safety"))
    sheet = book[update_sheet.DATA_SHEET]
    ids = {sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)}
    assert ids == expected_ids("public-safety") and ids >= expected_ids("police") and expected_ids("police")


def test_the_id_and_context_columns_are_locked_and_the_fields_are_not(loaded_engine):
    sheet = open_book(workbook_bytes(loaded_engine))[update_sheet.DATA_SHEET]
    assert sheet.protection.sheet and not sheet.protection.password  # documented on 說明: no password
    for row in (1, 2, sheet.max_row):
        for col in range(1, len(update_sheet.CONTEXT) + 1):
            assert sheet.cell(row, col).protection.locked
    for row in (2, sheet.max_row):
        for field in editing.EDITABLE:
            assert not sheet.cell(row, column(sheet, label(field))).protection.locked


def test_statuses_have_drop_down_lists_of_the_vocabulary_over_every_row(loaded_engine):
    sheet = open_book(workbook_bytes(loaded_engine))[update_sheet.DATA_SHEET]
    lists = {}
    for rule in sheet.data_validations.dataValidation:
        assert rule.type in ("list", "textLength") and rule.showErrorMessage
        if rule.type == "list":
            lists[str(rule.sqref)] = rule.formula1.strip('"').split(",")
    for field, choices in (("progress_status", vocab.PROGRESS_STATUSES), ("tracking_status", vocab.TRACKING_STATUSES)):
        letter = sheet.cell(1, column(sheet, label(field))).column_letter
        assert lists[f"{letter}2:{letter}{sheet.max_row}"] == choices


def test_the_workbook_prints_on_a4_and_explains_itself_in_chinese(loaded_engine):
    book = open_book(workbook_bytes(loaded_engine))
    data = book[update_sheet.DATA_SHEET]
    setup = data.page_setup
    assert (int(setup.paperSize), setup.orientation) == (9, "landscape")  # 9: A4 in OOXML
    # Not shrunk onto one page (about 35 %): PAGES_WIDE pages wide, a band of rows at a time, the
    # header row and the 編號 column on every page.
    assert data.sheet_properties.pageSetUpPr.fitToPage and setup.fitToHeight == 0
    assert setup.fitToWidth == update_sheet.PAGES_WIDE >= 3 and setup.pageOrder == "overThenDown"
    assert data.print_title_rows == "$1:$1" and data.print_title_cols == "$A:$A" and data.freeze_panes == "A2"
    sides = [
        getattr(cell.border, side).style
        for row in data.iter_rows()
        for cell in row
        for side in ("left", "right", "top", "bottom")
    ]
    assert set(sides) == {"thin"}, "every cell framed"
    help_sheet = book[update_sheet.HELP_SHEET]
    assert int(help_sheet.page_setup.paperSize) == 9
    text = "\n".join(str(c.value) for c in help_sheet["A"] if c.value)
    assert "交通運輸組" in text and f"{cycle_of_data()}年度" in text
    for needed in ("目前版本", "下拉清單", "單位（縣市）", "未設密碼", "公式", *vocab.PROGRESS_STATUSES):
        assert needed in text


def test_text_that_looks_like_a_formula_is_stored_as_text_and_round_trips(writable_engine):
    target = new_proposal_id()
    with Session(writable_engine) as s:
        editing.edit(s, actor=LEAD, proposal_id=target, base_version=0, changes={"contact": '=HYPERLINK("x")'})
    data = workbook_bytes(writable_engine)
    sheet = open_book(data)[update_sheet.DATA_SHEET]
    cell = sheet.cell(row_of(sheet, target), column(sheet, label("contact")))
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")
    assert plan(writable_engine, data).rows == []


# --- the round trip -------------------------------------------------------------------------------


def test_edits_are_previewed_then_applied_as_versions_by_the_uploader_and_a_second_upload_changes_nothing(
    writable_engine,
):
    first, second = own_ids()[0], new_proposal_id()
    old_first, old_second = data_document(first), data_document(second)
    new_status = next(s for s in vocab.PROGRESS_STATUSES if s != old_first["progress_status"])
    cities = [c for c in ("基隆市", "臺北市") if c not in old_second["cities"]] + old_second["cities"][:1]
    data = edited(
        workbook_bytes(writable_engine),
        {
            (first, label("progress_status")): new_status,
            (second, label("contact")): "王小明 02-29603456",
            (second, label("cities")): "，".join(cities),
        },
    )
    preview = plan(writable_engine, data)
    assert preview.problems == [] and all_versions(writable_engine) == []  # a preview writes nothing
    changes = {(c[0], c[2]): (c[3], c[4]) for c in preview.changes}
    assert changes[(first, label("progress_status"))] == (old_first["progress_status"], new_status)
    assert changes[(second, label("contact"))] == (old_second.get("contact", "（空白）"), "王小明 02-29603456")
    assert changes[(second, label("cities"))][0] == "、".join(old_second["cities"])
    assert set(changes[(second, label("cities"))][1].split("、")) == set(cities)

    assert sorted(apply(writable_engine, preview)) == sorted([(first, 1), (second, 1)])
    with Session(writable_engine) as s:
        [version] = editing.history(s, second)
        assert (version.recorded_by, version.reason, version.kind) == (
            LEAD.name,
            f"試算表更新：{FILE}",
            vocab.VersionKind.EDIT,
        )
        assert {"field": "contact", "old": old_second.get("contact"), "new": "王小明 02-29603456"} in version.changes
        assert proposal_yaml.proposal_document(s, s.get(Proposal, first))["progress_status"] == new_status
    count = len(all_versions(writable_engine))

    again = plan(writable_engine, data)
    assert again.problems == [] and again.rows == [] and again.changes == []
    assert apply(writable_engine, again) == []
    assert len(all_versions(writable_engine)) == count


def test_an_unchanged_workbook_changes_nothing(loaded_engine):
    result = plan(loaded_engine, workbook_bytes(loaded_engine))
    assert (result.problems, result.rows) == ([], [])


def test_a_row_based_on_an_older_version_applies_other_fields_and_refuses_a_field_changed_since(writable_engine):
    target = new_proposal_id()
    data = workbook_bytes(writable_engine)
    with Session(writable_engine) as s:  # someone changes the contact online after the download
        editing.edit(s, actor=SECRETARIAT, proposal_id=target, base_version=0, changes={"contact": "線上改的聯絡人"})
    conflict = plan(writable_engine, edited(data, {(target, label("contact")): "試算表的聯絡人"}))
    [problem] = conflict.problems
    assert f"工作表「提案更新」第 {row_of(open_book(data)['提案更新'], target)} 列" in str(problem)
    assert problem.field == label("contact") and "祕書甲" in problem.message and "重新下載" in problem.message
    assert "雙方都修改了此欄" in problem.message and "整個檔案都未套用" in problem.message
    assert "「線上改的聯絡人」" in problem.message and "「試算表的聯絡人」" in problem.message  # both texts
    assert conflict.rows == []
    both = plan(
        writable_engine,
        edited(data, {(target, label("contact")): "試算表的聯絡人", (target, label("progress_status")): vocab.DONE}),
    )
    assert len(both.problems) == 1 and both.rows == []  # the row's other field waits for the choice too

    other = plan(writable_engine, edited(data, {(target, label("progress_status")): vocab.DONE}))
    assert other.problems == []
    assert apply(writable_engine, other) == [(target, 2)]
    with Session(writable_engine) as s:
        saved = proposal_yaml.proposal_document(s, s.get(Proposal, target))
    assert (saved["contact"], saved["progress_status"]) == ("線上改的聯絡人", vocab.DONE)


def test_the_store_changing_between_preview_and_apply_writes_nothing(writable_engine):
    first, second = own_ids()[0], new_proposal_id()
    data = edited(workbook_bytes(writable_engine), {(first, label("contact")): "甲", (second, label("contact")): "乙"})
    preview = plan(writable_engine, data)
    with Session(writable_engine) as s:
        editing.edit(s, actor=SECRETARIAT, proposal_id=second, base_version=0, changes={"contact": "丙"})
    with pytest.raises(sheet_import.SheetRefused, match="未套用任何變更"):
        apply(writable_engine, preview)
    assert [(v.proposal_id, v.recorded_by) for v in all_versions(writable_engine)] == [(second, SECRETARIAT.name)]


# --- every problem by sheet, row and column --------------------------------------------------------


def _move_row_to_end(data: bytes, proposal_id: str) -> bytes:
    book = open_book(data)
    sheet = book[update_sheet.DATA_SHEET]
    sheet.append([c.value for c in sheet[row_of(sheet, proposal_id)]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header_cleared(data: bytes, header: str) -> bytes:
    book = open_book(data)
    sheet = book[update_sheet.DATA_SHEET]
    sheet.cell(1, column(sheet, header)).value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _other_group_id() -> str:
    return sorted(expected_ids("education"))[0]


CASES = {  # name: (make the file from the workbook and the target id, where, column, words of the message)
    "unknown id": (lambda d, t: edited(d, {(t, "編號"): "112-J99"}), "row", "編號", "找不到提案「112-J99」"),
    "another group's id": (
        lambda d, t: edited(d, {(t, "編號"): _other_group_id()}),
        "row",
        "編號",
        "只能更新自己議題組",
    ),
    "invalid status": (
        lambda d, t: edited(d, {(t, label("progress_status")): "快完成了"}),
        "row",
        label("progress_status"),
        "未知的進度狀態「快完成了」",
    ),
    "wrong type": (
        lambda d, t: edited(d, {(t, label("contact")): dt.datetime(2020, 1, 2)}),
        "row",
        label("contact"),
        "不是日期",
    ),
    "base version typed over": (lambda d, t: edited(d, {(t, "目前版本"): "新版"}), "row", "目前版本", "整數"),
    "formula": (lambda d, t: edited(d, {(t, label("contact")): "=A1&B1"}), "row", label("contact"), "公式"),
    "unknown city (the loader's rule)": (
        lambda d, t: edited(d, {(t, label("cities")): "台北市、新北市"}),
        "row",
        label("cities"),
        "未知的縣市「台北市」",
    ),
    "lead unit without a city": (
        lambda d, t: edited(d, {(t, label("lead_units")): "某新單位"}),
        "row",
        label("lead_units"),
        "單位（縣市）",
    ),
    "cleared required status (the loader's rule)": (
        lambda d, t: edited(d, {(t, label("progress_status")): None}),
        "row",
        label("progress_status"),
        "",
    ),
    "duplicate id": (lambda d, t: _move_row_to_end(d, t), "last row", "編號", "重複出現"),
    "missing required column": (lambda d, t: _header_cleared(d, "目前版本"), "header", "目前版本", "缺少必要的欄位"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_problem_names_sheet_row_and_column_and_nothing_is_applied(writable_engine, case):
    make, where, header, words = CASES[case]
    target = new_proposal_id()
    good = own_ids()[0] if own_ids()[0] != target else own_ids()[1]
    base = edited(workbook_bytes(writable_engine), {(good, label("contact")): "另一列的正確修改"})
    data = make(base, target)
    sheet = open_book(data)[update_sheet.DATA_SHEET]
    row = {
        "row": row_of(sheet, target)
        if case not in ("unknown id", "another group's id")
        else row_of(open_book(base)[update_sheet.DATA_SHEET], target),
        "last row": sheet.max_row,
        "header": 1,
    }[where]
    result = plan(writable_engine, data)
    matching = [p for p in result.problems if p.field == header and words in p.message]
    assert matching, [str(p) for p in result.problems]
    assert str(matching[0]).startswith(f"{FILE}｜工作表「提案更新」第 {row} 列")
    assert result.rows == []  # the good row is not applied either: all or nothing
    with pytest.raises(sheet_import.SheetRefused):
        apply(writable_engine, result)
    assert all_versions(writable_engine) == []


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("notes.xlsx", "這不是活頁簿".encode(), "不是 .xlsx"),
        ("big.xlsx", b"0" * (sheet_import.MAX_BYTES + 1), "超過上限"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "另存為 .xlsx"),
    ],
)
def test_a_file_that_is_not_an_update_workbook_is_refused_as_a_whole(loaded_engine, name, data, words):
    [problem] = plan(loaded_engine, data, name=name).problems
    assert problem.file == name and problem.record == "（檔案）" and words in problem.message


def test_a_workbook_without_the_data_sheet_is_refused(loaded_engine):
    book = open_book(workbook_bytes(loaded_engine))
    book[update_sheet.DATA_SHEET].title = "工作表1"
    out = io.BytesIO()
    book.save(out)
    [problem] = plan(loaded_engine, out.getvalue()).problems
    assert "找不到工作表「提案更新」" in problem.message


def test_the_loaders_basis_rule_is_reported_on_the_row(writable_engine):
    target = new_proposal_id()
    data = edited(workbook_bytes(writable_engine), {(target, label("progress_basis")): "原文沒有的一句話"})
    [problem] = plan(writable_engine, data).problems
    assert problem.field == label("progress_basis") and "第" in problem.record


def test_a_text_over_its_limit_is_refused_on_its_row_naming_the_field_and_its_length(writable_engine):
    target = new_proposal_id()
    data = edited(workbook_bytes(writable_engine), {(target, label("contact")): "長" * 301})
    the_plan = plan(writable_engine, data)
    [problem] = the_plan.problems
    assert problem.field == label("contact") and "第" in problem.record
    assert "聯絡人最多 300 字，目前為 301 字" in problem.message
    assert the_plan.rows == []


def test_a_contact_with_a_line_break_is_applied_with_it(writable_engine):
    target = new_proposal_id()
    contact = "交通局 王小明\n02-1234-5678"
    data = edited(workbook_bytes(writable_engine), {(target, label("contact")): contact})
    apply(writable_engine, plan(writable_engine, data))
    with Session(writable_engine) as s:
        assert s.get(Proposal, target).contact == contact


# --- CSV -------------------------------------------------------------------------------------------


def _exported(engine, tmp_path: Path, table: str) -> list[list[str]]:
    export.export_csv(engine, tmp_path)
    with open(tmp_path / f"{table}.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_the_exports_proposals_csv_is_accepted_unchanged_and_edited(writable_engine, tmp_path):
    rows = _exported(writable_engine, tmp_path, "proposals")
    unchanged = plan(writable_engine, _csv_bytes(rows), name="proposals.csv", actor=SECRETARIAT)
    assert unchanged.problems == [] and unchanged.rows == []  # lists with ';', lead units by name only
    assert any("目前版本" in note for note in unchanged.notes)
    target = new_proposal_id()
    header = rows[0]
    line = next(r for r in rows if r[0] == target)
    new_status = next(s for s in vocab.PROGRESS_STATUSES if s != line[header.index("progress_status")])
    line[header.index("progress_status")] = new_status
    mine = [header] + [r for r in rows[1:] if r[0] in expected_ids(GROUP)]
    result = plan(writable_engine, _csv_bytes(mine), name="proposals.csv")
    assert result.problems == []
    assert [(c[0], c[2], c[4]) for c in result.changes] == [(target, label("progress_status"), new_status)]
    assert apply(writable_engine, result) == [(target, 1)]


def test_a_csv_row_of_another_group_is_refused_by_row_and_column(loaded_engine, tmp_path):
    rows = _exported(loaded_engine, tmp_path, "proposals")
    other = next(i for i, r in enumerate(rows) if r[0] == _other_group_id())
    rows[other][rows[0].index("tracking_status")] = vocab.PROPOSE_DELIST
    problems = plan(loaded_engine, _csv_bytes(rows), name="proposals.csv").problems
    assert f"proposals.csv｜第 {other + 1} 列｜欄位「編號」：提案 {_other_group_id()} 屬於" in "\n".join(
        map(str, problems)
    )


def test_the_workbook_saved_as_csv_keeps_its_base_versions(writable_engine):
    target = new_proposal_id()
    sheet = open_book(workbook_bytes(writable_engine))[update_sheet.DATA_SHEET]
    rows = [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]
    rows[row_of(sheet, target) - 1][column(sheet, label("contact")) - 1] = "CSV 的聯絡人"
    result = plan(writable_engine, _csv_bytes(rows), name="交通.csv")
    assert result.problems == [] and result.notes == []
    assert [(c[0], c[2], c[4]) for c in result.changes] == [(target, label("contact"), "CSV 的聯絡人")]


def test_a_csv_in_big5_as_excel_saves_it_is_read(loaded_engine, tmp_path):
    rows = _exported(loaded_engine, tmp_path, "proposals")
    mine = [rows[0]] + [r for r in rows[1:] if r[0] in expected_ids(GROUP)]
    out = io.StringIO()
    csv.writer(out).writerows(mine)
    result = plan(loaded_engine, out.getvalue().encode("cp950", errors="replace"), name="big5.csv")
    assert result.problems == [] and result.rows == []


# --- permissions ----------------------------------------------------------------------------------


def test_a_reader_cannot_upload(loaded_engine):
    with pytest.raises(PermissionDenied):
        plan(loaded_engine, workbook_bytes(loaded_engine), actor=READER)


def test_a_lead_of_another_group_is_refused_on_every_edited_row_and_the_secretariat_is_not(writable_engine):
    target = new_proposal_id()
    data = edited(workbook_bytes(writable_engine), {(target, label("contact")): "祕書處改的"})
    refused = plan(writable_engine, data, actor=OTHER_LEAD)
    assert {p.field for p in refused.problems} == {"編號"}
    assert len(refused.problems) == len(expected_ids(GROUP))  # every row of the other group, changed or not
    assert all("教育組" in p.message for p in refused.problems)
    with pytest.raises(sheet_import.SheetRefused):
        apply(writable_engine, refused, actor=OTHER_LEAD)
    allowed = plan(writable_engine, data, actor=SECRETARIAT)
    assert allowed.problems == [] and apply(writable_engine, allowed, actor=SECRETARIAT) == [(target, 1)]


def test_one_upload_lists_the_problems_of_every_row_at_once(loaded_engine):
    first, second = own_ids()[0], new_proposal_id()
    data = edited(
        workbook_bytes(loaded_engine),
        {(first, label("contact")): dt.date(2020, 1, 2), (second, label("tracking_status")): "不列管了"},
    )
    problems = plan(loaded_engine, data).problems
    assert {(p.field, p.message.split("；")[0]) for p in problems} == {
        (label("contact"), "應為文字，不是日期或時間"),
        (label("tracking_status"), "未知的列管狀態「不列管了」"),
    }


# --- bounded input: sizes, rows and the unpacked size are checked before the sheet is parsed -------

SHEET_PART = "xl/worksheets/sheet1.xml"


def with_sheet_xml(data: bytes, chunks) -> bytes:
    """The workbook with its data sheet's XML replaced by `chunks` (bytes, written one at a time,
    so that a big sheet is never held whole), as a hostile tool would write it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        assert SHEET_PART in source.namelist()
        for info in source.infolist():
            if info.filename != SHEET_PART:
                target.writestr(info, source.read(info))
        with target.open(SHEET_PART, "w", force_zip64=True) as sheet:
            for chunk in chunks:
                sheet.write(chunk)
    return out.getvalue()


def sheet_rows(count: int, filler: str = ""):
    """A data sheet of `count` rows, each one cell, as XML chunks."""
    yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    for number in range(1, count + 1):
        yield f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{number}{filler}</t></is></c></row>'.encode()
    yield b"</sheetData></worksheet>"


@pytest.fixture
def never_parsed(monkeypatch):
    """Fails the test if the workbook is handed to openpyxl."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(sheet_import, "load_workbook", refuse)


def test_a_workbook_that_unpacks_to_a_huge_sheet_is_refused_before_it_is_parsed(loaded_engine, never_parsed):
    filler = b"<!--" + b"0" * (1024 * 1024 - 7) + b"-->"
    data = with_sheet_xml(workbook_bytes(loaded_engine), [next(sheet_rows(0)), *[filler] * 45, b"</worksheet>"])
    assert len(data) < sheet_import.MAX_BYTES  # it passes the size check: only the unpacked size tells
    [problem] = plan(loaded_engine, data).problems
    assert problem.record == "（檔案）" and "解壓後" in problem.message and "上限" in problem.message


def test_a_member_that_shrank_like_a_zip_bomb_is_refused_before_it_is_parsed(loaded_engine, never_parsed):
    data = with_sheet_xml(workbook_bytes(loaded_engine), [b" " * (5 * 1024 * 1024)])
    [problem] = plan(loaded_engine, data).problems
    assert "壓縮比異常" in problem.message and SHEET_PART in problem.message


def test_a_sheet_of_more_rows_than_the_limit_is_refused_before_it_is_parsed(loaded_engine, never_parsed):
    data = with_sheet_xml(workbook_bytes(loaded_engine), sheet_rows(100_001))
    started = time.perf_counter()
    [problem] = plan(loaded_engine, data).problems
    assert f"超過上限 {sheet_import.MAX_ROWS} 列" in problem.message
    assert f"第 {sheet_import.MAX_ROWS + 2} 列" in problem.message  # the scan stopped there
    assert time.perf_counter() - started < 10  # generous under load; parsing the whole sheet takes far longer


def test_a_far_row_number_is_refused_without_walking_every_row_up_to_it(loaded_engine, never_parsed):
    *start, end = sheet_rows(1)
    far = b'<row r="99999999"><c r="A99999999" t="inlineStr"><is><t>x</t></is></c></row>'
    started = time.perf_counter()
    [problem] = plan(loaded_engine, with_sheet_xml(workbook_bytes(loaded_engine), [*start, far, end])).problems
    assert "第 99999999 列仍有資料" in problem.message
    assert time.perf_counter() - started < 10  # walking 99,999,999 rows would take minutes


def test_a_csv_of_more_rows_than_the_limit_is_refused(loaded_engine):
    rows = [["編號", label("contact")]] + [[f"112-J{n:02d}", "x"] for n in range(sheet_import.MAX_ROWS + 1)]
    [problem] = plan(loaded_engine, _csv_bytes(rows), name="many.csv").problems
    assert f"超過上限 {sheet_import.MAX_ROWS} 列" in problem.message


def test_a_sheet_claiming_a_small_size_is_read_to_its_last_row(loaded_engine):
    """The dimension the file states is not trusted: rows past it are read (and counted)."""
    target = new_proposal_id()
    data = edited(workbook_bytes(loaded_engine), {(target, label("contact")): "改過的聯絡人"})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(SHEET_PART)
    lying = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B2"', xml)
    result = plan(loaded_engine, with_sheet_xml(data, [lying]))
    assert result.problems == [] and [(c[0], c[4]) for c in result.changes] == [(target, "改過的聯絡人")]


@pytest.mark.parametrize("kind", ["device", "fifo", "directory", "sparse"])
def test_a_file_on_the_command_line_is_read_bounded_and_only_if_regular(tmp_path, kind):
    if kind == "device":
        path = Path("/dev/zero")
    elif kind == "fifo":
        path = tmp_path / "pipe.xlsx"
        os.mkfifo(path)  # no writer: opening it to read would wait for ever
    elif kind == "directory":
        path = tmp_path
    else:
        path = tmp_path / "big.xlsx"
        with path.open("wb") as handle:
            handle.truncate(100 * sheet_import.MAX_BYTES)
    upload = sheet_import.read_path(path)
    [problem] = upload.problems
    assert upload.table is None and problem.record == "（檔案）"
    assert {"device": "不是一般檔案", "fifo": "不是一般檔案", "directory": "資料夾", "sparse": "超過上限"}[
        kind
    ] in problem.message


# --- what the workbook means is what gets stored ----------------------------------------------------


def test_merged_cells_in_a_column_read_back_are_refused_naming_the_range(writable_engine):
    ids = own_ids()
    data = edited(workbook_bytes(writable_engine), {(ids[0], label("contact")): "三列共用的聯絡人"})
    book = open_book(data)
    sheet = book[update_sheet.DATA_SHEET]
    first, contact = row_of(sheet, ids[0]), column(sheet, label("contact"))
    letter = get_column_letter(contact)
    sheet.merge_cells(f"{letter}{first}:{letter}{first + 2}")
    title = column(sheet, "議題組")  # context columns are not read back: merging them is harmless
    sheet.merge_cells(f"{get_column_letter(title)}{first}:{get_column_letter(title)}{first + 1}")
    out = io.BytesIO()
    book.save(out)
    result = plan(writable_engine, out.getvalue())
    [problem] = result.problems
    assert str(problem).startswith(f"{FILE}｜工作表「提案更新」第 {first} 列｜欄位「{label('contact')}」")
    assert f"{letter}{first}:{letter}{first + 2}" in problem.message and "合併" in problem.message
    assert result.rows == []
    with pytest.raises(sheet_import.SheetRefused):
        apply(writable_engine, result)
    assert all_versions(writable_engine) == []


def test_an_error_value_is_refused_naming_the_cell_not_stored_as_text(loaded_engine):
    target = new_proposal_id()
    data = edited(workbook_bytes(loaded_engine), {(target, label("contact")): "#N/A"})
    sheet = open_book(data)[update_sheet.DATA_SHEET]
    address = f"{get_column_letter(column(sheet, label('contact')))}{row_of(sheet, target)}"
    assert sheet[address].data_type == "e"  # as Excel writes a failed lookup
    [problem] = plan(loaded_engine, data).problems
    assert problem.field == label("contact") and address in problem.message and "#N/A" in problem.message


def test_an_error_value_saved_in_a_csv_is_refused(loaded_engine):
    target = new_proposal_id()
    sheet = open_book(workbook_bytes(loaded_engine))[update_sheet.DATA_SHEET]
    rows = [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]
    rows[row_of(sheet, target) - 1][column(sheet, label("contact")) - 1] = "#REF!"
    [problem] = plan(loaded_engine, _csv_bytes(rows), name="交通.csv").problems
    assert problem.field == label("contact") and "錯誤值「#REF!」" in problem.message
