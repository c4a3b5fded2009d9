"""What the pages for signed-in users (我的提案, 新增提案, 帳號管理) share: who is signed in, and
what a reader is told instead of the page. A tab whose session ended elsewhere while it was signed
in keeps its page for whom it was signed in as (run_context's editor), with what was typed: it is
told so and given the sign-in form, and a save asks to sign in again (pages/shared/signed_out.py)."""

import streamlit as st

from dashboard.domain import vocab
from dashboard.domain.permissions import Actor
from pages.shared import auth_form, run_context, signed_out

SIGN_IN_NOTE = "請先以議題組窗口或祕書處帳號登入，才能{what}。"


def signed_in(what: str, *, key: str) -> Actor | None:
    """The signed-in actor, or None after telling a reader to sign in (with the sign-in form); or
    the actor whose session has ended, after saying so (with the sign-in form)."""
    run = run_context.get()
    actor = run.actor
    if actor.name is not None and actor.role in vocab.ROLES:
        st.caption(f"目前登入：{actor.label}")
        return actor
    if run.ended is not None and run.ended.role in vocab.ROLES:
        return _ended(run, key)
    st.info(SIGN_IN_NOTE.format(what=what), icon=":material/lock:")
    with st.container(width=440):  # a short form reads better than one across the page
        auth_form.sign_in_panel(run, key=key)
    return None


def secretariat_only(note: str, cannot: str, *, key: str) -> Actor | None:
    """The signed-in secretariat, or None after saying the page is theirs (`note`, e.g. 「會議設定限
    祕書處使用。」): a reader is asked to sign in, anyone else is told what they cannot do (`cannot`,
    e.g. 「修改會議設定」); both get the sign-in panel."""
    run = run_context.get()
    actor = run.actor
    if actor.is_secretariat:
        st.caption(f"目前登入：{actor.label}")
        return actor
    if actor.name is None and run.ended is not None and run.ended.is_secretariat:
        return _ended(run, key)
    if actor.name is None:
        st.info(f"{note}請以祕書處帳號登入。", icon=":material/lock:")
    else:
        st.warning(f"{note}您目前以{actor.label}登入，無法{cannot}。", icon=":material/block:")
    with st.container(width=440):
        auth_form.sign_in_panel(run, key=key)
    return None


def _ended(run: run_context.RunContext, key: str) -> Actor:
    """The page stays as it was for the actor whose session ended; above it, that the sign-in has
    ended and the form to sign in again."""
    signed_out.notice()
    with st.container(width=440):
        auth_form.sign_in_panel(run, key=key)
    return run.ended
