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

GOOD = "rotating chair 2025"  # a password the rules of a new one accept


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
        (["新人", "--role", "lead"], "議題組窗口帳號須指定至少一個議題組"),
        (["新人", "--role", "lead", "--group", "水利組"], "找不到議題組「水利組」"),
        (["新人", "--role", "secretariat", "--group", "education"], "祕書處帳號可修改所有議題組，不需指定議題組"),
        (["新人", "--role", "secretariat", "--email", "not-an-address"], "電子郵件「not-an-address」格式不正確"),
        (["  ", "--role", "secretariat"], "帳號名稱不可空白"),
    ],
)
def test_bad_account_data_is_refused_with_one_line(engine, monkeypatch, capsys, args, expected):
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD))
    assert main(["user", "add", *args, "--password-stdin"]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert listing(engine) == {}


def test_an_existing_name_is_refused(engine, monkeypatch, capsys):
    for _ in range(2):
        monkeypatch.setattr("sys.stdin", io.StringIO(GOOD))
        code = main(["user", "add", "祕書", "--role", "secretariat", "--password-stdin"])
    assert code == 1
    assert "帳號「祕書」已存在" in capsys.readouterr().err


def test_list_shows_name_role_groups_email_and_disabled(engine, monkeypatch, capsys):
    for args in (
        ["祕書", "--role", "secretariat"],
        ["教育窗口", "--role", "lead", "--group", "education", "--email", "edu@example.org"],
    ):
        monkeypatch.setattr("sys.stdin", io.StringIO(GOOD))
        assert main(["user", "add", *args, "--password-stdin"]) == 0
    assert main(["user", "disable", "教育窗口"]) == 0
    capsys.readouterr()
    assert main(["user", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["帳號", "角色", "議題組", "電子郵件", "停用", "使用期限"]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert rows["教育窗口"] == ["教育窗口", "議題組窗口", "教育組", "edu@example.org", "是"]
    assert rows["祕書"] == ["祕書", "祕書處", "—", "—"]
    # the e-mail column lines up in a terminal, where a CJK character takes two columns
    row = next(line for line in lines if "edu@" in line)
    assert columns(row[: row.index("edu@")]) == columns(lines[0][: lines[0].index("電子郵件")])


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_disable_keeps_the_account_and_its_sign_in_stops(engine, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD))
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


# --- user set: the secretariat's changes at the command line, each a version ---------------------


def _add_lead(monkeypatch, name: str = "教育窗口", *groups: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD))
    group_args = [a for g in groups or ("education",) for a in ("--group", g)]
    assert main(["user", "add", name, "--role", "lead", *group_args, "--password-stdin"]) == 0


def history_rows(engine, name: str) -> list:
    with Session(engine) as session:
        return [(v.version, v.recorded_by, v.changes, v.reason) for v in accounts.history(session, name)]


def test_set_changes_a_leads_groups_and_records_who_what_and_why(engine, monkeypatch, capsys):
    _add_lead(monkeypatch)
    code = main(["user", "set", "教育窗口", "--group", "education", "--group", "交通運輸組", "--reason", "兼辦交通"])
    assert code == 0
    assert "議題組：教育組 → 教育組、交通運輸組" in capsys.readouterr().out
    assert set(listing(engine)["教育窗口"].groups) == {"education", "transport"}
    latest = history_rows(engine, "教育窗口")[0]
    assert latest == (
        2,
        "命令列操作者",
        [{"field": "groups", "old": ["education"], "new": ["education", "transport"]}],
        "兼辦交通",
    )
    assert main(["user", "history", "教育窗口"]) == 0
    out = capsys.readouterr().out
    assert "第 2 版" in out and "原因：兼辦交通" in out and "第 1 版" in out


def test_set_changes_the_role_disables_and_enables_again(engine, monkeypatch, capsys):
    _add_lead(monkeypatch)
    assert main(["user", "set", "教育窗口", "--role", "secretariat"]) == 0
    view = listing(engine)["教育窗口"]
    assert (view.role, view.groups) == ("secretariat", ())  # the secretariat edits every group
    assert main(["user", "set", "教育窗口", "--disable"]) == 0
    assert listing(engine)["教育窗口"].disabled and "教育窗口" not in hashes(engine)
    assert main(["user", "set", "教育窗口", "--enable"]) == 0
    assert not listing(engine)["教育窗口"].disabled and "教育窗口" in hashes(engine)
    assert [row[0] for row in history_rows(engine, "教育窗口")] == [4, 3, 2, 1]


def test_set_resets_a_password_and_the_history_keeps_no_hash(engine, monkeypatch, capsys):
    _add_lead(monkeypatch)
    monkeypatch.setattr("sys.stdin", io.StringIO("a brand new passphrase\n"))
    assert main(["user", "set", "教育窗口", "--password-stdin"]) == 0
    assert "已重設密碼" in capsys.readouterr().out
    assert auth.verify_password("a brand new passphrase", hashes(engine)["教育窗口"])
    assert not auth.verify_password(GOOD, hashes(engine)["教育窗口"])
    rows = history_rows(engine, "教育窗口")
    assert rows[0][2] == [{"field": "password", "old": None, "new": None}]
    assert "$2" not in repr(rows)  # no bcrypt hash anywhere in the history
    assert main(["user", "history", "教育窗口"]) == 0
    assert "已重設密碼" in capsys.readouterr().out


def test_set_until_ends_the_account_after_that_day_and_can_be_cleared(engine, monkeypatch, capsys):
    _add_lead(monkeypatch)
    assert main(["user", "set", "教育窗口", "--until", "113年1月31日", "--reason", "交接"]) == 0
    assert "使用期限：（不限） → 113年1月31日" in capsys.readouterr().out
    assert listing(engine)["教育窗口"].until.isoformat() == "2024-01-31"  # stored ISO
    assert "教育窗口" not in hashes(engine)  # the day is long past: no sign-in, no acting
    with Session(engine) as session, pytest.raises(accounts.AccountError, match="113年1月31日為止，已結束"):
        accounts.actor_for(session, "教育窗口")
    assert main(["user", "list"]) == 0
    assert "至113年1月31日（已結束）" in capsys.readouterr().out
    assert main(["user", "set", "教育窗口", "--until", "無"]) == 0
    assert listing(engine)["教育窗口"].until is None and "教育窗口" in hashes(engine)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["無此人", "--disable"], "找不到帳號「無此人」"),
        (["教育窗口", "--group", "水利組"], "找不到議題組「水利組」"),
        (["教育窗口", "--until", "2024-02-30"], "「2024-02-30」不是日期"),
        (["教育窗口", "--until", "next week"], "「next week」不是日期"),
        (["教育窗口", "--role", "admin"], "參數 --role 不可為 'admin'"),
        (["教育窗口"], "未指定要修改的項目"),
        (["教育窗口", "--enable", "--disable"], "不可與"),
    ],
)
def test_set_refuses_unknown_names_groups_and_days_with_exit_2_writing_nothing(
    engine, monkeypatch, capsys, args, expected
):
    _add_lead(monkeypatch)
    before = (listing(engine), history_rows(engine, "教育窗口"))
    try:
        code = main(["user", "set", *args])
    except SystemExit as exit_:  # argparse's refusals of a bad argument
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert (listing(engine), history_rows(engine, "教育窗口")) == before


@pytest.mark.parametrize(
    "password, expected",
    [
        ("short", "密碼至少須 8 個字"),
        ("password1", "太常見"),
        ("教育窗口教育窗口", None),  # fine: not the name itself
        ("教育窗口", "至少須 8 個字"),
    ],
)
def test_set_and_add_apply_the_rules_of_a_new_password(engine, monkeypatch, capsys, password, expected):
    _add_lead(monkeypatch)
    monkeypatch.setattr("sys.stdin", io.StringIO(password))
    code = main(["user", "set", "教育窗口", "--password-stdin"])
    if expected is None:
        assert code == 0
        return
    assert code == 1
    assert expected in capsys.readouterr().err
    assert auth.verify_password(GOOD, hashes(engine)["教育窗口"])  # unchanged
    monkeypatch.setattr("sys.stdin", io.StringIO(password))
    assert main(["user", "add", "新人", "--role", "secretariat", "--password-stdin"]) == 1
    assert "新人" not in listing(engine)


def test_a_name_as_password_is_refused(engine, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("Secretariat2025"))
    assert main(["user", "add", "secretariat2025", "--role", "secretariat", "--password-stdin"]) == 1
    assert "不可與帳號名稱相同" in capsys.readouterr().err
