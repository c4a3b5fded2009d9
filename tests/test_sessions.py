"""Session tokens of password sign-ins (dashboard/web/sessions.py): a token signs in its account until it
idles out, reaches its maximum age, is revoked, or its account is disabled or gets a new password;
a token that was altered, or only its stored hash, signs nobody in."""

import pytest
from sqlalchemy import select
from sqlmodel import Session

from dashboard.domain import accounts, vocab
from dashboard.domain.permissions import OPERATOR
from dashboard.store import schema
from dashboard.store.models import SignInSession
from dashboard.web import auth, sessions


class Clock:
    now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine(fresh_engine):
    schema.upgrade(fresh_engine)
    return fresh_engine


@pytest.fixture
def clock():
    return Clock()


HASH = auth.hash_password("rehearsal pass", rounds=4)
USERS = {"祕書甲": HASH}


def test_a_token_signs_in_its_account_and_the_store_keeps_only_its_hash(engine, clock):
    token = sessions.issue(engine, "祕書甲", HASH, clock=clock)
    assert sessions.resolve(engine, token, USERS, clock=clock) == "祕書甲"
    with Session(engine) as s:
        stored = s.exec(select(SignInSession)).scalars().all()
    assert len(stored) == 1 and token not in (stored[0].token_hash, stored[0].credential)
    assert len(token) >= 43  # 32 random bytes, URL-safe base64


def test_each_sign_in_gets_its_own_token(engine, clock):
    first, second = (sessions.issue(engine, "祕書甲", HASH, clock=clock) for _ in range(2))
    assert first != second
    sessions.revoke(engine, first)
    assert sessions.resolve(engine, first, USERS, clock=clock) is None
    assert sessions.resolve(engine, second, USERS, clock=clock) == "祕書甲"  # another browser stays signed in


@pytest.mark.parametrize(
    "tampered",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t + "x",
        lambda t: t[:20],
        lambda t: "",
        lambda t: None,
        lambda t: "x" * 10_000,
    ],
)
def test_an_altered_or_missing_token_signs_nobody_in(engine, clock, tampered):
    token = sessions.issue(engine, "祕書甲", HASH, clock=clock)
    assert sessions.resolve(engine, tampered(token), USERS, clock=clock) is None
    assert sessions.resolve(engine, token, USERS, clock=clock) == "祕書甲"  # and does not end the real one


def test_the_stored_hash_is_not_a_token(engine, clock):
    sessions.issue(engine, "祕書甲", HASH, clock=clock)
    with Session(engine) as s:
        stored = s.exec(select(SignInSession.token_hash)).scalars().one()
    assert sessions.resolve(engine, stored, USERS, clock=clock) is None  # a copy of the table signs nobody in


def test_a_token_idle_for_longer_than_the_limit_ends(engine, clock):
    token = sessions.issue(engine, "祕書甲", HASH, clock=clock)
    clock.now += sessions.IDLE - 60
    assert sessions.resolve(engine, token, USERS, clock=clock) == "祕書甲"  # use keeps it alive
    clock.now += sessions.IDLE - 60
    assert sessions.resolve(engine, token, USERS, clock=clock) == "祕書甲"
    clock.now += sessions.IDLE + 1
    assert sessions.resolve(engine, token, USERS, clock=clock) is None
    clock.now -= sessions.IDLE  # an ended session stays ended (its row is gone), whatever the clock says
    assert sessions.resolve(engine, token, USERS, clock=clock) is None


def test_a_token_in_use_still_ends_at_its_maximum_age(engine, clock):
    token = sessions.issue(engine, "祕書甲", HASH, clock=clock)
    start = clock.now
    while clock.now + sessions.IDLE / 2 < start + sessions.MAX_AGE:
        clock.now += sessions.IDLE / 2
        assert sessions.resolve(engine, token, USERS, clock=clock) == "祕書甲"
    clock.now = start + sessions.MAX_AGE + 1
    assert sessions.resolve(engine, token, USERS, clock=clock) is None


