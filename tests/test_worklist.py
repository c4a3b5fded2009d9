"""A lead's work list: their groups' proposals (the secretariat's: all), with the last update and
a flag for those not updated in the current calendar quarter (Taipei date)."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from dashboard.domain import editing, vocab, worklist
from dashboard.domain.permissions import READER, Actor, PermissionDenied
from dashboard.store.models import Proposal, ProposalVersion

SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
TRANSPORT_LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))
EDUCATION_LEAD = Actor(name="教育窗口", role=vocab.LEAD, groups=frozenset({"education"}))


@pytest.fixture
def s(writable_engine):
    """A store built from data/ that the test may write to, on the engine CI's pass chose."""
    with Session(writable_engine) as session:
        yield session


def _ids(s, **where) -> list[str]:
    query = select(Proposal.id).order_by(Proposal.sort_order)
    for column, value in where.items():
        query = query.where(getattr(Proposal, column) == value)
    return list(s.exec(query))


def _version(s, proposal_id: str, at: datetime, by: str = "交通窗口") -> None:
    number = editing.current_version(s, proposal_id) + 1
    s.add(
        ProposalVersion(
            proposal_id=proposal_id, version=number, changes=[], kind="edit", recorded_at=at, recorded_by=by
        )
    )
    s.commit()


def test_a_lead_sees_their_groups_proposals_and_the_secretariat_all(s):
    assert [i.id for i in worklist.work_list(s, actor=TRANSPORT_LEAD, today=date(2026, 11, 28))] == _ids(
        s, group_id="transport"
    )
    assert [i.id for i in worklist.work_list(s, actor=EDUCATION_LEAD, today=date(2026, 11, 28))] == _ids(
        s, subgroup_id="education"
    )
    assert [i.id for i in worklist.work_list(s, actor=SECRETARIAT, today=date(2026, 11, 28))] == _ids(s)


@pytest.mark.parametrize("actor", [READER, Actor(name="無角色", role=None)])
def test_readers_have_no_work_list(s, actor):
    with pytest.raises(PermissionDenied, match="請先"):
        worklist.work_list(s, actor=actor, today=date(2026, 11, 28))


def test_never_updated_proposals_are_stale(s):
    items = worklist.work_list(s, actor=TRANSPORT_LEAD, today=date(2026, 11, 28))
    assert items and all(i.stale and i.updated_at is None and i.version == 0 for i in items)


def test_an_update_in_this_quarter_clears_the_flag_and_one_before_it_does_not(s):
    first, second, third = _ids(s, group_id="transport")[:3]
    _version(s, first, datetime(2026, 10, 1, 1, 0, tzinfo=UTC))  # 09:00 on 1 October in Taipei
    _version(s, second, datetime(2026, 9, 30, 15, 30, tzinfo=UTC))  # 23:30 on 30 September in Taipei
    _version(s, third, datetime(2026, 9, 30, 16, 30, tzinfo=UTC))  # 00:30 on 1 October in Taipei
    _version(s, third, datetime(2026, 7, 2, tzinfo=UTC), by="祕書甲")  # an older date, but the newest version
    items = {i.id: i for i in worklist.work_list(s, actor=TRANSPORT_LEAD, today=date(2026, 11, 28))}
    assert not items[first].stale and items[first].updated_by == "交通窗口" and items[first].version == 1
    assert items[second].stale and items[second].updated_at.date() == date(2026, 9, 30)
    assert items[third].stale and items[third].updated_by == "祕書甲" and items[third].version == 2
    next_quarter = {i.id: i for i in worklist.work_list(s, actor=TRANSPORT_LEAD, today=date(2027, 1, 1))}
    assert next_quarter[first].stale


def test_the_last_update_of_a_real_edit_shows_in_taipei_time(s):
    proposal = _ids(s, group_id="transport")[0]
    editing.edit(s, actor=TRANSPORT_LEAD, proposal_id=proposal, base_version=0, changes={"contact": "交通局 王科長"})
    item = next(i for i in worklist.work_list(s, actor=TRANSPORT_LEAD, today=date.today()) if i.id == proposal)
    assert item.updated_at.utcoffset().total_seconds() == 8 * 3600 and item.updated_by == "交通窗口"


@pytest.mark.parametrize(
    "day, start, label",
    [
        (date(2026, 1, 1), date(2026, 1, 1), "115年第1季"),
        (date(2026, 3, 31), date(2026, 1, 1), "115年第1季"),
        (date(2026, 4, 1), date(2026, 4, 1), "115年第2季"),
        (date(2026, 12, 31), date(2026, 10, 1), "115年第4季"),
    ],
)
def test_quarters(day, start, label):
    assert worklist.quarter_start(day) == start and worklist.quarter_label(day) == label
