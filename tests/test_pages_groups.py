"""AppTest of the groups page: the overview, one group by `?group=<id>`, its year filter, unknown ids."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.pagetest import markdown_text, open_page, table_values


def open_groups(params: dict | None = None) -> AppTest:
    return open_page("groups", params)


text_of = markdown_text


def test_overview_lists_every_group_with_host_and_link(store_url):
    at = open_groups()
    assert not at.exception
    table = at.dataframe[0].value
    rows = {
        name.removeprefix("　└ "): (host, url) for name, host, url in zip(table["name"], table["host"], table["url"])
    }
    for name, host in [
        ("交通運輸組", "新北市政府交通局"),
        ("防災組", "新北市政府消防局"),
        ("幕僚組", "新北市政府城鄉發展局"),
    ]:
        assert rows[name][0] == host
    assert rows["防災治安組"][0] == "（由分組主辦）" and rows["交通運輸組"][1] == "./groups?group=transport"
    assert "　└ 治安組" in table["name"].tolist()  # sub-groups indented under their parent
    assert table.loc[table["name"] == "交通運輸組", "proposals"].item() == 9
    assert len(at.get("plotly_chart")) == 1  # the meetings timeline


def test_transport_lead_link_opens_the_8_proposals_of_112(store_url):
    at = open_groups({"group": "transport", "year": "112"})
    assert not at.exception
    assert any("112年度，8 案" in h.value for h in at.subheader)
    table = at.dataframe[0].value
    assert len(table) == 8
    for pid in ["112-C01", "112-C04", "112-J07", "112-J10"]:
        assert f"./card?id={pid}" in table["url"].tolist()
    assert "111-03" not in table_values(at)
    assert "新北市政府交通局" in text_of(at)


def test_all_years_by_default(store_url):
    at = open_groups({"group": "transport"})
    assert any("全部年度，9 案" in h.value for h in at.subheader)


def test_parent_group_lists_sub_group_hosts(store_url):
    at = open_groups({"group": "public-safety"})
    text = text_of(at)
    assert "防災組：新北市政府消防局" in text and "治安組：新北市政府警察局" in text
    assert any("工作會議（4 次）" in h.value for h in at.subheader)


def test_sub_group_view(store_url):
    at = open_groups({"group": "police"})
    assert any(h.value == "防災治安組／治安組" for h in at.header)
    assert "./card?id=112-J18" in at.dataframe[0].value["url"].tolist()


def test_group_without_proposals(store_url):
    at = open_groups({"group": "staff"})
    assert not at.exception
    assert "沒有提案" in at.info[0].value


def test_statuses_decision_and_units_are_words_in_the_list(store_url):
    table = open_groups({"group": "transport", "year": "112"}).dataframe[0].value
    row = table[table["url"] == "./card?id=112-C04"].iloc[0]
    assert row["progress_status"] == "待中央回應" and row["tracking_status"] == "列管中"
    assert row["resolution"] == "未決議"
    assert "新北市政府交通局" in "".join(table["units"])


@pytest.mark.parametrize("bad", ["nope", "交通組", "<b>x</b>"])
def test_unknown_group_is_a_clear_message(store_url, bad):
    at = open_groups({"group": bad})
    assert not at.exception
    assert "網址中的議題組" in at.error[0].value and "不存在" in at.error[0].value
    assert "回到議題組總覽" in [p.proto.label for p in at.get("page_link")]
