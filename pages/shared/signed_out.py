"""Signed out while typing: what every form that saves says and does when its session has ended
since it was opened (signed out in another tab, the account disabled or past its last day, the
session revoked or expired).

The tab keeps drawing its forms for whom it was signed in as (run_context's ended / editor), so
the widgets keep what was typed; a note above the form says the sign-in has ended. A save reads
who acts now (writer below, through run_context.writer) and, when nobody is signed in any more,
writes nothing and says 「已登出，請重新登入」. After signing in again in the same tab the same form
is there with what was typed, and saving it writes a version by the user signed in.
"""

import streamlit as st

from dashboard.domain.permissions import Actor
from pages.shared import run_context, url

DRAFTS_KEY = "signed-out-drafts"  # form -> {widget key: value} to put back (keep, restore)
MESSAGE = "已登出，請重新登入"
REFUSED = f"{MESSAGE}。這次沒有儲存，您輸入的內容仍保留在表單中；重新登入後再按一次儲存即可。"
NOTICE = (
    "{who}的登入已結束（可能已在其他分頁登出、帳號已停用或到期，或閒置過久）。"
    "表單中輸入的內容仍保留，尚未儲存；請重新登入後再儲存。"
)


def notice() -> None:
    """Above a form: that the sign-in has ended, when it has (nothing otherwise)."""
    context = run_context.get()
    if context.ended is not None and context.actor.name is None:
        st.warning(NOTICE.format(who=url.md_text(context.ended.label)), icon=":material/logout:")  # a name as typed


def restore(form: str) -> bool:
    """Before a form that clears on submit (st.form's clear_on_submit) is drawn: put back into its
    widgets what keep() kept of it when its save was refused; whether it did (then the caller says
    REFUSED under the form)."""
    kept = st.session_state.get(DRAFTS_KEY, {}).pop(form, None)
    if kept is None:
        return False
    st.session_state.update(kept)
    return True


def keep(form: str, values: dict[str, object]) -> None:
    """A save of a form that clears on submit, refused since nobody is signed in: keep `values`
    (widget key -> what was typed) for restore() and run again, so that the cleared form is drawn
    holding them."""
    st.session_state.setdefault(DRAFTS_KEY, {})[form] = values
    st.rerun()


def writer(*, say: bool = True) -> Actor | None:
    """Who saves, read from the store now; None when nobody is signed in any more, after saying
    「已登出，請重新登入」 (a save in a widget's callback, which runs before the page, passes
    say=False and shows REFUSED where it shows its other refusals). The caller writes nothing and
    leaves the form as it is."""
    actor = run_context.writer()
    if actor.name is None:
        if say:
            st.error(REFUSED, icon=":material/logout:")
        return None
    return actor
