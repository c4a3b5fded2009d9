"""Shared fixtures: stores built from data/, and a scratch copy of data/ to break.

Stores are SQLite unless TEST_DATABASE_URL names a PostgreSQL server (see tests/databases.py).
"""

import shutil
from pathlib import Path

import pytest
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from dashboard.datafiles import build
from dashboard.store.config import DATA_DIR
from dashboard.store.db import make_engine
from tests import databases
from tests.rendering import printed  # noqa: F401  (the documents LibreOffice prints, once a session)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _page_errors_show_in_tests():
    """The shipped config shows viewers a friendly note instead of an error (dashboard/app.py);
    tests need the error itself, so that `at.exception` catches a crashing page."""
    from streamlit import config as st_config

    st_config.get_option("client.showErrorDetails")  # parse config.toml first, so it cannot override
    st_config.set_option("client.showErrorDetails", "full")


def _memory_engine():
    return create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)


@pytest.fixture(scope="session")
def loaded_engine(tmp_path_factory):
    """One store for read-only tests; tests must not write to it."""
    if not databases.on_postgres():
        engine = _memory_engine()
        build.load(engine)
        yield engine
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
        engine = _memory_engine()
        build.load(engine)
        yield engine
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
