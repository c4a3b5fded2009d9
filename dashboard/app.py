"""Entrypoint: `streamlit run dashboard/app.py`. Only navigation lives here.

It sits outside pages/ on purpose: a pages/ folder beside the entrypoint would put Streamlit in
its legacy folder mode, and a deep link opened first on a fresh server would bypass st.navigation.
"""

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so that `pages.shared` and `dashboard` import without installing
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.errors import FragmentHandledException  # noqa: E402

from dashboard.domain.permissions import READER, Actor  # noqa: E402
from dashboard.web import nodelay  # noqa: E402
from pages.shared import auth_form, page_list, presenter, run_context, url  # noqa: E402
from pages.shared.page_list import PAGES  # noqa: E402

nodelay.enable()  # Streamlit's sockets keep Nagle's algorithm on: ~40 ms per run (dashboard/web/nodelay.py)

PAGE_ERROR = "這個頁面暫時無法顯示，請稍後重新整理。若一直如此，請通知祕書處。"


def run_page(page) -> None:
    """Run the page; an unexpected error is logged with its details and shown to the viewer as a
    short note, since its text may hold SQL, paths or data. Streamlit's own control flow (st.rerun,
    st.stop, st.switch_page) raises BaseException subclasses and passes through. With
    `client.showErrorDetails = "full"` (a developer's setting) the error is raised again after
    logging, so that Streamlit and AppTest show the traceback."""
    try:
        page.run()
    except FragmentHandledException:  # a fragment's error, already logged and shown by Streamlit
        raise
    except Exception:
        logging.getLogger("dashboard.app").exception("Page %r (/%s) failed", page.title, page.url_path)
        if st.get_option("client.showErrorDetails") == "full":
            raise
        st.error(PAGE_ERROR, icon="⚠️")


def start_run() -> Actor:
    """Read this run's context (the store's stamp, who is signed in: pages/shared/run_context.py)
    and return whom the navigation lists pages for. The navigation is only a convenience (the pages
    and data functions check the role), so a store that cannot be read lists the reader's pages,
    and the page, reading the context again, says why."""
    try:
        return run_context.start().actor
    except Exception:
        logging.getLogger("dashboard.app").warning(
            "Navigation listed for a reader: the signed-in user is unknown", exc_info=True
        )
        return READER


def show_signed_in() -> None:
    """Who is signed in and 登出 in the sidebar of every page, from the run's context (no query of
    its own); skipped when the context could not be read (the page says why)."""
    try:
        auth_form.account_sidebar(run_context.get())
    except Exception:
        logging.getLogger("dashboard.app").warning("The signed-in user could not be shown", exc_info=True)


PAGES_KEY = "navigation-pages"  # this tab's st.Page objects, per set of pages listed


def pages(listed: tuple[bool, ...]) -> list:
    """The navigation's st.Page objects, `listed[i]` saying whether PAGES' i-th is listed. Built once
    per tab and set of listed pages, not on every run: st.Page resolves its file on the disk (a
    fifth of the entrypoint's run). Not shared between tabs: the navigation marks the object of
    the page it chose as the one that may run, and two tabs' runs may overlap."""
    built = st.session_state.setdefault(PAGES_KEY, {})
    if listed not in built:
        built[listed] = [
            st.Page(
                p.path,
                title=p.title,
                icon=p.icon,
                url_path=p.url_path,
                default=p.default,
                visibility="visible" if shown else "hidden",
            )
            for p, shown in zip(PAGES.values(), listed)
        ]
    return built[listed]


st.set_page_config(page_title="北臺合作儀表板", page_icon="🤝", layout="wide")
presenting = url.is_presenting()  # ?present=1: no sidebar or chrome, for a shared screen
actor = start_run()
if presenting:
    actor = READER  # the presenter's screen lists nothing
navigation = st.navigation(
    pages(tuple(page_list.listed(p, actor) for p in PAGES.values())),
    position="hidden" if presenting else "sidebar",
    expanded=True,  # the secretariat's 13 pages, all listed: collapsed, Streamlit says "View 3 more" in English
)
if presenting:
    presenter.hide_chrome()
try:
    if not presenting:
        show_signed_in()
    run_page(navigation)
finally:  # also when the page stops or reruns: the next run reads its own context
    run_context.end()
