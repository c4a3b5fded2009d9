"""Signed out while typing (pages/shared/signed_out.py), the remaining forms: 議題組設定, 帳號管理 (add
and change), 變更密碼 and the meeting page's 會議紀錄. A save after the tab's sign-in has ended (signed
out in another tab, the account disabled or past its last day) writes nothing, says 「已登出，請重新
登入」 and keeps what was typed; after signing in again in the same tab the same save writes a
version by the user. The pattern of tests/test_pages_signed_out.py."""

from datetime import date

import pytest
from sqlmodel import Session

from dashboard.domain import accounts, group_terms, meeting_record, vocab
from dashboard.domain.meeting import meeting_info
from dashboard.domain.permissions import OPERATOR
from dashboard.store.db import make_engine
from dashboard.web import auth, sessions
from pages.shared import auth_form
from tests.pagetest import LEAD, MEETING_PASSWORD, SECRETARIAT, open_page, sign_in

MESSAGE = "已登出，請重新登入"
PASSWORD = "correct horse"  # of pagetest's LEAD and SECRETARIAT


@pytest.fixture
def url(accounts_url, monkeypatch):
    real = auth.hash_password
    monkeypatch.setattr(auth, "hash_password", lambda password, rounds=4: real(password, rounds=rounds))  # fast
    return accounts_url


def _errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def _button(at, start: str):
    return next(b for b in at.button if b.label.startswith(start))


def _keyed(at, kind: str, prefix: str):
    return next(w for w in getattr(at, kind) if w.key and w.key.startswith(prefix))


def _signed_in_on(name: str, page: str, *, key: str):
    at = sign_in(open_page(page), PASSWORD, name, key=key)
    assert not at.exception and not at.error, _errors(at)
    return at


def _refused(at) -> None:
    assert not at.exception
    assert MESSAGE in _errors(at)


def _history(engine, name: str):
    with Session(engine) as s:
        return accounts.history(s, name)


def _account(engine, name: str):
    with Session(engine) as s:
        return next((v for v in accounts.listing(s) if v.name == name), None)


def test_group_settings_signed_out_in_another_tab_keep_the_name_and_host_and_save_after_signing_in(url):
    engine = make_engine(url)
    at = _signed_in_on(SECRETARIAT, "group_settings", key="group-settings-sign-in")
    _keyed(at, "selectbox", "gs-edit-group").set_value("transport")
    at = at.run()
    _keyed(at, "text_input", "gs-edit-name").input("交通組")
    _keyed(at, "text_input", "gs-edit-host").input("新竹市政府交通處")
    _keyed(at, "text_input", "gs-edit-reason").input("新竹市主政")
    sessions.revoke(engine, at.session_state[auth_form.TOKEN_KEY])  # what 登出 in another tab does
    at = _button(at, "儲存（自").click().run()
    _refused(at)
    assert _keyed(at, "text_input", "gs-edit-name").value == "交通組"
    assert _keyed(at, "text_input", "gs-edit-host").value == "新竹市政府交通處"
    assert _keyed(at, "text_input", "gs-edit-reason").value == "新竹市主政"
    assert any(f"「{SECRETARIAT}」的登入已結束" in w.value for w in at.warning)
    with Session(engine) as s:
        assert group_terms.history(s, "transport") == []

    at = sign_in(at, PASSWORD, SECRETARIAT, key="group-settings-sign-in")
    assert not at.exception and not at.error, _errors(at)
    assert _keyed(at, "text_input", "gs-edit-name").value == "交通組"
    at = _button(at, "儲存（自").click().run()
    assert not at.exception and not at.error, _errors(at)
    assert any("已儲存「交通組」" in s.value for s in at.success)
    with Session(engine) as s:
        (version,) = group_terms.history(s, "transport")
    assert version.recorded_by == SECRETARIAT and version.reason == "新竹市主政"
    assert {c["field"]: c["new"] for c in version.changes} == {"name": "交通組", "host_agency": "新竹市政府交通處"}
    engine.dispose()


