"""export-sheet and import-sheet: a group's workbook written from the store; an edited one previewed
without --apply (nothing changes), applied with it as versions by the named account, and a second
run that changes nothing; refusals exit non-zero with the problem's sheet, row and column."""

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from dashboard.cli import main
from dashboard.domain import editing, vocab
from dashboard.store.models import ProposalVersion
from tests.datadocs import expected_ids
from tests.storetools import add_account, run_cli
from tests.test_update_sheet import column, label, new_proposal_id, row_of


@pytest.fixture
def people(engine):
    add_account(engine, "交通窗口", vocab.LEAD, "transport")
    add_account(engine, "教育窗口", vocab.LEAD, "education")


def versions(engine) -> list[ProposalVersion]:
    with Session(engine) as session:
        return list(session.exec(select(ProposalVersion)))


def _edit(path, edits: dict) -> None:
    book = load_workbook(path)
    sheet = book["提案更新"]
    for (proposal_id, header), value in edits.items():
        sheet.cell(row_of(sheet, proposal_id), column(sheet, header)).value = value
    book.save(path)


def test_export_sheet_writes_the_groups_workbook(store_file, tmp_path, capsys):
    out = tmp_path / "交通.xlsx"
    assert main(["export-sheet", str(out), "--group", "交通運輸組"]) == 0
    assert f"{len(expected_ids('transport'))} 案" in capsys.readouterr().out
    sheet = load_workbook(io.BytesIO(out.read_bytes()))["提案更新"]
    assert {sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)} == expected_ids("transport")


@pytest.mark.parametrize(
    "args, words",
    [
        (["--group", "不存在組"], "找不到議題組「不存在組」"),
        (["--year", "99"], "資料庫沒有 99 年度"),
    ],
)
def test_export_sheet_refuses_an_unknown_group_or_year(store_file, tmp_path, capsys, args, words):
    out = tmp_path / "x.xlsx"
    assert main(["export-sheet", str(out), *args]) == 1
    assert words in capsys.readouterr().err and not out.exists()


def test_import_sheet_previews_without_apply_and_applies_with_it_once(engine, people, tmp_path, capsys):
    path = tmp_path / "交通.xlsx"
    assert main(["export-sheet", str(path), "--group", "transport"]) == 0
    target = new_proposal_id()
    _edit(path, {(target, label("contact")): "王小明 02-1234"})
    capsys.readouterr()

    assert main(["import-sheet", str(path), "--user", "交通窗口"]) == 0
    out = capsys.readouterr().out
    assert f"{target}｜聯絡人：" in out and "→ 王小明 02-1234" in out and "未變更任何資料" in out
    assert versions(engine) == []

    assert main(["import-sheet", str(path), "--user", "交通窗口", "--apply"]) == 0
    assert "已套用：1 案" in capsys.readouterr().out
    with Session(engine) as session:
        [version] = editing.history(session, target)
    assert (version.recorded_by, version.reason) == ("交通窗口", "試算表更新：交通.xlsx")

    assert main(["import-sheet", str(path), "--user", "交通窗口", "--apply"]) == 0
    assert "沒有任何變更" in capsys.readouterr().out
    assert len(versions(engine)) == 1


def test_import_sheet_refuses_another_groups_lead_and_bad_cells_with_sheet_row_and_column(engine, people, tmp_path):
    path = tmp_path / "交通.xlsx"
    assert main(["export-sheet", str(path), "--group", "transport"]) == 0
    target = new_proposal_id()
    row = row_of(load_workbook(path)["提案更新"], target)
    refused = run_cli("import-sheet", str(path), "--user", "教育窗口", "--apply")
    assert refused.returncode == 1 and "未變更任何資料" in refused.stderr
    assert f"交通.xlsx｜工作表「提案更新」第 {row} 列｜欄位「編號」：提案 {target} 屬於「交通運輸組」" in refused.stderr
    _edit(path, {(target, label("progress_status")): "差不多了"})
    bad = run_cli("import-sheet", str(path), "--user", "交通窗口", "--apply")
    assert bad.returncode == 1
    assert f"第 {row} 列｜欄位「進度狀態」：未知的進度狀態「差不多了」" in bad.stderr
    assert "Traceback" not in bad.stderr + refused.stderr
    assert versions(engine) == []


def test_import_sheet_refuses_a_missing_file_or_account_in_one_line(store_file, people, tmp_path):
    missing = run_cli("import-sheet", str(tmp_path / "nope.xlsx"), "--user", "交通窗口")
    assert missing.returncode == 1 and "找不到" in missing.stderr and "Traceback" not in missing.stderr
    path = tmp_path / "a.xlsx"
    assert main(["export-sheet", str(path)]) == 0
    nobody = run_cli("import-sheet", str(path), "--user", "沒有這個人")
    assert nobody.returncode == 1 and "沒有這個人" in nobody.stderr and "Traceback" not in nobody.stderr


def test_import_sheet_refuses_a_device_without_reading_it(store_file, people):
    refused = run_cli("import-sheet", "/dev/zero", "--user", "交通窗口")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "zero｜（檔案）｜欄位「-」：不是一般檔案" in refused.stderr and "未變更任何資料" in refused.stderr
