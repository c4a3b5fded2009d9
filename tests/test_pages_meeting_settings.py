"""會議設定 through AppTest: only the secretariat sees and uses it; a save is a version shown in the
history; a bad value or a bad agenda is refused naming the field or row, with nothing written; a
save based on a version someone else replaced meanwhile is refused; carried values are marked until
confirmed, on the page and beside the packet's download on the meeting page."""

import re
from datetime import date

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from dashboard.domain import cycles, new_year
from dashboard.domain import meeting_settings as ms
from dashboard.domain.permissions import READER, Actor
from dashboard.store.db import make_engine
from dashboard.store.models import MeetingVersion
from pages.shared import page_list
from tests.pagetest import LEAD, SECRETARIAT, open_as
from tests.test_new_year import NEXT
from tests.test_new_year import SECRETARIAT as SECRETARIAT_ACTOR

YEAR = NEXT - 1


@pytest.fixture
def url(accounts_url):
    return accounts_url


@pytest.fixture
def started(accounts_url):
    """The store with 113 started by 新竹市, in person."""
    engine = make_engine(accounts_url)
    with Session(engine) as s:
        new_year.start_year(
            s,
            cycle=NEXT,
            meeting_date=date(NEXT + 1911, 8, 20),
            actor=SECRETARIAT_ACTOR,
            host_city="新竹市",
            form=ms.IN_PERSON,
            venue="新竹市政府大禮堂",
        )
    engine.dispose()
    return accounts_url


def key(at: AppTest, suffix: str) -> str:
    """The full key of a widget of the page (its keys carry the meeting and its version)."""
    return field(at, "text_input", "-theme").key.removesuffix("-theme") + suffix


def field(at: AppTest, kind: str, suffix: str):
    return next(
        w for w in getattr(at, kind) if w.key and w.key.startswith("meeting-settings-") and w.key.endswith(suffix)
    )


def errors(at: AppTest) -> str:
    """The page's error messages as users read them (markdown escapes dropped)."""
    return "\n".join(re.sub(r"<!-- -->|\\", "", e.value) for e in at.error)


def versions(url: str, cycle: int) -> list[MeetingVersion]:
    with Session(make_engine(url)) as s:
        return ms.history(s, cycles.meeting_of(s, cycle).id)


def details_button(at: AppTest):
    return next(b for b in at.button if b.label == "儲存會議設定")


def test_readers_never_see_it_and_leads_cannot_use_it(url):
    spec = page_list.PAGES["meeting_settings"]
    assert not page_list.listed(spec, READER)
    assert not page_list.listed(spec, Actor(name=LEAD, role="lead"))
    assert page_list.listed(spec, Actor(name=SECRETARIAT, role="secretariat"))
    for user, note in [(None, "請以祕書處帳號登入"), (LEAD, "無法修改會議設定")]:
        at = open_as(user, "meeting_settings")
        assert not at.exception
        assert any("限祕書處" in e.value and note in e.value for e in [*at.info, *at.warning])
        assert not any(b.label == "儲存會議設定" for b in at.button)


def test_the_secretariat_edits_a_field_and_the_history_shows_it(url):
    at = open_as(SECRETARIAT, "meeting_settings")
    assert not at.exception
    assert field(at, "text_input", "-url").value == "https://meet.google.com/fwv-omvk-nra"  # 112 as it is
    assert any("（尚未在網站上修改）" in c.value for c in at.caption)  # not 「第 0 版」
    field(at, "text_input", "-theme").input("智慧治理")
    field(at, "text_input", "-attendance.宜蘭縣").input("副縣長 林茂盛")
    field(at, "text_input", "-reason").input("補上年度主軸")
    details_button(at).click()
    at = at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("已儲存為第 1 版" in s.value for s in at.success)
    history = at.dataframe[-1].value
    assert list(history["欄位"]) == ["年度主軸", "出席人員（宜蘭縣）"] and set(history["原因"]) == {"補上年度主軸"}
    assert field(at, "text_input", "-theme").value == "智慧治理"  # the form shows the store's
    assert [v.version for v in versions(url, YEAR)] == [1]
    assert any("（第 1 版）" in c.value for c in at.caption)


