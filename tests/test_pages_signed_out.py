"""Signed out while typing (pages/shared/signed_out.py): a session that ends between opening a form
and pressing its save button — signed out in another tab, the account disabled — writes nothing,
says 「已登出，請重新登入」 and keeps what was typed in the form; after signing in again in the same
tab the same form still holds it, and saving writes a version by the user."""

from datetime import date

from sqlmodel import Session, select

from dashboard.domain import accounts, meeting_log, vocab
from dashboard.domain.permissions import OPERATOR
from dashboard.store.db import make_engine
from dashboard.store.models import ProposalVersion
from dashboard.web import sessions
from pages.shared import auth_form
from tests import test_pages_card_edit
from tests.pagetest import LEAD, sign_in
from tests.test_pages_card_edit import OWN, PASSWORD, progress_text, signed_in, widget

store = test_pages_card_edit.store  # the fixture: a lead of OWN's group and a secretariat, served

MESSAGE = "已登出，請重新登入"


def _errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def _versions(engine, proposal_id: str) -> list[ProposalVersion]:
    with Session(engine) as s:
        return list(s.exec(select(ProposalVersion).where(ProposalVersion.proposal_id == proposal_id)))


def test_the_card_form_signed_out_in_another_tab_keeps_the_text_and_saves_after_signing_in(store):
    text = progress_text(store, OWN, "本季完成兩場跨縣市交流。\n第二行也要留著。")
    at = signed_in("教育窗口")
    widget(at, "text_area", "進度說明").input(text)
    widget(at, "text_input", "修改原因（選填）").input("季報")
    sessions.revoke(store, at.session_state[auth_form.TOKEN_KEY])  # what 登出 in another tab does
    at = _button(at, "儲存修改").click().run()
    assert not at.exception
    assert MESSAGE in _errors(at)
    assert "已登出" not in "\n".join(s.value for s in at.sidebar.success)  # the sidebar: a reader, asked to sign in
    assert any(b.label == "登入" for b in at.sidebar.button)
    assert widget(at, "text_area", "進度說明").value == text  # what was typed is still in the form
    assert widget(at, "text_input", "修改原因（選填）").value == "季報"
    assert any("「教育窗口」的登入已結束" in w.value for w in at.warning)
    assert _versions(store, OWN) == []  # nothing written

    at = _button(at, "儲存修改").click().run()  # again, still signed out: still nothing
    assert MESSAGE in _errors(at) and _versions(store, OWN) == []
    assert widget(at, "text_area", "進度說明").value == text

    at.sidebar.text_input(key="sign-in-name").input("教育窗口")
    at.sidebar.text_input(key="sign-in-password").input(PASSWORD)
    at = _button(at.sidebar, "登入").click().run()
    assert not at.exception and not at.error
    assert widget(at, "text_area", "進度說明").value == text  # signed in again: the form as it was typed
    assert not any("登入已結束" in w.value for w in at.warning)
    at = _button(at, "儲存修改").click().run()
    assert not at.exception and not at.error, _errors(at)
    assert any("已儲存為第 1 版" in s.value for s in at.success)
    (version,) = _versions(store, OWN)
    assert version.recorded_by == "教育窗口" and version.reason == "季報"
    assert {c["field"]: c["new"] for c in version.changes}["progress"] == text


def test_signing_out_in_this_tab_drops_the_form(store):
    at = signed_in("教育窗口")
    widget(at, "text_area", "進度說明").input("打了一半")
    at = _button(at.sidebar, "登出").click().run()
    assert not at.exception
    assert not any(b.label == "儲存修改" for b in at.button)  # one's own 登出 leaves the card read-only
    assert not any("登入已結束" in w.value for w in at.warning)


