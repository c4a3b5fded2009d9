"""統計登錄 through AppTest: a reader is asked to sign in; a lead sees only their group's proposals;
the secretariat opens 112-J17 (the proposal with mutual aid) by default, with data/'s period to
correct or a new one to add; the grids show each metric as an 8×8 table with totals, and read back
what a user typed as the domain's grid; saved versions are listed under the form. A proposal with
social-worker flows gets their 8×8 grid, one with other figures an editable table; bad cells are named
by row and column in Chinese with what was typed kept; another group's lead cannot save."""

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


# --- social-worker flows and other figures --------------------------------------------------------

WELFARE_LEAD = "社福窗口"


def submit(at):
    next(b for b in at.button if b.label == "儲存").click()
    return at.run()


def choose(at, proposal_id: str):
    at.selectbox(key="statistics-proposal").set_value(proposal_id).run()
    return at


def stored_versions(url: str, proposal_id: str) -> list:
    with Session(make_engine(url)) as s:
        return statistics.proposal_history(s, proposal_id)


def test_a_proposal_offers_the_kinds_of_table_it_has(accounts_url):
    at = choose(open_as(SECRETARIAT, "statistics"), "112-J24")
    assert not at.exception
    assert not at.segmented_control and [h.value for h in at.subheader][0] == "社工跨市受訓"
    assert at.selectbox(key="statistics-period-social-112-J24").options == [
        "新增統計區間",
        "更正 112年1月1日至112年5月31日（會議資料的數字）",
    ]
    choose(at, "112-J32")
    assert [h.value for h in at.subheader][0] == "其他統計數據"
    assert [t.label for t in at.tabs] == []  # no mutual-aid grids
    choose(at, "112-J17")
    assert [h.value for h in at.subheader][0] == "跨區救災救護支援"


def test_a_new_period_of_social_worker_flows_is_saved_as_a_version(accounts_url):
    at = choose(open_as(SECRETARIAT, "statistics"), "112-J24")
    suffix = "social-112-J24--0"
    at.date_input(key=f"statistics-start-{suffix}").set_value(date(2023, 6, 1))
    at.date_input(key=f"statistics-end-{suffix}").set_value(date(2023, 12, 31))
    grid = f"statistics-grid-{suffix}"
    # 宜蘭縣's workers at 臺北市's course: 3; 基隆市 at 新北市's: 「三」, a typo; 新北市's column total 5
    at.session_state[grid] = {
        "edited_rows": {0: {"臺北市": "3"}, 1: {"新北市": "三"}, 8: {"新北市": "5"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.text_input(key=f"statistics-reason-{suffix}").input("下半年")
    at = submit(at)
    errors = "\n".join(e.value for e in at.error)
    assert "社工跨市受訓｜第 2 列（基隆市）第 4 欄（新北市）：「三」不是數字，請填 0 或正整數" in errors
    assert "社工跨市受訓｜新北市（開課縣市）的欄合計：填寫 5，但各格相加為 0" in errors
    assert stored_versions(accounts_url, "112-J24") == []
    assert at.session_state[grid]["edited_rows"][1] == {"新北市": "三"}  # what was typed stays
    assert at.text_input(key=f"statistics-reason-{suffix}").value == "下半年"

    at.session_state[grid] = {
        "edited_rows": {0: {"臺北市": "3"}, 1: {"新北市": "5"}, 8: {"新北市": "5"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = submit(at)
    assert not at.error, [e.value for e in at.error]
    assert "已儲存提案 112-J24 的社工跨市受訓（112年6月1日至112年12月31日）：第 1 版，記錄者「祕書甲」。" in [
        s.value for s in at.success
    ]
    (version,) = stored_versions(accounts_url, "112-J24")
    assert (version.recorded_by, version.reason, version.period_start) == ("祕書甲", "下半年", date(2023, 6, 1))
    assert [(r["city_code"], r["counterpart_code"], r["value"]) for r in version.rows] == [
        ("yilan", "taipei", 3),
        ("keelung", "new-taipei", 5),
        (None, "new-taipei", 5),
    ]
    assert "統計數據（112年6月1日至112年12月31日）\t第 1 版" in table_values(at)
    assert "更正 112年6月1日至112年12月31日（第 1 版）" in at.selectbox(key="statistics-period-social-112-J24").options


def test_the_other_figures_are_corrected_in_a_table_checked_row_by_row(accounts_url):
    at = choose(open_as(SECRETARIAT, "statistics"), "112-J32")
    period = at.selectbox(key="statistics-period-other-112-J32")
    assert "更正 112年6月5日起，截至112年7月16日（會議資料的數字）" in period.options
    at = period.set_value("2023-06-05~@2023-07-16").run()
    rows = "statistics-rows-other-112-J32-2023-06-05~@2023-07-16-0"
    at.session_state[rows] = {"edited_rows": {1: {"value": 70}, 3: {"unit": ""}}, "added_rows": [], "deleted_rows": []}
    at = submit(at)
    errors = "\n".join(e.value for e in at.error)
    assert "第 4 列｜單位：必填" in errors
    assert stored_versions(accounts_url, "112-J32") == []
    assert at.session_state[rows]["edited_rows"][1] == {"value": 70}
    at.session_state[rows] = {
        "edited_rows": {1: {"value": 70}, 25: {"value": 359}},
        "added_rows": [{"label": "新增項目", "city": "新竹市", "value": 4, "unit": "處"}],
        "deleted_rows": [],
    }
    at = submit(at)
    assert not at.error, [e.value for e in at.error]
    (version,) = stored_versions(accounts_url, "112-J32")
    assert {"field": "參與人次數｜明細｜宜蘭縣", "old": "62 人次", "new": "70 人次"} in version.changes
    assert {"field": "新增項目｜明細｜新竹市", "old": None, "new": "4 處"} in version.changes
    assert version.rows[-1]["label"] == "新增項目" and version.rows[-1]["city_code"] == "hsinchu-city"


def test_another_groups_lead_is_refused(accounts_url):
    from dashboard.domain import accounts
    from dashboard.domain.permissions import OPERATOR
    from tests.storetools import add_account

    engine = make_engine(accounts_url)
    add_account(engine, WELFARE_LEAD, vocab.LEAD, "welfare")
    at = open_as(LEAD, "statistics")
    assert "112-J24" not in {o.split(" ")[0] for o in at.selectbox(key="statistics-proposal").options}
    at = choose(open_as(WELFARE_LEAD, "statistics"), "112-J24")
    at = at.selectbox(key="statistics-period-social-112-J24").set_value("2023-01-01~2023-05-31@").run()
    grid = "statistics-grid-social-112-J24-2023-01-01~2023-05-31@-0"
    with Session(engine) as s:  # the lead moves to the transport group meanwhile
        accounts.change(s, actor=OPERATOR, name=WELFARE_LEAD, groups=["transport"])
    at.session_state[grid] = {"edited_rows": {0: {"臺北市": "2"}}, "added_rows": [], "deleted_rows": []}
    next(b for b in at.button if b.label == "儲存").click()
    at = at.run()  # the page reads the lead's rights anew: 112-J24 is no longer theirs, nothing is saved
    (error,) = at.error
    assert "112-J24" in error.value and "您可登錄統計的提案：111-03、112-C01" in error.value
    assert at.selectbox(key="statistics-proposal").value != "112-J24"
    assert stored_versions(accounts_url, "112-J24") == []
