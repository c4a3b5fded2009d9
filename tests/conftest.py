"""Shared fixtures: stores built from data/, and a scratch copy of data/ to break.

Stores are SQLite unless TEST_DATABASE_URL names a PostgreSQL server (see tests/databases.py).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from dashboard.store.config import DATA_DIR
from dashboard.store.db import make_engine
from tests import databases
from tests.rendering import printed  # noqa: F401  (the documents LibreOffice prints, once a session)

ROOT = Path(__file__).resolve().parent.parent


# The fixtures that hand a test a store on the engine under test (PostgreSQL when TEST_DATABASE_URL
# is set); `cli_url` is SQLite when the test also asks for `store_file`.
ENGINE_FIXTURES = frozenset(
    {"loaded_engine", "fresh_engine", "writable_engine", "db_url", "store_url", "accounts_url", "cli_url"}
)
# A module that makes databases itself (tests/databases.py) is taken to depend on the engine throughout.
MAKES_DATABASES = re.compile(r"\bdatabases\.|\bon_postgres\b|TEST_DATABASE_URL")


def depends_on_engine(item, makes_databases: dict[Path, bool]) -> bool:
    """Whether a test touches a store on the engine under test: through a fixture that makes one
    (pytest's closure of the test's fixtures), or anywhere in a module that makes databases itself.
    Browser tests and LibreOffice prints do not, unless marked `postgres`."""
    if item.get_closest_marker("postgres"):
        return True
    if item.get_closest_marker("browser") or item.get_closest_marker("render"):
        return False
    if item.path not in makes_databases:
        makes_databases[item.path] = bool(MAKES_DATABASES.search(item.path.read_text(encoding="utf-8")))
    if makes_databases[item.path]:
        return True
    names = set(item.fixturenames)
    if names & (ENGINE_FIXTURES - {"cli_url"}):
        return True
    return "cli_url" in names and "store_file" not in names


def pytest_collection_modifyitems(config, items):
    """ENGINE_TESTS_ONLY=1 (CI's PostgreSQL pass) runs only what depends on the database engine:
    the SQLite pass has run everything, and a test that never touches a store on the engine under
    test (browser tests, LibreOffice prints, pure functions, SQLite-only CLI stores) would only run
    the same code again. The closing line counts the others as deselected."""
    if os.environ.get("ENGINE_TESTS_ONLY") != "1":
        return
    seen: dict[Path, bool] = {}
    independent = [item for item in items if not depends_on_engine(item, seen)]
    if independent:
        left_out = set(map(id, independent))
        items[:] = [item for item in items if id(item) not in left_out]
        config.hook.pytest_deselected(items=independent)


@pytest.fixture(autouse=True, scope="session")
def _page_errors_show_in_tests():
    """The shipped config shows viewers a friendly note instead of an error (dashboard/app.py);
    tests need the error itself, so that `at.exception` catches a crashing page."""
    from streamlit import config as st_config

    st_config.get_option("client.showErrorDetails")  # parse config.toml first, so it cannot override
    st_config.set_option("client.showErrorDetails", "full")


def _memory_engine():
    return create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)


def _loaded_memory_engine():
    """An in-memory store built from data/: a copy of the loaded template (tests/databases.py)."""
    engine = _memory_engine()
    connection = engine.raw_connection()  # StaticPool: the one connection every session of it uses
    try:
        databases.copy_loaded_into(connection.driver_connection)
    finally:
        connection.close()
    return engine


@pytest.fixture(scope="session")
def loaded_engine(tmp_path_factory):
    """One store for read-only tests; tests must not write to it."""
    if not databases.on_postgres():
        yield _loaded_memory_engine()
        return
    with databases.database(tmp_path_factory.mktemp("loaded") / "loaded.db", loaded=True) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def session(loaded_engine):
    with Session(loaded_engine) as s:
        yield s


@pytest.fixture
def fresh_engine(tmp_path):
    """An empty database for tests that write."""
    if not databases.on_postgres():
        yield _memory_engine()
        return
    with databases.database(tmp_path / "fresh.db") as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def writable_engine(tmp_path):
    """A store built from data/ that the test may write to (on PostgreSQL, a copy of a loaded template)."""
    if not databases.on_postgres():
        yield _loaded_memory_engine()
        return
    with databases.database(tmp_path / "writable.db", loaded=True) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A scratch copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    """Point DATABASE_URL at a new, empty database for app and CLI tests."""
    with databases.database(tmp_path / "test.db") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url


APP = ROOT / "dashboard" / "app.py"


@pytest.fixture
def app(db_url):
    """An AppTest of the entrypoint on a fresh, empty store; call .run() (or switch_page first)."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(APP), default_timeout=30)


@pytest.fixture(scope="module")
def store_url(request, tmp_path_factory):
    """A store in a file shared by one test module, with that module's DECISIONS recorded."""
    from tests.pagetest import build_store, serving

    url = build_store(tmp_path_factory.mktemp("store") / "build.db", getattr(request.module, "DECISIONS", ()))
    with serving(url):
        yield url
    databases.drop(url)


@pytest.fixture
def accounts_url(tmp_path):
    """A store of its own (the test writes) with pagetest's LEAD and SECRETARIAT accounts, served."""
    from tests.pagetest import serving, store_with_accounts

    url = store_with_accounts(tmp_path / "build.db")
    with serving(url):
        yield url
    databases.drop(url)


@pytest.fixture
def cities(session):
    from dashboard.domain import queries

    return queries.cities(session)


@pytest.fixture
def mutual_aid(session):
    from dashboard.domain import queries

    return queries.mutual_aid_frame(session)


@pytest.fixture
def training(session):
    """Social-worker training: one row per (home city → host city)."""
    from dashboard.domain import queries

    return queries.social_worker_training_frame(session)


@pytest.fixture
def info(session):
    """The meeting in the store built from data/."""
    from dashboard.domain import meeting

    return meeting.meeting_info(session)


@pytest.fixture
def sections(session):
    """The meeting's decision list, in sections."""
    from dashboard.domain import meeting

    return meeting.decision_sections(session)


# The store commands' tests (tests/storetools.py has their helpers): a store built from data/ for each
# test, with DATABASE_URL pointing at it, on the engine the suite runs on (tests/databases.py).
# `cli_url`/`engine`: on SQLite a copy of the loaded template file; under TEST_DATABASE_URL a
# PostgreSQL database copied from the loaded template. `store_file`: always a SQLite file, for the
# checks that a refused command leaves the file byte for byte as it was; a test that asks for it gets
# `engine` on that same file.


@pytest.fixture(scope="session")
def template_store() -> Path:
    """The SQLite file built from data/ once per test process; never write to it, copy it."""
    return databases.loaded_sqlite_file()


@pytest.fixture
def store_file(template_store, tmp_path, monkeypatch) -> Path:
    """This test's own SQLite file of the store, where the CLI (DATABASE_URL) and `engine` write."""
    path = tmp_path / "build.db"
    shutil.copy(template_store, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


@pytest.fixture
def cli_url(request, tmp_path, monkeypatch):
    """This test's own store, where the CLI (DATABASE_URL) and `engine` write; its URL."""
    if databases.on_postgres() and "store_file" not in request.fixturenames:
        with databases.database(tmp_path / "build.db", loaded=True) as url:
            monkeypatch.setenv("DATABASE_URL", url)
            yield url
        return
    yield f"sqlite:///{request.getfixturevalue('store_file')}"


@pytest.fixture
def engine(cli_url):
    """An engine on this test's `cli_url` store (modules that need another store define their own)."""
    engine = make_engine(cli_url)
    yield engine
    engine.dispose()


# The meeting page through AppTest (tests/test_pages_meeting.py, tests/test_pages_minutes.py).


@pytest.fixture(scope="module")
def users() -> dict[str, str]:
    """The secretariat's accounts in secrets: 祕書甲 signs in with pagetest.MEETING_PASSWORD."""
    from dashboard.web import auth
    from tests.pagetest import MEETING_PASSWORD

    return {"祕書甲": auth.hash_password(MEETING_PASSWORD, rounds=4)}


@pytest.fixture
def meeting(app, monkeypatch):
    """The meeting page on a fresh store, with no secrets and a fresh sign-in throttle."""
    import streamlit as st

    from pages.shared import auth_form
    from tests.pagetest import FrozenClock

    st.cache_resource.clear()  # the engine is cached per process; each test has its own database
    st.cache_data.clear()
    monkeypatch.setattr(auth_form, "CLOCK", FrozenClock())
    app.switch_page("../pages/meeting.py")
    yield app
    st.cache_resource.clear()  # leave no engine on this test's database to later tests
    st.cache_data.clear()


@pytest.fixture
def secretariat(meeting, users):
    meeting.secrets["secretariat"] = {"users": users}
    return meeting
