"""帳號管理 through AppTest: the secretariat lists, adds (password hashed) and disables accounts;
a lead and a reader cannot manage accounts."""

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard.domain import vocab
from dashboard.store.db import make_engine
from dashboard.store.models import Account
from dashboard.web import auth
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


def test_the_secretariat_disables_and_enables_an_account_but_not_their_own(url):
    at = _open("祕書甲")
    at.selectbox(key="accounts-which").set_value("交通窗口")
    next(b for b in at.button if b.label == "停用").click()
    at = at.run()
    assert _account(url, "交通窗口").disabled and "停用" in at.success[0].value
    at.selectbox(key="accounts-which").set_value("交通窗口")
    next(b for b in at.button if b.label == "重新啟用").click()
    at = at.run()
    assert not _account(url, "交通窗口").disabled
    at.selectbox(key="accounts-which").set_value("祕書甲")
    next(b for b in at.button if b.label == "停用").click()
    at = at.run()
    assert "不能停用自己" in at.error[0].value and not _account(url, "祕書甲").disabled
