"""Engine and sessions for the store."""
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from dashboard import models  # noqa: F401  (registers the tables)
from dashboard.config import database_url


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if parsed.drivername.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_tables(engine: Engine) -> None:
    """Create or upgrade the schema through the migrations (never create_all: a table made
    outside them would not match the revision recorded in the store)."""
    from dashboard import schema  # imported here: the migrations' env imports this module
    schema.upgrade(engine)


def session(engine: Engine) -> Session:
    return Session(engine)
