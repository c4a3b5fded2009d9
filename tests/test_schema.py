"""Migrations: a new store is made by them, the models match the newest revision, and upgrading
a store made by an earlier release keeps every row."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel, select

from dashboard import decisions, schema, store
from dashboard.models import Decision, Proposal
from dashboard.permissions import Actor


@pytest.fixture
def engine(fresh_engine):
    return fresh_engine


def _rows(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {table: sorted(map(tuple, connection.execute(text(f'SELECT * FROM "{table}"'))), key=repr)
                for table in inspect(connection).get_table_names() if table != "alembic_version"}


def test_a_new_store_is_at_the_newest_revision(engine):
    schema.upgrade(engine)
    assert schema.current(engine) == schema.head()


def test_the_models_and_the_newest_revision_agree(engine):
    """A model change without its migration fails here."""
    schema.upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                SQLModel.metadata)
    assert diff == []


@pytest.fixture
def previous_release(engine, monkeypatch):
    """A store as the release at the baseline revision made it, with a recorded decision."""
    monkeypatch.setattr(store, "create_tables", lambda e: schema.upgrade(e, schema.BASELINE))
    store.load(engine)
    with Session(engine) as s:
        decisions.record(s, proposal_id="111-01", resolution="保留", note="待補資料", actor=Actor.secretariat("祕書甲"))
    monkeypatch.undo()
    return engine


@pytest.mark.parametrize("made_by", ["baseline revision", "create_all, before migrations"])
def test_upgrading_a_store_of_the_previous_release_keeps_every_row(previous_release, made_by):
    engine = previous_release
    if made_by.startswith("create_all"):
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
    before = _rows(engine)

    schema.upgrade(engine)

    assert schema.current(engine) == schema.head()
    after = _rows(engine)
    assert {table: after[table] for table in before} == before
    with Session(engine) as s:
        assert s.exec(select(Decision.note)).all() == ["待補資料"]
        assert len(s.exec(select(Proposal.id)).all()) == 55


def test_upgrading_twice_changes_nothing(engine):
    store.load(engine)
    before = _rows(engine)
    schema.upgrade(engine)
    schema.upgrade(engine)
    assert _rows(engine) == before
