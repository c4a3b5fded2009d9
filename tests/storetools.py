"""Fixtures for the store commands' tests: a store built from data/ for each test, with DATABASE_URL
pointing at it, on the engine the suite runs on (tests/databases.py), and accounts to act as.

`cli_url`/`engine`: SQLite, a copy of a file built once per module (a build takes seconds); under
TEST_DATABASE_URL, a PostgreSQL database copied from the loaded template. `store_file`: always a
SQLite file, for the checks that a refused command leaves the file byte for byte as it was; a test
that asks for it gets `engine` on that same file.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session

from dashboard.datafiles import build
from dashboard.domain import accounts
from dashboard.domain.permissions import OPERATOR
from dashboard.store.db import make_engine
from dashboard.web import auth
from tests import databases

ROOT = Path(__file__).resolve().parent.parent
FAST_ROUNDS = 4  # bcrypt's cheapest cost: these tests check roles, not hashing


@pytest.fixture(scope="module")
def template_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "build.db"
    engine = make_engine(f"sqlite:///{path}")
    build.load(engine)
    engine.dispose()
    return path


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
    engine = make_engine(cli_url)
    yield engine
    engine.dispose()


def add_account(engine, name: str, role: str, *groups: str, password: str = "correct horse") -> None:
    with Session(engine) as session:
        accounts.add(
            session,
            actor=OPERATOR,
            name=name,
            role=role,
            groups=groups,
            password_hash=auth.hash_password(password, rounds=FAST_ROUNDS),
        )


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The CLI as an operator runs it, in its own process (DATABASE_URL from the environment)."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args], cwd=ROOT, input=stdin, capture_output=True, text=True
    )
