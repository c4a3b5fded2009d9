"""`bundle` and `city-summary` on the command line: files written, one clear line for a wrong name."""

import io

import docx
import pytest

from dashboard.cli import main
from tests.test_bundles import expected_city, expected_group, meeting_cycle


def _card_count(path) -> int:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    return len(document.tables[0].rows) - 1


def test_bundle_of_a_group_and_of_a_city(db_url, tmp_path, capsys):
    cycle = meeting_cycle()
    out = tmp_path / "group.docx"
    assert main(["bundle", str(out), "--group", "交通運輸組", "--year", str(cycle)]) == 0
    assert _card_count(out) == len(expected_group("transport", cycle))
    assert f"提案單 {len(expected_group('transport', cycle))} 案" in capsys.readouterr().out
    out = tmp_path / "city.docx"
    assert main(["bundle", str(out), "--city", "台北市"]) == 0, "default: the current cycle; 台 read as 臺"
    assert _card_count(out) == len(expected_city("臺北市", cycle))


def test_city_summary_one_and_all(db_url, tmp_path, capsys):
    out = tmp_path / "taipei.docx"
    assert main(["city-summary", "臺北市", str(out)]) == 0
    assert "臺北市" in docx.Document(str(out)).paragraphs[0].text
    folder = tmp_path / "all"
    assert main(["city-summary", "--all", str(folder), "--year", str(meeting_cycle())]) == 0
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 8 and all(name.endswith("_副首長摘要.docx") for name in files)
    assert any("新竹縣" in name for name in files)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["bundle", "OUT", "--group", "不存在組"], "未知的議題組「不存在組」；可用：發展推動組"),
        (["bundle", "OUT", "--city", "高雄市"], "未知的縣市「高雄市」；可用：宜蘭縣"),
        (["bundle", "OUT", "--city", "臺北市", "--year", "1"], "沒有 1 年度的資料；可用的年度："),
        (["city-summary", "高雄市", "OUT"], "未知的縣市「高雄市」"),
        (["city-summary", "臺北市"], "請指定縣市與輸出檔"),
        (["city-summary", "臺北市", "OUT", "--all", "DIR"], "--all 不可與縣市、輸出檔同時指定"),
    ],
)
def test_wrong_names_print_one_line_and_write_nothing(db_url, tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "OUT").exists() and not (tmp_path / "DIR").exists()


def test_group_and_city_together_are_a_usage_error(db_url, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["bundle", "OUT", "--group", "交通運輸組", "--city", "臺北市"])
    assert exit_info.value.code == 2
    assert "--city" in capsys.readouterr().err
