"""The page layer's shared pieces: the page list, the cached store, and small renderers.

Everything that calls Streamlit outside a page script lives here; dashboard/ stays Streamlit-free.
"""
import html
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard import queries, store, vocab
from dashboard.db import make_engine


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the entrypoint dashboard/app.py
    title: str
    icon: str
    url_path: str
    default: bool = False


PAGES = {
    "home": PageSpec("../pages/home.py", "總覽", ":material/dashboard:", "home", default=True),
    "groups": PageSpec("../pages/groups.py", "議題組", ":material/groups:", "groups"),
    "proposals": PageSpec("../pages/proposals.py", "提案列表", ":material/table_rows:", "proposals"),
    "card": PageSpec("../pages/card.py", "提案單", ":material/description:", "card"),
    "map": PageSpec("../pages/map.py", "跨區支援地圖", ":material/map:", "map"),
    "meeting": PageSpec("../pages/meeting.py", "副首長會議", ":material/event:", "meeting"),
}


def page_path(name: str) -> str:
    """The path st.page_link / st.switch_page expect for one of PAGES."""
    return PAGES[name].path


@st.cache_resource(show_spinner="正在準備資料庫…")
def engine() -> Engine:
    """One engine per server; builds the store from data/ on first start when it is missing."""
    eng = make_engine()
    store.ensure_built(eng)
    return eng


def session() -> Session:
    return Session(engine())


def version() -> tuple:
    with session() as s:
        return queries.store_version(s)


@st.cache_data(show_spinner=False, max_entries=4)
def _proposals(_version: tuple) -> pd.DataFrame:
    with session() as s:
        return queries.proposals_frame(s)


def proposals() -> pd.DataFrame:
    """The proposals frame, recomputed only when the store changes."""
    return _proposals(version())


def chip(label: str, color: str) -> str:
    """A coloured label as HTML; the text itself always carries the meaning."""
    return (f'<span style="display:inline-block;padding:0.1em 0.6em;border-radius:0.8em;'
            f'border:2px solid {color};font-weight:600;white-space:nowrap">'
            f'<span style="color:{color}">●</span> {html.escape(label)}</span>')


def progress_chip(status: str) -> str:
    return chip(status, vocab.PROGRESS_COLORS.get(status, "#777777"))


def tracking_chip(status: str) -> str:
    return chip(status, vocab.TRACKING_COLORS.get(status, "#777777"))
