"""Pure helpers over the proposals frame: decisions, neighbours, waiting lists, city lens, groups."""

import pandas as pd
import pytest

from dashboard.domain import frames, queries, vocab


@pytest.fixture
def frame(session):
    return queries.proposals_frame(session)


def test_filter_by_decision_without_wanted_keeps_all(frame):
    assert len(frames.filter_by_decision(frame, wanted=())) == len(frame)


@pytest.mark.parametrize(
    "current, expected",
    [
        ("b", frames.Neighbours("a", "c", 2, 3)),
        ("a", frames.Neighbours(None, "b", 1, 3)),
        ("c", frames.Neighbours("b", None, 3, 3)),
        ("z", frames.Neighbours(None, None, None, 3)),
    ],
)
def test_neighbours(current, expected):
    assert frames.neighbours(["a", "b", "c"], current=current) == expected


def test_waiting_lists(frame):
    waiting = {label: rows["id"].tolist() for label, _, _, rows in frames.waiting(frame)}
    assert waiting["待中央回應"] == ["112-C04"]
    assert waiting["持續列管"] == ["111-13"]
    assert len(waiting["建議解除列管，待會議決議"]) == 14  # 12 carried + 1 central + 1 joint proposed for de-listing
    assert all(frame.set_index("id").loc[i, "progress_status"] == "規劃中" for i in waiting["規劃中"])


def test_city_involvement_roles(frame):
    rows = frames.city_involvement(frame, city="桃園市").set_index("id")
    assert rows.loc["111-10", "role"] == "主辦"
    assert rows.loc["112-J17", "role"] == "參與合作"
    assert "112-J28" not in rows.index  # 桃園市 is not among J28's cities
    assert rows.loc["111-13":"111-13"].empty  # led by 臺北市 and 新北市
    new_taipei = frames.city_involvement(frame, city="新北市").set_index("id")
    assert new_taipei.loc["112-J17", "role"] == "主辦並參與"


def test_mutual_aid_totals_of_a_city_without_rows():
    empty = pd.DataFrame(columns=["from_city", "to_city", "fire", "ambulance", "relay", "total"])
    assert frames.mutual_aid_totals(empty, city="苗栗縣").to_numpy().sum() == 0


def test_group_family_and_hosts(session):
    groups = queries.groups(session)
    assert [g.id for g in frames.group_family(groups, group_id="public-safety")] == [
        "public-safety",
        "disaster",
        "police",
    ]
    assert frames.group_family(groups, group_id="nope") == []
    assert frames.host_agencies(groups, group_id="public-safety") == [
        ("防災組", "新北市政府消防局"),
        ("治安組", "新北市政府警察局"),
    ]
    assert frames.host_agencies(groups, group_id="transport") == [("交通運輸組", "新北市政府交通局")]


def test_groups_table(session, frame):
    groups = queries.groups(session)
    table = frames.groups_table(groups, frame, queries.group_meetings(session)).set_index("id")
    assert table.loc["transport", "proposals"] == 9
    assert (
        table.loc["public-safety", "proposals"] == table.loc["disaster", "proposals"] + table.loc["police", "proposals"]
    )
    assert table.loc["public-safety", "meetings"] == 4


def test_mutual_aid_totals(session):
    aid = queries.mutual_aid_frame(session)
    totals = frames.mutual_aid_totals(aid, city="桃園市")
    assert totals.loc["向他縣市請求支援"].tolist() == [1, 10, 243, 254]
    assert totals.loc["支援他縣市"].tolist() == [3, 7, 360, 370]
    assert totals.loc["向他縣市請求支援", "total"] == aid.loc[aid["from_city"] == "桃園市", "total"].sum()


def test_track_choices_name_the_carried_year_of_the_frame(frame):
    choices = frames.track_choices(frame)
    assert list(choices) == list(vocab.TRACKS)
    assert choices[vocab.CARRIED] == f"{frames.carried_rows_year(frame)}年度列管案" == "111年度列管案"


def test_the_keep_tracking_explanation_names_the_carried_year(frame):
    explanations = {label: explanation for label, explanation, _, _ in frames.waiting(frame)}
    assert explanations[vocab.KEEP_TRACKING] == "111年度列管案中建議持續追蹤者"
