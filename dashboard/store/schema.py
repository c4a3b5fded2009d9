"""The store's schema, versioned with Alembic: every schema change is a migration in
dashboard/store/migrations/versions that keeps every row."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from dashboard.store.db import schema_transaction

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The schema of the last release made without migrations. Its revision creates only the tables
# a store lacks, so a store from that release (or an older one) is adopted with every row.
BASELINE = "0001"


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store to `revision` in one transaction: killed at any point, the store stays at the
    revision it had and the next run upgrades it."""
    cfg = config()
    with schema_transaction(engine) as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
