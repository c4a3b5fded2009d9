"""AppTest of the groups page: the overview, one group by `?group=<id>`, its year filter, unknown ids."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.pagetest import markdown_text, open_page

def open_groups(params: dict | None = None) -> AppTest:
    return open_page("groups", params)


text_of = markdown_text


def test_overview_lists_every_group_with_host_and_link(store_url):
    at = open_groups()
    assert not at.exception
    text = text_of(at)
    for name, host in [("交通運輸組", "新北市政府交通局"), ("防災組", "新北市政府消防局"), ("幕僚組", "新北市政府城鄉發展局")]:
        assert name in text and host in text
    assert "（由分組主辦）" in text and 'href="./groups?group=transport"' in text
    assert len(at.get("plotly_chart")) == 1  # the meetings timeline


def test_transport_lead_link_opens_the_8_proposals_of_112(store_url):
    at = open_groups({"group": "transport", "year": "112"})
    assert not at.exception
    assert any("112年度，8 案" in h.value for h in at.subheader)
    text = text_of(at)
    for pid in ["112-C01", "112-C04", "112-J07", "112-J10"]:
        assert f"./card?id={pid}" in text
    assert "111-03" not in text
    assert "新北市政府交通局" in text


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
    assert "112-J18" in text_of(at)


def test_group_without_proposals(store_url):
    at = open_groups({"group": "staff"})
    assert not at.exception
    assert "沒有提案" in at.info[0].value


def test_status_chips_carry_text(store_url):
    text = text_of(open_groups({"group": "transport", "year": "112"}))
    assert "待中央回應</span>" in text and "列管中</span>" in text


@pytest.mark.parametrize("bad", ["nope", "交通組", "<b>x</b>"])
def test_unknown_group_is_a_clear_message(store_url, bad):
    at = open_groups({"group": bad})
    assert not at.exception
    assert "網址中的議題組" in at.error[0].value and "不存在" in at.error[0].value
    assert "回到議題組總覽" in [p.proto.label for p in at.get("page_link")]