def test_a_new_account_typed_by_a_disabled_secretariat_is_kept_and_added_after_signing_in(url):
    engine = make_engine(url)
    at = _signed_in_on(SECRETARIAT, "accounts", key="accounts-sign-in")
    _keyed(at, "text_input", "accounts-name").input("環境窗口")
    _keyed(at, "radio", "accounts-role").set_value(vocab.LEAD)
    _keyed(at, "multiselect", "accounts-groups").set_value(["environment"])
    _keyed(at, "text_input", "accounts-password").input("a lead's pass")
    _keyed(at, "text_input", "accounts-again").input("a lead's pass")
    _keyed(at, "date_input", "accounts-until").set_value(date(2031, 12, 31))
    _keyed(at, "text_input", "accounts-reason").input("環境組新窗口")
    with Session(engine) as s:  # another secretariat disables the account meanwhile
        accounts.set_disabled(s, actor=OPERATOR, name=SECRETARIAT)
    at = _button(at, "新增帳號").click().run()
    _refused(at)
    assert _keyed(at, "text_input", "accounts-name").value == "環境窗口"
    assert _keyed(at, "multiselect", "accounts-groups").value == ["environment"]
    assert _keyed(at, "text_input", "accounts-password").value == "a lead's pass"
    assert _keyed(at, "date_input", "accounts-until").value == date(2031, 12, 31)
    assert _keyed(at, "text_input", "accounts-reason").value == "環境組新窗口"
    assert _account(engine, "環境窗口") is None

    with Session(engine) as s:
        accounts.set_disabled(s, actor=OPERATOR, name=SECRETARIAT, disabled=False)
    at = sign_in(at, PASSWORD, SECRETARIAT, key="accounts-sign-in")
    assert not at.exception and not at.error, _errors(at)
    assert _keyed(at, "text_input", "accounts-name").value == "環境窗口"
    at = _button(at, "新增帳號").click().run()
    assert not at.exception and not at.error, _errors(at)
    assert any("已新增" in s.value and "環境窗口" in s.value for s in at.success)
    added = _account(engine, "環境窗口")
    assert (added.role, added.groups, added.until) == (vocab.LEAD, ("environment",), date(2031, 12, 31))
    (version,) = _history(engine, "環境窗口")
    assert version.recorded_by == SECRETARIAT and version.reason == "環境組新窗口"
    engine.dispose()


def test_an_account_change_past_the_last_day_is_kept_and_saved_after_signing_in(url):
    engine = make_engine(url)
    at = _signed_in_on(SECRETARIAT, "accounts", key="accounts-sign-in")
    at = at.selectbox(key="accounts-which").set_value(LEAD).run()
    _keyed(at, "multiselect", f"accounts-edit-{LEAD}-").set_value(["transport", "education"])
    _keyed(at, "text_input", f"accounts-edit-{LEAD}-1-reason").input("兼任教育組")
    before = len(_history(engine, LEAD))
    with Session(engine) as s:  # the secretariat's own last day is now past
        accounts.change(s, actor=OPERATOR, name=SECRETARIAT, until=date(2020, 1, 1))
    at = _button(at, "儲存修改").click().run()
    _refused(at)
    assert _keyed(at, "multiselect", f"accounts-edit-{LEAD}-").value == ["transport", "education"]
    assert _keyed(at, "text_input", f"accounts-edit-{LEAD}-1-reason").value == "兼任教育組"
    assert len(_history(engine, LEAD)) == before and _account(engine, LEAD).groups == ("transport",)

    with Session(engine) as s:
        accounts.change(s, actor=OPERATOR, name=SECRETARIAT, until=None)
    at = sign_in(at, PASSWORD, SECRETARIAT, key="accounts-sign-in")
    assert not at.exception and not at.error, _errors(at)
    assert _keyed(at, "multiselect", f"accounts-edit-{LEAD}-").value == ["transport", "education"]
    at = _button(at, "儲存修改").click().run()
    assert not at.exception and not at.error, _errors(at)
    assert any(f"已修改帳號「{LEAD}」" in s.value for s in at.success)
    assert sorted(_account(engine, LEAD).groups) == ["education", "transport"]
    latest = _history(engine, LEAD)[0]
    assert len(_history(engine, LEAD)) == before + 1
    assert latest.recorded_by == SECRETARIAT and latest.reason == "兼任教育組"
    engine.dispose()


