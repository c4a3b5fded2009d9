"""Who may record decisions: the secretariat's sign-in, from secrets.toml or an OIDC login.

Password users come from `[secretariat.users]` (name = bcrypt hash). When an `[auth]` section is
configured, Streamlit's OIDC login (st.login) is offered too, and a signed-in account counts as
secretariat when its e-mail is listed in `[secretariat] oidc_emails`. Without any of these the
pages are read-only. Not a page: imported by the meeting page and the presenter view.
"""
import math
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from dashboard import auth

SESSION_KEY = "secretariat_user"
# Visitors see where they stand, never how the server is set up (README documents that).
READ_ONLY_NOTE = "目前為唯讀：本站尚未開放祕書處登入。"


@dataclass(frozen=True)
class Settings:
    """The sign-in settings from st.secrets."""
    users: dict[str, str]  # name -> bcrypt hash, from [secretariat.users]
    oidc: bool  # an [auth] section is configured
    oidc_emails: frozenset[str]  # casefolded, from [secretariat] oidc_emails


def _section(secrets, name: str) -> Mapping:
    section = secrets.get(name)
    return section if isinstance(section, Mapping) else {}


def settings() -> Settings:
    """The sign-in settings, read once per run and passed on: without a secrets file, every read of
    st.secrets looks for the files again."""
    try:
        secretariat = _section(st.secrets, "secretariat")
        oidc = isinstance(st.secrets.get("auth"), Mapping)
    except Exception:  # Streamlit raises when no secrets file is found; that means read-only
        return Settings(users={}, oidc=False, oidc_emails=frozenset())
    users = secretariat.get("users")
    return Settings(
        users={str(name): str(hashed) for name, hashed in users.items()} if isinstance(users, Mapping) else {},
        oidc=oidc,
        oidc_emails=frozenset(str(e).strip().casefold() for e in secretariat.get("oidc_emails", []) or []))


def _oidc_email(config: Settings) -> str | None:
    """The e-mail of the OIDC-signed-in user, if any."""
    if not config.oidc:
        return None
    try:
        if not st.user.get("is_logged_in", False):
            return None
        return str(st.user.get("email") or "") or None
    except Exception:  # st.user not available in this runtime
        return None


def current_user(config: Settings | None = None) -> str | None:
    """The signed-in secretariat user's name, or None (read-only). Pass `config` (settings())
    when the page has read it already."""
    config = config or settings()
    name = st.session_state.get(SESSION_KEY)
    if name and name in config.users:  # the account may have been removed since sign-in
        return name
    email = _oidc_email(config)
    if email and email.casefold() in config.oidc_emails:
        return email
    return None


def is_configured(config: Settings | None = None) -> bool:
    config = config or settings()
    return bool(config.users) or config.oidc


def sign_in_panel(*, key: str = "sign-in", config: Settings | None = None) -> None:
    """Sign-in (or the signed-in user and a sign-out button) in the current container."""
    config = config or settings()
    user = current_user(config)
    if user:
        st.success(f"祕書處：{user}（可記錄決議）")
        if st.button("登出", key=f"{key}-out"):
            _sign_out(config)
        return
    if not is_configured(config):
        st.caption(READ_ONLY_NOTE)
        return
    email = _oidc_email(config)
    if email:  # signed in with OIDC but not on the secretariat's list
        st.warning(f"{email} 不在祕書處名單中，僅能檢視。")
        if st.button("登出", key=f"{key}-oidc-out"):
            st.logout()
    elif config.oidc and st.button("以機關帳號登入（OIDC）", key=f"{key}-oidc"):
        st.login()
    if config.users:
        _password_form(key, config)


def _password_form(key: str, config: Settings) -> None:
    with st.form(f"{key}-form", clear_on_submit=True):
        st.caption("祕書處人員登入後才能記錄決議。")
        name = st.text_input("帳號", key=f"{key}-name")
        password = st.text_input("密碼", type="password", key=f"{key}-password")
        submitted = st.form_submit_button("登入")
    if not submitted:
        return
    result = auth.sign_in(config.users, name, password)
    if result.ok:
        st.session_state[SESSION_KEY] = result.user
        st.rerun()
    seconds = math.ceil(result.wait_seconds)
    if result.refused:
        st.error(f"此帳號登入失敗次數過多，請於 {seconds} 秒後再試。")
    else:
        st.error(f"帳號或密碼錯誤。此帳號須等 {seconds} 秒後才能再試，每次失敗等待時間加倍。")


def _sign_out(config: Settings) -> None:
    if st.session_state.pop(SESSION_KEY, None) is None and _oidc_email(config):
        st.logout()
    st.rerun()
