"""The sign-in form on the meeting page through AppTest: what a visitor is told after a wrong
password, a refused attempt or a busy server, and how a broken secrets.toml is reported."""

import logging

import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.runtime.secrets import Secrets

from dashboard.web import auth
from pages.shared import auth_form
from tests.pagetest import APP, sign_in

PASSWORD = "rehearsal pass"


class FrozenClock:
    now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def users() -> dict[str, str]:
    return {"祕書甲": auth.hash_password(PASSWORD, rounds=4)}


@pytest.fixture
def meeting(app, monkeypatch):
    """The meeting page on a fresh store (a fresh throttle with it), with a frozen throttle clock."""
    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.setattr(auth_form, "CLOCK", FrozenClock())
    monkeypatch.setattr(auth_form, "_logged", set())
    app.switch_page("../pages/meeting.py")
    yield app
    st.cache_resource.clear()
    st.cache_data.clear()


def _sidebar_errors(at) -> str:
    return "\n".join(e.value for e in at.sidebar.error)


def _can_record(at) -> bool:
    return any(b.label == "記錄決議" for b in at.button)


def test_a_wrong_password_says_how_long_to_wait_and_a_retry_too_soon_is_refused(meeting, users):
    meeting.secrets["secretariat"] = {"users": users}
    at = sign_in(meeting.run(), "guess")
    assert not at.exception
    assert "帳號或密碼錯誤" in _sidebar_errors(at) and "1 秒" in _sidebar_errors(at)
    at = sign_in(at, PASSWORD)
    assert "失敗次數過多" in _sidebar_errors(at) and not _can_record(at)


def test_an_unknown_name_gets_the_same_message_as_a_wrong_password(meeting, users):
    meeting.secrets["secretariat"] = {"users": users}
    unknown = _sidebar_errors(sign_in(meeting.run(), "guess", name="nobody"))
    st.cache_resource.clear()  # a fresh store, so a fresh throttle
    meeting.secrets["secretariat"] = {"users": users}
    assert unknown == _sidebar_errors(sign_in(meeting.run(), "guess"))


def test_the_right_password_signs_in(meeting, users):
    meeting.secrets["secretariat"] = {"users": users}
    at = sign_in(meeting.run(), PASSWORD)
    assert not at.exception and _can_record(at) and not at.sidebar.error


def test_a_busy_server_says_so_and_counts_no_failure(meeting, users, monkeypatch):
    meeting.secrets["secretariat"] = {"users": users}
    at = meeting.run()
    monkeypatch.setattr(auth, "BUSY_TIMEOUT", 0.01)
    assert auth.CHECKS.acquire(timeout=5)  # another session's check is running
    try:
        at = sign_in(at, PASSWORD)
    finally:
        auth.CHECKS.release()
    assert "系統正忙" in _sidebar_errors(at) and not _can_record(at)
    assert _can_record(sign_in(at, PASSWORD))  # and may try again at once


@pytest.mark.parametrize(
    "section, expected",
    [
        ("users", "應為區段 [secretariat]"),
        ({"users": "祕書甲"}, "[secretariat.users] 應為"),
        ({"users": {"祕書甲": "rehearsal pass"}}, "第 1 個帳號：值不是 bcrypt 密碼雜湊"),
        ({"users": {"祕書甲": 42}}, "第 1 個帳號：值應為一段文字"),
        ({"users": {}, "oidc_emails": "a@example.org"}, "oidc_emails 應為電子郵件的清單"),
    ],
)
def test_a_broken_secretariat_section_is_reported_on_the_form_and_in_the_log(meeting, section, expected, caplog):
    meeting.secrets["secretariat"] = section
    with caplog.at_level(logging.ERROR):
        at = meeting.run()
    assert not at.exception
    shown = _sidebar_errors(at)
    assert "祕書處登入設定有誤" in shown and expected in shown
    assert "唯讀" not in "\n".join(c.value for c in at.sidebar.caption)  # not passed off as read-only
    assert "祕書甲" not in shown and "rehearsal" not in shown  # visitors learn no account name
    assert expected in caplog.text
    assert "rehearsal" not in caplog.text  # a mistaken plain password is not logged either


def test_a_bad_hash_is_reported_and_the_other_accounts_still_sign_in(meeting, users, caplog):
    meeting.secrets["secretariat"] = {"users": {"舊帳號": "$2b$12$cut-short", **users}}
    with caplog.at_level(logging.ERROR):
        at = meeting.run()
    assert "第 1 個帳號" in _sidebar_errors(at) and "舊帳號" in caplog.text
    at = sign_in(at, PASSWORD)
    assert _can_record(at)


@pytest.fixture
def secrets_file(tmp_path, monkeypatch):
    """st.secrets read from a file of the test's choosing, as on a server."""
    path = tmp_path / "secrets.toml"
    old = st_config.get_option("secrets.files")
    st_config.set_option("secrets.files", [str(path)])
    monkeypatch.setattr(st, "secrets", Secrets())
    yield path
    st_config.set_option("secrets.files", old)


