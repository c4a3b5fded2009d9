"""Who may record decisions: the secretariat's sign-in, from secrets.toml or an OIDC login.

Password users come from `[secretariat.users]` (name = bcrypt hash). When an `[auth]` section is
configured, Streamlit's OIDC login (st.login) is offered too, and a signed-in account counts as
secretariat when its e-mail is listed in `[secretariat] oidc_emails`. Without any of these the
pages are read-only. Not a page: imported by the meeting page and the presenter view.
"""
import math
from collections.abc import Mapping

import streamlit as st

from dashboard import auth

SESSION_KEY = "secretariat_user"
SETUP_HINT = ("目前為唯讀模式：尚未設定祕書處帳號。"
              "設定方式見 README「副首長會議模式」（以 scripts/hash_password.py 產生密碼雜湊，"
              "寫入 .streamlit/secrets.toml）。")


def _secret(name: str) -> Mapping | None:
    """One section of st.secrets, or None (also when no secrets.toml exists at all)."""
    try:
        section = st.secrets.get(name)
    except Exception:  # Streamlit raises when no secrets file is found; that means read-only
        return None
    return section if isinstance(section, Mapping) else None


def password_users() -> dict[str, str]:
    """name -> bcrypt hash from [secretariat.users]."""
    section = _secret("secretariat") or {}
    users = section.get("users")
    if not isinstance(users, Mapping):
        return {}
    return {str(name): str(hashed) for name, hashed in users.items()}


def oidc_configured() -> bool:
    return _secret("auth") is not None


def oidc_emails() -> set[str]:
    section = _secret("secretariat") or {}
    return {str(e).strip().casefold() for e in section.get("oidc_emails", []) or []}


def _oidc_email() -> str | None:
    """The e-mail of the OIDC-signed-in user, if any."""
    if not oidc_configured():
        return None
    try:
        if not st.user.get("is_logged_in", False):
            return None
        return str(st.user.get("email") or "") or None
    except Exception:  # st.user not available in this runtime
        return None


def current_user() -> str | None:
    """The signed-in secretariat user's name, or None (read-only)."""
    name = st.session_state.get(SESSION_KEY)
    if name and name in password_users():  # the account may have been removed since sign-in
        return name
    email = _oidc_email()
    if email and email.casefold() in oidc_emails():
        return email
    return None


def is_configured() -> bool:
    return bool(password_users()) or oidc_configured()


def sign_in_panel(*, key: str = "sign-in") -> None:
    """Sign-in (or the signed-in user and a sign-out button) in the current container."""
    user = current_user()
    if user:
        st.success(f"祕書處：{user}（可記錄決議）")
        if st.button("登出", key=f"{key}-out"):
            _sign_out()
        return
    if not is_configured():
        st.info(SETUP_HINT)
        return
    email = _oidc_email()
    if email:  # signed in with OIDC but not on the secretariat's list
        st.warning(f"{email} 不在祕書處名單中，僅能檢視。")
        if st.button("登出", key=f"{key}-oidc-out"):
            st.logout()
    elif oidc_configured() and st.button("以機關帳號登入（OIDC）", key=f"{key}-oidc"):
        st.login()
    if password_users():
        _password_form(key)


def _password_form(key: str) -> None:
    with st.form(f"{key}-form", clear_on_submit=True):
        st.caption("祕書處人員登入後才能記錄決議。")
        name = st.text_input("帳號", key=f"{key}-name")
        password = st.text_input("密碼", type="password", key=f"{key}-password")
        submitted = st.form_submit_button("登入")
    if not submitted:
        return
    result = auth.sign_in(password_users(), name, password)
    if result.ok:
        st.session_state[SESSION_KEY] = result.user
        st.rerun()
    seconds = math.ceil(result.wait_seconds)
    if result.refused:
        st.error(f"此帳號登入失敗次數過多，請於 {seconds} 秒後再試。")
    else:
        st.error(f"帳號或密碼錯誤。此帳號須等 {seconds} 秒後才能再試，每次失敗等待時間加倍。")


def _sign_out() -> None:
    if st.session_state.pop(SESSION_KEY, None) is None and _oidc_email():
        st.logout()
    st.rerun()
