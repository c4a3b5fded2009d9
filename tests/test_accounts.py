"""Accounts in the store: the secretariat adds, lists and disables them; bad data is refused
with a message naming what is wrong; disabled accounts cannot act."""

import pytest
from sqlmodel import Session

from dashboard.datafiles import build
from dashboard.domain import accounts, vocab
from dashboard.domain.permissions import OPERATOR, READER, Actor, PermissionDenied
from dashboard.web import auth


@pytest.fixture
def s(fresh_engine):
    build.load(fresh_engine)
    with Session(fresh_engine) as session:
        yield session


HASH = auth.hash_password("correct horse", rounds=4)


def test_a_lead_account_is_added_with_its_groups_by_id_or_name(s):
    accounts.add(
        s, actor=OPERATOR, name="交通窗口", role=vocab.LEAD, groups=("transport", "教育組"), password_hash=HASH
    )
    actor = accounts.actor_for(s, "交通窗口")
    assert actor == Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport", "education"}))
    assert accounts.password_hashes(s) == {"交通窗口": HASH}
    [view] = accounts.listing(s)
    assert (view.role, view.groups, view.disabled, view.has_password) == (
        vocab.LEAD,
        ("education", "transport"),
        False,
        True,
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(name=" ", role=vocab.LEAD, groups=("transport",)), "帳號名稱不可空白"),
        (dict(name="a\x00b", role=vocab.LEAD, groups=("transport",)), "不含控制字元"),
        (dict(name="x", role="admin", groups=()), "角色「admin」不存在"),
        (dict(name="x", role=vocab.LEAD, groups=()), "須指定至少一個議題組"),
        (dict(name="x", role=vocab.LEAD, groups=("nowhere",)), "找不到議題組「nowhere」"),
        (dict(name="x", role=vocab.SECRETARIAT, groups=("transport",)), "不需指定議題組"),
        (dict(name="x", role=vocab.SECRETARIAT, email="not-an-address"), "格式不正確"),
        (dict(name="x", role=vocab.SECRETARIAT, password_hash=None), "須有密碼或 OIDC 電子郵件"),
    ],
)
def test_bad_account_data_is_refused_and_nothing_is_written(s, kwargs, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.add(s, actor=OPERATOR, **{"password_hash": HASH, **kwargs})
    assert accounts.listing(s) == []


def test_names_and_emails_are_unique(s):
    accounts.add(s, actor=OPERATOR, name="祕書甲", role=vocab.SECRETARIAT, email="a@example.org")
    with pytest.raises(accounts.AccountError, match="已存在"):
        accounts.add(s, actor=OPERATOR, name="祕書甲", role=vocab.SECRETARIAT, password_hash=HASH)
    with pytest.raises(accounts.AccountError, match="已用於其他帳號"):
        accounts.add(s, actor=OPERATOR, name="祕書乙", role=vocab.SECRETARIAT, email="A@Example.org")


def test_an_oidc_email_maps_to_its_enabled_account(s):
    accounts.add(s, actor=OPERATOR, name="祕書甲", role=vocab.SECRETARIAT, email="Clerk@Example.org")
    assert accounts.actor_for_email(s, " clerk@example.org ").name == "祕書甲"
    assert accounts.actor_for_email(s, "someone@example.org") is None
    accounts.set_disabled(s, actor=OPERATOR, name="祕書甲")
    assert accounts.actor_for_email(s, "clerk@example.org") is None


def test_a_disabled_account_cannot_act_or_sign_in(s):
    accounts.add(s, actor=OPERATOR, name="交通窗口", role=vocab.LEAD, groups=("transport",), password_hash=HASH)
    accounts.set_disabled(s, actor=OPERATOR, name="交通窗口")
    with pytest.raises(accounts.AccountError, match="已停用"):
        accounts.actor_for(s, "交通窗口")
    assert accounts.password_hashes(s) == {}
    assert accounts.listing(s)[0].disabled


@pytest.mark.parametrize("actor", [READER, Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))])
def test_only_the_secretariat_manages_accounts(s, actor):
    with pytest.raises(PermissionDenied, match="只有祕書處可以管理帳號"):
        accounts.add(s, actor=actor, name="x", role=vocab.SECRETARIAT, password_hash=HASH)
    accounts.add(s, actor=OPERATOR, name="y", role=vocab.SECRETARIAT, password_hash=HASH)
    for write in (
        lambda: accounts.set_disabled(s, actor=actor, name="y"),
        lambda: accounts.set_password(s, actor=actor, name="y", password_hash=HASH),
    ):
        with pytest.raises(PermissionDenied):
            write()
    assert not accounts.listing(s)[0].disabled


def test_unknown_accounts_are_named(s):
    with pytest.raises(accounts.AccountError, match="找不到帳號「nobody」"):
        accounts.actor_for(s, "nobody")
