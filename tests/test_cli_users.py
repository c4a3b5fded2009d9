"""Accounts from the command line: the operator adds, lists and disables them; a password is
typed twice or read from standard input, never given as an argument."""

import io
import unicodedata

import pytest
from sqlmodel import Session

from dashboard.cli import main
from dashboard.domain import accounts
from dashboard.web import auth
from tests.storetools import run_cli


def listing(engine) -> dict:
    with Session(engine) as session:
        return {a.name: a for a in accounts.listing(session)}


def hashes(engine) -> dict:
    with Session(engine) as session:
        return accounts.password_hashes(session)


def test_add_a_lead_with_the_password_from_stdin_in_its_own_process(engine):
    result = run_cli(
        "user",
        "add",
        "教育窗口",
        "--role",
        "lead",
        "--group",
        "education",
        "--group",
        "文化組",
        "--password-stdin",
        stdin="s3cret pass\n",
    )
    assert result.returncode == 0, result.stderr
    assert "已新增議題組窗口帳號「教育窗口」" in result.stdout
    account = listing(engine)["教育窗口"]
    assert (account.role, set(account.groups), account.disabled) == ("lead", {"education", "culture"}, False)
    assert auth.verify_password("s3cret pass", hashes(engine)["教育窗口"])


def test_an_interactive_password_is_asked_twice(engine, monkeypatch):
    answers = iter(["typed twice", "typed twice"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["user", "add", "祕書", "--role", "secretariat"]) == 0
    assert auth.verify_password("typed twice", hashes(engine)["祕書"])


def test_two_different_passwords_add_nothing(engine, monkeypatch, capsys):
    answers = iter(["one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["user", "add", "祕書", "--role", "secretariat"]) == 1
    assert "兩次輸入的密碼不同" in capsys.readouterr().err
    assert listing(engine) == {}


def test_an_account_signing_in_by_oidc_only_needs_no_password(engine, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert (
        main(
            [
                "user",
                "add",
                "王小明",
                "--role",
                "lead",
                "--group",
                "transport",
                "--email",
                "wang@example.org",
                "--password-stdin",
            ]
        )
        == 0
    )
    assert listing(engine)["王小明"].email == "wang@example.org"
    assert "王小明" not in hashes(engine)


def test_a_password_is_never_taken_from_the_command_line(engine, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["user", "add", "祕書", "--role", "secretariat", "--password", "visible-in-ps"])
    assert exit_.value.code == 2
    assert listing(engine) == {}


@pytest.mark.parametrize(
    "args, expected",
    [
        (["新人", "--role", "lead"], "議題組窗口帳號須指定至少一個議題組（--group）"),
        (["新人", "--role", "lead", "--group", "水利組"], "找不到議題組「水利組」"),
        (["新人", "--role", "secretariat", "--group", "education"], "祕書處帳號可修改所有議題組，不需指定議題組"),
        (["新人", "--role", "secretariat", "--email", "not-an-address"], "電子郵件「not-an-address」格式不正確"),
        (["  ", "--role", "secretariat"], "帳號名稱不可空白"),
    ],
)
def test_bad_account_data_is_refused_with_one_line(engine, monkeypatch, capsys, args, expected):
    monkeypatch.setattr("sys.stdin", io.StringIO("pw"))
    assert main(["user", "add", *args, "--password-stdin"]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert listing(engine) == {}


def test_an_existing_name_is_refused(engine, monkeypatch, capsys):
    for _ in range(2):
        monkeypatch.setattr("sys.stdin", io.StringIO("pw"))
        code = main(["user", "add", "祕書", "--role", "secretariat", "--password-stdin"])
    assert code == 1
    assert "帳號「祕書」已存在" in capsys.readouterr().err


def test_list_shows_name_role_groups_email_and_disabled(engine, monkeypatch, capsys):
    for args in (
        ["祕書", "--role", "secretariat"],
        ["教育窗口", "--role", "lead", "--group", "education", "--email", "edu@example.org"],
    ):
        monkeypatch.setattr("sys.stdin", io.StringIO("pw"))
        assert main(["user", "add", *args, "--password-stdin"]) == 0
    assert main(["user", "disable", "教育窗口"]) == 0
    capsys.readouterr()
    assert main(["user", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["帳號", "角色", "議題組", "電子郵件", "停用"]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert rows["教育窗口"] == ["教育窗口", "議題組窗口", "教育組", "edu@example.org", "是"]
    assert rows["祕書"] == ["祕書", "祕書處", "—", "—"]
    # the e-mail column lines up in a terminal, where a CJK character takes two columns
    row = next(line for line in lines if "edu@" in line)
    assert columns(row[: row.index("edu@")]) == columns(lines[0][: lines[0].index("電子郵件")])


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_disable_keeps_the_account_and_its_sign_in_stops(engine, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("pw"))
    assert main(["user", "add", "祕書", "--role", "secretariat", "--password-stdin"]) == 0
    assert main(["user", "disable", "祕書"]) == 0
    assert "已停用帳號「祕書」" in capsys.readouterr().out
    assert listing(engine)["祕書"].disabled
    assert "祕書" not in hashes(engine)


def test_disable_an_unknown_account_is_refused(engine, capsys):
    assert main(["user", "disable", "無此人"]) == 1
    assert "找不到帳號「無此人」" in capsys.readouterr().err


def test_list_without_accounts_says_how_to_add_one(engine, capsys):
    assert main(["user", "list"]) == 0
    assert "user add" in capsys.readouterr().out
