"""Fixtures for the store commands' tests: a store file built from data/ once per module and
copied for each test (a build takes seconds), with DATABASE_URL pointing at the copy."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session

from dashboard import accounts, auth, store
from dashboard.db import make_engine
from dashboard.permissions import OPERATOR

ROOT = Path(__file__).resolve().parent.parent
FAST_ROUNDS = 4  # bcrypt's cheapest cost: these tests check roles, not hashing


@pytest.fixture(scope="module")
def template_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "store.db"
    engine = make_engine(f"sqlite:///{path}")
    store.load(engine)
    engine.dispose()
    return path


@pytest.fixture
def store_file(template_store, tmp_path, monkeypatch) -> Path:
    """This test's own copy of the store, where the CLI (DATABASE_URL) and `engine()` write."""
    path = tmp_path / "store.db"
    shutil.copy(template_store, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


@pytest.fixture
def engine(store_file):
    engine = make_engine(f"sqlite:///{store_file}")
    yield engine
    engine.dispose()


def add_account(engine, name: str, role: str, *groups: str, password: str = "correct horse") -> None:
    with Session(engine) as session:
        accounts.add(session, actor=OPERATOR, name=name, role=role, groups=groups,
                     password_hash=auth.hash_password(password, rounds=FAST_ROUNDS))


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The CLI as an operator runs it, in its own process (DATABASE_URL from the environment)."""
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True)
