"""Alembic environment: migrations run on the connection `dashboard.schema` hands over, or on
DATABASE_URL when an operator runs the `alembic` command."""
from alembic import context
from sqlmodel import SQLModel

from dashboard import models  # noqa: F401  (registers the tables)
from dashboard.db import make_engine

target_metadata = SQLModel.metadata


def run(connection) -> None:
    # render_as_batch: SQLite can only change a table by copying it, which batch mode does.
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with make_engine().connect() as fresh:
        run(fresh)