def test_the_meeting_log_of_a_disabled_account_keeps_the_text_and_saves_after_signing_in(accounts_url):
    engine = make_engine(accounts_url)
    at = _signed_in_on(LEAD, "meeting_log", key="meeting-log-sign-in")
    decided = "一、通過轉乘優惠。\n二、下次會議討論票價。"
    _keyed(at, "date_input", "ml-date").set_value(date(2023, 7, 20))
    _keyed(at, "selectbox", "ml-kind").set_value(vocab.WORKING_MEETING)
    _keyed(at, "text_input", "ml-name").input("第3次工作會議")
    _keyed(at, "text_area", "ml-decided").input(decided)
    with Session(engine) as s:  # the secretariat disables the account meanwhile
        accounts.set_disabled(s, actor=OPERATOR, name=LEAD)
    at = _button(at, "新增").click().run()
    assert not at.exception
    assert MESSAGE in _errors(at)
    assert _keyed(at, "text_area", "ml-decided").value == decided
    assert _keyed(at, "text_input", "ml-name").value == "第3次工作會議"
    assert _keyed(at, "date_input", "ml-date").value == date(2023, 7, 20)
    assert "第3次工作會議" not in [e.name for e in _entries(engine)]

    with Session(engine) as s:
        accounts.set_disabled(s, actor=OPERATOR, name=LEAD, disabled=False)
    at = sign_in(at, "correct horse", LEAD, key="meeting-log-sign-in")
    assert not at.exception and not at.error, _errors(at)
    assert _keyed(at, "text_area", "ml-decided").value == decided
    at = _button(at, "新增").click().run()
    assert not at.exception and not at.error, _errors(at)
    (added,) = [e for e in _entries(engine) if e.name == "第3次工作會議"]
    assert added.decided == decided
    with Session(engine) as s:
        (version,) = [v for v in meeting_log.history(s, group_ids=["transport"]) if v.meeting_id == added.id]
    assert version.recorded_by == LEAD
    engine.dispose()


def _signed_in_on(name: str, page: str, *, key: str):
    from tests.pagetest import open_page

    at = open_page(page)
    at = sign_in(at, "correct horse", name, key=key)
    assert not at.exception and not at.error, _errors(at)
    return at


def _keyed(at, kind: str, prefix: str):
    return next(w for w in getattr(at, kind) if w.key and w.key.startswith(prefix))


def _entries(engine) -> list[meeting_log.Entry]:
    with Session(engine) as s:
        return meeting_log.entries(s, cycle=112, group_ids=["transport"])


def test_a_decision_form_cleared_on_submit_gets_back_what_was_typed(secretariat, db_url):
    from dashboard.domain import decisions
    from tests.pagetest import MEETING_PASSWORD

    at = sign_in(secretariat.run(), MEETING_PASSWORD)
    at.radio(key="page-res-111-01").set_value("保留")
    at.text_input(key="page-note-111-01").input("待補資料")
    sessions.revoke(make_engine(db_url), at.session_state[auth_form.TOKEN_KEY])  # 登出 in another tab
    at = _button(at, "記錄決議").click().run()
    assert not at.exception
    assert MESSAGE in _errors(at)
    assert at.radio(key="page-res-111-01").value == "保留"  # the form clears on submit: put back
    assert at.text_input(key="page-note-111-01").value == "待補資料"
    assert any("「祕書甲」的登入已結束" in w.value for w in at.warning)
    with Session(make_engine(db_url)) as s:
        assert decisions.history(s, proposal_id="111-01") == []

    at = sign_in(at, MEETING_PASSWORD)
    assert not at.error and at.text_input(key="page-note-111-01").value == "待補資料"
    assert at.radio(key="page-res-111-01").value == "保留"
    # AppTest replays a form's clear_on_submit by sending the defaults of the widgets a test has not
    # set since; a browser sends what its widgets show, which is what was just read: send that.
    at.radio(key="page-res-111-01").set_value(at.radio(key="page-res-111-01").value)
    at.text_input(key="page-note-111-01").input(at.text_input(key="page-note-111-01").value)
    at = _button(at, "記錄決議").click().run()
    assert [m.value for m in at.main.success] == ["已記錄 111-01：保留"]
    with Session(make_engine(db_url)) as s:
        (row,) = decisions.history(s, proposal_id="111-01")
    assert (row.resolution, row.note, row.recorded_by) == ("保留", "待補資料", "祕書甲")


