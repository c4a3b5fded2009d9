"""Store reads as pages use them: one engine per server, and reads cached per store version."""

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.datafiles import build as builder
from dashboard.domain import cycles as store_cycles
from dashboard.domain import editing, meeting, meeting_record, new_year, queries, worklist
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine


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

# Whatever belongs to a cycle takes `year`, the cycle (pages/shared/year_choice.py); None is the
# current one, resolved here so that both spellings share one cache entry.


@st.cache_resource(show_spinner=False, max_entries=16)
def _proposals(version_key: tuple, year: int | None) -> pd.DataFrame:
    with session() as s:
        return queries.proposals_frame(s, year=year)


def proposals(version_key: tuple | None = None, year: int | None = None) -> pd.DataFrame:
    """Cycle `year`'s proposals frame, recomputed only when the store changes (shared: do not modify in place)."""
    version_key = version_key or version()
    return _proposals(version_key, _cycle(version_key, year))


@st.cache_resource(show_spinner=False, max_entries=4)
def _store_lists(version_key: tuple) -> dict:
    with session() as s:
        return {
            "groups": queries.groups(s),
            "cities": queries.cities(s),
            "cycles": store_cycles.cycles(s),
            "ids": queries.proposal_ids(s),
        }


@st.cache_resource(show_spinner=False, max_entries=16)
def _cycle_lists(version_key: tuple, year: int | None) -> dict:
    with session() as s:
        return {
            "meetings": queries.group_meetings(s, year=year),
            "mutual_aid": queries.mutual_aid_frame(s, year=year),
            "headline": queries.headline(s, year=year, frame=_proposals(version_key, year)),
            "meeting_info": meeting.meeting_info(s, year=year) if year is not None else None,
        }


def cycles(version_key: tuple) -> list[int]:
    """Every cycle the store holds, oldest first (dashboard/domain/cycles.py)."""
    return _store_lists(version_key)["cycles"]


def current_cycle(version_key: tuple) -> int | None:
    held = cycles(version_key)
    return held[-1] if held else None


def _cycle(version_key: tuple, year: int | None) -> int | None:
    return current_cycle(version_key) if year is None else year


def proposal_ids(version_key: tuple) -> set[str]:
    """The id of every proposal of every cycle (a card opens any of them)."""
    return _store_lists(version_key)["ids"]


def groups(version_key: tuple) -> list:
    """Every WorkGroup in sort order."""
    return _store_lists(version_key)["groups"]


def cities(version_key: tuple) -> list:
    return _store_lists(version_key)["cities"]


def group_meetings(version_key: tuple, year: int | None = None) -> pd.DataFrame:
    return _cycle_lists(version_key, _cycle(version_key, year))["meetings"]


def mutual_aid(version_key: tuple, year: int | None = None) -> pd.DataFrame:
    return _cycle_lists(version_key, _cycle(version_key, year))["mutual_aid"]


def headline(version_key: tuple, year: int | None = None) -> queries.Headline:
    return _cycle_lists(version_key, _cycle(version_key, year))["headline"]


def meeting_info(version_key: tuple, year: int | None = None) -> meeting.MeetingInfo | None:
    """Cycle `year`'s meeting; None when it has none."""
    return _cycle_lists(version_key, _cycle(version_key, year))["meeting_info"]


@st.cache_resource(show_spinner=False, max_entries=256)
def card(version_key: tuple, proposal_id: str) -> queries.Card | None:
    with session() as s:
        return queries.proposal_card(s, proposal_id=proposal_id)


@st.cache_resource(show_spinner=False, max_entries=256)
def proposal_history(version_key: tuple, proposal_id: str) -> list:
    """Every ProposalVersion of one proposal, newest first: an edit adds one, which changes the store version."""
    with session() as s:
        return editing.history(s, proposal_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def meeting_data(version_key: tuple, year: int | None = None) -> meeting.MeetingData | None:
    """Cycle `year`'s meeting (None: the latest meeting), its decision list and the decisions in
    force; None without a meeting."""
    with session() as s:
        return meeting.meeting_data(s, year=year)


@st.cache_resource(show_spinner=False, max_entries=4)
def meeting_record_view(version_key: tuple, meeting_id: str) -> tuple:
    """(latest record or None, attendance lines, number of saves) of one meeting's minutes: a save
    is a new row, which changes the store version."""
    with session() as s:
        record = meeting_record.latest(s, meeting_id=meeting_id)
        return (
            record,
            meeting_record.attendance_lines(s, record),
            len(meeting_record.history(s, meeting_id=meeting_id)),
        )


# --- reads of single pages, per store version ---------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=2)
def new_year_outlook(version_key: tuple) -> new_year.Outlook | None:
    """What starting the next cycle would do now (the 開始新年度 page's preview)."""
    with session() as s:
        return new_year.outlook(s)


@st.cache_resource(show_spinner=False, max_entries=16)
def social_training(version_key: tuple, cycle: int | None = None) -> pd.DataFrame:
    """Cycle `cycle`'s social-worker training between cities (the map's second kind of flows)."""
    with session() as s:
        return queries.social_worker_training_frame(s, year=_cycle(version_key, cycle))


@st.cache_resource(show_spinner=False, max_entries=64)
def proposal_titles(version_key: tuple, proposal_ids: tuple[str, ...]) -> dict[str, str]:
    """id -> title of the given proposals that exist (of any cycle)."""
    with session() as s:
        return queries.proposal_titles(s, proposal_ids)


@st.cache_resource(show_spinner=False, max_entries=64)
def _work_list(version_key: tuple, name: str, role: str, groups: tuple[str, ...], today: date) -> list:
    with session() as s:
        return worklist.work_list(s, actor=Actor(name=name, role=role, groups=frozenset(groups)), today=today)


def work_list(version_key: tuple, actor: Actor, today: date) -> list[worklist.WorkItem]:
    """The proposals `actor` keeps current (worklist.work_list) as of `today`."""
    return _work_list(version_key, actor.name, actor.role, tuple(sorted(actor.groups)), today)


@st.cache_resource(show_spinner=False, max_entries=64)
def decision_in_force(version_key: tuple, proposal_id: str):
    """The decision in force on one proposal (None when undecided): a decision changes the version."""
    with session() as s:
        return meeting.decisions_in_force(s, proposal_ids=[proposal_id]).get(proposal_id)
