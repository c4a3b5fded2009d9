"""The command line from check to load to export, as a clerk would run it."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import main
from tests import databases

ROOT = Path(__file__).resolve().parent.parent


def test_check_passes_on_curated_data(capsys):
    assert main(["check"]) == 0
    assert "提案 55 案" in capsys.readouterr().out


def test_check_writes_nothing(db_url):
    assert main(["check"]) == 0
    assert databases.is_untouched(db_url)


def test_check_on_broken_copy_lists_problems_and_fails(data_copy, capsys):
    path = data_copy / "mutual_aid.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("臺北市,1,新北市,5,", "台北市,1,新北市,-5,"), encoding="utf-8"
    )
    assert main(["--data", str(data_copy), "check"]) == 1
    err = capsys.readouterr().err
    assert "資料有 2 個問題" in err
    assert "data/mutual_aid.csv｜第 10 行｜欄位「from_city」" in err
    assert "data/mutual_aid.csv｜第 10 行｜欄位「fire」：數量不可為負數（目前為 -5）" in err


def read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to show Chinese"
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_load_then_export(db_url, tmp_path, capsys):
    assert main(["load"]) == 0
    assert "提案 55 案" in capsys.readouterr().out
    out = tmp_path / "export"
    assert main(["export", str(out)]) == 0
    proposals = read_csv(out / "proposals.csv")
    assert len(proposals) == 55
    assert list(proposals[0])[:11] == [
        "id",
        "year",
        "track",
        "group",
        "subgroup",
        "title",
        "card_title",
        "lead_units",
        "lead_cities",
        "types",
        "cities",
    ][:7] + ["lead_units", "lead_cities", "types", "cities"]
    for column in (
        "id",
        "year",
        "track",
        "group",
        "subgroup",
        "title",
        "lead_units",
        "types",
        "cities",
        "tracking_status",
        "progress_status",
    ):
        assert column in proposals[0]
    j02 = next(p for p in proposals if p["id"] == "112-J02")
    assert j02["cities"] == "基隆市;臺北市;新北市;桃園市"
    assert next(p for p in proposals if p["id"] == "112-J03")["types"] == "跨縣市實質合作議題;縣市治理經驗與成果分享"
    aid = read_csv(out / "mutual_aid.csv")
    assert list(aid[0]) == ["from_city", "to_city", "fire", "ambulance", "relay", "period_start", "period_end"]
    assert len(aid) == 20
    assert {k: aid[8][k] for k in ("from_city", "to_city", "fire", "ambulance", "relay")} == {
        "from_city": "臺北市",
        "to_city": "新北市",
        "fire": "5",
        "ambulance": "32",
        "relay": "1208",
    }
    assert {p.name for p in out.iterdir()} >= {
        "proposals.csv",
        "mutual_aid.csv",
        "indicators.csv",
        "cities.csv",
        "groups.csv",
        "group_meetings.csv",
        "agenda.csv",
        "decisions.csv",
    }


def test_export_builds_a_missing_store(db_url, tmp_path):
    assert main(["export", str(tmp_path / "out")]) == 0
    assert len(read_csv(tmp_path / "out" / "proposals.csv")) == 55


@pytest.mark.parametrize("args", [["check"], ["load"]])
def test_runs_as_a_module(args, db_url):
    result = subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "55" in result.stdout


def test_an_unusable_database_is_named_without_traceback(tmp_path, monkeypatch, capsys):
    (tmp_path / "folder.db").mkdir()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'folder.db'}")
    assert main(["load"]) == 1
    err = capsys.readouterr().err
    assert "folder.db" in err and "資料庫未變更" in err and "Traceback" not in err


def test_export_into_a_file_is_named(db_url, tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("", encoding="utf-8")
    assert main(["export", str(target)]) == 1
    err = capsys.readouterr().err
    assert str(target) in err and "已有同名的檔案" in err


def test_an_unexpected_error_is_one_line_unless_debugging(db_url, monkeypatch, capsys):
    from dashboard.datafiles import build

    def broken(*_args):
        raise RuntimeError("boom")

    monkeypatch.setattr(build, "load", broken)
    assert main(["load"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "boom" in err and "--debug" in err
    with pytest.raises(RuntimeError):
        main(["--debug", "load"])
