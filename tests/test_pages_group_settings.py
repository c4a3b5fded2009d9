"""議題組設定 through AppTest: the secretariat sees the cycle's groups, renames one and sets its host (a
version, in the history), adds and closes groups; a refused save keeps what was typed; a lead and a
reader cannot set groups."""

import pytest
import streamlit as st
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard.domain import cycles, group_changes, group_terms, new_year, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from tests.pagetest import open_as, open_page


def _open(user: str | None) -> AppTest:
    return open_as(user, "group_settings")


def _groups(url: str) -> dict[str, group_terms.CycleGroup]:
    with Session(make_engine(url)) as s:
        return {g.id: g for g in group_terms.groups_in_cycle(s, cycles.current_cycle(s), closed=True)}


def _widget(at: AppTest, kind: str, prefix: str):
    return next(w for w in getattr(at, kind) if w.key and w.key.startswith(prefix))


def _button(at: AppTest, start: str):
    return next(b for b in at.button if b.label.startswith(start))


@pytest.mark.parametrize("user, note", [(None, "請先"), ("交通窗口", "只有祕書處")])
def test_only_the_secretariat_sets_groups(accounts_url, user, note):
    at = _open(user)
    assert not at.exception
    assert any(note in e.value for e in [*at.info, *at.warning])
    assert not at.dataframe


def test_the_secretariat_renames_a_group_and_sets_its_host(accounts_url):
    at = _open("祕書甲")
    assert not at.exception
    table = at.dataframe[0].value
    assert "交通運輸組" in list(table["議題組"]) and "新北市政府交通局" in list(table["主辦機關"])
    _widget(at, "selectbox", "gs-edit-group").set_value("transport")
    at = at.run()
    assert _widget(at, "text_input", "gs-edit-name").value == "交通運輸組"
    _widget(at, "text_input", "gs-edit-name").input("交通組")
    _widget(at, "text_input", "gs-edit-host").input("新竹市政府交通處")
    _widget(at, "text_input", "gs-edit-reason").input("新竹市主政")
    _button(at, "儲存").click()
    at = at.run()
    assert not at.exception and not at.error
    assert "已儲存「交通組」" in at.success[0].value
    group = _groups(accounts_url)["transport"]
    assert (group.name, group.host_agency) == ("交通組", "新竹市政府交通處")
    history = at.dataframe[1].value
    assert list(history["議題組"]) == ["交通組"] and "新竹市主政" in list(history["原因"])
    assert "主辦機關：新北市政府交通局 → 新竹市政府交通處" in history["變更"][0]


def test_a_refused_save_keeps_what_was_typed(accounts_url):
    at = _open("祕書甲")
    _widget(at, "selectbox", "gs-edit-group").set_value("transport")
    at = at.run()
    _widget(at, "text_input", "gs-edit-name").input("環境資源組")
    _widget(at, "text_input", "gs-edit-reason").input("改名")
    _button(at, "儲存").click()
    at = at.run()
    assert "已有議題組名為「環境資源組」" in at.error[0].value
    assert _widget(at, "text_input", "gs-edit-name").value == "環境資源組"
    assert _widget(at, "text_input", "gs-edit-reason").value == "改名"
    assert _groups(accounts_url)["transport"].name == "交通運輸組"


def test_a_stale_save_is_refused(accounts_url):
    at = _open("祕書甲")
    _widget(at, "selectbox", "gs-edit-group").set_value("transport")
    at = at.run()
    with Session(make_engine(accounts_url)) as s:  # someone else saves meanwhile
        group_changes.edit(
            s,
            actor=Actor(name="祕書乙", role=vocab.SECRETARIAT),
            group_id="transport",
            year=cycles.current_cycle(s),
            changes={"name": "運輸組"},
        )
    _widget(at, "text_input", "gs-edit-name").input("交通組")
    _button(at, "儲存").click()
    at = at.run()
    assert "已由祕書乙更新為第 1 版" in at.error[0].value
    assert _groups(accounts_url)["transport"].name == "運輸組"


def test_the_secretariat_adds_and_closes_groups(accounts_url):
    at = _open("祕書甲")
    _widget(at, "text_input", "gs-add-name").input("數位發展組")
    _widget(at, "text_input", "gs-add-host").input("新北市政府資訊中心")
    _button(at, "新增").click()
    at = at.run()
    assert not at.error and "已新增「數位發展組」" in at.success[0].value
    assert "數位發展組" in list(at.dataframe[0].value["議題組"])
    _widget(at, "selectbox", "gs-close-group").set_value("recreation")
    _widget(at, "selectbox", "gs-close-into").set_value("transport")
    _button(at, "結束").click()
    at = at.run()
    assert not at.error and "併入「交通運輸組」" in at.success[0].value
    groups = _groups(accounts_url)
    assert groups["recreation"].closed and groups["recreation"].merged_into == "transport"


def test_the_groups_page_shows_each_cycle_its_own_names_and_hosts(accounts_url):
    with Session(make_engine(accounts_url)) as s:
        first = cycles.current_cycle(s)
        day = cycles.meeting_of(s, first).date
        secretariat = Actor(name="祕書甲", role=vocab.SECRETARIAT)
        new_year.start_year(s, cycle=first + 1, meeting_date=day.replace(year=day.year + 1), actor=secretariat)
        group_changes.edit(
            s,
            actor=secretariat,
            group_id="transport",
            year=first + 1,
            changes={"name": "交通組", "host_agency": "新竹市政府交通處"},
        )
    st.cache_resource.clear()
    hosts = {}
    for cycle in (first, first + 1):
        at = open_page("groups", {"cycle": str(cycle)})
        assert not at.exception
        table = at.dataframe[0].value
        hosts[cycle] = dict(zip(table["name"].str.removeprefix("　└ "), table["host"]))
    assert hosts[first]["交通運輸組"] == "新北市政府交通局" and "交通組" not in hosts[first]
    assert hosts[first]["防災組"] == "新北市政府消防局"
    assert hosts[first + 1]["交通組"] == "新竹市政府交通處"
    assert hosts[first + 1]["防災組"] == "新北市政府消防局（沿用上年度，待確認）"
