"""Alembic environment: migrations run on the connection `dashboard.schema` hands over, or on
DATABASE_URL when an operator runs the `alembic` command."""

from alembic import context
from sqlalchemy import DateTime
from sqlmodel import SQLModel

from dashboard.store import models  # noqa: F401  (registers the tables)
from dashboard.store.db import make_engine
from dashboard.store.schema import schema_transaction

target_metadata = SQLModel.metadata


def render_item(kind: str, item, autogen_context):
    """Write SQLModel's column types as plain SQLAlchemy ones, so that a migration does not depend
    on SQLModel's internals."""
    if kind == "type" and type(item).__module__ == "sqlmodel.sql.sqltypes":
        if isinstance(item.impl, DateTime):
            return "sa.DateTime(timezone=True)"
        return f"sa.String(length={item.length})" if item.length else "sa.String()"
    return False


def run(connection) -> None:
    # render_as_batch: SQLite can only change a table by copying it, which batch mode does.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with schema_transaction(make_engine()) as fresh:  # every revision at once, as schema.upgrade does
        run(fresh)
