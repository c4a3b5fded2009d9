"""AppTest of the overview page: headline tiles, status chart, waiting lists, city lens, decisions."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.pagetest import build_store, decision, open_page, serving


def open_home(**params) -> AppTest:
    return open_page("home", params)


def text_of(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(e.label for e in at.expander)


def test_headline_tiles_are_computed_from_the_store(store_url):
    at = open_home()
    assert not at.exception
    text = text_of(at)
    for expected in [
        "55 案",
        "13 案",
        "擬解除列管 12、持續列管 1",
        "42 案",
        "請求中央協助 8、八縣市共同合作 34",
        "0／55 案",
    ]:
        assert expected in text


def test_status_chart_and_group_links(store_url):
    at = open_home()
    assert len(at.get("plotly_chart")) == 1
    assert 'href="./groups?group=transport"' in text_of(at)


@pytest.mark.parametrize("label, first_id", [("待中央回應（1 案）", "112-C04"), ("持續列管（1 案）", "111-13")])
def test_waiting_lists_name_their_proposals(store_url, label, first_id):
    at = open_home()
    assert label in [e.label for e in at.expander]
    assert f"./card?id={first_id}" in text_of(at)


def test_tracking_axis_from_url(store_url):
    at = open_home(axis="列管狀態")
    assert not at.exception
    assert at.segmented_control(key="axis").value == "tracking_status"


def test_city_lens_without_city_invites_a_choice(store_url):
    at = open_home()
    assert "選擇一個縣市" in at.info[0].value


def test_city_lens_lists_leads_joins_and_mutual_aid(store_url):
    at = open_home(city="桃園市")
    assert not at.exception
    text = text_of(at)
    assert "主辦提案" in text and "4 案" in text  # 111-02, 111-10, 111-11, 111-12
    urls = at.dataframe[0].value["url"].tolist()
    assert "./card?id=111-10" in urls and "./card?id=112-J17" in urls
    roles = dict(zip(urls, at.dataframe[0].value["role"]))
    assert roles["./card?id=111-10"] == "主辦"  # 111 cases name only their lead city
    assert "111年度列管案沒有提案單" in "\n".join(c.value for c in at.caption)
    # 桃園市 asked others 1 + 10 + 243 = 254 times and supported others 3 + 7 + 360 = 370 times (112 H1)
    assert "254 件" in text and "370 件" in text
    aid = at.dataframe[1].value.set_index("direction")
    assert aid.loc["向他縣市請求支援"].tolist() == [1, 10, 243, 254] and aid.loc["支援他縣市"].tolist() == [
        3,
        7,
        360,
        370,
    ]


def test_unknown_city_in_url_is_ignored(store_url):
    at = open_home(city="台中市")
    assert not at.exception
    assert at.selectbox(key="city").value is None


def test_an_unknown_city_in_the_url_is_said_at_the_top(store_url):
    at = open_home(city="台中市")
    shown = [(node.type, str(getattr(node, "value", ""))) for node in at.main]  # in the order drawn
    said = [i for i, (kind, value) in enumerate(shown) if kind == "error" and "網址中的縣市" in value]
    assert len(said) == 1 and "台中市" in shown[said[0]][1]  # said once, naming what the link held
    first_section = next(i for i, (kind, value) in enumerate(shown) if value == "各議題組提案狀態")
    assert said[0] < first_section, "said above the first section, where a shared link opens"


@pytest.fixture
def decided_store(store_url, tmp_path):
    """Its own store with three decisions (two for 112-J02), so the shared one stays undecided."""
    decisions = [decision("111-01", "照案通過"), decision("112-J02", "保留"), decision("112-J02", "照案通過")]
    with serving(build_store(tmp_path / "decided.db", decisions)) as url:
        yield url
    with serving(store_url):
        pass  # leave the caches empty for the module's shared store


def test_decisions_are_counted(decided_store):
    at = open_home()
    text = text_of(at)
    assert "2／55 案" in text and "照案通過 2" in text
    assert "建議解除列管，待會議決議（13 案）" in [e.label for e in at.expander]
