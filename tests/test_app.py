"""The entrypoint and home page through AppTest, on a store built at first start, and what a viewer
sees when a page fails."""

import logging
import sqlite3
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from dashboard.datafiles import build
from dashboard.store.db import make_engine
from tests.pagetest import APP

APP_DIR = Path(__file__).resolve().parent.parent / "dashboard"


def test_first_start_builds_the_store_and_shows_counts(app, db_url):
    engine = make_engine(db_url)
    assert not build.is_built(engine)
    at = app.run()
    assert not at.exception
    assert build.is_built(engine)
    text = "\n".join(m.value for m in at.markdown)
    assert "13 案" in text and "42 案" in text


# --- an unexpected error: a short note for the viewer, the details in the log ----------------


def _not_a_database(path) -> None:
    path.write_bytes(b"this is not a database\n" * 200)


def _column_renamed(path) -> None:
    """A store whose proposal table lost a column, so that a page's query fails with its SQL."""
    build.load(make_engine(f"sqlite:///{path}"))
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE proposal RENAME COLUMN title TO title_lost")


@pytest.fixture
def details(request):
    """client.showErrorDetails for one test (the shipped config says "none")."""
    old = st_config.get_option("client.showErrorDetails")
    st_config.set_option("client.showErrorDetails", request.param)
    yield request.param
    st_config.set_option("client.showErrorDetails", old)


@pytest.fixture
def broken_store(request, tmp_path, monkeypatch):
    path = tmp_path / "broken.db"
    request.param(path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def _everything_shown(at) -> str:
    return "\n".join(str(getattr(e, "value", "")) + str(e.proto) for e in at.main.children.values()) + "\n".join(
        str(e.proto) for e in at.sidebar.children.values()
    )


@pytest.mark.parametrize("details", ["none"], indirect=True)
@pytest.mark.parametrize("broken_store", [_not_a_database, _column_renamed], indirect=True)
@pytest.mark.parametrize("page", ["home", "proposals", "meeting"])
def test_a_broken_database_shows_viewers_a_friendly_note_and_logs_the_details(details, broken_store, page, caplog):
    at = AppTest.from_file(APP, default_timeout=30)
    at.switch_page(f"../pages/{page}.py")
    with caplog.at_level(logging.ERROR, logger="dashboard.app"):
        at.run()
    assert not at.exception
    assert [e.value for e in at.main.error] == ["這個頁面暫時無法顯示，請稍後重新整理。若一直如此，請通知祕書處。"]
    shown = _everything_shown(at)
    for detail in ("SELECT", "PRAGMA", "sqlite", "Traceback", "Error", str(broken_store)):
        assert detail not in shown
    logged = "\n".join(r.getMessage() + str(r.exc_info and r.exc_info[1]) for r in caplog.records)
    # the details are kept for whoever runs the server: the driver's error, or the file refused as
    # no database (dashboard/store/db.py leaves such a file as it is instead of overwriting it)
    assert "failed" in logged and ("sqlite3" in logged or f"「{broken_store}」不是資料庫檔案" in logged)


@pytest.mark.parametrize("details", ["full"], indirect=True)
@pytest.mark.parametrize("broken_store", [_column_renamed], indirect=True)
def test_with_full_error_details_a_developer_sees_the_exception(details, broken_store):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert at.exception and not at.main.error


def test_the_shipped_config_hides_error_details_from_viewers():
    import tomllib

    shipped = tomllib.loads((APP_DIR.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert shipped["client"]["showErrorDetails"] == "none"


def test_the_embedded_store_is_where_readme_and_earlier_releases_put_it(monkeypatch):
    """Without DATABASE_URL the app opens var/dashboard.db at the checkout's root: a server upgraded
    in place keeps its store (a new name would start an empty one and lose every edit)."""
    from dashboard.store import config

    monkeypatch.delenv("DATABASE_URL", raising=False)
    root = Path(__file__).resolve().parent.parent
    assert config.database_url() == f"sqlite:///{root / 'var' / 'dashboard.db'}"
    assert "var/dashboard.db" in (root / "README.md").read_text(encoding="utf-8")
