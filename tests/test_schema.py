"""Migrations: a new store is made by them, the models match the newest revision, and upgrading
a store made by an earlier release keeps every row."""

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel, select

from dashboard.datafiles import build
from dashboard.store import schema
from dashboard.store.models import Decision, Proposal


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
    return engine


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
