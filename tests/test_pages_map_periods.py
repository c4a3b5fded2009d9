"""The map's periods (pages/map.py, dashboard/domain/statistics.py): a year with two periods of
mutual aid shows the latest by default, another by ?period=, and with ?compare= the change per pair
and per city in and out; a value that names no period is said. A new cycle's figures, entered for
its carried-over row of 112-J17, are what the map shows for that cycle (they used to stop at 112)."""

from datetime import date

import pytest
from sqlmodel import Session, select

from dashboard.domain import new_year, statistics, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from dashboard.store.models import Proposal
from tests import databases
from tests.pagetest import build_store, open_page, page_texts, serving
from tests.test_pages_map import arcs, heatmap_cells

SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
FIRST = "2023-01-01~2023-06-30"
SECOND = "2023-07-01~2023-12-31"
NEXT_YEAR = "2024-01-01~2024-06-30"
SECOND_GRIDS = {
    "fire": {"臺北市": {"新北市": 4}, "新北市": {"臺北市": 2}},
    "ambulance": {"臺北市": {"新北市": 30}, "宜蘭縣": {"新北市": 12}},
    "relay": {"臺北市": {"新北市": 1100}, "新北市": {"臺北市": 700}, "宜蘭縣": {"新北市": 60}},
}


@pytest.fixture(scope="module")
def periods_url(tmp_path_factory):
    url = build_store(tmp_path_factory.mktemp("periods") / "store.db")
    engine = make_engine(url)
    with Session(engine) as s:
        statistics.add_mutual_aid_period(
            s,
            actor=SECRETARIAT,
            proposal_id="112-J17",
            period=statistics.Period.from_token(SECOND),
            grids=SECOND_GRIDS,
        )
    engine.dispose()
    with serving(url):
        yield url
    databases.drop(url)


def open_map(**params):
    at = open_page("map", params)
    assert not at.exception, at.exception
    return at


def test_the_latest_period_is_shown_by_default_and_the_other_can_be_chosen(periods_url):
    at = open_map()
    assert "統計區間：112年7月1日至112年12月31日" in page_texts(at)
    assert arcs(at) == {("taipei", "new-taipei"): 1134, ("new-taipei", "taipei"): 702, ("yilan", "new-taipei"): 72}
    choice = at.selectbox(key="map_period")
    assert choice.options == ["112年7月1日至112年12月31日（最新）", "112年1月1日至112年6月30日"]
    choice.select_index(1).run()
    assert at.query_params["period"] == FIRST
    assert "統計區間：112年1月1日至112年6月30日" in page_texts(at)
    assert heatmap_cells(at)[("臺北市", "新北市")] == "1,245"  # data/'s figures, as in the 112 packet


def test_comparing_two_periods_gives_the_change_per_pair_and_per_city(periods_url):
    at = open_map(compare=FIRST)
    assert at.query_params["compare"] == FIRST
    pairs, cities = at.dataframe[1].value, at.dataframe[2].value
    taipei = pairs[(pairs["請求支援縣市"] == "臺北市") & (pairs["提供支援縣市"] == "新北市")].iloc[0]
    assert (taipei["本期"], taipei["比較期"], taipei["增減"]) == ("1,134", "1,245", "−111")
    first = pairs.iloc[0]  # the largest change first: a pair the new period does not list counts 0
    assert (first["請求支援縣市"], first["提供支援縣市"], first["本期"], first["比較期"], first["增減"]) == (
        "新北市",
        "桃園市",
        "",
        "352",
        "−352",
    )
    row = cities[cities["縣市"] == "臺北市"].iloc[0]
    assert (row["請他市支援：本期"], row["請他市支援：比較期"], row["請他市支援：增減"]) == ("1,134", "1,245", "−111")
    assert (row["支援他市：本期"], row["支援他市：比較期"], row["支援他市：增減"]) == ("702", "666", "+36")
    assert "本期＝112年7月1日至112年12月31日，比較期＝112年1月1日至112年6月30日" in page_texts(at)


def test_a_period_the_year_does_not_have_is_said(periods_url):
    at = open_map(period="2099-01-01~2099-06-30")
    (error,) = at.error
    assert (
        "網址中的統計區間「` 2099-01-01~2099-06-30 `」不存在。目前顯示最新的統計區間；可用：2023-07-01~2023-12-31"
        in error.value
    )
    assert "統計區間：112年7月1日至112年12月31日" in page_texts(at)


def test_a_new_cycles_figures_entered_for_its_carried_row_are_its_map(tmp_path):
    url = build_store(tmp_path / "next.db")
    engine = make_engine(url)
    with Session(engine) as s:
        new_year.start_year(
            s, cycle=113, meeting_date=date(2024, 8, 20), actor=SECRETARIAT, host_city="新竹市", form="線上"
        )
        carried = s.exec(select(Proposal.id).where(Proposal.previous_id == "112-J17")).one()
        statistics.add_mutual_aid_period(
            s,
            actor=SECRETARIAT,
            proposal_id=carried,
            period=statistics.Period.from_token(NEXT_YEAR),
            grids={"relay": {"桃園市": {"新竹縣": 80}}},
        )
    engine.dispose()
    try:
        with serving(url):
            at = open_map(cycle="113")
            assert arcs(at) == {("taoyuan", "hsinchu-county"): 80}
            assert f"統計區間：113年1月1日至113年6月30日｜資料來源：{carried}" in page_texts(at)
            assert "map_period" not in [box.key for box in at.selectbox]  # one period: nothing to choose
            at = open_map(cycle="112")
            assert heatmap_cells(at)[("臺北市", "新北市")] == "1,245"
    finally:
        databases.drop(url)
