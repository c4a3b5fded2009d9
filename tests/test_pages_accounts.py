"""帳號管理 through AppTest: the secretariat lists, adds (password hashed and checked) and changes
accounts (role, groups, enabled, last day, a new password), reads their history, and is told when
someone else saved first; a lead and a reader cannot manage accounts. Also 變更密碼 (one's own
password) and who is signed in, with 登出, in the sidebar."""

from datetime import timedelta

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard.domain import accounts, dates, vocab
from dashboard.domain.permissions import OPERATOR
from dashboard.store.db import make_engine
from dashboard.store.models import Account
from dashboard.web import auth
from pages.shared import auth_form
from tests.pagetest import open_as

PASSWORD = "a lead's pass"


@pytest.fixture
def url(accounts_url, monkeypatch):
    real = auth.hash_password
    monkeypatch.setattr(auth, "hash_password", lambda password, rounds=4: real(password, rounds=rounds))  # fast
    return accounts_url


def _open(user: str | None) -> AppTest:
    return open_as(user, "accounts")


def _account(url: str, name: str) -> Account | None:
    with Session(make_engine(url)) as s:
        return s.get(Account, name)


def _form(at: AppTest, kind: str, name: str):
    return next(w for w in getattr(at, kind) if w.key and w.key.startswith(f"accounts-{name}"))


def _add(
    at: AppTest,
    name: str,
    *,
    role: str = vocab.LEAD,
    groups=("transport",),
    password: str = PASSWORD,
    again: str | None = None,
) -> AppTest:
    _form(at, "text_input", "name").input(name)
    _form(at, "radio", "role").set_value(role)
    _form(at, "multiselect", "groups").set_value(list(groups))
    _form(at, "text_input", "password").input(password)
    _form(at, "text_input", "again").input(password if again is None else again)
    next(b for b in at.button if b.label == "新增帳號").click()
    return at.run()


@pytest.mark.parametrize("user, note", [(None, "請先"), ("交通窗口", "只有祕書處")])
def test_only_the_secretariat_manages_accounts(url, user, note):
    at = _open(user)
    assert not at.exception
    assert any(note in e.value for e in [*at.info, *at.warning])
    assert not at.dataframe and not any(b.label == "新增帳號" for b in at.button)


def test_the_secretariat_sees_every_account_with_role_and_groups(url):
    at = _open("祕書甲")
    table = at.dataframe[0].value
    rows = dict(zip(table["帳號"], zip(table["角色"], table["議題組"], table["狀態"])))
    assert rows["交通窗口"] == (vocab.ROLES[vocab.LEAD], "交通運輸組", "啟用")
    assert rows["祕書甲"][0] == vocab.ROLES[vocab.SECRETARIAT]


def test_the_secretariat_adds_a_lead_whose_password_is_stored_hashed(url):
    at = _add(_open("祕書甲"), "環境窗口", groups=("environment",))
    assert not at.exception and not at.error
    assert "環境窗口" in at.success[0].value
    account = _account(url, "環境窗口")
    assert account.role == vocab.LEAD and account.password_hash != PASSWORD
    assert auth.verify_password(PASSWORD, account.password_hash)
    assert "環境窗口" in list(at.dataframe[0].value["帳號"])


def test_passwords_that_differ_add_nothing_and_a_refusal_says_why(url):
    at = _add(_open("祕書甲"), "環境窗口", again="another pass")
    assert "不一致" in at.error[0].value and _account(url, "環境窗口") is None
    at = _add(_open("祕書甲"), "環境窗口", groups=())
    assert "議題組" in at.error[0].value and _account(url, "環境窗口") is None
    at = _add(_open("祕書甲"), "交通窗口")
    assert "已存在" in at.error[0].value


def _chosen(at: AppTest, name: str) -> AppTest:
    at.selectbox(key="accounts-which").set_value(name)
    return at.run()


def _edit(at: AppTest, kind: str, field: str):
    """A widget of the change form (keys accounts-edit-NAME-VERSION-FIELD)."""
    return next(w for w in getattr(at, kind) if w.key and w.key.startswith("accounts-edit-") and w.key.endswith(field))


def _save(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "儲存修改").click()
    return at.run()


def _history(url: str, name: str) -> list:
    with Session(make_engine(url)) as s:
        return accounts.history(s, name)


