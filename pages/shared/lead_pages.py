"""What the pages for signed-in users (我的提案, 新增提案, 帳號管理) share: who is signed in, and
what a reader is told instead of the page."""

import streamlit as st

from dashboard.domain import vocab
from dashboard.domain.permissions import Actor
from pages.shared import auth_form, run_context

SIGN_IN_NOTE = "請先以議題組窗口或祕書處帳號登入，才能{what}。"


def signed_in(what: str, *, key: str) -> Actor | None:
    """The signed-in actor, or None after telling a reader to sign in (with the sign-in form)."""
    run = run_context.get()
    actor = run.actor
    if actor.name is not None and actor.role in vocab.ROLES:
        st.caption(f"目前登入：{actor.label}")
        return actor
    st.info(SIGN_IN_NOTE.format(what=what), icon=":material/lock:")
    with st.container(width=440):  # a short form reads better than one across the page
        auth_form.sign_in_panel(run, key=key)
    return None
