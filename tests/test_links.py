"""Links between pages come from url.py's typed helpers (one place knows each page's path and
parameters): the addresses tables and markup hold, and what st.page_link is handed."""

from urllib.parse import parse_qs, urlsplit

import pytest

from pages.shared import url
from pages.shared.page_list import PAGES


def test_a_card_link_opens_the_card_by_its_id():
    link = url.card_link("112-J02")
    assert link.href == "./card?id=112-J02"
    assert link.page == PAGES["card"].path and link.query == {"id": "112-J02"}


def test_a_card_link_remembers_the_list_filter_it_came_from_in_one_parameter():
    link = url.card_link("112-J02", list_filter={"group": ["交通運輸組"], "year": ["112"]})
    query = parse_qs(urlsplit(link.href).query)
    assert query["id"] == ["112-J02"]
    assert parse_qs(query[url.LIST_PARAM][0]) == {"group": ["交通運輸組"], "year": ["112"]}


def test_the_chosen_cycle_comes_last_and_the_current_cycle_adds_nothing():
    assert url.group_link("transport", cycle=111).href == "./groups?group=transport&cycle=111"
    assert url.group_link("transport", cycle=None).href == "./groups?group=transport"
    assert url.group_link(cycle="111").href == "./groups?cycle=111"


def test_the_proposal_list_takes_only_its_own_filters():
    assert url.list_link({"progress": ["規劃中", "執行中"]}).query == {"progress": ["規劃中", "執行中"]}
    assert url.list_link().href == "./proposals"
    with pytest.raises(ValueError):
        url.list_link({"id": "112-J02"})


def test_meeting_links_name_the_presenter_step_or_proposal_and_the_rehearsal_clock():
    link = url.meeting_link(present=True, item="111-03", clock="15:12")
    assert link.query == {"present": "1", "item": "111-03", "clock": "15:12"}
    assert url.meeting_link(present=True, step=1).href == "./meeting?present=1&step=1"
    assert url.map_link(city_code="TPE").href == "./map?city=TPE"
