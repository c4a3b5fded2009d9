"""A page run reads the store's version and who is signed in once (pages/shared/run_context.py),
and everything else from caches per store version: a warm run of a page sends at most one SQL
statement for a reader and at most three for a signed-in group lead or secretariat (the version,
their sign-in session with their account, and once a minute the session's last use), counted on
the app's engine while AppTest runs the page."""

import time
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard.domain import accounts
from dashboard.web import sessions
from pages.shared import auth_form, cached, run_context
from tests import databases
from tests.pagetest import APP, LEAD, SECRETARIAT, serving, store_with_accounts

READER_LIMIT, SIGNED_IN_LIMIT = 1, 3
PAGES = [
    ("home", {}),
    ("proposals", {}),
    ("groups", {"group": "transport"}),
    ("card", {"id": "112-J02"}),
    ("map", {}),
    ("meeting", {}),
    ("meeting", {"present": "1", "item": "112-J02"}),
    ("mine", {}),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    url = store_with_accounts(tmp_path_factory.mktemp("run-queries") / "build.db")
    with serving(url):
        yield cached.engine()
    databases.drop(url)


@contextmanager
def statements(engine):
    """The SQL statements the engine sends inside the block."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def signed_in_tab(engine, user: str | None) -> AppTest:
    """A tab where `user` signed in with their password (a session token, as the form leaves it)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        with Session(engine) as s:
            hashed = accounts.password_hashes(s)[user]
        at.session_state[auth_form.SESSION_KEY] = user
        at.session_state[auth_form.TOKEN_KEY] = sessions.issue(engine, user, hashed)
    return at


@pytest.mark.parametrize("user", [None, LEAD, SECRETARIAT], ids=["reader", "lead", "secretariat"])
@pytest.mark.parametrize(("page", "params"), PAGES, ids=[f"{p}{'-' + '-'.join(q) if q else ''}" for p, q in PAGES])
def test_a_warm_page_run_reads_the_store_once_and_who_is_signed_in_once(store, user, page, params):
    at = signed_in_tab(store, user)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"../pages/{page}.py")
    at.run()  # fills the caches of this store version
    with statements(store) as sent:
        at.run()
    assert not at.exception
    if user:  # the run resolved the session (an ended one is taken out of the tab's state)
        assert at.session_state[auth_form.SESSION_KEY] == user and auth_form.TOKEN_KEY in at.session_state
    limit = SIGNED_IN_LIMIT if user else READER_LIMIT
    assert 1 <= len(sent) <= limit, "\n".join(sent)
    assert run_context.KEY not in at.session_state, "a callback of the next run must not find this run's context"


def test_a_run_that_records_the_sessions_use_stays_within_three(store, monkeypatch):
    at = signed_in_tab(store, LEAD)
    at.query_params["id"] = "112-J02"
    at.switch_page("../pages/card.py")
    at.run()
    later = time.time() + sessions.TOUCH_EVERY + 1
    monkeypatch.setattr(auth_form, "SESSION_CLOCK", lambda: later)
    with statements(store) as sent:
        at.run()
    assert not at.exception and any(LEAD in m.value for m in at.sidebar.success)
    assert any(s.lstrip().upper().startswith("UPDATE") for s in sent), "the session's use was recorded"
    assert len(sent) <= SIGNED_IN_LIMIT, "\n".join(sent)
