"""The store against the 112 meeting packet, figure for figure.

Expected values are copied from the source document (../shared/seeds), not from data/.
"""

from collections import Counter

import pytest
from sqlmodel import select

from dashboard.domain import queries
from dashboard.store.models import AgendaItem, GroupMeeting, Meeting, Organiser, Proposal, WorkGroup
from tests import packet_facts as facts
from tests.packet_facts import MUTUAL_AID


def frame(session):
    return queries.proposals_frame(session)


def test_counts_by_year_and_track(session):
    counts = Counter(zip(frame(session)["year"], frame(session)["track"]))
    assert counts == {(111, "carried"): 13, (112, "central"): 8, (112, "joint"): 34}


def test_carried_over_split_into_twelve_delistings_and_one_continuation(session):
    carried = frame(session).query("year == 111")
    assert Counter(carried["tracking_status"]) == {"建議解除列管": 12, "持續列管": 1}


@pytest.mark.parametrize(
    ("group", "year", "expected"),
    [
        ("文化教育組", 111, 2),
        ("交通運輸組", 111, 1),
        ("休閒遊憩組", 111, 2),
        ("防災治安組", 111, 2),
        ("原客新移組", 111, 1),
        ("健康社福組", 111, 1),
        ("產業發展組", 111, 3),
        ("環境資源組", 111, 1),
        ("文化教育組", 112, 6),
        ("交通運輸組", 112, 8),
        ("休閒遊憩組", 112, 3),
        ("防災治安組", 112, 5),
        ("原客新移組", 112, 1),
        ("健康社福組", 112, 6),
        ("產業發展組", 112, 7),
        ("環境資源組", 112, 3),
        ("發展推動組", 112, 3),
    ],
)
def test_counts_by_group_and_year(session, group, year, expected):
    f = frame(session)
    assert len(f[(f["group"] == group) & (f["year"] == year)]) == expected


@pytest.mark.parametrize(
    ("subgroup", "expected"),
    [
        ("文化組", 1),
        ("教育組", 7),
        ("防災組", 5),
        ("治安組", 2),
        ("健康組", 4),
        ("社福組", 3),
    ],
)
def test_counts_by_subgroup(session, subgroup, expected):
    assert (frame(session)["subgroup"] == subgroup).sum() == expected


@pytest.mark.parametrize(
    ("ministry", "expected"), [("交通部", 4), ("農委會", 1), ("內政部", 2), ("內政部\n國家住都中心", 1)]
)
def test_central_proposals_name_their_ministry(session, ministry, expected):
    f = frame(session).query("track == 'central'")
    assert (f["central_ministry"] == ministry).sum() == expected


@pytest.mark.parametrize(("pid", "title"), facts.TITLES)
def test_titles_as_printed_in_the_tables(session, pid, title):
    assert session.get(Proposal, pid).title == title


CARD_TITLES = facts.CARD_TITLES


@pytest.mark.parametrize(("pid", "card_title"), CARD_TITLES)
def test_card_titles_kept_where_they_differ_from_the_table(session, pid, card_title):
    assert session.get(Proposal, pid).card_title == card_title


def test_only_the_seven_listed_new_proposals_have_a_differing_card_title(session):
    f = frame(session).query("year == 112")
    assert set(f.loc[f["card_title"].notna(), "id"]) == {pid for pid, _ in CARD_TITLES}


@pytest.mark.parametrize(
    ("pid", "scope", "cities"),
    [
        ("112-J02", "partial", ["基隆市", "臺北市", "新北市", "桃園市"]),
        ("112-J19", "partial", ["宜蘭縣", "基隆市", "臺北市", "新北市", "桃園市", "新竹縣", "苗栗縣"]),
        ("112-J28", "partial", ["宜蘭縣", "基隆市", "臺北市", "新北市", "新竹縣", "新竹市", "苗栗縣"]),
        ("112-J34", "partial", ["基隆市", "臺北市", "新北市", "桃園市", "新竹縣", "新竹市", "苗栗縣"]),
        ("112-J01", "all", ["宜蘭縣", "基隆市", "臺北市", "新北市", "桃園市", "新竹縣", "新竹市", "苗栗縣"]),
    ],
)
def test_cooperating_cities_including_lost_check_marks(session, pid, scope, cities):
    card = queries.proposal_card(session, proposal_id=pid)
    assert card.proposal.cities_scope == scope
    assert card.cities == cities


