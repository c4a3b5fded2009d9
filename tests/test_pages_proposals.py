"""AppTest of the proposal list: every filter from the URL, search, empty result, decisions, downloads."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard.store.db import make_engine
from tests.pagetest import decision, open_page

DECISIONS = [decision("112-C01", "照案通過"), decision("112-J07", "保留")]


def open_list(params: dict | None = None) -> AppTest:
    return open_page("proposals", params)


def shown_ids(at: AppTest) -> list[str]:
    return at.dataframe[0].value["id"].tolist() if len(at.dataframe) else []


def summary(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "符合條件" in m.value)


def test_all_proposals_without_filters(store_url):
    at = open_list()
    assert not at.exception
    assert len(shown_ids(at)) == 55
    assert "55 案" in summary(at)


@pytest.mark.parametrize(
    "params, expected",
    [
        (
            {"group": "交通運輸組", "year": "112"},
            ["112-C01", "112-C02", "112-C03", "112-C04", "112-J07", "112-J08", "112-J09", "112-J10"],
        ),
        ({"track": "請求中央協助"}, [f"112-C0{i}" for i in range(1, 9)]),
        ({"year": "111", "tracking": "持續列管"}, ["111-13"]),
        ({"progress": "待中央回應"}, ["112-C04"]),
        ({"group": "防災治安組／治安組"}, ["111-06", "112-J18"]),
        ({"type": "促請中央修正法案", "year": "112"}, None),
        ({"city": "桃園市", "role": "主辦"}, ["111-02", "111-10", "111-11", "111-12"]),
        ({"decision": "照案通過"}, ["112-C01"]),
        ({"decision": "保留"}, ["112-J07"]),
    ],
)
def test_filters_from_the_url(store_url, params, expected):
    at = open_list(params)
    assert not at.exception
    ids = shown_ids(at)
    if expected is None:
        assert ids and len(ids) < 55
    else:
        assert ids == expected
    assert f"{len(ids)} 案" in summary(at)


def test_city_joins_excludes_111_proposals_without_a_card(store_url):
    at = open_list({"city": "桃園市", "role": "參與合作"})
    ids = shown_ids(at)
    assert ids and all(i.startswith("112-") for i in ids)
    assert "112-J28" not in ids  # 桃園市 does not join J28


@pytest.mark.parametrize(
    "query, expected", [("月票", "112-C01"), ("台北港", "112-J17"), ("臺北港", "112-J17"), ("跨區 通報", "112-J17")]
)
def test_search_folds_variants(store_url, query, expected):
    ids = shown_ids(open_list({"q": query}))
    assert expected in ids and len(ids) < 55


def test_undecided_filter(store_url):
    ids = shown_ids(open_list({"decision": "未決議"}))
    assert len(ids) == 53 and "112-C01" not in ids


def test_decision_column_shows_the_resolution(store_url):
    table = open_list({"group": "交通運輸組", "year": "112"}).dataframe[0].value
    assert table.set_index("id").loc["112-C01", "resolution"] == "照案通過"
    assert table.set_index("id").loc["112-J08", "resolution"] == "未決議"


def test_empty_result_is_friendly(store_url):
    at = open_list({"q": "完全不存在的字串"})
    assert not at.exception
    assert "沒有符合條件的提案" in at.info[0].value
    assert not len(at.dataframe)


def test_rows_link_to_cards_with_the_filter(store_url):
    at = open_list({"group": "交通運輸組", "year": "112"})
    url = at.dataframe[0].value.set_index("id").loc["112-C02", "url"]
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("./card?") and query["id"] == ["112-C02"]
    assert parse_qs(query["list"][0]) == {"year": ["112"], "group": ["交通運輸組"]}


def test_clear_filters_button(store_url):
    at = open_list({"year": "112", "q": "月票"})
    assert len(shown_ids(at)) == 1
    at.button[0].click().run()
    assert len(shown_ids(at)) == 55


def test_downloads_offered(store_url):
    labels = [b.proto.label for b in open_list({"year": "111"}).get("download_button")]
    assert labels == ["下載 Excel", "下載 CSV"]


def test_download_files_hold_exactly_the_filtered_rows(store_url):
    import io

    import openpyxl

    from dashboard.documents import export
    from dashboard.domain import queries
    from pages.shared import list_filter

    with Session(make_engine(store_url)) as s:
        frame = queries.proposals_frame(s)
        choices = list_filter.filter_choices(frame, queries.groups(s))
    spec, decisions = list_filter.filter_from_params({"group": ["交通運輸組"], "year": ["112"]}, choices, [])
    table = export.proposals_download(list_filter.apply_filter(frame, spec, decisions))
    assert table.columns[:3].tolist() == ["編號", "年度", "類別"] and "會議決議" in table.columns
    csv_data = export.csv_bytes(table)
    assert csv_data.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads the Chinese
    lines = csv_data.decode("utf-8-sig").splitlines()
    assert len(lines) == 9 and lines[1].startswith("112-C01,112,請求中央協助,交通運輸組")
    sheet = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(table))).active
    rows = list(sheet.values)
    assert rows[0][0] == "編號" and [r[0] for r in rows[1:]] == table["編號"].tolist()
    assert rows[1][-1] == "照案通過"
