"""Build the store from data/: validate first, then replace the curated tables in one transaction."""
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dashboard.config import DATA_DIR
from dashboard.db import build_lock, create_tables
from dashboard.loading import Dataset, load_dataset
from dashboard.models import CURATED_TABLES, Proposal, StoreBuild


def load(engine: Engine, data_dir: Path = DATA_DIR) -> Dataset:
    """Validate data_dir and (re)write the curated tables; recorded decisions are kept.

    Raises loading.DataError before touching the database when data_dir has problems.
    """
    dataset = load_dataset(data_dir)
    with build_lock(engine):
        _write(engine, dataset)
    return dataset


def _write(engine: Engine, dataset: Dataset) -> None:
    create_tables(engine)
    with Session(engine) as session, session.begin():
        for table in CURATED_TABLES:
            session.exec(delete(table))
        for batch in dataset.batches():
            session.add_all(batch)
            session.flush()
        session.add(StoreBuild(built_at=datetime.now(UTC)))


def is_built(engine: Engine) -> bool:
    if not inspect(engine).has_table("proposal"):
        return False
    with Session(engine) as session:
        return session.exec(select(Proposal.id).limit(1)).first() is not None


def ensure_built(engine: Engine, data_dir: Path = DATA_DIR) -> bool:
    """Build the store when it is missing or empty; True when it was built now."""
    with build_lock(engine):  # replicas starting together: the first builds, the others wait and find it built
        if is_built(engine):
            create_tables(engine)  # adds tables introduced since the store was built
            return False
        _write(engine, load_dataset(data_dir))
    return True
