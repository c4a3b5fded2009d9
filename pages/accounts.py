"""帳號管理 (the secretariat only): who may sign in, with which role and groups; add an account,
disable or enable one. Accounts are never deleted, so every recorded change keeps its author."""

import pandas as pd
import streamlit as st

from dashboard.domain import accounts, vocab
from dashboard.domain.permissions import Actor, PermissionDenied
from dashboard.web import auth
from pages.shared import cached, lead_pages, run_context, styling, url

ADDED_KEY = "accounts-added"  # what the last action did, shown after the form is cleared
GENERATION_KEY = "accounts-generation"  # part of the add form's widget keys: a new value clears it


def account_table(views: list[accounts.AccountView], group_names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "帳號": [v.name for v in views],
            "角色": [vocab.ROLES.get(v.role, v.role) for v in views],
            "議題組": ["、".join(group_names.get(g, g) for g in v.groups) or "（全部）" for v in views],
            "電子郵件（OIDC）": [v.email or "" for v in views],
            "密碼登入": ["是" if v.has_password else "否" for v in views],
            "狀態": ["停用" if v.disabled else "啟用" for v in views],
        }
    )


def add_form(actor: Actor, group_names: dict[str, str]) -> None:
    gen = st.session_state.setdefault(GENERATION_KEY, 0)
    with st.form(f"accounts-add-{gen}", border=True):
        st.markdown("**新增帳號**")
        row = st.container(horizontal=True, gap="medium")
        name = row.text_input("帳號名稱", key=f"accounts-name-{gen}", width=220)
        role = row.radio(
            "角色",
            list(vocab.ROLES),
            format_func=vocab.ROLES.get,
            horizontal=True,
            key=f"accounts-role-{gen}",
            width="content",
        )
        groups = st.multiselect(
            "議題組（議題組窗口必選；祕書處不選）",
            list(group_names),
            format_func=group_names.get,
            key=f"accounts-groups-{gen}",
            placeholder="選擇議題組",
        )
        email = st.text_input("電子郵件（以機關帳號 OIDC 登入時使用，選填）", key=f"accounts-email-{gen}")
        row = st.container(horizontal=True, gap="medium")
        password = row.text_input("密碼", type="password", key=f"accounts-password-{gen}", width=260)
        again = row.text_input("再次輸入密碼", type="password", key=f"accounts-again-{gen}", width=260)
        submitted = st.form_submit_button("新增帳號", type="primary", icon=":material/person_add:")
    if not submitted:
        return
    if password != again:
        st.error("兩次輸入的密碼不一致，未新增。")
        return
    try:
        hashed = auth.hash_password(password) if password else None
        with cached.session() as s:
            accounts.add(
                s,
                actor=run_context.writer(),
                name=name,
                role=role,
                groups=tuple(groups),
                password_hash=hashed,
                email=email or None,
            )
    except (accounts.AccountError, PermissionDenied, ValueError) as error:
        st.error(f"未新增：{url.md_text(error)}")
        return
    st.session_state[ADDED_KEY] = f"已新增{vocab.ROLES[role]}帳號「{name.strip()}」。"
    st.session_state[GENERATION_KEY] = gen + 1
    st.rerun()


def disable_form(actor: Actor, views: list[accounts.AccountView]) -> None:
    state = {v.name: v.disabled for v in views}
    with st.form("accounts-disable", border=True):
        st.markdown("**停用或重新啟用帳號**")
        row = st.container(horizontal=True, gap="medium", vertical_alignment="bottom")
        name = row.selectbox(
            "帳號",
            list(state),
            index=None,
            placeholder="選擇帳號",
            format_func=lambda n: f"{n}（{'停用' if state[n] else '啟用'}中）",
            key="accounts-which",
            width=260,
        )
        disable = row.form_submit_button("停用", icon=":material/person_off:")
        enable = row.form_submit_button("重新啟用", icon=":material/person_check:")
    if not (disable or enable):
        return
    if name is None:
        st.error("請先選擇帳號。")
        return
    if disable and name == actor.name:
        st.error("不能停用自己正在使用的帳號；請由另一位祕書處人員停用。")
        return
    try:
        with cached.session() as s:
            accounts.set_disabled(s, actor=run_context.writer(), name=name, disabled=bool(disable))
    except (accounts.AccountError, PermissionDenied) as error:
        st.error(url.md_text(error))
        return
    st.session_state[ADDED_KEY] = f"已{'停用' if disable else '重新啟用'}帳號「{name}」。"
    st.rerun()


def render() -> None:
    styling.style()
    st.title("帳號管理")
    actor = lead_pages.signed_in("管理帳號", key="accounts-sign-in")
    if actor is None:
        return
    if not actor.is_secretariat:
        st.warning("只有祕書處可以管理帳號。", icon=":material/block:")
        return
    done = st.session_state.pop(ADDED_KEY, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    stamp = run_context.get().stamp
    group_names = {g.id: g.name for g in cached.groups(stamp)}
    with cached.session() as s:
        views = accounts.listing(s)
    if views:
        st.dataframe(account_table(views, group_names), hide_index=True, height="content", key="accounts-table")
    else:
        st.info("資料庫中還沒有帳號；請由下方新增第一個議題組窗口或祕書處帳號。")
    st.caption("帳號不會刪除，只能停用，讓每筆修改紀錄都找得到作者。停用後立即無法登入與修改。")
    add_form(actor, group_names)
    if views:
        disable_form(actor, views)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
