"""Store queries: the proposals frame with the decision in force, headline counts, cards, mutual aid."""

from datetime import datetime

import pytest
from sqlmodel import Session, select

from dashboard.datafiles import build
from dashboard.domain import dates, frames, queries, vocab
from dashboard.store.models import Decision, Meeting

TAIPEI = dates.TAIPEI


@pytest.fixture
def frame(session):
    return queries.proposals_frame(session)


def test_headline_counts(session, frame):
    head = queries.headline(session, frame=frame)
    assert (head.total, head.carried, head.carried_delist, head.carried_keep) == (55, 13, 12, 1)
    assert (head.new, head.central, head.joint) == (42, 8, 34)


def test_decisions_latest_in_force(fresh_engine):
    build.load(fresh_engine)
    with Session(fresh_engine) as s:
        s.add(
            Decision(
                proposal_id="112-J02",
                resolution="保留",
                recorded_at=datetime(2023, 8, 8, 14, tzinfo=TAIPEI),
                recorded_by="a",
            )
        )
        s.add(
            Decision(
                proposal_id="112-J02",
                resolution="照案通過",
                recorded_at=datetime(2023, 8, 8, 15, tzinfo=TAIPEI),
                recorded_by="b",
            )
        )
        s.commit()
        frame = queries.proposals_frame(s)
        assert frame.set_index("id").loc["112-J02", "resolution"] == "照案通過"
        overview = frames.overview(frame)
        assert (overview.decided, overview.undecided, overview.by_resolution) == (1, 54, {"照案通過": 1})
        decided = frames.filter_by_decision(frame, wanted=("照案通過",))
        assert decided["id"].tolist() == ["112-J02"]
        assert len(frames.filter_by_decision(frame, wanted=(vocab.UNDECIDED,))) == 54
        card = queries.proposal_card(s, proposal_id="112-J02")
        assert [d.resolution for d in card.decisions] == ["保留", "照案通過"]


def test_headline_years_come_from_the_meeting(session, frame):
    head = queries.headline(session, frame=frame)
    assert head.meeting_year == 112  # the meeting of 2023-08-08
    assert head.carried_year == 111 == int(frame.loc[frame["track"] == vocab.CARRIED, "year"].max())
    assert head.carried_label == "111年度列管案"


def test_headline_years_follow_a_later_meeting(fresh_engine):
    """Next year's meeting relabels the overview: no year is written in the code."""
    build.load(fresh_engine)
    with Session(fresh_engine) as s:
        m = s.exec(select(Meeting)).one()
        m.date = m.date.replace(year=m.date.year + 1)
        s.add(m)
        s.commit()
        head = queries.headline(s)
    assert (head.meeting_year, head.carried_year, head.carried_label) == (113, 112, "112年度列管案")


def test_track_labels_carry_the_proposals_own_year(frame):
    labels = frame.drop_duplicates("track").set_index("track")["track_label"].to_dict()
    assert labels == {vocab.CARRIED: "111年度列管案", vocab.CENTRAL: "請求中央協助", vocab.JOINT: "八縣市共同合作"}