def test_a_new_proposal_typed_past_the_accounts_last_day_is_kept_and_filed_after_signing_in(accounts_url):
    from dashboard.store.models import Proposal
    from tests.test_pages_new_proposal import _fill, _type_unit
    from tests.test_pages_new_proposal import _widget as _new_widget

    engine = make_engine(accounts_url)
    at = _signed_in_on(LEAD, "new", key="new-sign-in")
    _fill(at, title="登入結束前填的提案")
    _new_widget(at, "radio", "track").set_value(vocab.JOINT)
    _type_unit(at, "新北市政府交通局", "新北市")
    with Session(engine) as s:  # the account's last day is now past
        accounts.change(s, actor=OPERATOR, name=LEAD, until=date(2020, 1, 1))
    at = _button(at, "送出新增").click().run()
    assert not at.exception
    assert MESSAGE in _errors(at)
    assert _new_widget(at, "text_input", "title").value == "登入結束前填的提案"
    assert _new_widget(at, "text_area", "description").value == "跨市通勤族轉乘成本高。"
    with Session(engine) as s:
        assert s.exec(select(Proposal).where(Proposal.title == "登入結束前填的提案")).all() == []

    with Session(engine) as s:
        accounts.change(s, actor=OPERATOR, name=LEAD, until=None)
    at = sign_in(at, "correct horse", LEAD, key="new-sign-in")
    assert not at.exception and not at.error, _errors(at)
    assert _new_widget(at, "text_input", "title").value == "登入結束前填的提案"
    at = _button(at, "送出新增").click().run()
    assert not at.exception and not at.error, _errors(at)
    with Session(engine) as s:
        (created,) = s.exec(select(Proposal).where(Proposal.title == "登入結束前填的提案")).all()
        version = s.exec(select(ProposalVersion).where(ProposalVersion.proposal_id == created.id)).one()
    assert version.recorded_by == LEAD and created.description == "跨市通勤族轉乘成本高。"
    engine.dispose()


def test_meeting_settings_saved_in_a_callback_keep_the_text_and_save_after_signing_in(accounts_url):
    """Its save runs in the button's callback, before the page: the same check, said on the page."""
    from dashboard.domain import cycles
    from dashboard.domain import meeting_settings as ms
    from tests.pagetest import SECRETARIAT
    from tests.test_pages_meeting_settings import details_button, field

    engine = make_engine(accounts_url)
    at = _signed_in_on(SECRETARIAT, "meeting_settings", key="meeting-settings-sign-in")
    field(at, "text_input", "-theme").input("登出前輸入的主軸")
    field(at, "text_input", "-reason").input("補上年度主軸")
    sessions.revoke(engine, at.session_state[auth_form.TOKEN_KEY])  # 登出 in another tab
    at = details_button(at).click().run()
    assert not at.exception
    assert MESSAGE in _errors(at)
    assert field(at, "text_input", "-theme").value == "登出前輸入的主軸"
    assert field(at, "text_input", "-reason").value == "補上年度主軸"
    with Session(engine) as s:
        assert ms.history(s, cycles.meeting_of(s, 112).id) == []

    at = sign_in(at, "correct horse", SECRETARIAT, key="meeting-settings-sign-in")
    assert not at.exception and not at.error, _errors(at)
    assert field(at, "text_input", "-theme").value == "登出前輸入的主軸"
    at = details_button(at).click().run()
    assert not at.exception and not at.error, _errors(at)
    with Session(engine) as s:
        (version,) = ms.history(s, cycles.meeting_of(s, 112).id)
    assert version.recorded_by == SECRETARIAT and version.reason == "補上年度主軸"
    engine.dispose()


def test_statistics_typed_into_the_table_are_kept_and_saved_after_signing_in(accounts_url):
    from tests.pagetest import SECRETARIAT
    from tests.test_pages_statistics import choose, stored_versions, submit

    engine = make_engine(accounts_url)
    at = choose(_signed_in_on(SECRETARIAT, "statistics", key="statistics-sign-in"), "112-J32")
    at = at.selectbox(key="statistics-period-other-112-J32").set_value("2023-06-05~@2023-07-16").run()
    rows = "statistics-rows-other-112-J32-2023-06-05~@2023-07-16-0"
    typed = {
        "edited_rows": {1: {"value": 70}, 25: {"value": 359}},
        "added_rows": [],
        "deleted_rows": [],
    }  # and its total
    at.session_state[rows] = typed
    sessions.revoke(engine, at.session_state[auth_form.TOKEN_KEY])  # 登出 in another tab
    at = submit(at)
    assert not at.exception
    assert MESSAGE in _errors(at)
    assert at.session_state[rows]["edited_rows"] == typed["edited_rows"]  # the table as typed
    assert stored_versions(accounts_url, "112-J32") == []

    at = sign_in(at, "correct horse", SECRETARIAT, key="statistics-sign-in")
    assert not at.exception and not at.error, _errors(at)
    assert at.session_state[rows]["edited_rows"] == typed["edited_rows"]
    at = submit(at)
    assert not at.exception and not at.error, _errors(at)
    (version,) = stored_versions(accounts_url, "112-J32")
    assert version.recorded_by == SECRETARIAT
    assert {"field": "參與人次數｜明細｜宜蘭縣", "old": "62 人次", "new": "70 人次"} in version.changes
    engine.dispose()
