"""The store's schema, versioned with Alembic: every schema change is a migration in
dashboard/migrations/versions that keeps every row."""
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The schema as created by create_all before migrations existed; such a store is adopted here.
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
    """Bring the store to `revision`, in one transaction where the database allows it. A store
    built before migrations existed (tables, no alembic_version) is first marked as the baseline."""
    cfg = config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables and "proposal" in tables:
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, revision)
