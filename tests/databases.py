"""Which database engine the tests run on: SQLite, or PostgreSQL when TEST_DATABASE_URL is set.

Every test that needs a store gets its URL here, so one environment variable runs the whole suite
on either engine. Unset, stores are SQLite files (or in-memory databases) exactly as before. Set to
a server URL whose user may create databases, e.g.

    TEST_DATABASE_URL='postgresql+psycopg://postgres@/postgres?host=/var/run/postgresql'

each store is a database of its own on that server, created for the test and dropped afterwards.
Stores built from data/ are copied from one loaded template, built once per test process (each
xdist worker): a database copied with CREATE DATABASE … TEMPLATE on PostgreSQL, a file copied (or,
for in-memory stores, SQLite's backup API) on SQLite, which takes a fraction of the time of loading
data/ again. Databases are named dashboard_test_<pid>_…;
a run that was killed leaves its own behind, to drop by that name.
"""

import atexit
import os
import shutil
import sqlite3
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from dashboard.datafiles import build
from dashboard.store.db import make_engine

SERVER = os.environ.get("TEST_DATABASE_URL") or None
if SERVER and make_url(SERVER).get_backend_name() != "postgresql":
    raise RuntimeError(f"TEST_DATABASE_URL must name a PostgreSQL server (postgresql+psycopg://…), not {SERVER!r}")
_PREFIX = f"dashboard_test_{os.getpid()}_"
_created: list[str] = []
_template: list[str] = []  # the loaded template's name, once made
_sqlite_template: list[Path] = []  # the loaded SQLite template file, once made


def on_postgres() -> bool:
    return SERVER is not None


def require(condition: bool, reason: str) -> None:
    """Skip a test that needs PostgreSQL (or nginx) when `condition` fails, unless REQUIRE_POSTGRES=1
    (set by .ci/run for its PostgreSQL pass), in which case it fails: CI must never skip it silently."""
    if not condition:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL tests required but {reason}")
        pytest.skip(reason)


def _admin() -> Engine:
    return create_engine(SERVER, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _url_of(name: str) -> str:
    return make_url(SERVER).set(database=name).render_as_string(hide_password=False)


def _create(template: str | None = None) -> str:
    name = _PREFIX + uuid.uuid4().hex[:12]
    engine = _admin()
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    engine.dispose()
    _created.append(name)
    return name


def _drop(name: str) -> None:
    """Drop a test database, ending the connections the test's engines still hold to it.

    Not DROP … WITH (FORCE): that fails without pg_signal_backend when an autovacuum worker is busy
    in the database. Ending one's own connections needs no privilege, and a plain DROP waits a few
    seconds for them to go and stops an autovacuum worker itself."""
    engine = _admin()
    with engine.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name "
                "AND usename = current_user AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine.dispose()
    if name in _created:
        _created.remove(name)


def _loaded_template() -> str:
    """A database built from data/, made once per test run, that loaded stores are copied from."""
    if not _template:
        name = _create()
        engine = make_engine(_url_of(name))
        build.load(engine)
        engine.dispose()  # a template must have no open connections while it is copied
        _template.append(name)
    return _template[0]


def loaded_sqlite_file() -> Path:
    """A SQLite file built from data/, made once per test process (each xdist worker has its own);
    loaded SQLite stores are copies of it. Tests must never open it for writing."""
    if not _sqlite_template:
        folder = Path(tempfile.mkdtemp(prefix="dashboard_test_template_"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        engine = make_engine(f"sqlite:///{folder / 'loaded.db'}")
        build.load(engine)
        engine.dispose()
        _sqlite_template.append(folder / "loaded.db")
    return _sqlite_template[0]


def copy_loaded_into(connection: sqlite3.Connection) -> None:
    """Fill an (in-memory) SQLite connection with the store built from data/, page by page."""
    source = sqlite3.connect(loaded_sqlite_file())
    try:
        source.backup(connection)
    finally:
        source.close()


def new_url(sqlite_path: Path, *, loaded: bool = False) -> str:
    """URL of a new database: empty, or built from data/ when `loaded`.

    SQLite: the file `sqlite_path` (a copy of the loaded template file). PostgreSQL: a new database,
    dropped by `drop` or at exit."""
    if not on_postgres():
        if loaded:
            sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(loaded_sqlite_file(), sqlite_path)
        return f"sqlite:///{sqlite_path}"
    return _url_of(_create(_loaded_template() if loaded else None))


def copy(url: str, sqlite_path: Path) -> str:
    """URL of a new database holding what the one at `url` holds (which must have no connection open).

    SQLite: the file `sqlite_path`. PostgreSQL: a new database, dropped by `drop` or at exit."""
    if not on_postgres():
        shutil.copyfile(make_url(url).database, sqlite_path)
        return f"sqlite:///{sqlite_path}"
    return _url_of(_create(make_url(url).database))


def drop(url: str) -> None:
    """Drop a database made by `new_url` (PostgreSQL; SQLite files go with the test's tmp_path)."""
    if on_postgres():
        _drop(make_url(url).database)


@contextmanager
def database(sqlite_path: Path, *, loaded: bool = False):
    """`new_url` for the duration of a with block."""
    url = new_url(sqlite_path, loaded=loaded)
    try:
        yield url
    finally:
        drop(url)


def is_untouched(url: str) -> bool:
    """True while nothing has been written to the database at `url`: no SQLite file, no tables."""
    if not on_postgres():
        return not Path(make_url(url).database).exists()
    engine = make_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


@atexit.register
def _drop_all() -> None:
    """Drop what a test left behind (stores shared by a module, servers' stores), then the template."""
    if on_postgres():
        for name in [*_created]:
            _drop(name)
        _template.clear()
