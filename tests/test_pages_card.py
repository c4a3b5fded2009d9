"""AppTest of the proposal card: the paper layout, 111 cases without a card, decisions, prev/next."""

from datetime import datetime
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from tests.pagetest import TAIPEI, decision, open_page

DECISIONS = [
    decision("112-J02", "保留", note="請補充各縣市名冊格式", at=datetime(2023, 8, 8, 14, 50, tzinfo=TAIPEI)),
    decision("112-J02", "修正後通過", at=datetime(2023, 8, 8, 15, 10, tzinfo=TAIPEI)),
]


def open_card(params: dict | None = None) -> AppTest:
    return open_page("card", params)


def card_html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown if "bt-card" in m.value and "<style>" not in m.value)


def test_card_reads_like_the_paper_card(store_url):
    at = open_card({"id": "112-J02"})
    assert not at.exception
    html = card_html(at)
    for field in [
        "提案單位",
        "提案名稱",
        "提案類型",
        "合作縣市",
        "說明",
        "具體作法",
        "合作效益",
        "聯絡人",
        "列管狀態",
        "進度狀態",
    ]:
        assert f"<th>{field}</th>" in html
    assert "跨縣市高中職賃居生安全維護合作方案" in html
    assert "☑</span>跨縣市實質合作議題" in html and "☐</span>促請中央修正法案" in html
    assert "☐</span>北臺八縣市" in html and "☑</span>部分縣市" in html
    assert "☑</span>基隆市" in html and "☐</span>宜蘭縣" in html and "☑</span>桃園市" in html
    assert "新北市政府教育局-校園安全室" in html  # the card's unit differs from the table's


def test_card_city_grid_follows_the_paper_order(store_url):
    html = card_html(open_card({"id": "112-J02"}))
    grid = html[html.index('class="bt-grid"') :]
    order = ["宜蘭縣", "基隆市", "臺北市", "新北市", "新竹縣", "新竹市", "苗栗縣", "桃園市"]  # City.card_order
    positions = [grid.index(name) for name in order]
    assert positions == sorted(positions)


def test_line_breaks_are_kept(store_url):
    at = open_card({"id": "112-J02"})
    html = card_html(at)
    # as <br>: a line ending inside the HTML block could leave a blank line that ends it
    assert "一、透過跨縣市高中職學生校外租屋安全合作，即時協助危機處理。<br>二、" in html
    card = [m.value for m in at.markdown if "bt-card" in m.value and "<style>" not in m.value]
    assert card and all("\n" not in body and "\r" not in body for body in card)
    assert "class=text" in html  # pre-wrap cell


def test_figures_of_the_proposal(store_url):
    html = card_html(open_card({"id": "112-J17"}))
    assert "跨區救災救護支援及轉報統計" in html and "1208" in html  # 臺北市 -> 新北市 relays
    assert "相關數據" in card_html(open_card({"id": "112-J20"}))


def test_decision_with_history(store_url):
    html = card_html(open_card({"id": "112-J02"}))
    assert "修正後通過" in html and "先前記錄" in html and "保留" in html and "請補充各縣市名冊格式" in html
    assert "112年8月8日 15:10" in html and "112年8月8日 14:50" in html  # shown in Taipei time


def test_undecided_card_says_so(store_url):
    assert "副首長會議尚未記錄決議" in card_html(open_card({"id": "112-J03"}))


def test_111_proposal_without_card(store_url):
    at = open_card({"id": "111-01"})
    assert not at.exception
    html = card_html(at)
    assert "會議資料未附提案單" in html and "解除列管原因" in html and "<th>提案類型</th>" not in html


def test_continued_tracking_reason(store_url):
    assert "持續列管原因" in card_html(open_card({"id": "111-13"}))


def test_central_ministry_on_central_cards(store_url):
    html = card_html(open_card({"id": "112-C01"}))
    assert "<th>中央部會</th>" in html and "交通部" in html


@pytest.mark.parametrize(
    "params, prev_label, next_label, position",
    [
        ({"id": "112-C02"}, "上一案 112-C01", "下一案 112-C03", "第 15／55 案（全部提案）"),
        (
            {"id": "112-C04", "group": "交通運輸組", "year": "112"},
            "上一案 112-C03",
            "下一案 112-J07",
            "第 4／8 案（目前篩選）",
        ),
        ({"id": "112-J10", "group": "交通運輸組", "year": "112"}, "上一案 112-J09", None, "第 8／8 案（目前篩選）"),
    ],
)
def test_previous_next_within_the_filter(store_url, params, prev_label, next_label, position):
    at = open_card(params)
    labels = {p.proto.label: p.proto for p in at.get("page_link")}
    assert (prev_label in labels) and (next_label is None or next_label in labels)
    assert not any(label.startswith("下一案") for label in labels) if next_label is None else True
    assert any(position in m.value for m in at.markdown)
    if "group" in params:  # the filter travels along, packed into `list` on cards
        prev_query = parse_qs(labels[prev_label].query_string)
        assert parse_qs(prev_query["list"][0]) == {"group": ["交通運輸組"], "year": ["112"]}
        assert parse_qs(labels["回到提案列表"].query_string) == {"group": ["交通運輸組"], "year": ["112"]}


def test_packed_list_filter_from_the_proposal_list(store_url):
    at = open_card({"id": "112-J09", "list": "year=112&group=交通運輸組&q=停車"})
    assert not at.exception
    assert any("第 1／2 案（目前篩選）" in m.value for m in at.markdown)
    labels = [p.proto.label for p in at.get("page_link")]
    assert "下一案 112-J10" in labels and not any(label.startswith("上一案") for label in labels)


def test_without_id_offers_a_picker(store_url):
    at = open_card()
    assert not at.exception
    assert at.selectbox(key="card_pick").value is None
    assert "請選擇一個提案" in at.info[0].value


@pytest.mark.parametrize("bad", ["112-X99", "<script>", "zzz"])
def test_unknown_id_is_a_clear_message(store_url, bad):
    at = open_card({"id": bad})
    assert not at.exception
    assert "網址中的提案編號" in at.error[0].value and "不存在" in at.error[0].value


def test_paired_figures_name_both_cities(store_url):
    html = "\n".join(m.value for m in open_card({"id": "112-J24"}).markdown)
    assert "<th>對方縣市</th>" in html
    assert '<td class="city">宜蘭縣</td><td class="city">新北市</td><td class="num">18 位</td>' in html
