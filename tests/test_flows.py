"""dashboard.flows: the two cross-border flows in one shape, their wording, matrix and table."""

import json
from datetime import date

import pandas as pd
import pytest

from dashboard.domain import flows as fl
from dashboard.domain import queries


def pair(flows: fl.Flows, from_city: str, to_city: str) -> pd.Series:
    frame = flows.frame
    rows = frame[(frame["from_city"] == from_city) & (frame["to_city"] == to_city)]
    assert len(rows) == 1
    return rows.iloc[0]


# --- the store's two flows, as the packet states them


def test_social_worker_training_rows_are_home_to_host(training):
    row = training[(training["from_city"] == "宜蘭縣") & (training["to_city"] == "新北市")].iloc[0]
    assert row["count"] == 18
    assert set(training["to_city"]) == {"臺北市", "新北市", "桃園市"}


def test_social_worker_training_sums_to_the_packets_total(session, training):
    totals = queries.indicators_frame(session)
    totals = totals[(totals["indicator"] == queries.SOCIAL_WORKER_TRAINING) & (totals["kind"] == "total")]
    grand = totals[totals["counterpart_city"].isna()]["value"].item()
    assert training["count"].sum() == grand == 57
    for host, value in totals.dropna(subset=["counterpart_city"])[["counterpart_city", "value"]].itertuples(
        index=False
    ):
        assert training[training["to_city"] == host]["count"].sum() == value


@pytest.mark.parametrize("metric", list(fl.METRICS))
def test_aid_counts_are_the_chosen_column(mutual_aid, metric):
    flows = fl.aid_flows(mutual_aid, metric=metric)
    column = fl.METRICS[metric][1]
    assert flows.frame["count"].tolist() == mutual_aid[column].tolist()
    assert flows.metric_label == fl.METRICS[metric][0]


def test_unknown_metric_is_refused(mutual_aid):
    with pytest.raises(ValueError):
        fl.aid_flows(mutual_aid, metric="flood")


@pytest.mark.parametrize(
    "metric, sentence",
    [
        ("relay", "臺北市 請 新北市 支援：轉報 1,208 件"),
        ("fire", "臺北市 請 新北市 支援：火警 5 件"),
        ("ambulance", "臺北市 請 新北市 支援：救護 32 件"),
        ("all", "臺北市 請 新北市 支援：合計 1,245 件"),
    ],
)
def test_aid_sentences_word_the_packets_tables(mutual_aid, metric, sentence):
    row = pair(fl.aid_flows(mutual_aid, metric=metric), "臺北市", "新北市")
    assert row["sentence"] == sentence
    assert row["detail"] == "火警 5 件、救護 32 件、轉報 1,208 件"


def test_social_sentence(training):
    row = pair(fl.social_flows(training), "宜蘭縣", "新北市")
    assert row["sentence"] == "宜蘭縣 社工 參加 新北市 開設之課程：18 位"
    assert row["detail"] == ""


@pytest.mark.parametrize(
    "kind, start, end, text",
    [
        (fl.AID, date(2023, 1, 1), date(2023, 6, 30), "112年1月1日至112年6月30日"),
        (fl.SOCIAL, date(2023, 1, 1), date(2023, 5, 31), "112年1月至5月"),
        (fl.SOCIAL, date(2022, 11, 1), date(2023, 2, 28), "111年11月至112年2月"),
    ],
)
def test_period_text(kind, start, end, text):
    assert fl.period_text(kind, start, end) == text


def test_periods_come_from_the_store(mutual_aid, training):
    assert fl.aid_flows(mutual_aid).period == "112年1月1日至112年6月30日"
    assert fl.social_flows(training).period == "112年1月至5月"


@pytest.mark.parametrize(
    "metric, text", [("all", "合計 1,245 件"), ("relay", "轉報 1,245 件"), ("fire", "火警 1,245 件")]
)
def test_amount_names_the_metric(mutual_aid, metric, text):
    assert fl.aid_flows(mutual_aid, metric=metric).amount(1245) == text


def test_amount_for_social_workers(training):
    assert fl.social_flows(training).amount(18) == "18 位"


@pytest.mark.parametrize(
    "metric, measure", [("all", "合計"), ("fire", "火警"), ("ambulance", "救護"), ("relay", "轉報")]
)
def test_measure_names_what_a_count_is(mutual_aid, training, metric, measure):
    assert fl.aid_flows(mutual_aid, metric=metric).measure == measure
    assert fl.social_flows(training).measure == "人數"


def test_short_breakdown():
    assert fl.short_breakdown(3, 3, 660) == "火警 3・救護 3・轉報 660"
    assert fl.short_breakdown(pd.NA, pd.NA, pd.NA) == ""


# --- filtering and totals


def test_drawn_leaves_out_zero_counts_but_frame_keeps_them(mutual_aid):
    flows = fl.aid_flows(mutual_aid, metric="fire")
    assert (flows.drawn["count"] > 0).all()
    assert len(flows.frame) == len(mutual_aid)
    assert len(flows.drawn) == int((mutual_aid["fire"] > 0).sum())


@pytest.mark.parametrize("code", ["taipei", "new-taipei", "miaoli"])
def test_for_city_keeps_only_its_flows(mutual_aid, code):
    shown = fl.for_city(fl.aid_flows(mutual_aid), code).frame
    expected = mutual_aid[(mutual_aid["from_code"] == code) | (mutual_aid["to_code"] == code)]
    assert len(shown) == len(expected) > 0
    assert ((shown["from_code"] == code) | (shown["to_code"] == code)).all()