def test_a_secrets_file_that_is_not_valid_toml_is_reported(meeting, secrets_file, users, caplog):
    secrets_file.write_text(
        f'[secretariat.users]\n"祕書甲" = "{users["祕書甲"]}\n', encoding="utf-8"
    )  # no closing quote
    with caplog.at_level(logging.ERROR):
        at = meeting.run()
    assert not at.exception
    shown = _sidebar_errors(at)
    assert "secrets.toml 不是有效的 TOML 檔" in shown and "line 2" in shown
    assert str(secrets_file.parent) not in shown  # the server's paths stay in the log
    assert "不是有效的 TOML" in caplog.text
    assert not any(b.label == "登入" for b in at.button)


def test_a_valid_secrets_file_signs_in(meeting, secrets_file, users):
    secrets_file.write_text(f'[secretariat.users]\n"祕書甲" = "{users["祕書甲"]}"\n', encoding="utf-8")
    at = sign_in(meeting.run(), PASSWORD)
    assert _can_record(at) and not at.sidebar.error


def test_without_a_secrets_file_the_page_is_read_only_and_reports_nothing(meeting, secrets_file, caplog):
    with caplog.at_level(logging.ERROR):
        at = meeting.run()
    assert not at.sidebar.error and "唯讀" in "\n".join(c.value for c in at.sidebar.caption)
    assert "secrets" not in caplog.text


def _cookie_scripts(at) -> list[str]:
    return [h.proto.body for h in at.sidebar.html if auth_form.COOKIE in h.proto.body]


def _reopened(meeting, users, monkeypatch, cookie: str | None):
    """The page opened again in a new tab (a new session) whose browser sends `cookie`."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(auth_form, "cookie_token", lambda: cookie)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["secretariat"] = {"users": users}
    at.switch_page("../pages/meeting.py")
    return at.run()


def test_a_password_sign_in_is_kept_in_a_cookie_that_a_new_tab_signs_in_with(meeting, users, monkeypatch):
    meeting.secrets["secretariat"] = {"users": users}
    at = sign_in(meeting.run(), PASSWORD)
    token = at.session_state[auth_form.TOKEN_KEY]
    [script] = _cookie_scripts(at)
    assert f"{auth_form.COOKIE}={token}; Path=/;" in script and "SameSite=Strict" in script
    assert "'https:' ? '; Secure'" in script  # Secure whenever the page is served over https
    assert all(token not in str(value) for value in at.query_params.values())  # never in the URL

    again = _reopened(meeting, users, monkeypatch, token)
    assert not again.exception and _can_record(again)


def test_signing_out_ends_the_session_for_every_tab_and_deletes_the_cookie(meeting, users, monkeypatch):
    meeting.secrets["secretariat"] = {"users": users}
    at = sign_in(meeting.run(), PASSWORD)
    token = at.session_state[auth_form.TOKEN_KEY]
    other_tab = _reopened(meeting, users, monkeypatch, token)
    assert _can_record(other_tab)

    next(b for b in at.button if b.label == "登出").click()
    at = at.run()
    assert not _can_record(at)
    assert any("Max-Age=0" in script for script in _cookie_scripts(at))
    other_tab = other_tab.run()  # signed out there too, at its next run; its form stays (pages/shared/signed_out.py)
    assert not other_tab.sidebar.success and any("的登入已結束" in w.value for w in other_tab.warning)
    assert not _can_record(_reopened(meeting, users, monkeypatch, token))  # and a reload stays signed out


def test_a_new_password_ends_the_cookies_session(meeting, users, monkeypatch):
    meeting.secrets["secretariat"] = {"users": users}
    token = sign_in(meeting.run(), PASSWORD).session_state[auth_form.TOKEN_KEY]
    changed = {"祕書甲": auth.hash_password("a new password", rounds=4)}
    at = _reopened(meeting, changed, monkeypatch, token)
    assert not _can_record(at) and not at.exception
    assert any("Max-Age=0" in script for script in _cookie_scripts(at))  # the stale cookie is deleted


def test_a_made_up_cookie_signs_nobody_in(meeting, users, monkeypatch):
    meeting.secrets["secretariat"] = {"users": users}
    sign_in(meeting.run(), PASSWORD)
    at = _reopened(meeting, users, monkeypatch, "x" * 43)
    assert not _can_record(at) and not at.exception


OIDC = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "dashboard",
    "client_secret": "y" * 16,
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def test_an_oidc_section_offers_the_oidc_sign_in(meeting):
    meeting.secrets["auth"] = OIDC
    at = meeting.run()
    assert not at.exception and any(b.label == "以機關帳號登入（OIDC）" for b in at.sidebar.button)


def test_an_oidc_section_without_authlib_installed_is_reported_not_offered(meeting, monkeypatch):
    monkeypatch.setattr(auth_form, "oidc_installed", lambda: False)
    meeting.secrets["auth"] = OIDC
    at = meeting.run()
    assert not at.exception and not any(b.label == "以機關帳號登入（OIDC）" for b in at.sidebar.button)
    assert "未安裝 Authlib" in _sidebar_errors(at)
