"""The command line tells the truth in Chinese: a number too large for any version, year or table
is refused by what it means (no 「未預期的錯誤（OverflowError）」 nor 「integer out of range」), a
negative version is not a version someone saved, argparse's usage errors are in Chinese, thousands
of nested brackets are a malformed value (not a RecursionError), and a DATABASE_URL naming a file
that is not a database is refused without touching the file."""

import re

import pytest
from sqlmodel import Session

from dashboard.cli import main
from dashboard.cli.parser import translate
from dashboard.domain import editing, vocab
from dashboard.store.db import NotADatabase, make_engine
from tests.storetools import add_account

OWN = "112-J02"
HUGE = "9" * 30


@pytest.fixture
def secretariat(engine):
    add_account(engine, "祕書", vocab.SECRETARIAT)


def refusal(capsys) -> str:
    err = capsys.readouterr().err
    for leak in ("Traceback", "OverflowError", "out of range", "RecursionError", "未預期的錯誤", "usage:", "error:"):
        assert leak not in err, err
    return err


def versions(engine) -> int:
    with Session(engine) as s:
        return editing.current_version(s, OWN)


@pytest.mark.parametrize("base", [HUGE, "-5", "3"])
def test_a_base_version_that_never_was_is_named_as_such(engine, secretariat, capsys, base):
    assert main(["edit", OWN, "--user", "祕書", "--set", "contact=王小明", "--base-version", base]) == 1
    err = refusal(capsys)
    assert f"沒有第 {base} 版" in err and "目前為第 0 版" in err
    assert "更新為" not in err  # not told someone else saved it
    assert versions(engine) == 0


def test_reverting_a_huge_version_says_there_is_none(engine, secretariat, capsys):
    assert main(["revert", OWN, HUGE, "--user", "祕書"]) == 1
    assert f"沒有第 {HUGE} 版" in refusal(capsys)


@pytest.mark.parametrize(
    "argv",
    [
        ["new-year", HUGE, "--host-city", "新北市", "--form", "線上", "--meeting-date", "2024-08-01"],
        ["packet", HUGE, "OUT.docx"],
    ],
    ids=["new-year", "packet"],
)
def test_a_huge_year_is_not_a_year(engine, secretariat, capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    try:
        code = main(argv)
    except SystemExit as exit_info:  # packet's year is read by the parser: a usage error
        code = exit_info.code
    assert code in (1, 2)
    assert "年度應為民國年的整數" in refusal(capsys)
    assert not (tmp_path / "OUT.docx").exists()


def test_thousands_of_nested_brackets_are_a_malformed_value(engine, secretariat, capsys):
    nested = "[" * 5000 + "]" * 5000
    assert main(["edit", OWN, "--user", "祕書", "--set", f"lead_units={nested}"]) == 1
    assert "lead_units" in (err := refusal(capsys)) and "須為 JSON 清單" in err
    assert versions(engine) == 0


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["packet"], "缺少必要的參數：YEAR, OUT.docx"),
        (["nosuch"], "沒有指令 'nosuch'；可用的指令："),
        (["revert", OWN, "abc", "--user", "祕書"], "參數 VERSION 應為整數，不是 'abc'"),
        (["export", "OUT", "--layout", "foo"], "參數 --layout 不可為 'foo'；可用的選項：'tables', 'data'"),
        (["edit", OWN, "--user"], "參數 --user 後面須接一個值"),
        (["load", "--bogus"], "無法辨識的參數：--bogus"),
        ([], "缺少指令"),
    ],
    ids=["missing", "command", "int", "choice", "value", "unknown", "no-command"],
)
def test_usage_errors_are_in_chinese(capsys, argv, expected):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = refusal(capsys)
    assert err.startswith("用法：python -m dashboard") and expected in err


def test_a_message_argparse_may_add_later_is_shown_as_it_is():
    assert translate("some new message") == "some new message"


@pytest.mark.parametrize("content", [b"x", b"notes of the meeting, not a database\n" * 10])
def test_a_database_url_naming_another_file_is_refused_and_the_file_kept(tmp_path, monkeypatch, capsys, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    assert main(["load"]) == 1
    assert "不是資料庫檔案" in refusal(capsys)
    assert path.read_bytes() == content
    with pytest.raises(NotADatabase):
        make_engine(f"sqlite:///{path}")


def test_an_empty_file_becomes_the_store(tmp_path, monkeypatch, capsys):
    path = tmp_path / "new.db"
    path.touch()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    assert main(["load"]) == 0
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


@pytest.mark.parametrize("argv", [["-h"], ["edit", "-h"], ["new-year", "-h"], ["packet", "-h"]])
def test_help_is_in_chinese(argv, capsys):
    """-h lists the commands and options under Chinese headings (argparse's own are English)."""
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：") and "選項" in out and "顯示此說明後結束" in out
    assert not re.search(r"\b(usage|positional arguments|options|show this help)\b", out), out
