"""Changing accounts: role, a lead's groups, enabled, the last day, a new password; each change a
version (who, when, old -> new, why, never a hash); a change based on an older version is refused;
an account whose last day has passed (Taipei time) acts no more and its sessions end."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from dashboard.datafiles import build
from dashboard.domain import accounts, dates, vocab
from dashboard.domain.permissions import OPERATOR, Actor, PermissionDenied
from dashboard.store import schema
from dashboard.store.db import make_engine
from dashboard.web import auth, sessions
from tests import databases
from tests.test_races import together

HASH = auth.hash_password("correct horse", rounds=4)
CLERK = Actor(name="祕書甲", role=vocab.SECRETARIAT)


@pytest.fixture
def s(fresh_engine):
    build.load(fresh_engine)
    with Session(fresh_engine) as session:
        accounts.add(session, actor=OPERATOR, name="祕書甲", role=vocab.SECRETARIAT, password_hash=HASH)
        accounts.add(
            session, actor=OPERATOR, name="交通窗口", role=vocab.LEAD, groups=("transport",), password_hash=HASH
        )
        yield session


def view(s, name: str) -> accounts.AccountView:
    return next(v for v in accounts.listing(s) if v.name == name)


def versions(s, name: str) -> list:
    return [(v.version, v.recorded_by, v.changes, v.reason) for v in accounts.history(s, name)]


def test_adding_an_account_is_its_first_version(s):
    [(number, by, changes, reason)] = versions(s, "交通窗口")
    assert (number, by, reason) == (1, "命令列操作者", None)
    assert {c["field"]: c["new"] for c in changes} == {"role": "lead", "groups": ["transport"], "password": None}


def test_a_leads_groups_change_as_a_new_version_with_old_and_new(s):
    version = accounts.change(
        s, actor=CLERK, name="交通窗口", groups=("transport", "教育組"), base_version=1, reason="兼辦教育"
    )
    assert (version.version, version.recorded_by, version.reason) == (2, "祕書甲", "兼辦教育")
    assert version.changes == [{"field": "groups", "old": ["transport"], "new": ["education", "transport"]}]
    assert accounts.actor_for(s, "交通窗口").groups == {"transport", "education"}
    names = {"transport": "交通運輸組", "education": "教育組"}
    assert accounts.describe(version.changes[0], names) == "議題組：交通運輸組 → 教育組、交通運輸組"


def test_role_enabled_and_until_change_and_nothing_changed_is_no_version(s):
    accounts.change(s, actor=CLERK, name="交通窗口", role=vocab.SECRETARIAT)
    assert accounts.actor_for(s, "交通窗口") == Actor(name="交通窗口", role=vocab.SECRETARIAT)  # groups dropped
    with pytest.raises(accounts.AccountError, match="須指定至少一個議題組"):
        accounts.change(s, actor=CLERK, name="交通窗口", role=vocab.LEAD)
    accounts.change(s, actor=CLERK, name="交通窗口", role=vocab.LEAD, groups=["環境資源組"])
    accounts.change(s, actor=CLERK, name="交通窗口", disabled=True)
    accounts.change(s, actor=CLERK, name="交通窗口", disabled=False, until=date(2030, 1, 31))
    assert accounts.change(s, actor=CLERK, name="交通窗口", disabled=False, until=date(2030, 1, 31)) is None
    latest = accounts.history(s, "交通窗口")[0]
    assert latest.version == 5
    assert [accounts.describe(c, {}) for c in latest.changes] == [
        "狀態：停用 → 啟用",
        "使用期限：（不限） → 119年1月31日",
    ]
    assert view(s, "交通窗口").until == date(2030, 1, 31)


def test_a_new_password_is_recorded_without_any_hash(s):
    new = auth.hash_password("another good phrase", rounds=4)
    version = accounts.change(s, actor=CLERK, name="交通窗口", password_hash=new)
    assert version.changes == [{"field": "password", "old": None, "new": None}]
    assert accounts.describe(version.changes[0], {}) == "已重設密碼"
    assert accounts.password_hashes(s)["交通窗口"] == new
    assert "$2" not in repr([v.changes for v in accounts.history(s, "交通窗口")])


def test_anyone_changes_their_own_password_and_only_the_secretariat_anything_else(s):
    lead = accounts.actor_for(s, "交通窗口")
    accounts.change(s, actor=lead, name="交通窗口", password_hash=auth.hash_password("my own new one", rounds=4))
    assert accounts.history(s, "交通窗口")[0].recorded_by == "交通窗口"
    for kwargs in (
        dict(name="祕書甲", password_hash=HASH),  # someone else's password
        dict(name="交通窗口", groups=("education",)),  # their own groups
        dict(name="交通窗口", password_hash=HASH, disabled=True),
    ):
        with pytest.raises(PermissionDenied, match="只有祕書處可以管理帳號"):
            accounts.change(s, actor=lead, **kwargs)
    assert accounts.current_version(s, "交通窗口") == 2


def test_nobody_disables_ends_or_demotes_the_account_they_act_as(s):
    for kwargs, message in (
        (dict(disabled=True), "不能停用自己"),
        (dict(role=vocab.LEAD, groups=("transport",)), "不能變更自己"),
        (dict(until=date(2020, 1, 1)), "不能讓自己正在使用的帳號立即結束"),
    ):
        with pytest.raises(accounts.AccountError, match=message):
            accounts.change(s, actor=CLERK, name="祕書甲", **kwargs)
    today = dates.now_taipei().date()
    accounts.change(s, actor=CLERK, name="祕書甲", until=today)  # the hand-over: the last day is today
    assert accounts.actor_for(s, "祕書甲").is_secretariat


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(name="無此人", disabled=True), accounts.UnknownName, "找不到帳號「無此人」"),
        (dict(name="交通窗口", groups=("水利組",)), accounts.UnknownName, "找不到議題組「水利組」"),
        (dict(name="交通窗口", role="admin"), accounts.AccountError, "角色「admin」不存在"),
        (dict(name="交通窗口", until="2024-01-31"), accounts.AccountError, "使用期限應為日期"),
        (dict(name="交通窗口", disabled=True, reason="x" * 501), accounts.AccountError, "500 字以內"),
        (dict(name="交通窗口", disabled=True, base_version=0), accounts.StaleAccountEdit, "第 1 版"),
    ],
)
def test_bad_changes_are_refused_and_nothing_is_written(s, kwargs, error, message):
    before = (accounts.listing(s), versions(s, "交通窗口"))
    with pytest.raises(error, match=message):
        accounts.change(s, actor=CLERK, **kwargs)
    assert (accounts.listing(s), versions(s, "交通窗口")) == before


def test_a_change_based_on_an_older_version_is_refused_naming_who_saved_since(s):
    accounts.change(s, actor=OPERATOR, name="交通窗口", groups=("education",), base_version=1)
    with pytest.raises(accounts.StaleAccountEdit) as refused:
        accounts.change(s, actor=CLERK, name="交通窗口", disabled=True, base_version=1)
    assert refused.value.current == 2
    assert "已由命令列操作者更新為第 2 版（您的修改依據第 1 版）" in str(refused.value)
    assert not view(s, "交通窗口").disabled


# --- the last day, in Taipei time ------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment, has_ended",
    [
        (datetime(2024, 1, 31, 15, 59, 59, tzinfo=UTC), False),  # 23:59:59 on the 31st in Taipei
        (datetime(2024, 1, 31, 16, 0, 0, tzinfo=UTC), True),  # 00:00 on 1 February in Taipei
        (datetime(2024, 1, 30, 16, 0, 0, tzinfo=UTC), False),  # the whole last day counts
        (datetime(2024, 1, 31, 23, 0, 0), True),  # a naive time is UTC: already 1 February in Taipei
    ],
)
def test_an_account_ends_at_midnight_taipei_time_after_its_last_day(moment, has_ended):
    assert accounts.ended(date(2024, 1, 31), moment) is has_ended
    assert accounts.ended(None, moment) is False


def test_an_ended_account_no_longer_acts_or_signs_in_and_its_sessions_end(fresh_engine):
    schema.upgrade(fresh_engine)
    clock = time.time
    with Session(fresh_engine) as s:
        accounts.add(s, actor=OPERATOR, name="卸任祕書", role=vocab.SECRETARIAT, password_hash=HASH, email="o@x.org")
        token = sessions.issue(fresh_engine, "卸任祕書", HASH, clock=clock)
        assert sessions.holder(fresh_engine, token, {}, clock=clock).account.actor.is_secretariat
        yesterday = dates.now_taipei().date() - timedelta(days=1)
        accounts.change(s, actor=OPERATOR, name="卸任祕書", until=yesterday, reason="主席城市交接")
        assert accounts.password_hashes(s) == {} and accounts.password_hash_of(s, "卸任祕書") is None
        assert accounts.actor_for_email(s, "o@x.org") is None
        with pytest.raises(accounts.AccountError, match="已結束"):
            accounts.actor_for(s, "卸任祕書")
        with fresh_engine.connect() as connection:
            assert accounts.standing(connection, "卸任祕書").actor is None
        assert sessions.holder(fresh_engine, token, {}, clock=clock) is None
        accounts.change(s, actor=OPERATOR, name="卸任祕書", until=None)
        assert accounts.actor_for(s, "卸任祕書").is_secretariat
        assert sessions.holder(fresh_engine, token, {}, clock=clock) is None, "ended for good: sign in again"


def test_a_new_password_ends_the_accounts_other_sessions(fresh_engine):
    schema.upgrade(fresh_engine)
    clock = time.time
    with Session(fresh_engine) as s:
        accounts.add(s, actor=OPERATOR, name="交通窗口", role=vocab.SECRETARIAT, password_hash=HASH)
        phone, laptop = (sessions.issue(fresh_engine, "交通窗口", HASH, clock=clock) for _ in range(2))
        new = auth.hash_password("a brand new phrase", rounds=4)
        accounts.change(s, actor=accounts.actor_for(s, "交通窗口"), name="交通窗口", password_hash=new)
        assert sessions.holder(fresh_engine, phone, {}, clock=clock) is None
        assert sessions.holder(fresh_engine, laptop, {}, clock=clock) is None
        renewed = sessions.issue(fresh_engine, "交通窗口", new, clock=clock)  # the changing tab's new session
        assert sessions.holder(fresh_engine, renewed, {}, clock=clock).name == "交通窗口"


# --- two saves at one instant ----------------------------------------------------------------------


def test_two_saves_on_one_version_of_an_account_one_wins_the_other_is_told(tmp_path):
    with databases.database(tmp_path / "shared.db", loaded=True) as url:
        engine = make_engine(url)
        with Session(engine) as s:
            accounts.add(s, actor=OPERATOR, name="交通窗口", role=vocab.LEAD, groups=("transport",), password_hash=HASH)
        try:
            for _trial in range(10):
                with Session(engine) as s:
                    base = accounts.current_version(s, "交通窗口")
                    now = set(accounts.actor_for(s, "交通窗口").groups)
                first, second = [(g,) for g in ("education", "culture", "environment") if g not in now][:2]

                def save(actor, groups):
                    def job(go):
                        with Session(engine) as s:
                            accounts.listing(s)  # the form was drawn before the save, as the page does
                            go()
                            return accounts.change(s, actor=actor, name="交通窗口", groups=groups, base_version=base)

                    return job

                results = together(save(CLERK, first), save(Actor(name="祕書乙", role=vocab.SECRETARIAT), second))
                won = [r for r in results if not isinstance(r, Exception)]
                lost = [r for r in results if isinstance(r, Exception)]
                assert len(won) == 1 and len(lost) == 1, results
                assert isinstance(lost[0], accounts.StaleAccountEdit), lost[0]
                with Session(engine) as s:
                    assert accounts.current_version(s, "交通窗口") == base + 1
                    assert set(accounts.actor_for(s, "交通窗口").groups) == set(won[0].changes[0]["new"])
        finally:
            engine.dispose()