def _frame(at: AppTest, column: str):
    """The table on the page with `column`: 帳號 the accounts, 修改者 the history."""
    return next(f.value for f in at.dataframe if column in f.value.columns)


def _history_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown if "版**" in m.value)


def _errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def test_the_secretariat_changes_a_leads_groups_and_sees_it_in_the_history(url):
    at = _chosen(_open("祕書甲"), "交通窗口")
    _edit(at, "multiselect", "groups").set_value(["transport", "education"])
    _edit(at, "text_input", "reason").input("兼辦教育組")
    at = _save(at)
    assert not at.exception and not at.error, _errors(at)
    assert "議題組：交通運輸組 → 教育組、交通運輸組" in at.success[0].value
    latest = _history(url, "交通窗口")[0]
    assert (latest.recorded_by, latest.reason) == ("祕書甲", "兼辦教育組")
    history = _history_text(at)
    assert "第 2 版" in history and "祕書甲｜原因：兼辦教育組" in history
    assert history.index("議題組：交通運輸組 → 教育組、交通運輸組") < history.index("第 1 版")  # newest first
    assert "角色：議題組窗口" in history and "設定密碼" in history  # what version 1 made it with
    assert "教育組、交通運輸組" in list(_frame(at, "帳號")["議題組"])


def test_the_secretariat_disables_enables_and_ends_an_account_but_not_their_own(url):
    at = _chosen(_open("祕書甲"), "交通窗口")
    _edit(at, "radio", "status").set_value(True)
    at = _save(at)
    assert _account(url, "交通窗口").disabled and "狀態：啟用 → 停用" in at.success[0].value
    _edit(at, "radio", "status").set_value(False)
    yesterday = dates.now_taipei().date() - timedelta(days=1)
    _edit(at, "date_input", "until").set_value(yesterday)
    at = _save(at)
    account = _account(url, "交通窗口")
    assert not account.disabled and account.until == yesterday
    table = _frame(at, "帳號")
    row = table[table["帳號"] == "交通窗口"].iloc[0]
    assert (row["使用期限"], row["狀態"]) == (f"至{dates.roc_date(yesterday)}", "已到期")
    at = _chosen(at, "祕書甲")
    _edit(at, "radio", "status").set_value(True)
    at = _save(at)
    assert "不能停用自己" in _errors(at) and not _account(url, "祕書甲").disabled


def test_a_reset_password_is_checked_kept_typed_on_refusal_and_recorded_without_its_hash(url):
    at = _chosen(_open("祕書甲"), "交通窗口")
    _edit(at, "multiselect", "groups").set_value(["transport", "education"])
    _edit(at, "text_input", "password").input("password123")
    _edit(at, "text_input", "again").input("password123")
    at = _save(at)
    assert "帳號「交通窗口」的修改未儲存" in _errors(at) and "太常見" in _errors(at)
    assert _edit(at, "multiselect", "groups").value == ["transport", "education"]  # nothing typed is lost
    assert _edit(at, "text_input", "password").value == "password123"
    assert len(_history(url, "交通窗口")) == 1
    _edit(at, "text_input", "password").input("a long new passphrase")
    _edit(at, "text_input", "again").input("a long new passphrase")
    at = _save(at)
    assert not at.error, _errors(at)
    assert auth.verify_password("a long new passphrase", _account(url, "交通窗口").password_hash)
    assert "已重設密碼" in at.success[0].value
    assert _history_text(at).index("已重設密碼") < _history_text(at).index("第 1 版")


def test_a_stale_save_is_refused_keeps_what_was_typed_and_can_start_again(url):
    at = _chosen(_open("祕書甲"), "交通窗口")  # the form is drawn from version 1
    with Session(make_engine(url)) as s:  # meanwhile, at the command line
        accounts.change(s, actor=OPERATOR, name="交通窗口", groups=("culture",), reason="改派文化組")
    _edit(at, "multiselect", "groups").set_value(["transport", "education"])
    at = _save(at)
    assert "已由命令列操作者更新為第 2 版（您的修改依據第 1 版）" in _errors(at)
    assert _account_groups(url) == ["culture"]
    assert _edit(at, "multiselect", "groups").value == ["transport", "education"]
    next(b for b in at.button if b.label.startswith("放棄我的修改")).click()
    at = at.run()
    assert _edit(at, "multiselect", "groups").value == ["culture"]  # drawn afresh from version 2
    assert not at.error


