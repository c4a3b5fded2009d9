"""Building the store: idempotent, atomic, and never losing recorded decisions."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, func, select

from dashboard.datafiles import build
from dashboard.datafiles.loading import DataError
from dashboard.store.models import Decision, MutualAid, Proposal, ProposalCity


def counts(engine) -> tuple:
    with Session(engine) as s:
        return tuple(
            s.exec(select(func.count()).select_from(t)).one() for t in (Proposal, ProposalCity, MutualAid, Decision)
        )


def test_load_is_idempotent(fresh_engine):
    build.load(fresh_engine)
    first = counts(fresh_engine)
    build.load(fresh_engine)
    assert counts(fresh_engine) == first == (55, 329, 20, 0)


def test_rebuild_keeps_decisions(fresh_engine):
    build.load(fresh_engine)
    with Session(fresh_engine) as s:
        s.add(
            Decision(proposal_id="111-01", resolution="照案通過", recorded_at=datetime.now(UTC), recorded_by="秘書處")
        )
        s.commit()
    build.load(fresh_engine)
    assert counts(fresh_engine)[3] == 1


def test_broken_data_leaves_the_store_as_it_was(fresh_engine, data_copy):
    build.load(fresh_engine)
    before = counts(fresh_engine)
    (data_copy / "proposals" / "112-J01.yaml").unlink()
    (data_copy / "mutual_aid.csv").write_text(
        "from_city,item_no,to_city,fire,ambulance,relay,period_start,period_end,proposal\n"
        "宜蘭縣,1,新北市,-1,0,0,2023-01-01,2023-06-30,112-J17\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError):
        build.load(fresh_engine, data_copy)
    assert counts(fresh_engine) == before


def test_failed_write_rolls_back(fresh_engine, monkeypatch):
    build.load(fresh_engine)
    before = counts(fresh_engine)
    from dashboard.datafiles import loading

    real = loading.load_dataset

    def poisoned(data_dir):
        dataset = real(data_dir)
        dataset.cities.append(
            type(dataset.cities[0])(**dataset.cities[0].model_dump())
        )  # a duplicate key fails mid-write
        return dataset

    monkeypatch.setattr(build, "load_dataset", poisoned)
    with pytest.raises(Exception):  # noqa: B017 (whatever the duplicate key raises, nothing is written)
        build.load(fresh_engine)
    assert counts(fresh_engine) == before


def test_ensure_built_only_builds_once(fresh_engine):
    assert build.ensure_built(fresh_engine) is True
    assert build.ensure_built(fresh_engine) is False
    assert counts(fresh_engine)[0] == 55


def test_every_rebuild_changes_the_store_stamp(fresh_engine):
    from dashboard.domain.queries import store_stamp

    build.load(fresh_engine)
    with Session(fresh_engine) as s:
        first = store_stamp(s)
    build.load(fresh_engine)
    with Session(fresh_engine) as s:
        assert store_stamp(s) != first