@pytest.mark.parametrize(
    ("pid", "types"),
    [
        ("112-J02", ["跨縣市實質合作議題"]),  # its ■ was lost in the text dump
        ("112-J03", ["跨縣市實質合作議題", "縣市治理經驗與成果分享"]),
        ("112-C01", ["跨縣市實質合作議題", "申請中央補助經費"]),
        ("112-C07", ["促請中央修正法案", "縣市治理經驗與成果分享"]),
        ("112-J22", ["其他"]),
        ("112-J14", ["縣市治理經驗與成果分享"]),
        ("112-C05", ["申請中央補助經費"]),
    ],
)
def test_proposal_types_as_checked_on_the_card(session, pid, types):
    assert queries.proposal_card(session, proposal_id=pid).types == types


def test_type_totals_over_all_cards(session):
    counts = Counter(t for types in frame(session)["types"] for t in types)
    assert counts == {
        "跨縣市實質合作議題": 31,
        "促請中央修正法案": 4,
        "申請中央補助經費": 3,
        "縣市治理經驗與成果分享": 8,
        "其他": 1,
    }


@pytest.mark.parametrize(("pid", "units", "cities"), facts.LEAD_UNITS)
def test_proposing_units_and_their_city(session, pid, units, cities):
    row = frame(session).set_index("id").loc[pid]
    assert row["lead_units"] == units and row["lead_cities"] == cities


def test_card_fields_of_a_sample_card(session):
    card = queries.proposal_card(session, proposal_id="112-J02")
    p = card.proposal
    assert p.card_unit == "新北市政府教育局-校園安全室"
    assert p.description.startswith("一、透過跨縣市高中職學生校外租屋安全合作，即時協助危機處理。")
    assert "二、各縣市教育局(處)於每學期開學後6週內" in p.approach
    assert p.benefits.endswith("達成學校用心、家長放心、學生安心之目標。")
    assert p.contact == "新北市教育局"


def test_every_card_has_its_texts(session):
    cards = session.exec(select(Proposal).where(Proposal.year == 112)).all()
    assert len(cards) == 42
    for p in cards:
        assert p.description and p.approach and p.benefits and p.contact and p.progress, p.id


def test_delisting_reasons_kept(session):
    p = session.get(Proposal, "111-05")
    assert p.tracking_reason == facts.DELISTING_REASON_111_05
    assert p.progress_status == "已取消"


@pytest.mark.parametrize(
    ("pid", "tracking", "progress"),
    [
        ("111-13", "持續列管", "執行中"),
        ("112-C04", "列管中", "待中央回應"),
        ("112-C05", "建議解除列管", "已完成"),
        ("112-J23", "建議解除列管", "已完成"),
        ("112-J30", "列管中", "已完成"),
        ("112-J29", "列管中", "規劃中"),
    ],
)
def test_status_set_from_the_document_with_its_basis(session, pid, tracking, progress):
    p = session.get(Proposal, pid)
    assert (p.tracking_status, p.progress_status) == (tracking, progress)
    assert p.progress_basis in (p.progress or "") + (p.tracking_reason or "")


def test_mutual_aid_rows_exactly(session):
    f = queries.mutual_aid_frame(session)
    rows = list(zip(f["from_city"], f["to_city"], f["fire"], f["ambulance"], f["relay"]))
    assert rows == MUTUAL_AID
    assert {str(d) for d in f["period_start"]} == {facts.MUTUAL_AID_PERIOD[0]}
    assert {str(d) for d in f["period_end"]} == {facts.MUTUAL_AID_PERIOD[1]}


def indicator(session, name, **where):
    f = queries.indicators_frame(session)
    f = f[(f["indicator"] == name)]
    for column, value in where.items():
        f = f[f[column].isna()] if value is None else f[f[column] == value]
    return f


@pytest.mark.parametrize(("city", "referrals", "visits"), facts.VACCINATION)
def test_vaccination_referrals_per_city(session, city, referrals, visits):
    assert indicator(session, "vaccination_referrals", city=city)["value"].tolist() == [referrals]
    assert indicator(session, "vaccination_visits", city=city)["value"].tolist() == [visits]


def test_social_safety_net_transfers(session):
    total = indicator(session, "safety_net_transfers")["value"].sum()
    out = indicator(session, "safety_net_transfers_out")["value"].sum()
    into = indicator(session, "safety_net_transfers_in")["value"].sum()
    assert (total, out, into) == facts.SAFETY_NET
    assert out + into == total


