"""Engine and sessions for the store."""

from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, create_engine

from dashboard.store import models  # noqa: F401  (registers the tables)
from dashboard.store.config import database_url

SQLITE_HEADER = b"SQLite format 3\x00"  # the first bytes of every SQLite database file


class NotADatabase(Exception):
    """DATABASE_URL names a file that is not a SQLite database; the message says so, in Chinese."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"「{path}」不是資料庫檔案（DATABASE_URL 指向的檔案不是 SQLite 資料庫），"
            "為免覆蓋其內容而未開啟；請確認 DATABASE_URL。"
        )


def make_engine(url: str | None = None) -> Engine:
    """The store's engine. Raises NotADatabase when a SQLite URL names a file that is not a database:
    SQLite takes a file shorter than its header for an empty database and would build the store
    over it."""
    url = url or database_url()
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        _refuse_other_files(Path(parsed.database))
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if parsed.drivername.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def _refuse_other_files(path: Path) -> None:
    """A missing or empty file becomes a new database; any other file must be one already."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise NotADatabase(path)


def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# Any fixed 64-bit number works: it only has to be the same in every process building this store.
BUILD_LOCK_KEY = 0x6265_6974_6169  # "beitai"


@contextmanager
def build_lock(engine: Engine):
    """Hold while (re)building the store, so that replicas starting together on one empty PostgreSQL
    database build it once instead of colliding (one of them failed with a duplicate key).

    A PostgreSQL session-level advisory lock, on a connection of its own; SQLite needs none here
    (one process per file)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": BUILD_LOCK_KEY})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": BUILD_LOCK_KEY})


# Another fixed number, for the lock every writer of proposals takes (write_transaction).
WRITE_LOCK_KEY = 0x6265_6974_6177  # "beitaw"


def begin_write(session: Session) -> None:
    """Make the session's transaction the store's one writer until it commits or rolls back.

    Call it before the transaction reads what it decides on (the version in force, the numbers
    taken, whether proposals were edited): a check and the write it allows must not be split by
    another writer's commit, or a load overwrote an edit saved in between and two saves at one
    instant both passed the version check. Every writer of proposals takes it: editing (edit,
    revert, create), load and the imports.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback; reads after it
    see every write committed before (READ COMMITTED). SQLite: BEGIN IMMEDIATE, which takes the
    file's write lock at once (the driver's own BEGIN waits for the first INSERT, after the reads);
    a session already in a transaction that wrote holds that lock already."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
    elif connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


Version = TypeVar("Version")


def save_version(
    session: Session, stage: Callable[[], Version | None], *, on_conflict: Callable[[], None] | None = None
) -> Version | None:
    """One save of a user's change as a version, all or nothing: become the store's one writer
    (begin_write), read afresh (objects the session loaded before the lock may predate another
    writer's commit), run `stage` (adds the version and returns it, or None when nothing changes)
    and commit; on any refusal roll back, so that nothing is written. An IntegrityError (a writer
    that skipped the lock took the version number meanwhile) is rolled back, then `on_conflict()`
    may raise the caller's own error for it; else it propagates."""
    try:
        session.flush()
        begin_write(session)
        session.expire_all()
        version = stage()
        if version is None:
            session.rollback()  # ends the transaction, and with it the write lock
            return None
        session.commit()
    except IntegrityError:
        session.rollback()
        if on_conflict is not None:
            on_conflict()
        raise
    except BaseException:
        session.rollback()
        raise
    session.refresh(version)
    return version


def create_tables(engine: Engine) -> None:
    """Create or upgrade the schema through the migrations (never create_all: a table made
    outside them would not match the revision recorded in the store)."""
    from dashboard.store import schema  # imported here: the migrations' env imports this module

    schema.upgrade(engine)


def session(engine: Engine) -> Session:
    return Session(engine)
