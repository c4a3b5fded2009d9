"""The meeting from the store: its year, the decision list, the decision in force, the counts."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from dashboard.datafiles import build
from dashboard.domain import decisions, meeting, queries, vocab
from dashboard.domain.permissions import Actor
from dashboard.store import db
from dashboard.store.models import Proposal

T0 = datetime(2023, 8, 8, 7, 12, tzinfo=UTC)  # 15:12 in Taipei


@pytest.fixture
def engine(writable_engine):
    return writable_engine


def test_delisting_statuses_are_in_the_vocabulary():
    assert set(vocab.DELIST_STATUSES) <= set(vocab.TRACKING_STATUSES)


def test_decision_list_starts_with_last_years_delistings_then_the_continuation(sections):
    delist, keep = sections[0], sections[1]
    assert (delist.key, len(delist.entries)) == ("delist", 12)
    assert (keep.key, len(keep.entries)) == ("continue", 1)
    assert all(e.year == 111 and e.track == "carried" and e.delisting for e in delist.entries)
    assert [e.tracking_status for e in keep.entries] == ["持續列管"]
    assert all(e.reason for e in delist.entries + keep.entries)  # every carried item says why


def test_decision_list_then_has_the_42_new_proposals_group_by_group(session, sections):
    new = [s for s in sections if s.key.startswith("new-")]
    entries = [e for s in new for e in s.entries]
    assert len(entries) == 42 and len({e.id for e in entries}) == 42
    assert all(e.year == 112 and e.track in ("central", "joint") for e in entries)
    for section in new:
        assert {e.group_id for e in section.entries} == {section.key.removeprefix("new-")}
        assert section.label == section.entries[0].group
    group_order = [g.id for g in queries.groups(session) if g.parent_id is None]
    keys = [s.key.removeprefix("new-") for s in new]
    assert keys == sorted(keys, key=group_order.index)


def test_decision_list_holds_every_proposal_once(session, sections):
    ids = [e.id for e in meeting.all_entries(sections)]
    assert len(ids) == len(set(ids)) == len(queries.proposals_frame(session)) == 55


# --- a store that spans years ---------------------------------------------------------------

LATER_COPIES = [("111-01", "113-01", 113), ("112-J01", "114-J01", 114)]  # (source, copy, year)


@pytest.fixture
def many_years(fresh_engine):
    """The document's store plus proposals of later years, as a store kept over several meetings holds."""
    build.load(fresh_engine)
    with Session(fresh_engine) as s:
        for source, copy, year in LATER_COPIES:
            p = s.get(Proposal, source)
            s.add(Proposal(**{**p.model_dump(), "id": copy, "year": year, "sort_order": p.sort_order + 1000}))
        s.commit()
    return fresh_engine


def test_the_meeting_decides_on_its_own_roc_year(info):
    assert meeting.meeting_year(info.meeting) == 112  # 2023-08-08


def test_a_store_of_many_years_lists_only_the_meetings_own_proposals(many_years):
    with Session(many_years) as s:
        ids = [e.id for e in meeting.all_entries(meeting.decision_sections(s))]
    assert len(ids) == 55 and not {"113-01", "114-J01"} & set(ids)


def test_the_list_of_another_year_holds_that_years_proposals(many_years):
    with Session(many_years) as s:
        sections = meeting.decision_sections(s, cycle=114)
    assert [e.id for e in meeting.all_entries(sections)] == ["113-01", "114-J01"]
    assert [s.part for s in sections] == ["113年度列管合作方案", "114年度新增合作提案"]
    assert [s.category for s in sections] == ["113年度擬解除列管", "114年度新增"]


def test_without_a_meeting_there_is_nothing_to_decide(fresh_engine):
    db.create_tables(fresh_engine)
    with Session(fresh_engine) as s:
        assert meeting.decision_sections(s) == []


# --- the decision in force -----------------------------------------------------------------


def test_resolution_counts_include_the_undecided(engine):
    with Session(engine) as s:
        decisions.record(s, proposal_id="111-01", resolution="照案通過", actor=Actor.secretariat("祕書甲"), now=T0)
        decisions.record(s, proposal_id="111-02", resolution="保留", actor=Actor.secretariat("祕書甲"), now=T0)
        decisions.record(
            s,
            proposal_id="111-02",
            resolution="照案通過",
            actor=Actor.secretariat("祕書甲"),
            now=T0 + timedelta(minutes=1),
        )
        counts = meeting.resolution_counts(meeting.decisions_in_force(s), ["111-01", "111-02", "111-03"])
    assert counts["照案通過"] == 2 and counts["保留"] == 0 and counts[vocab.UNDECIDED] == 1
    assert list(counts) == [*vocab.RESOLUTIONS, vocab.UNDECIDED]


def test_latest_for_some_proposals_keeps_the_last_change_of_each(engine):
    with Session(engine) as s:
        decisions.record(s, proposal_id="111-01", resolution="保留", actor=Actor.secretariat("祕書甲"), now=T0)
        decisions.record(
            s,
            proposal_id="111-01",
            resolution="照案通過",
            actor=Actor.secretariat("祕書乙"),
            now=T0 + timedelta(minutes=1),
        )
        decisions.record(s, proposal_id="111-02", resolution="不通過", actor=Actor.secretariat("祕書甲"), now=T0)
        some = meeting.decisions_in_force(s, proposal_ids=["111-01", "111-03"])
        everything = meeting.decisions_in_force(s)
    assert {pid: d.resolution for pid, d in some.items()} == {"111-01": "照案通過"}
    assert some["111-01"].id == everything["111-01"].id


def test_the_decision_list_is_one_table_in_list_order(engine):
    with Session(engine) as s:
        decisions.record(
            s, proposal_id="112-J03", resolution="保留", note="<b>x</b>", actor=Actor.secretariat("祕書甲"), now=T0
        )
        sections = meeting.decision_sections(s)
        frame = meeting.decision_list_frame(sections, meeting.decisions_in_force(s))
    assert list(frame["編號"]) == [e.id for e in meeting.all_entries(sections)] and len(frame) == 55
    assert frame["分類"].value_counts().to_dict() == {
        "112年度新增": 42,
        "111年度擬解除列管": 12,
        "111年度擬持續列管": 1,
    }
    row = frame.set_index("編號").loc["112-J03"]
    assert (row["決議"], row["備註"], row["記錄時間"]) == ("保留", "<b>x</b>", "112年8月8日 15:12")
    assert row["議題組"] == "文化教育組－教育組"
    assert set(frame.drop(index=frame.index[frame["編號"] == "112-J03"])["決議"]) == {vocab.UNDECIDED}
