"""工作會議紀錄 through AppTest: a lead sees and keeps only their own group's log (add, correct, remove,
each in the history); a save based on a version someone changed since is refused and keeps what was
typed; a reader is asked to sign in; the secretariat chooses any group."""

from datetime import date

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard.domain import meeting_log, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from tests.pagetest import open_as, page_texts

SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)


def _widget(at: AppTest, kind: str, prefix: str):
    return next(w for w in getattr(at, kind) if w.key and w.key.startswith(prefix))


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _log(url: str, group: str = "transport") -> list[meeting_log.Entry]:
    with Session(make_engine(url)) as s:
        return meeting_log.entries(s, cycle=112, group_ids=[group])


def test_a_reader_is_asked_to_sign_in(accounts_url):
    at = open_as(None, "meeting_log")
    assert not at.exception
    assert any("請先以議題組窗口或祕書處帳號登入" in i.value for i in at.info)
    assert not at.selectbox or all(s.key != "ml-group" for s in at.selectbox)


def test_a_lead_sees_only_their_group_and_adds_a_meeting(accounts_url):
    at = open_as("交通窗口", "meeting_log")
    assert not at.exception
    group = _widget(at, "selectbox", "ml-group")
    assert group.options == ["交通運輸組"]
    assert "交通運輸組：2 場會議" in [h.value for h in at.subheader]
    assert "112年3月2日｜工作會議｜第1次工作會議" in page_texts(at)
    _widget(at, "date_input", "ml-date").set_value(date(2023, 7, 20))
    _widget(at, "selectbox", "ml-kind").set_value(vocab.WORKING_MEETING)
    _widget(at, "text_input", "ml-name").input("第3次工作會議")
    _widget(at, "text_area", "ml-decided").input("一、通過轉乘優惠。\n二、<b>粗體</b>照原文顯示。")
    _button(at, "新增").click()
    at = at.run()
    assert not at.exception and not at.error
    assert "已新增「交通運輸組」112年7月20日的會議" in at.success[0].value
    (added,) = [e for e in _log(accounts_url) if e.name == "第3次工作會議"]
    assert added.decided == "一、通過轉乘優惠。\n二、<b>粗體</b>照原文顯示。" and added.version == 1
    assert "一、通過轉乘優惠。\n二、<b>粗體</b>照原文顯示。" in [t.value for t in at.text]  # shown as text
    history = at.dataframe[0].value
    assert list(history["修改者"]) == ["交通窗口"] and list(history["類型"]) == ["新增"]


def test_a_lead_corrects_and_removes_a_meeting(accounts_url):
    at = open_as("交通窗口", "meeting_log")
    first = _log(accounts_url)[0]
    _widget(at, "selectbox", "ml-choose").set_value(first.id)
    at = at.run()
    _widget(at, "text_area", "ml-decided").input("確認合作項目。")
    _widget(at, "text_input", "ml-reason").input("補登決議")
    _button(at, "儲存").click()
    at = at.run()
    assert not at.error and "已修正" in at.success[0].value
    assert _log(accounts_url)[0].decided == "確認合作項目。"
    _widget(at, "selectbox", "ml-choose").set_value(first.id)
    at = at.run()
    _widget(at, "checkbox", "ml-remove").check()
    _button(at, "儲存").click()
    at = at.run()
    assert not at.error and "已刪除" in at.success[0].value
    assert [e.id for e in _log(accounts_url)] != [] and first.id not in [e.id for e in _log(accounts_url)]
    history = at.dataframe[0].value
    assert list(history["類型"]) == ["刪除", "修正"]
    assert "（已刪除）" in history["會議"][0]


def test_a_stale_save_is_refused_and_keeps_what_was_typed(accounts_url):
    at = open_as("交通窗口", "meeting_log")
    first = _log(accounts_url)[0]
    _widget(at, "selectbox", "ml-choose").set_value(first.id)
    at = at.run()
    with Session(make_engine(accounts_url)) as s:  # someone else saves meanwhile
        meeting_log.edit(s, actor=SECRETARIAT, meeting_id=first.id, changes={"decided": "祕書處的版本"}, base_version=0)
    _widget(at, "text_area", "ml-decided").input("窗口的版本")
    _button(at, "儲存").click()
    at = at.run()
    assert at.error and "已由祕書甲更新為第 1 版" in at.error[0].value
    assert _widget(at, "text_area", "ml-decided").value == "窗口的版本"
    assert _log(accounts_url)[0].decided == "祕書處的版本"


@pytest.mark.parametrize("user", ["祕書甲"])
def test_the_secretariat_keeps_any_group(accounts_url, user):
    at = open_as(user, "meeting_log")
    options = _widget(at, "selectbox", "ml-group").options
    assert "交通運輸組" in options and "　└ 健康組" in options and "幕僚組" in options
    assert "健康社福組" not in options  # its meetings are its sub-groups'
