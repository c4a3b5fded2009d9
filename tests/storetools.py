"""Helpers for the store commands' tests: accounts to act as, and the CLI in its own process.
Their fixtures (`template_store`, `store_file`, `cli_url`, `engine`) are in tests/conftest.py."""

import subprocess
import sys
from pathlib import Path

from sqlmodel import Session

from dashboard.domain import accounts
from dashboard.domain.permissions import OPERATOR
from dashboard.web import auth

ROOT = Path(__file__).resolve().parent.parent
FAST_ROUNDS = 4  # bcrypt's cheapest cost: these tests check roles, not hashing


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
