from sqlmodel import func, select

from dashboard.domain import cycles, vocab
from dashboard.store.models import Proposal


def test_the_packet_is_one_cycle(session):
    assert cycles.cycles(session) == [112]
    assert cycles.current_cycle(session) == 112


def test_cycle_112_holds_the_carried_and_the_new_proposals(session):
    rows = session.exec(select(Proposal.track, func.count()).where(cycles.in_cycle(112)).group_by(Proposal.track)).all()
    assert dict(rows) == {vocab.CARRIED: 13, vocab.CENTRAL: 8, vocab.JOINT: 34}
    assert session.exec(select(func.count()).select_from(Proposal).where(cycles.in_cycle(113))).one() == 0


def test_meeting_of_a_cycle(session):
    assert cycles.meeting_of(session, 112).date.isoformat() == "2023-08-08"
    assert cycles.meeting_of(session, 113) is None


def test_carried_rows_are_decided_the_year_after(session):
    assert cycles.cycle_of(year=111, track=vocab.CARRIED) == 112
    assert cycles.cycle_of(year=112, track=vocab.JOINT) == 112


def test_empty_store_has_no_cycle(fresh_engine):
    from sqlmodel import Session

    from dashboard.store import db

    db.create_tables(fresh_engine)
    with Session(fresh_engine) as s:
        assert cycles.current_cycle(s) is None
