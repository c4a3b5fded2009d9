"""Where things live: the curated data folder and the database URL."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
DEFAULT_DB_PATH = ROOT / "var" / "dashboard.db"  # where README and earlier releases put the store


def database_url() -> str:
    """`DATABASE_URL` if set, else a SQLite file in the git-ignored var/ folder."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"
