"""Page-facing query helpers: decisions, neighbours, waiting lists, city lens, groups."""
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from sqlmodel import Session

from dashboard import queries, store
from dashboard.models import Decision

TAIPEI = timezone(timedelta(hours=8))


@pytest.fixture
def frame(session):
    return queries.proposals_frame(session)


def test_headline_counts(session, frame):
    head = queries.headline(session, frame=frame)
    assert (head.total, head.carried, head.carried_delist, head.carried_keep) == (55, 13, 12, 1)
    assert (head.new, head.central, head.joint) == (42, 8, 34)


def test_decisions_latest_in_force(fresh_engine):
    store.load(fresh_engine)
    with Session(fresh_engine) as s:
        s.add(Decision(proposal_id="112-J02", resolution="保留", recorded_at=datetime(2023, 8, 8, 14, tzinfo=TAIPEI),
                       recorded_by="a"))
        s.add(Decision(proposal_id="112-J02", resolution="照案通過",
                       recorded_at=datetime(2023, 8, 8, 15, tzinfo=TAIPEI), recorded_by="b"))
        s.commit()
        frame = queries.proposals_frame(s)
        assert frame.set_index("id").loc["112-J02", "resolution"] == "照案通過"
        overview = queries.overview(frame)
        assert (overview.decided, overview.undecided, overview.by_resolution) == (1, 54, {"照案通過": 1})
        decided = queries.filter_by_decision(frame, wanted=("照案通過",))
        assert decided["id"].tolist() == ["112-J02"]
        assert len(queries.filter_by_decision(frame, wanted=(queries.UNDECIDED,))) == 54
        card = queries.proposal_card(s, proposal_id="112-J02")
        assert [d.resolution for d in card.decisions] == ["保留", "照案通過"]


def test_filter_by_decision_without_wanted_keeps_all(frame):
    assert len(queries.filter_by_decision(frame, wanted=())) == len(frame)


@pytest.mark.parametrize("current, expected", [
    ("b", queries.Neighbours("a", "c", 2, 3)),
    ("a", queries.Neighbours(None, "b", 1, 3)),
    ("c", queries.Neighbours("b", None, 3, 3)),
    ("z", queries.Neighbours(None, None, None, 3)),
])
def test_neighbours(current, expected):
    assert queries.neighbours(["a", "b", "c"], current=current) == expected


def test_waiting_lists(frame):
    waiting = {label: rows["id"].tolist() for label, _, _, rows in queries.waiting(frame)}
    assert waiting["待中央回應"] == ["112-C04"]
    assert waiting["持續列管"] == ["111-13"]
    assert len(waiting["建議解除列管，待會議決議"]) == 14  # 12 carried + 1 central + 1 joint proposed for de-listing
    assert all(frame.set_index("id").loc[i, "progress_status"] == "規劃中" for i in waiting["規劃中"])


def test_city_involvement_roles(frame):
    rows = queries.city_involvement(frame, city="桃園市").set_index("id")
    assert rows.loc["111-10", "role"] == "主辦"
    assert rows.loc["112-J17", "role"] == "參與合作"
    assert "112-J28" not in rows.index  # 桃園市 is not among J28's cities
    assert rows.loc["111-13":"111-13"].empty  # led by 臺北市 and 新北市
    new_taipei = queries.city_involvement(frame, city="新北市").set_index("id")
    assert new_taipei.loc["112-J17", "role"] == "主辦並參與"


def test_mutual_aid_totals(session):
    aid = queries.mutual_aid_frame(session)
    totals = queries.mutual_aid_totals(aid, city="桃園市")
    assert totals.loc["向他縣市請求支援"].tolist() == [1, 10, 243, 254]
    assert totals.loc["支援他縣市"].tolist() == [3, 7, 360, 370]
    assert totals.loc["向他縣市請求支援", "total"] == aid.loc[aid["from_city"] == "桃園市", "total"].sum()


def test_mutual_aid_totals_of_a_city_without_rows():
    empty = pd.DataFrame(columns=["from_city", "to_city", "fire", "ambulance", "relay", "total"])
    assert queries.mutual_aid_totals(empty, city="苗栗縣").to_numpy().sum() == 0


def test_group_family_and_hosts(session):
    groups = queries.groups(session)
    assert [g.id for g in queries.group_family(groups, group_id="public-safety")] == ["public-safety", "disaster", "police"]
    assert queries.group_family(groups, group_id="nope") == []
    assert queries.host_agencies(groups, group_id="public-safety") == [("防災組", "新北市政府消防局"),
                                                                       ("治安組", "新北市政府警察局")]
    assert queries.host_agencies(groups, group_id="transport") == [("交通運輸組", "新北市政府交通局")]


def test_groups_table(session, frame):
    groups = queries.groups(session)
    table = queries.groups_table(groups, frame, queries.group_meetings(session)).set_index("id")
    assert table.loc["transport", "proposals"] == 9
    assert table.loc["public-safety", "proposals"] == table.loc["disaster", "proposals"] + table.loc["police", "proposals"]
    assert table.loc["public-safety", "meetings"] == 4