def _account_groups(url: str) -> list[str]:
    with Session(make_engine(url)) as s:
        return sorted(accounts.actor_for(s, "交通窗口").groups)


def test_a_new_account_with_a_weak_password_is_refused_and_the_form_keeps_its_values(url):
    at = _add(_open("祕書甲"), "環境窗口", groups=("environment",), password="12345678")
    assert "新增帳號「環境窗口」" in _errors(at) and "太常見" in _errors(at)
    assert _account(url, "環境窗口") is None
    assert _form(at, "text_input", "name").value == "環境窗口"
    assert _form(at, "multiselect", "groups").value == ["environment"]
    at = _add(at, "環境窗口", groups=("environment",), password="環境窗口")
    assert "至少須 8 個字" in _errors(at)


def test_the_sidebar_says_who_is_signed_in_and_signs_out(url):
    at = _open("交通窗口")
    assert any("議題組窗口：交通窗口" in m.value and "交通運輸組" in m.value for m in at.sidebar.success)
    assert any(link.label == "變更密碼" for link in at.sidebar.get("page_link"))
    next(b for b in at.sidebar.button if b.label == "登出").click()
    at = at.run()
    assert auth_form.SESSION_KEY not in at.session_state
    assert not any(b.label == "登出" for b in at.sidebar.button)


def test_the_sidebar_shows_a_name_with_markdown_as_typed(url):
    from tests.storetools import add_account

    name = "**王**_[連結](http://example.com)_"
    add_account(make_engine(url), name, vocab.LEAD, "transport")
    at = _open(name)
    shown = [m for m in at.sidebar.success if "議題組窗口" in m.value]
    assert shown, "the sidebar names who is signed in"
    # Escaped markdown: the name's characters come back as typed, nothing is bold or a link.
    assert "\\*\\*王\\*\\*" in shown[0].value and "\\[連結\\]" in shown[0].value


def test_the_presenter_view_has_no_sidebar_account(url):
    from streamlit.testing.v1 import AppTest as App

    from tests.pagetest import APP

    at = App.from_file(APP, default_timeout=60)
    at.session_state[auth_form.SESSION_KEY] = "祕書甲"
    at.query_params["present"] = "1"
    at.switch_page("../pages/meeting.py")
    at = at.run()
    assert not any(b.label == "登出" for b in at.sidebar.button)
    assert not at.sidebar.success
    assert any(b.label == "登出" for b in at.main.button)  # in the presenter's own 祕書處 panel


# --- 變更密碼: one's own password ------------------------------------------------------------------


def _change_own(at: AppTest, old: str, new: str, again: str | None = None) -> AppTest:
    at.text_input(key="password-old-0").input(old)
    at.text_input(key="password-new-0").input(new)
    at.text_input(key="password-again-0").input(new if again is None else again)
    next(b for b in at.button if b.label == "變更密碼").click()
    return at.run()


def test_a_lead_changes_their_own_password_knowing_the_old_one(url):
    at = _change_own(open_as("交通窗口", "password"), "correct horse", "my own new phrase")
    assert not at.exception and not at.error, _errors(at)
    assert "密碼已變更" in at.success[0].value
    assert auth.verify_password("my own new phrase", _account(url, "交通窗口").password_hash)
    latest = _history(url, "交通窗口")[0]
    assert latest.recorded_by == "交通窗口" and latest.changes == [accounts.PASSWORD_SET]
    assert at.session_state[auth_form.SESSION_KEY] == "交通窗口"  # this tab stays signed in


@pytest.mark.parametrize(
    "old, new, again, message",
    [
        ("wrong old one", "my own new phrase", None, "目前的密碼不正確"),
        ("correct horse", "交通窗口", None, "至少須 8 個字"),
        ("correct horse", "iloveyou", None, "太常見"),
        ("correct horse", "my own new phrase", "another phrase", "不一致"),
    ],
)
def test_a_wrong_old_password_or_a_weak_new_one_changes_nothing(url, old, new, again, message):
    at = _change_own(open_as("交通窗口", "password"), old, new, again)
    assert message in _errors(at)
    assert auth.verify_password("correct horse", _account(url, "交通窗口").password_hash)
    assert at.text_input(key="password-new-0").value == new  # kept for another try


def test_a_reader_is_asked_to_sign_in_to_change_a_password(url):
    at = open_as(None, "password")
    assert any("請先" in i.value for i in at.info) and not any(b.label == "變更密碼" for b in at.button)