def test_a_password_change_signed_out_in_another_tab_is_kept_and_done_after_signing_in(url):
    engine = make_engine(url)
    at = _signed_in_on(LEAD, "password", key="password-sign-in")
    at.text_input(key="password-old-0").input(PASSWORD)
    at.text_input(key="password-new-0").input("my own new phrase")
    at.text_input(key="password-again-0").input("my own new phrase")
    before = len(_history(engine, LEAD))
    sessions.revoke(engine, at.session_state[auth_form.TOKEN_KEY])  # 登出 in another tab
    at = _button(at, "變更密碼").click().run()
    _refused(at)
    assert at.text_input(key="password-old-0").value == PASSWORD
    assert at.text_input(key="password-new-0").value == "my own new phrase"
    assert at.text_input(key="password-again-0").value == "my own new phrase"
    assert len(_history(engine, LEAD)) == before
    with Session(engine) as s:
        assert auth.verify_password(PASSWORD, accounts.password_hashes(s)[LEAD])  # unchanged

    at = sign_in(at, PASSWORD, LEAD, key="password-sign-in")
    assert not at.exception and not at.error, _errors(at)
    assert at.text_input(key="password-new-0").value == "my own new phrase"
    at = _button(at, "變更密碼").click().run()
    assert not at.exception and not at.error, _errors(at)
    assert any("密碼已變更" in s.value for s in at.success)
    with Session(engine) as s:
        assert auth.verify_password("my own new phrase", accounts.password_hashes(s)[LEAD])
    latest = _history(engine, LEAD)[0]
    assert len(_history(engine, LEAD)) == before + 1
    assert latest.recorded_by == LEAD and latest.changes == [accounts.PASSWORD_SET]
    engine.dispose()


def test_the_minutes_form_signed_out_in_another_tab_keeps_the_text_and_saves_after_signing_in(secretariat, db_url):
    engine = make_engine(db_url)
    at = sign_in(secretariat.run(), MEETING_PASSWORD)
    assert not at.exception and not at.error, _errors(at)
    city = next(w.key for w in at.text_input if w.key and w.key.startswith("mr-0-city-"))
    conclusions = "一、各案依決議辦理。\n二、下次會議於新竹市召開。"
    at.text_input(key="mr-0-taker").input("王小明")
    at.text_input(key=city).input("副市長 ○○○")
    at.text_area(key="mr-0-conclusions").input(conclusions)
    sessions.revoke(engine, at.session_state[auth_form.TOKEN_KEY])  # 登出 in another tab
    at = _button(at, "儲存會議紀錄").click().run()
    _refused(at)
    assert at.text_input(key="mr-0-taker").value == "王小明"
    assert at.text_input(key=city).value == "副市長 ○○○"
    assert at.text_area(key="mr-0-conclusions").value == conclusions
    assert any(f"「{SECRETARIAT}」的登入已結束" in w.value for w in at.warning)
    with Session(engine) as s:
        assert meeting_record.history(s, meeting_id=meeting_info(s).meeting.id) == []

    at = sign_in(at, MEETING_PASSWORD)
    assert not at.exception and not at.error, _errors(at)
    assert at.text_area(key="mr-0-conclusions").value == conclusions
    at = _button(at, "儲存會議紀錄").click().run()
    assert not at.exception and not at.error, _errors(at)
    assert [m.value for m in at.main.success] == ["已儲存會議紀錄"]
    with Session(engine) as s:
        (row,) = meeting_record.history(s, meeting_id=meeting_info(s).meeting.id)
    assert (row.minutes_taker, row.attendance, row.conclusions, row.recorded_by) == (
        "王小明",
        {city.removeprefix("mr-0-city-"): "副市長 ○○○"},
        conclusions,
        SECRETARIAT,
    )
    engine.dispose()
