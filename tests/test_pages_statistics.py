"""統計登錄 through AppTest: a reader is asked to sign in; a lead sees only their group's proposals;
the secretariat opens 112-J17 (the proposal with mutual aid) by default, with data/'s period to
correct or a new one to add; the grids show each metric as an 8×8 table with totals, and read back
what a user typed as the domain's grid; saved versions are listed under the form."""

from datetime import date

import pandas as pd
import streamlit as st
from sqlmodel import Session

from dashboard.domain import statistics, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from dashboard.store.models import City
from pages.shared.statistics_view import COLUMN_TOTAL, ROW_TOTAL, grid_frame, read_grid
from tests.datadocs import expected_ids
from tests.pagetest import LEAD, SECRETARIAT, markdown_text, open_as, open_page, page_texts, table_values

CITIES = [
    City(code=code, name=name, name_en="", lon=0, lat=0, color="", sort_order=i, card_order=i)
    for i, (code, name) in enumerate(
        zip(
            ["yilan", "keelung", "taipei", "new-taipei", "taoyuan", "hsinchu-county", "hsinchu-city", "miaoli"],
            ["宜蘭縣", "基隆市", "臺北市", "新北市", "桃園市", "新竹縣", "新竹市", "苗栗縣"],
            strict=True,
        )
    )
]
NAMES = ["宜蘭縣", "基隆市", "臺北市", "新北市", "桃園市", "新竹縣", "新竹市", "苗栗縣"]


def test_a_reader_is_asked_to_sign_in(accounts_url):
    at = open_as(None, "statistics")
    assert not at.exception
    assert "請先以議題組窗口或祕書處帳號登入，才能登錄統計數字" in page_texts(at)


def test_a_lead_chooses_among_their_own_groups_proposals_only(accounts_url):
    at = open_as(LEAD, "statistics")
    assert not at.exception
    options = at.selectbox(key="statistics-proposal").options
    assert {o.split(" ")[0] for o in options} == expected_ids("transport")  # 112-J17 is 防災's


def test_the_secretariat_opens_the_mutual_aid_proposal_and_sees_saved_versions(accounts_url):
    at = open_as(SECRETARIAT, "statistics")
    assert not at.exception
    assert at.selectbox(key="statistics-proposal").value == "112-J17"
    assert at.selectbox(key="statistics-period-112-J17").options == [
        "新增統計區間",
        "更正 112年1月1日至112年6月30日（會議資料的數字）",
    ]
    assert [t.label for t in at.tabs] == ["火警", "救護", "轉報"]
    assert "尚未在儀表板登錄或更正" in page_texts(at)

    with Session(make_engine(accounts_url)) as s:
        statistics.add_mutual_aid_period(
            s,
            actor=Actor(name=SECRETARIAT, role=vocab.SECRETARIAT),
            proposal_id="112-J17",
            period=statistics.Period(date(2023, 7, 1), date(2023, 12, 31)),
            grids={"relay": {"臺北市": {"新北市": 900}}},
            reason="下半年",
        )
    at = open_as(SECRETARIAT, "statistics")
    assert "更正 112年7月1日至112年12月31日（第 1 版）" in at.selectbox(key="statistics-period-112-J17").options
    history = table_values(at)
    assert "跨區救災救護支援（112年7月1日至112年12月31日）\t第 1 版" in history
    assert (
        "祕書甲\t下半年\t臺北市→新北市 火警：（空白） → 0；臺北市→新北市 救護：（空白） → 0；臺北市→新北市 轉報：（空白） → 900"
        in history
    )


def test_the_grid_shows_a_table_with_totals_and_reads_back_what_was_typed():
    frame = grid_frame({"臺北市": {"新北市": 1208}}, NAMES)
    assert list(frame.index) == [*NAMES, COLUMN_TOTAL] and list(frame.columns) == [*NAMES, ROW_TOTAL]
    assert frame.at["臺北市", "新北市"] == "1208" and frame.at["新北市", "臺北市"] == ""
    frame.at["新北市", "臺北市"] = "660"
    frame.at["臺北市", ROW_TOTAL] = "1,208"
    frame.at[COLUMN_TOTAL, "臺北市"] = " 660 "
    frame.at[COLUMN_TOTAL, "新北市"] = pd.NA
    cells, rows, columns = read_grid(frame, NAMES)
    assert cells["新北市"]["臺北市"] == "660" and cells["宜蘭縣"]["基隆市"] is None
    assert rows["新北市"] is None and columns["臺北市"] == " 660 " and columns["新北市"] is None
    rows["新北市"] = "660"
    assert statistics.od_rows(
        {"relay": cells}, cities=CITIES, row_totals={"relay": rows}, column_totals={"relay": columns}
    ) == [
        {"from_city": "taipei", "to_city": "new-taipei", "fire": 0, "ambulance": 0, "relay": 1208},
        {"from_city": "new-taipei", "to_city": "taipei", "fire": 0, "ambulance": 0, "relay": 660},
    ]


def test_the_card_shows_each_period_of_mutual_aid_under_its_own_heading(accounts_url):
    with Session(make_engine(accounts_url)) as s:
        statistics.add_mutual_aid_period(
            s,
            actor=Actor(name=SECRETARIAT, role=vocab.SECRETARIAT),
            proposal_id="112-J17",
            period=statistics.Period(date(2023, 7, 1), date(2023, 12, 31)),
            grids={"relay": {"臺北市": {"新北市": 900}}},
        )
    st.cache_resource.clear()
    at = open_page("card", {"id": "112-J17"})
    assert not at.exception
    text = markdown_text(at)
    first = text.index("跨區救災救護支援及轉報統計（112年1月1日至112年6月30日）")
    second = text.index("跨區救災救護支援及轉報統計（112年7月1日至112年12月31日）")
    assert (
        first < second
        and '<td>臺北市</td><td>新北市</td><td class="num">0</td><td class="num">0</td><td class="num">900</td>'
        in text[second:]
    )
