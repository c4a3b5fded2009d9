"""變更密碼: the signed-in user changes their own password, knowing the old one. The new password
follows the rules of dashboard/domain/passwords.py and ends the account's sessions on other devices
(this tab stays signed in). Accounts of secrets.toml change theirs with `hash-password`."""

import streamlit as st

from dashboard.domain import passwords
from pages.shared import auth_form, lead_pages, signed_out, styling

KEY = "password"
DONE_KEY = "password-done"
GENERATION_KEY = "password-generation"  # part of the form's widget keys: a new value clears it


def render() -> None:
    styling.style()
    st.title("變更密碼")
    actor = lead_pages.signed_in("變更密碼", key=f"{KEY}-sign-in")
    if actor is None:
        return
    if st.session_state.pop(DONE_KEY, False):
        st.success("密碼已變更；其他裝置上的登入已結束，需以新密碼重新登入。", icon=":material/check_circle:")
    if auth_form.own_password_hash(actor) is None:
        st.info("此帳號不是以本站密碼登入（由 secrets.toml 或機關帳號 OIDC 管理），無法在這裡變更密碼。")
        return
    gen = st.session_state.setdefault(GENERATION_KEY, 0)
    with st.form(f"{KEY}-form-{gen}", border=True, width=560):
        old = st.text_input("目前的密碼", type="password", key=f"{KEY}-old-{gen}")
        new = st.text_input(
            "新密碼",
            type="password",
            key=f"{KEY}-new-{gen}",
            help=f"至少 {passwords.MIN_CHARS} 個字，可用空格與中文；不可是常見密碼或帳號名稱。",
        )
        again = st.text_input("再次輸入新密碼", type="password", key=f"{KEY}-again-{gen}")
        submitted = st.form_submit_button("變更密碼", type="primary", icon=":material/password:")
    st.caption(
        f"密碼至少 {passwords.MIN_CHARS} 個字、最多 {passwords.MAX_BYTES} 位元組（中文字每字 3 位元組）；"
        "不需混合大小寫、數字或符號，一句好記的長句子最安全。"
    )
    if not submitted:
        return
    writer = signed_out.writer()
    if writer is None:  # signed out since the page was opened: nothing is checked or changed
        return
    problem = auth_form.change_own_password(writer, old, new, again)
    if problem:
        st.error(problem)
        return
    st.session_state[DONE_KEY] = True
    st.session_state[GENERATION_KEY] = gen + 1
    st.rerun()


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