def test_revoking_ends_the_token_and_unknown_tokens_are_ignored(engine, clock):
    token = sessions.issue(engine, "祕書甲", HASH, clock=clock)
    sessions.revoke(engine, "not-a-token")
    sessions.revoke(engine, None)
    assert sessions.resolve(engine, token, USERS, clock=clock) == "祕書甲"
    sessions.revoke(engine, token)
    assert sessions.resolve(engine, token, USERS, clock=clock) is None


def test_a_new_password_or_a_removed_user_ends_the_token(engine, clock):
    token = sessions.issue(engine, "祕書甲", HASH, clock=clock)
    assert sessions.resolve(engine, token, {"祕書甲": auth.hash_password("new pass", rounds=4)}, clock=clock) is None
    token = sessions.issue(engine, "祕書甲", HASH, clock=clock)
    assert sessions.resolve(engine, token, {}, clock=clock) is None
    assert sessions.resolve(engine, token, USERS, clock=clock) is None  # ended for good


def test_expired_sessions_are_pruned_when_someone_signs_in(engine, clock):
    old = sessions.issue(engine, "祕書甲", HASH, clock=clock)
    clock.now += sessions.IDLE + 1
    sessions.issue(engine, "祕書甲", HASH, clock=clock)
    with Session(engine) as s:
        assert len(s.exec(select(SignInSession)).all()) == 1
    assert sessions.resolve(engine, old, USERS, clock=clock) is None


def test_disabling_an_account_or_changing_its_password_in_the_store_ends_its_sessions(writable_engine, clock):
    schema.upgrade(writable_engine)
    with Session(writable_engine) as s:
        accounts.add(s, actor=OPERATOR, name="窗口甲", role=vocab.SECRETARIAT, password_hash=HASH)
        accounts.add(s, actor=OPERATOR, name="窗口乙", role=vocab.SECRETARIAT, password_hash=HASH)
        users = lambda: accounts.password_hashes(s)  # noqa: E731 - what the page passes on each run
        first = sessions.issue(writable_engine, "窗口甲", HASH, clock=clock)
        second = sessions.issue(writable_engine, "窗口乙", HASH, clock=clock)
        assert sessions.resolve(writable_engine, first, users(), clock=clock) == "窗口甲"
        accounts.set_disabled(s, actor=OPERATOR, name="窗口甲")
        accounts.set_password(s, actor=OPERATOR, name="窗口乙", password_hash=auth.hash_password("new pass", rounds=4))
        assert sessions.resolve(writable_engine, first, users(), clock=clock) is None
        assert sessions.resolve(writable_engine, second, users(), clock=clock) is None
        accounts.set_disabled(s, actor=OPERATOR, name="窗口甲", disabled=False)
        assert sessions.resolve(writable_engine, first, users(), clock=clock) is None  # re-enabling needs a new sign-in


def test_a_page_run_reads_the_token_with_its_account_and_groups_in_one_go(writable_engine, clock):
    """holder(): what resolve() says, with the store's account as it is now (role, groups), so that
    a page run learns who is signed in from one statement; a secrets.toml user has no account."""
    schema.upgrade(writable_engine)
    with Session(writable_engine) as s:
        accounts.add(s, actor=OPERATOR, name="交通窗口", role=vocab.LEAD, groups=("transport",), password_hash=HASH)
        lead = sessions.issue(writable_engine, "交通窗口", HASH, clock=clock)
        held = sessions.holder(writable_engine, lead, {}, clock=clock)
        assert held.name == "交通窗口" and held.account.actor.groups == {"transport"}
        assert held.account.actor.role == vocab.LEAD
        from_file = sessions.issue(writable_engine, "祕書甲", HASH, clock=clock)
        assert sessions.holder(writable_engine, from_file, USERS, clock=clock) == sessions.Holder("祕書甲", None)
        accounts.set_password(s, actor=OPERATOR, name="交通窗口", password_hash=auth.hash_password("new", rounds=4))
        assert sessions.holder(writable_engine, lead, {}, clock=clock) is None
        assert sessions.resolve(writable_engine, lead, {"交通窗口": HASH}, clock=clock) is None, "ended for good"
