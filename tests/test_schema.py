"""Migrations: a new store is made by them, the models match the newest revision, and upgrading
a store made by an earlier release keeps every row."""

import itertools
import os
import signal
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, select

from dashboard.datafiles import build
from dashboard.store import schema
from dashboard.store.db import make_engine
from dashboard.store.models import Decision, Proposal
from tests import databases


@pytest.fixture
def engine(fresh_engine):
    return fresh_engine


def _rows(engine, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every table's rows; of `columns` only, when given (a newer revision may add columns)."""
    tables = columns or _columns(engine)
    with engine.connect() as connection:
        return {
            table: sorted(
                map(
                    tuple, connection.execute(text("SELECT " + ", ".join(f'"{c}"' for c in names) + f' FROM "{table}"'))
                ),
                key=repr,
            )
            for table, names in tables.items()
        }


def _columns(engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        return {
            table: [c["name"] for c in inspect(connection).get_columns(table)]
            for table in inspect(connection).get_table_names()
            if table != "alembic_version"
        }


def test_a_new_store_is_at_the_newest_revision(engine):
    schema.upgrade(engine)
    assert schema.current(engine) == schema.head()


def test_the_models_and_the_newest_revision_agree(engine):
    """A model change without its migration fails here."""
    schema.upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []


def downgrade(engine, revision: str) -> None:
    """Take the store back to `revision` (the models describe the newest one, so an older store
    is made by loading at the newest and going back)."""
    cfg = schema.config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


@pytest.fixture
def previous_release(engine):
    """A store as the release at the baseline revision made it, with a recorded decision."""
    build.load(engine)
    downgrade(engine, schema.BASELINE)
    _record_decision(engine)
    return engine


def _record_decision(engine) -> None:
    with Session(engine) as s:  # as decisions.record wrote it (which reads today's columns of Proposal)
        s.add(
            Decision(
                proposal_id="111-01",
                resolution="保留",
                note="待補資料",
                recorded_at=datetime.now(UTC),
                recorded_by="祕書甲",
            )
        )
        s.commit()


@pytest.mark.parametrize("made_by", ["baseline revision", "create_all, before migrations"])
def test_upgrading_a_store_of_the_previous_release_keeps_every_row(previous_release, made_by):
    engine = previous_release
    if made_by.startswith("create_all"):
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
    before = _rows(engine)
    columns = _columns(engine)

    schema.upgrade(engine)

    assert schema.current(engine) == schema.head()
    assert _rows(engine, columns) == before
    with Session(engine) as s:
        assert s.exec(select(Decision.note)).all() == ["待補資料"]
        assert len(s.exec(select(Proposal.id)).all()) == 55


def test_upgrading_twice_changes_nothing(engine):
    build.load(engine)
    before = _rows(engine)
    schema.upgrade(engine)
    schema.upgrade(engine)
    assert _rows(engine) == before


def test_upgrading_a_store_without_lineage_keeps_every_row_and_knows_no_lineage(engine):
    """0005 adds Proposal.previous_id: a store made before it (at 0003) keeps every row, none of
    which continues another."""
    build.load(engine)
    downgrade(engine, "0003")
    columns = _columns(engine)
    assert "previous_id" not in columns["proposal"]
    before = _rows(engine, columns)

    schema.upgrade(engine)

    assert _rows(engine, columns) == before
    with Session(engine) as s:
        assert len(s.exec(select(Proposal.id)).all()) == 55
        assert s.exec(select(Proposal.id).where(Proposal.previous_id.is_not(None))).all() == []


# A killed upgrade: any statement of it is a point where the process may die (a deploy's restart,
# the OOM killer, a pulled plug), and the store must come through each one (_kill_points says which
# points stand for the others).

EMPTY = "empty"


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """One store per revision an upgrade may start from, made once and copied for each kill point:
    built from data/ at the newest revision, taken back to the older one, with a decision recorded."""
    made = {}
    for revision in [schema.BASELINE, "0004"]:
        url = databases.new_url(tmp_path_factory.mktemp(f"at_{revision}") / "store.db", loaded=True)
        # Not make_engine: its SQLite foreign keys refuse the DROP TABLE with which a downgrade
        # recreates a table there (a test-only step: the app never downgrades).
        engine = create_engine(url, poolclass=NullPool)
        downgrade(engine, revision)
        _record_decision(engine)
        engine.dispose()  # a PostgreSQL template must have no connection while it is copied
        made[revision] = url
    yield made
    for url in made.values():
        databases.drop(url)


def _is_write(statement: str) -> bool:
    return not statement.lstrip().upper().startswith(("SELECT", "PRAGMA"))


def _count_writes(engine, on_write) -> None:
    """Call `on_write(statement)` before every SQL statement on `engine` that writes, and
    `on_write("COMMIT")` before each commit (which counts as a write)."""

    def before_statement(_connection, _cursor, statement: str, *_args) -> None:
        if _is_write(statement):
            on_write(statement)

    event.listen(engine, "before_cursor_execute", before_statement)
    event.listen(engine, "commit", lambda *_args: on_write("COMMIT"))


def _writes_of(url: str, upgrade) -> list[str]:
    """The statements that write, in order, of `upgrade` run to its end on the store at `url`."""
    engine = make_engine(url)
    writes: list[str] = []
    try:
        _count_writes(engine, writes.append)
        upgrade(engine)
    finally:
        engine.dispose()
    return writes


def _upgrade_killed_at(url: str, kill_point: int, upgrade=schema.upgrade) -> bool:
    """Upgrade the store at `url` in a child process that SIGKILLs itself right before the
    `kill_point`-th SQL statement that writes (its COMMIT counts as the last); True when it was
    killed, False when the upgrade finished first. Reads are no kill points of their own: a kill
    before one leaves what a kill before the next write leaves."""
    pid = os.fork()
    if pid == 0:  # the child: nothing of pytest's may run here, hence os._exit
        code = 1
        try:
            engine = make_engine(url)
            writes = itertools.count(1)

            def maybe_die(_statement: str) -> None:
                if next(writes) == kill_point:
                    os.kill(os.getpid(), signal.SIGKILL)

            _count_writes(engine, maybe_die)
            upgrade(engine)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, "the upgrade failed without being killed"
    return False


def _kill_points(writes: list[str]) -> list[int]:
    """Where to kill an upgrade whose writes are `writes` (1-based): before its first write, right
    before and right after each revision's record (the write to alembic_version that closes a
    revision), and before the final COMMIT. A statement that committed on its own (SQLite's DDL
    used to) is caught by the next of these points: what it made outlives the kill while the
    revision it belongs to is not recorded, and the store fails the checks. Every statement being
    a kill point caught nothing more and took a minute per run."""
    points = {1, len(writes)}
    for index, statement in enumerate(writes, start=1):
        if "alembic_version" in statement:
            points.update({index, index + 1})
    return sorted(point for point in points if 1 <= point <= len(writes))


def _kill_at_kill_points(templates, tmp_path, start: str, upgrade, *, kept_revision: bool) -> int:
    """For each kill point of `upgrade` from the store `start` (_kill_points): kill it there, then
    start the app on what it left; and once unkilled. Returns how many kill points there were."""

    def store(name: str) -> str:
        path = tmp_path / f"{name}.db"
        return databases.new_url(path) if start == EMPTY else databases.copy(templates[start], path)

    dry_run = store("dry_run")
    try:
        writes = _writes_of(dry_run, upgrade)
    finally:
        databases.drop(dry_run)
    points = _kill_points(writes)
    for kill_point in [*points, len(writes) + 1]:
        url = store(f"killed_{kill_point}")
        try:
            killed = _upgrade_killed_at(url, kill_point, upgrade)
            assert killed == (kill_point <= len(writes)), f"kill point {kill_point} of {len(writes)}"
            engine = make_engine(url)
            try:
                if killed and kept_revision:
                    assert schema.current(engine) == (None if start == EMPTY else start), f"kill point {kill_point}"
                _check_the_store_comes_through(engine, start)
            finally:
                engine.dispose()
        finally:
            databases.drop(url)
    return len(points)


# An empty store's build is killed on SQLite only: each kill point takes a
# database of its own, which on PostgreSQL (whose DDL is transactional by itself) costs seconds.
@pytest.mark.parametrize("start", [schema.BASELINE, "0004"] + ([] if databases.on_postgres() else [EMPTY]))
def test_an_upgrade_killed_at_any_revision_boundary_leaves_a_store_that_upgrades_with_every_row(
    templates, tmp_path, start
):
    """SQLite used to commit each CREATE and ALTER on its own: killed between `ALTER TABLE proposal
    ADD COLUMN previous_id` and the revision's record, the store failed every later run with
    "duplicate column name" and no page could open. Now an upgrade is all or nothing."""
    kill_points = _kill_at_kill_points(templates, tmp_path, start, schema.upgrade, kept_revision=True)
    assert kill_points > (4 if start == schema.BASELINE else 1)  # it did die, at each kill point


def _previous_release_upgrade(engine) -> None:
    """schema.upgrade as the release before this one had it: on SQLite, every CREATE or ALTER
    before the first revision's record committed on its own."""
    cfg = schema.config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def test_a_store_the_previous_release_left_half_upgraded_is_upgraded_with_every_row(templates, tmp_path):
    """Stores that the previous release's upgrade left half done when killed (tables, a column or
    indexes made, the older revision recorded) are upgraded now: the migrations skip what is there.
    (From the baseline: an empty store's build is not repeated here, for time.)"""
    _kill_at_kill_points(templates, tmp_path, schema.BASELINE, _previous_release_upgrade, kept_revision=False)


def _check_the_store_comes_through(engine, start: str) -> None:
    """The next start of the app upgrades the store and every row is there; an empty one gets every
    table (a build from data/ follows, in a transaction of its own)."""
    if start == EMPTY:
        schema.upgrade(engine)
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    else:
        before = _rows(engine)
        columns = _columns(engine)
        assert not build.ensure_built(engine)  # upgraded, not rebuilt from data/
        assert _rows(engine, columns) == before
        with Session(engine) as s:
            assert s.exec(select(Decision.note)).all() == ["待補資料"]
            assert len(s.exec(select(Proposal.id)).all()) == 55
    assert schema.current(engine) == schema.head()
