"""Queries of a store of two cycles: each reads the chosen cycle, the current one by default, and
the packet's cycle still gives exactly the packet's figures (test_fidelity's expected values)."""

from collections import Counter

import pytest
from sqlmodel import Session

from dashboard.documents import minutes
from dashboard.domain import meeting, queries, vocab
from dashboard.domain.dates import roc_year
from dashboard.domain.yearly import cycles_summary
from tests.test_fidelity import MUTUAL_AID
from tests.two_cycles import add_next_cycle


def packet_counts(packet: int) -> dict:
    """The packet's proposals by year and track (as in test_fidelity)."""
    return {(packet - 1, "carried"): 13, (packet, "central"): 8, (packet, "joint"): 34}


@pytest.fixture
def two(writable_engine):
    with Session(writable_engine) as s:
        made = add_next_cycle(s)
    with Session(writable_engine) as s:
        yield s, made


def test_proposals_default_to_the_current_cycle(two):
    s, made = two
    assert queries.proposals_frame(s)["id"].tolist() == [made.carried_id, made.new_id]


def test_the_packet_cycle_gives_the_packet_figures(two):
    s, made = two
    frame = queries.proposals_frame(s, cycle=made.packet)
    assert Counter(zip(frame["year"], frame["track"])) == packet_counts(made.packet)
    aid = queries.mutual_aid_frame(s, cycle=made.packet)
    assert list(zip(aid["from_city"], aid["to_city"], aid["fire"], aid["ambulance"], aid["relay"])) == MUTUAL_AID
    head = queries.headline(s, cycle=made.packet)
    assert (head.total, head.carried, head.carried_delist, head.carried_keep, head.central, head.joint) == (
        55,
        13,
        12,
        1,
        8,
        34,
    )
    assert head.meeting_year == made.packet and roc_year(head.meeting_date.year) == made.packet


def test_the_current_cycle_headline(two):
    s, made = two
    head = queries.headline(s)
    assert (head.meeting_year, head.carried_year, head.total, head.carried, head.new) == (
        made.next,
        made.packet,
        2,
        1,
        1,
    )
    assert head.carried_label == vocab.track_label(vocab.CARRIED, year=made.packet)


def test_whole_store_reads(two):
    s, made = two
    assert len(queries.proposals_frame(s, cycle=queries.ALL_CYCLES)) == 57
    assert len(queries.mutual_aid_frame(s, cycle=queries.ALL_CYCLES)) == len(MUTUAL_AID)


def test_flows_and_meetings_belong_to_their_cycle(two):
    s, made = two
    assert queries.mutual_aid_frame(s).empty and queries.social_worker_training_frame(s).empty
    assert not queries.social_worker_training_frame(s, cycle=made.packet).empty
    assert queries.group_meetings(s).empty  # none held yet in the new year
    assert len(queries.group_meetings(s, cycle=made.packet)) == len(queries.group_meetings(s, cycle=queries.ALL_CYCLES))


def test_each_cycle_has_its_meeting(two):
    s, made = two
    assert meeting.meeting_info(s).meeting.name == made.meeting_name
    assert meeting.meeting_info(s, cycle=made.next).meeting.name == made.meeting_name
    assert str(made.packet) in meeting.meeting_info(s, cycle=made.packet).meeting.name
    assert meeting.meeting_info(s, cycle=made.next + 1) is None
    assert [e.id for e in meeting.meeting_data(s).entries] == [made.carried_id, made.new_id]
    assert len(meeting.meeting_data(s, cycle=made.packet).entries) == 55


def test_minutes_of_the_chosen_cycle(two):
    s, made = two
    assert len(minutes.collect(s, cycle=made.packet).sections) == len(meeting.decision_sections(s, cycle=made.packet))
    ids = [e.id for section in minutes.collect(s).sections for e in section.entries]
    assert ids == [made.carried_id, made.new_id]


def test_a_card_shows_its_cycle_and_lineage(two):
    s, made = two
    old, carried = (
        queries.proposal_card(s, proposal_id=made.carried_from),
        queries.proposal_card(s, proposal_id=made.carried_id),
    )
    assert (old.cycle, carried.cycle) == (made.packet, made.next)
    assert carried.continues == made.carried_from and old.continued_as == [made.carried_id]
    assert old.continues is None and carried.continued_as == []


def test_joined_and_left_each_year(two):
    s, made = two
    rows = {r.year: r for r in cycles_summary(s)}
    assert (rows[made.packet].new, rows[made.packet].carried_in) == (42, 13)
    assert (rows[made.next].new, rows[made.next].carried_in) == (1, 1)
    assert rows[made.packet].settled and not rows[made.next].settled