@pytest.mark.parametrize(("host", "expected"), facts.SOCIAL_WORKER_TRAINING_BY_HOST)
def test_social_worker_training_by_host(session, host, expected):
    details = indicator(session, "social_worker_training", kind="value", counterpart_city=host)
    assert details["value"].sum() == expected


def test_social_worker_training_total_and_home_cities(session):
    details = indicator(session, "social_worker_training", kind="value")
    assert details["value"].sum() == facts.SOCIAL_WORKER_TRAINING_TOTAL
    by_home = details.groupby("city")["value"].sum().to_dict()
    assert by_home == facts.SOCIAL_WORKER_TRAINING_BY_HOME


GREEN_TOURISM_INDICATORS = ("green_tourism_respondents", "green_tourism_participants", "green_tourism_site_visits")


@pytest.mark.parametrize(("name", "total"), list(zip(GREEN_TOURISM_INDICATORS, facts.GREEN_TOURISM_TOTALS)))
def test_green_tourism_totals(session, name, total):
    assert indicator(session, name, kind="value")["value"].sum() == total
    assert indicator(session, name, kind="total")["value"].tolist() == [total]


@pytest.mark.parametrize("row", facts.GREEN_TOURISM, ids=[row[0] for row in facts.GREEN_TOURISM])
def test_green_tourism_rows(session, row):
    city, *expected = row
    assert [indicator(session, n, city=city)["value"].item() for n in GREEN_TOURISM_INDICATORS] == expected


def test_e_cigarette_inspections_and_penalties(session):
    assert indicator(session, "ecig_inspections")["value"].tolist() == [facts.ECIG[0]]
    assert indicator(session, "ecig_penalties", city=None)["value"].tolist() == [facts.ECIG[1]]
    assert indicator(session, "ecig_penalties", city="臺北市")["value"].tolist() == [0]
    assert indicator(session, "ecig_penalties", city="苗栗縣")["value"].tolist() == [0]


def test_group_meetings_log(session):
    meetings = session.exec(select(GroupMeeting)).all()
    assert len(meetings) == 34
    by_group = Counter(m.group_id for m in meetings)
    assert by_group == {
        "development": 5,
        "culture": 1,
        "education": 5,
        "transport": 2,
        "recreation": 2,
        "disaster": 2,
        "police": 2,
        "indigenous-hakka": 1,
        "health": 2,
        "welfare": 2,
        "industry": 3,
        "environment": 2,
        "staff": 5,
    }


@pytest.mark.parametrize(
    ("group", "host"),
    [
        ("development", "新北市政府城鄉發展局"),
        ("culture", "新北市政府文化局"),
        ("education", "新北市政府教育局"),
        ("transport", "新北市政府交通局"),
        ("recreation", "新北市政府觀光旅遊局"),
        ("disaster", "新北市政府消防局"),
        ("police", "新北市政府警察局"),
        ("indigenous-hakka", "新北市政府民政局"),
        ("health", "新北市政府衛生局"),
        ("welfare", "新北市政府社會局"),
        ("industry", "新北市政府經濟發展局"),
        ("environment", "新北市政府環境保護局"),
        ("staff", "新北市政府城鄉發展局"),
    ],
)
def test_host_agencies(session, group, host):
    assert session.get(WorkGroup, group).host_agency == host


def test_meeting_details_and_agenda(session):
    meeting = session.exec(select(Meeting)).one()
    assert meeting.name == facts.MEETING_NAME
    assert (str(meeting.date), f"{meeting.start_time:%H:%M}") == (facts.MEETING_DATE, facts.MEETING_START)
    assert (meeting.chair_org, meeting.chair, meeting.venue) == (*facts.MEETING_CHAIR, facts.MEETING_VENUE)
    agenda = session.exec(select(AgendaItem).order_by(AgendaItem.position)).all()
    assert [(f"{a.start:%H:%M}", a.minutes) for a in agenda] == facts.AGENDA_TIMES
    decision = [a for a in agenda if a.key == "decision"]
    assert len(decision) == 1 and "年度合作方案決議" in decision[0].title
    organisers = session.exec(select(Organiser).where(Organiser.role == "執行單位")).all()
    assert [o.name for o in organisers] == [facts.EXECUTING_ORGANISER]
