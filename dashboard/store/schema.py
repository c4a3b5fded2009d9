"""The store's schema, versioned with Alembic: every schema change is a migration in
dashboard/store/migrations/versions that keeps every row."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The schema of the last release made without migrations. Its revision creates only the tables
# a store lacks, so a store from that release (or an older one) is adopted with every row.
BASELINE = "0001"


@contextmanager
def schema_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction that schema changes (CREATE, ALTER, DROP) take part in, so that
    a migration killed halfway leaves the store as it was before, never half changed.

    PostgreSQL's DDL is transactional as it is. SQLite's is too, but Python's sqlite3 driver (its
    legacy transaction control, the default before Python 3.16) begins a transaction only before
    INSERT, UPDATE or DELETE: each CREATE or ALTER before one committed on its own, and a kill after
    `ALTER TABLE … ADD COLUMN` but before the revision was recorded left a store every later run
    failed on ("duplicate column name"). So, on this connection only (the rest of the app keeps the
    driver's behaviour), the driver's own BEGIN is switched off and BEGIN IMMEDIATE emitted instead,
    as SQLAlchemy's SQLite documentation shows ("Enabling Non-Legacy SQLite Transactional Modes");
    IMMEDIATE takes the write lock before the migration's first read, so that two processes
    upgrading one file wait for each other instead of one failing halfway."""
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite":
            with connection.begin():
                yield connection
            return
        driver = connection.connection.dbapi_connection
        legacy = driver.isolation_level
        driver.isolation_level = None
        try:
            with connection.begin():
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                yield connection
        finally:
            driver.isolation_level = legacy  # the pooled connection goes back as the app expects it


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