def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_written(url):
    at = open_as(SECRETARIAT, "meeting_settings")
    field(at, "text_input", "-url").input("")
    field(at, "text_input", "-venue").input("")
    details_button(at).click()
    at = at.run()
    text = errors(at)
    assert "地點不可空白" in text and "未儲存" in text
    assert versions(url, YEAR) == []


def test_a_save_based_on_a_replaced_version_is_refused(url):
    at = open_as(SECRETARIAT, "meeting_settings")
    with Session(make_engine(url)) as s:  # someone else saves meanwhile
        ms.edit(s, actor=SECRETARIAT_ACTOR, meeting_id=cycles.meeting_of(s, YEAR).id, changes={"theme": "另一人"})
    field(at, "text_input", "-theme").input("我的主軸")
    details_button(at).click()
    at = at.run()
    assert "已由祕書甲更新為第 1 版（您的修改依據第 0 版）" in errors(at)
    assert [v.version for v in versions(url, YEAR)] == [1]
    assert field(at, "text_input", "-theme").value == "另一人"  # now showing what the store holds


def test_the_agenda_table_is_checked_and_saved(url):
    at = open_as(SECRETARIAT, "meeting_settings")
    editor_key = key(at, "-agenda")
    at.session_state[editor_key] = {"edited_rows": {1: {"start": "13:50"}}, "added_rows": [], "deleted_rows": []}
    next(b for b in at.button if b.label == "儲存議程").click()
    at = at.run()
    assert "議程第 2 列：開始時間 13:50 早於第 1 列的結束時間 14:30" in errors(at)
    assert versions(url, YEAR) == []
    at.session_state[key(at, "-agenda")] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [0]}
    next(b for b in at.button if b.label == "儲存議程").click()
    at = at.run()
    assert not at.error, [e.value for e in at.error]
    (version,) = versions(url, YEAR)
    assert [c["field"] for c in version.changes] == ["agenda"]
    assert version.changes[0]["new"][0]["title"] == "司儀開場與介紹長官"  # 開放登入 removed


def test_carried_values_are_marked_until_confirmed(started):
    at = open_as(SECRETARIAT, "meeting_settings")
    assert not at.exception
    assert field(at, "text_input", "-chair").label == f"主持人（{ms.CARRIED_MARK}）"
    assert field(at, "text_input", "-venue").label == "地點"  # given at the start: not carried
    assert any(ms.CARRIED_MARK in w.value for w in at.warning)
    meeting = open_as(SECRETARIAT, "meeting")  # beside the packet's download
    assert any(ms.CARRIED_MARK in w.value and "主持人" in w.value for w in meeting.warning)
    at = open_as(SECRETARIAT, "meeting_settings")
    field(at, "multiselect", "-confirm").set_value(["chair"])
    next(b for b in at.button if b.label == "確認沿用").click()
    at = at.run()
    assert field(at, "text_input", "-chair").label == "主持人"
    assert field(at, "text_input", "-chair_org").label == f"主持機關（{ms.CARRIED_MARK}）"
    with Session(make_engine(started)) as s:
        latest = s.exec(select(MeetingVersion).order_by(MeetingVersion.id.desc())).first()
        assert latest.kind == "confirm" and latest.recorded_by == SECRETARIAT


def test_the_agenda_table_state_becomes_the_agenda():
    """st.data_editor's edits, additions and deletions applied to the rows it was given; a time
    changed without its minutes has them computed again; empty added rows are dropped."""
    from pages.shared import meeting_settings_view as view

    given = view.agenda_frame(
        [
            {"start": "14:30", "end": "14:40", "minutes": 10, "title": "開場"},
            {"start": "14:40", "end": "15:00", "minutes": 20, "title": "決議", "key": "decision"},
        ]
    ).to_dict("records")
    state = {
        "edited_rows": {0: {"end": "14:35"}},
        "added_rows": [{"start": "15:00", "title": "會議結束"}, {"start": None, "title": None}],
        "deleted_rows": [],
    }
    assert view.agenda_rows(given, state) == [
        {"start": "14:30", "end": "14:35", "title": "開場"},
        {"start": "14:40", "end": "15:00", "minutes": 20, "title": "決議", "key": "decision"},
        {"start": "15:00", "title": "會議結束"},
    ]
    assert view.agenda_rows(given, {"deleted_rows": [0]})[0]["title"] == "決議"