def test_city_totals_split_out_and_in(mutual_aid, cities):
    flows = fl.aid_flows(mutual_aid)
    taipei = next(c for c in cities if c.code == "taipei")
    totals = fl.city_totals(flows, taipei)
    assert totals.out_count == mutual_aid[mutual_aid["from_code"] == "taipei"]["total"].sum() == 1245
    assert totals.in_count == mutual_aid[mutual_aid["to_code"] == "taipei"]["total"].sum() == 666
    assert totals.out_flows["to_city"].tolist() == ["新北市"]
    assert fl.part_totals(totals.out_flows) == "火警 5 件、救護 32 件、轉報 1,208 件"


def test_city_totals_list_partners_largest_first(mutual_aid, cities):
    new_taipei = next(c for c in cities if c.code == "new-taipei")
    counts = fl.city_totals(fl.aid_flows(mutual_aid), new_taipei).out_flows["count"].tolist()
    assert counts == sorted(counts, reverse=True) and len(counts) == 4


@pytest.mark.parametrize(
    "value, code",
    [
        ("taipei", "taipei"),
        ("臺北市", "taipei"),
        ("台北市", "taipei"),
        (" Taipei City ", "taipei"),
        ("new-taipei", "new-taipei"),
        ("新竹市", "hsinchu-city"),
        ("ＴＡＩＰＥＩ", "taipei"),
        ("atlantis", None),
        ("", None),
        (None, None),
        ("臺中市", None),
    ],
)
def test_resolve_city(cities, value, code):
    assert fl.resolve_city(value, cities) == code


# --- matrix and table


def test_matrix_holds_every_pair_and_nothing_else(mutual_aid, cities):
    flows = fl.aid_flows(mutual_aid, metric="relay")
    matrix = fl.od_matrix(flows, cities)
    names = [c.name for c in cities]
    assert list(matrix.index) == list(matrix.columns) == names
    for row in mutual_aid.itertuples():
        assert matrix.loc[row.from_city, row.to_city] == row.relay
    assert int(matrix.notna().sum().sum()) == len(mutual_aid)
    assert matrix.index.name == "請求支援縣市" and matrix.columns.name == "提供支援縣市"


def test_matrix_keeps_reported_zeros_apart_from_missing_pairs(mutual_aid, cities):
    matrix = fl.od_matrix(fl.aid_flows(mutual_aid), cities)
    assert matrix.loc["新竹縣", "苗栗縣"] == 0  # listed in the packet with 0 0 0
    assert pd.isna(matrix.loc["苗栗縣", "宜蘭縣"])  # not listed at all


@pytest.mark.parametrize("metric", list(fl.METRICS))
def test_ranked_table_is_sorted_and_complete(mutual_aid, metric):
    flows = fl.aid_flows(mutual_aid, metric=metric)
    table = fl.ranked_table(flows)
    assert list(table.columns) == ["請求支援縣市", "提供支援縣市", "合計", "火警", "救護", "轉報"]
    column = "合計" if metric == "all" else fl.METRICS[metric][0]
    assert table[column].tolist() == sorted(mutual_aid[fl.METRICS[metric][1]], reverse=True)
    assert table["合計"].sum() == mutual_aid["total"].sum()


def test_ranked_table_for_social_workers(training):
    table = fl.ranked_table(fl.social_flows(training))
    assert list(table.columns) == ["社工所屬縣市", "開課縣市", "人數（位）"]
    assert table["人數（位）"].sum() == 57


def test_heatmap_writes_every_number_in_its_cell(mutual_aid, cities):
    flows = fl.aid_flows(mutual_aid)
    figure = fl.od_heatmap(flows, cities)
    trace = figure.data[0]
    names = [c.name for c in cities]
    assert list(trace.x) == list(trace.y) == names
    for row in mutual_aid.itertuples():
        assert trace.text[names.index(row.from_city)][names.index(row.to_city)] == f"{row.total:,}"
    assert sum(cell != "" for line in trace.text for cell in line) == len(mutual_aid)
    assert "%{y} 請 %{x} 支援：合計 %{customdata} 件" in trace.hovertemplate


def test_heatmap_outlines_the_chosen_city(mutual_aid, cities):
    figure = fl.od_heatmap(fl.aid_flows(mutual_aid), cities, selected="臺北市")
    assert len(figure.layout.shapes) == 2
    assert len(fl.od_heatmap(fl.aid_flows(mutual_aid), cities).layout.shapes) == 0


def test_heatmap_for_social_workers_words_its_own_hover(training, cities):
    figure = fl.od_heatmap(fl.social_flows(training), cities)
    assert "社工 參加 %{x} 開設之課程" in figure.data[0].hovertemplate
    assert json.loads(figure.to_json())["layout"]["xaxis"]["title"]["text"] == "開課縣市 →"


def test_heatmap_is_cheap_to_send_on_every_run(mutual_aid, cities):
    """Streamlit serialises the cached figure on every rerun: no template, plain lists."""
    figure = fl.od_heatmap(fl.aid_flows(mutual_aid), cities, selected="臺北市")
    document = figure.to_dict()
    assert document["layout"].get("template", {}) == {}
    z = document["data"][0]["z"]
    assert isinstance(z, list) and all(isinstance(row, list) for row in z)  # not base64-packed arrays
