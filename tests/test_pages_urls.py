"""The URL is the truth: every page resolves variant spellings to one canonical URL, says so when a
URL names nothing (as plain text), and its links carry their context to the next page."""

from urllib.parse import parse_qs

import pytest

from tests.pagetest import open_page


def link(at, label_part: str):
    """The page link whose label contains `label_part`: (page, query parameters)."""
    links = [p.proto for p in at.get("page_link") if label_part in p.proto.label]
    assert links, f"no link labelled …{label_part}…"
    return links[0].page, parse_qs(links[0].query_string)


# --- card --------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["112-j02", "１１２－Ｊ０２", " 112-J02 "])
def test_card_accepts_any_case_or_width_and_shows_the_stored_id_in_the_url(store_url, typed):
    at = open_page("card", {"id": typed})
    assert not at.exception and not at.error
    assert "跨縣市高中職賃居生安全維護合作方案" in "".join(m.value for m in at.markdown)
    assert at.query_params["id"] == "112-J02"


def test_card_keeps_its_list_in_the_url_and_its_neighbours_link_there(store_url):
    at = open_page("card", {"id": "112-C03", "list": "year=112&group=交通運輸組"})
    assert at.query_params["id"] == "112-C03"
    assert parse_qs(at.query_params["list"]) == {"year": ["112"], "group": ["交通運輸組"]}
    page, params = link(at, "下一案")
    assert params["id"] == ["112-C04"] and parse_qs(params["list"][0]) == {"year": ["112"], "group": ["交通運輸組"]}


@pytest.mark.parametrize("raw", ["999-X", "[點我](http://evil.example)", ":material/home: 112"])
def test_card_names_an_unknown_id_as_plain_text(store_url, raw):
    at = open_page("card", {"id": raw})
    message = at.error[0].value
    assert "網址中的提案編號" in message and "不存在" in message
    assert f"「` {raw} `」" in message  # a code span: shown as typed, never a link or an icon


# --- groups ------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["TRANSPORT", "交通運輸組", "Transport"])
def test_group_accepts_its_name_or_any_case(store_url, typed):
    at = open_page("groups", {"group": typed, "year": "112"})
    assert not at.error
    assert any("112年度，8 案" in h.value for h in at.subheader)
    assert at.query_params == {"group": "transport", "year": "112"}


def test_unknown_year_of_a_group_says_so_and_lists_all(store_url):
    at = open_page("groups", {"group": "transport", "year": "999"})
    assert "網址中的年度「` 999 `」不存在" in at.error[0].value and "111、112" in at.error[0].value
    assert any("全部年度，9 案" in h.value for h in at.subheader)


def test_group_link_to_the_list_keeps_group_and_year(store_url):
    at = open_page("groups", {"group": "transport", "year": "112"})
    page, params = link(at, "在提案列表開啟")
    assert page == "proposals" and params == {"group": ["交通運輸組"], "year": ["112"]}


def test_groups_overview_clears_the_url(store_url):
    """回到議題組總覽 links here without parameters: the bar must not keep ?group=."""
    at = open_page("groups")
    assert at.query_params == {}


# --- home's city lens ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["桃園市", "taoyuan", "TAOYUAN"])
def test_city_lens_accepts_code_or_name_and_links_keep_the_city(store_url, typed):
    at = open_page("home", {"city": typed})
    assert not at.error
    assert at.selectbox(key="city").value == "桃園市" and at.query_params["city"] == "桃園市"
    page, params = link(at, "在提案列表開啟")
    assert page == "proposals" and params == {"city": ["桃園市"]}
    assert any("桃園市的 45 案" in p.proto.label for p in at.get("page_link"))
    page, params = link(at, "在地圖上查看")
    assert page == "map" and params == {"city": ["taoyuan"]}


def test_city_lens_takes_tai_for_official_tai(store_url):
    at = open_page("home", {"city": "台北市"})
    assert at.selectbox(key="city").value == "臺北市" and at.query_params["city"] == "臺北市"


def test_unknown_city_in_the_lens_says_so(store_url):
    at = open_page("home", {"city": "台中市"})
    assert "網址中的縣市「` 台中市 `」不存在" in at.error[0].value
    assert at.selectbox(key="city").value is None


# --- proposal list -----------------------------------------------------------------------------


def test_list_rewrites_variant_spellings_to_its_labels(store_url):
    at = open_page("proposals", {"city": "台北市", "track": "JOINT", "group": "transport"})
    assert not at.error
    assert at.query_params == {"track": "八縣市共同合作", "group": "交通運輸組", "city": "臺北市"}
    assert at.multiselect(key="group").value == ["transport"]
    assert at.selectbox(key="city").value == "臺北市"


@pytest.mark.parametrize(
    "key, raw, name",
    [
        ("group", "nope", "議題組"),
        ("year", "999", "年度"),
        ("city", "台中市", "縣市"),
        ("decision", "通過", "會議決議"),
    ],
)
def test_list_says_which_filter_value_it_ignored(store_url, key, raw, name):
    at = open_page("proposals", {key: raw})
    assert any(f"篩選條件「{name}」的值「` {raw} `」不存在" in e.value for e in at.error)


# --- map -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key, raw, what", [("metric", "bogus", "件數類別"), ("flow", "people", "資料類別")])
def test_map_says_which_choice_it_ignored(store_url, key, raw, what):
    at = open_page("map", {key: raw})
    assert f"網址中的{what}「` {raw} `」不存在" in at.error[0].value


def test_map_canonicalises_city_and_metric(store_url):
    at = open_page("map", {"city": "臺北市", "metric": "RELAY"})
    assert not at.error
    assert at.query_params == {"metric": "relay", "city": "taipei"}


def test_list_filters_chosen_on_the_page_go_into_the_url(store_url):
    at = open_page("proposals")
    at.multiselect(key="group").select("transport").run()
    at.pills(key="year").set_value([112]).run()
    assert at.query_params == {"group": "交通運輸組", "year": "112"}
    assert any("符合條件：8 案" in m.value for m in at.markdown)
    at.button[0].click().run()  # 清除篩選
    assert at.query_params == {} and any("符合條件：55 案" in m.value for m in at.markdown)


def test_list_keeps_a_text_search_in_the_url(store_url):
    at = open_page("proposals")
    at.text_input(key="q").input("月票").run()
    assert at.query_params == {"q": "月票"}
