"""Store reads as pages use them: one engine per server, and reads cached per store version."""

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard import editing, meeting, meeting_record, queries
from dashboard import store as builder
from dashboard.db import make_engine


@st.cache_resource(show_spinner="正在準備資料庫…")
def engine() -> Engine:
    """One engine per server; builds the store from data/ on first start when it is missing."""
    eng = make_engine()
    builder.ensure_built(eng)
    return eng


def session() -> Session:
    return Session(engine())


def version() -> tuple:
    """The store's version (queries.store_version), the key of every per-version cache below."""
    with engine().connect() as connection:
        return queries.connection_version(connection)


# Per-version caches: everything read from the store, and the views built from it, is cached per
# store version with st.cache_resource, which hands out the cached object itself: treat it as
# read-only. st.cache_data would copy it on every call; measured with benchmarks/bench_pages.py
# (2026-11-28), that made page runs 1.5-2x slower at the document's scale and up to 10x at 100x
# (proposal list 21 ms -> 206 ms). The version is a hashed argument, so recording a decision, an edit of a
# proposal or a rebuild refreshes every view.

@st.cache_resource(show_spinner=False, max_entries=4)
def _proposals(version_key: tuple) -> pd.DataFrame:
    with session() as s:
        return queries.proposals_frame(s)


def proposals(version_key: tuple | None = None) -> pd.DataFrame:
    """The proposals frame, recomputed only when the store changes (shared: do not modify in place)."""
    return _proposals(version_key or version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _store_lists(version_key: tuple) -> dict:
    with session() as s:
        return {
            "groups": queries.groups(s),
            "cities": queries.cities(s),
            "meetings": queries.group_meetings(s),
            "mutual_aid": queries.mutual_aid_frame(s),
            "headline": queries.headline(s, frame=_proposals(version_key)),
            "meeting_info": meeting.meeting_info(s),
        }


def groups(version_key: tuple) -> list:
    """Every WorkGroup in sort order."""
    return _store_lists(version_key)["groups"]


def cities(version_key: tuple) -> list:
    return _store_lists(version_key)["cities"]


def group_meetings(version_key: tuple) -> pd.DataFrame:
    return _store_lists(version_key)["meetings"]


def mutual_aid(version_key: tuple) -> pd.DataFrame:
    return _store_lists(version_key)["mutual_aid"]


def headline(version_key: tuple) -> queries.Headline:
    return _store_lists(version_key)["headline"]


def meeting_info(version_key: tuple) -> meeting.MeetingInfo | None:
    return _store_lists(version_key)["meeting_info"]


@st.cache_resource(show_spinner=False, max_entries=256)
def card(version_key: tuple, proposal_id: str) -> queries.Card | None:
    with session() as s:
        return queries.proposal_card(s, proposal_id=proposal_id)


@st.cache_resource(show_spinner=False, max_entries=256)
def proposal_history(version_key: tuple, proposal_id: str) -> list:
    """Every ProposalVersion of one proposal, newest first: an edit adds one, which changes the store version."""
    with session() as s:
        return editing.history(s, proposal_id)


@st.cache_resource(show_spinner=False, max_entries=4)
def meeting_data(version_key: tuple) -> meeting.MeetingData | None:
    """The latest meeting, its decision list and the decisions in force; None without a meeting."""
    with session() as s:
        return meeting.meeting_data(s)


@st.cache_resource(show_spinner=False, max_entries=4)
def meeting_record_view(version_key: tuple, meeting_id: str) -> tuple:
    """(latest record or None, attendance lines, number of saves) of one meeting's minutes: a save
    is a new row, which changes the store version."""
    with session() as s:
        record = meeting_record.latest(s, meeting_id=meeting_id)
        return (record, meeting_record.attendance_lines(s, record),
                len(meeting_record.history(s, meeting_id=meeting_id)))
