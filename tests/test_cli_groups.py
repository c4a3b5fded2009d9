"""`group list|edit|add|close|history` from the command line: the secretariat sets each cycle's groups;
a refusal is one line saying what and where, exit 2, the store untouched."""

import csv

import pytest
import yaml
from sqlmodel import Session

from dashboard.cli import main
from dashboard.domain import group_terms, vocab
from dashboard.domain.dates import roc_year
from dashboard.store.config import DATA_DIR
from tests.storetools import add_account

YEAR = roc_year(yaml.safe_load((DATA_DIR / "meeting.yaml").read_text(encoding="utf-8"))["date"].year)
NEXT = YEAR + 1
DAY = f"{NEXT + 1911}-10-23"


@pytest.fixture
def started(engine, capsys):
    add_account(engine, "祕書", vocab.SECRETARIAT)
    add_account(engine, "交通窗口", vocab.LEAD, "transport")
    assert (
        main(
            ["new-year", str(NEXT), "--host-city", "新竹市", "--form", "線上", "--meeting-date", DAY, "--user", "祕書"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"主辦機關沿用上年度，待確認：請以 group list --year {NEXT} 查看" in out  # new-year says what to confirm


def _hosts(engine, year: int) -> dict[str, str]:
    with Session(engine) as s:
        return {g.id: g.host_agency for g in group_terms.groups_in_cycle(s, year)}


def test_the_list_marks_hosts_carried_over_until_set(engine, started, capsys):
    assert main(["group", "list", "--year", str(NEXT)]) == 0
    out = capsys.readouterr().out
    assert f"{NEXT}年度議題組" in out and "交通運輸組" in out and "沿用上年度，待確認" in out
    assert (
        main(
            [
                "group",
                "edit",
                "transport",
                "--year",
                str(NEXT),
                "--user",
                "祕書",
                "--set",
                "host_agency=新竹市政府交通處",
            ]
        )
        == 0
    )
    assert "主辦機關：新北市政府交通局 → 新竹市政府交通處" in capsys.readouterr().out
    assert main(["group", "list", "--year", str(NEXT)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("transport"))
    assert "新竹市政府交通處" in line and "已確認" in line
    assert _hosts(engine, YEAR)["transport"] == "新北市政府交通局"


def test_add_close_and_history(engine, started, capsys):
    assert (
        main(
            ["group", "add", "digital", "--year", str(NEXT), "--user", "祕書"]
            + ["--set", "name=數位發展組", "--set", "host_agency=新竹市政府數位發展處", "--reason", "新設"]
        )
        == 0
    )
    assert main(["group", "close", "recreation", "--year", str(NEXT), "--user", "祕書", "--into", "transport"]) == 0
    assert "併入：（空白） → 交通運輸組" in capsys.readouterr().out
    assert "digital" in _hosts(engine, NEXT) and "digital" not in _hosts(engine, YEAR)
    assert "recreation" not in _hosts(engine, NEXT) and "recreation" in _hosts(engine, YEAR)
    assert main(["group", "history", "digital"]) == 0
    out = capsys.readouterr().out
    assert f"第 1 版｜{NEXT}年度" in out and "祕書｜新增｜原因：新設" in out and "名稱：（空白） → 數位發展組" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["edit", "transport", "--user", "交通窗口", "--set", "name=交通組"], "只有祕書處可以設定議題組"),
        (["edit", "nowhere", "--user", "祕書", "--set", "name=交通組"], "沒有議題組「nowhere」"),
        (["edit", "transport", "--user", "祕書", "--set", "name"], "應寫成 欄位=新值"),
        (["edit", "transport", "--user", "祕書", "--set", "colour=紅"], "沒有欄位「colour」"),
        (["edit", "transport", "--user", "祕書", "--set", "name=環境資源組"], "已有議題組名為「環境資源組」"),
        (["edit", "transport", "--user", "祕書", "--set", "name=x", "--base-version", "3"], "沒有第 3 版"),
        (["add", "Bad Id", "--user", "祕書", "--set", "name=x", "--set", "host_agency=y"], "只能用小寫英文字母"),
        (["add", "new-one", "--user", "祕書", "--set", "name=新組"], "主辦機關不可空白"),
        (["close", "transport", "--user", "祕書"], "請指定要併入的議題組"),
        (["close", "transport", "--user", "祕書", "--into", "transport"], "不能併入自己"),
    ],
)
def test_a_refusal_is_one_line_exit_2_and_writes_nothing(engine, started, store_file, capsys, args, message):
    before = store_file.read_bytes()
    assert main(["group", args[0], args[1], "--year", str(NEXT), *args[2:]]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert store_file.read_bytes() == before


def test_a_year_is_required_and_named_in_chinese(engine, started, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["group", "edit", "transport", "--user", "祕書", "--set", "name=交通組"])
    assert exit_info.value.code == 2
    assert "缺少必要的參數：--year" in capsys.readouterr().err


def test_the_tables_export_holds_each_cycles_group_settings(engine, started, tmp_path, capsys):
    edit = [
        "group",
        "edit",
        "transport",
        "--year",
        str(NEXT),
        "--user",
        "祕書",
        "--set",
        "host_agency=新竹市政府交通處",
    ]
    assert main(edit) == 0
    assert main(["export", str(tmp_path / "out")]) == 0
    raw = (tmp_path / "out" / "group_terms.csv").read_bytes()
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert {(r["group_id"], r["year"], r["host_agency"]) for r in rows} >= {
        ("transport", str(NEXT), "新竹市政府交通處")
    }
