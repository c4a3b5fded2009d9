"""Store reads as pages use them: one engine per server, and reads cached per store stamp."""

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.datafiles import build as builder
from dashboard.domain import cycles as store_cycles
from dashboard.domain import (
    editing,
    group_terms,
    meeting,
    meeting_log,
    meeting_record,
    meeting_settings,
    new_year,
    queries,
    risk,
    worklist,
)
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


def store_stamp() -> tuple:
    """The store's stamp (queries.store_stamp), the key of every per-stamp cache below."""
    with engine().connect() as connection:
        return queries.connection_stamp(connection)


# Per-stamp caches: everything read from the store, and the views built from it, is cached per
# store stamp with st.cache_resource, which hands out the cached object itself: treat it as
# read-only. st.cache_data would copy it on every call; measured with benchmarks/bench_pages.py
# (2026-11-28), that made page runs 1.5-2x slower at the document's scale and up to 10x at 100x
# (proposal list 21 ms -> 206 ms). The stamp is a hashed argument, so recording a decision, an edit of a
# proposal or a rebuild refreshes every view.

# Whatever belongs to a cycle takes `cycle` (pages/shared/year_choice.py); None is the current one,
# resolved here so that both spellings share one cache entry.


@st.cache_resource(show_spinner=False, max_entries=16)
def _proposals(stamp: tuple, cycle: int | None) -> pd.DataFrame:
    with session() as s:
        return queries.proposals_frame(s, cycle=cycle)


def proposals(stamp: tuple | None = None, cycle: int | None = None) -> pd.DataFrame:
    """`cycle`'s proposals frame, recomputed only when the store changes (shared: do not modify in place)."""
    stamp = stamp or store_stamp()
    return _proposals(stamp, _cycle(stamp, cycle))


@st.cache_resource(show_spinner=False, max_entries=4)
def _store_lists(stamp: tuple) -> dict:
    with session() as s:
        return {
            "cities": queries.cities(s),
            "cycles": store_cycles.cycles(s),
            "ids": queries.proposal_ids(s),
        }


@st.cache_resource(show_spinner=False, max_entries=16)
def _cycle_lists(stamp: tuple, cycle: int | None) -> dict:
    with session() as s:
        return {
            "groups": queries.groups(s, cycle=cycle, closed=True),
            "meetings": queries.group_meetings(s, cycle=cycle),
            "mutual_aid": queries.mutual_aid_frame(s, cycle=cycle),
            "headline": queries.headline(s, cycle=cycle, frame=_proposals(stamp, cycle)),
            "meeting_info": meeting.meeting_info(s, cycle=cycle) if cycle is not None else None,
        }


def cycles(stamp: tuple) -> list[int]:
    """Every cycle the store holds, oldest first (dashboard/domain/cycles.py)."""
    return _store_lists(stamp)["cycles"]


def current_cycle(stamp: tuple) -> int | None:
    """The current cycle (dashboard/domain/cycles.py's definition, on the cached list)."""
    return store_cycles.latest(cycles(stamp))


def _cycle(stamp: tuple, cycle: int | None) -> int | None:
    return current_cycle(stamp) if cycle is None else cycle


def proposal_ids(stamp: tuple) -> set[str]:
    """The id of every proposal of every cycle (a card opens any of them)."""
    return _store_lists(stamp)["ids"]


def groups(stamp: tuple, cycle: int | None = None, *, closed: bool = False) -> list:
    """The working groups of `cycle` (the current one by default) as they stand then, in display
    order (group_terms.CycleGroup): the open ones; with `closed`, those closed by then too."""
    found = _cycle_lists(stamp, _cycle(stamp, cycle))["groups"]
    return found if closed else [g for g in found if not g.closed]


def cities(stamp: tuple) -> list:
    return _store_lists(stamp)["cities"]


def group_meetings(stamp: tuple, cycle: int | None = None) -> pd.DataFrame:
    return _cycle_lists(stamp, _cycle(stamp, cycle))["meetings"]


def mutual_aid(stamp: tuple, cycle: int | None = None) -> pd.DataFrame:
    return _cycle_lists(stamp, _cycle(stamp, cycle))["mutual_aid"]


def headline(stamp: tuple, cycle: int | None = None) -> queries.Headline:
    return _cycle_lists(stamp, _cycle(stamp, cycle))["headline"]


def meeting_info(stamp: tuple, cycle: int | None = None) -> meeting.MeetingInfo | None:
    """`cycle`'s meeting; None when it has none."""
    return _cycle_lists(stamp, _cycle(stamp, cycle))["meeting_info"]


@st.cache_resource(show_spinner=False, max_entries=256)
def card(stamp: tuple, proposal_id: str) -> queries.Card | None:
    with session() as s:
        return queries.proposal_card(s, proposal_id=proposal_id)


@st.cache_resource(show_spinner=False, max_entries=256)
def proposal_history(stamp: tuple, proposal_id: str) -> list:
    """Every ProposalVersion of one proposal, newest first: an edit adds one, which changes the store stamp."""
    with session() as s:
        return editing.history(s, proposal_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def meeting_data(stamp: tuple, cycle: int | None = None) -> meeting.MeetingData | None:
    """`cycle`'s meeting (None: the latest meeting), its decision list and the decisions in
    force; None without a meeting."""
    with session() as s:
        return meeting.meeting_data(s, cycle=cycle)


@st.cache_resource(show_spinner=False, max_entries=4)
def meeting_record_view(stamp: tuple, meeting_id: str) -> tuple:
    """(latest record or None, attendance lines, number of saves) of one meeting's minutes: a save
    is a new row, which changes the store stamp."""
    with session() as s:
        record = meeting_record.latest(s, meeting_id=meeting_id)
        return (
            record,
            meeting_record.attendance_lines(s, record),
            len(meeting_record.history(s, meeting_id=meeting_id)),
        )


# --- reads of single pages, per store stamp ---------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=8)
def group_settings(stamp: tuple, cycle: int) -> dict:
    """The 議題組設定 page's reads: `cycle`'s groups (closed ones too), each one's version in force,
    and every group version newest first with the group's name in that version's year."""
    with session() as s:
        groups = group_terms.groups_in_cycle(s, cycle, closed=True)
        versions = group_terms.history(s)
        names = group_terms.names_by_cycle(s, [v.year for v in versions])
        return {
            "groups": groups,
            "versions": {g.id: group_terms.current_version(s, g.id) for g in groups},
            "history": [(v, names[v.year].get(v.group_id, v.group_id)) for v in versions],
        }


@st.cache_resource(show_spinner=False, max_entries=8)
def meeting_log_view(stamp: tuple, cycle: int) -> dict:
    """The working groups' meeting log of `cycle` (工作會議紀錄): the groups holding meetings, the
    meetings, and the versions of every meeting of those groups (newest first)."""
    with session() as s:
        groups = meeting_log.log_groups(s, cycle)
        history = meeting_log.history(s, group_ids=[g.id for g in groups])
        return {
            "groups": groups,
            "entries": meeting_log.entries(s, cycle=cycle),
            "history": history,
            "labels": meeting_log.labels(s, list({v.meeting_id for v in history})),
        }


@st.cache_resource(show_spinner=False, max_entries=4)
def meeting_settings_view(stamp: tuple, cycle: int) -> tuple | None:
    """(the settings of `cycle`'s meeting, its history newest first); None when it has no meeting.
    Every save adds a store build, which changes the stamp."""
    with session() as s:
        found = store_cycles.meeting_of(s, cycle)
        if found is None:
            return None
        return meeting_settings.settings(s, found), meeting_settings.history_entries(s, found.id)


def meeting_marks(stamp: tuple, cycle: int) -> tuple[str, ...]:
    """The fields of `cycle`'s meeting still marked 「沿用上年度，待確認」 (none without a meeting)."""
    found = meeting_settings_view(stamp, cycle)
    return found[0].unconfirmed if found else ()


@st.cache_resource(show_spinner=False, max_entries=2)
def new_year_plan(stamp: tuple) -> new_year.Plan | None:
    """What starting the next cycle would do now (the 開始新年度 page's preview)."""
    with session() as s:
        return new_year.plan(s)


@st.cache_resource(show_spinner=False, max_entries=16)
def social_training(stamp: tuple, cycle: int | None = None) -> pd.DataFrame:
    """Cycle `cycle`'s social-worker training between cities (the map's second kind of flows)."""
    with session() as s:
        return queries.social_worker_training_frame(s, cycle=_cycle(stamp, cycle))


@st.cache_resource(show_spinner=False, max_entries=64)
def proposal_titles(stamp: tuple, proposal_ids: tuple[str, ...]) -> dict[str, str]:
    """id -> title of the given proposals that exist (of any cycle)."""
    with session() as s:
        return queries.proposal_titles(s, proposal_ids)


@st.cache_resource(show_spinner=False, max_entries=64)
def _work_list(stamp: tuple, name: str, role: str, groups: tuple[str, ...], today: date) -> list:
    with session() as s:
        return worklist.work_list(s, actor=Actor(name=name, role=role, groups=frozenset(groups)), today=today)


def work_list(stamp: tuple, actor: Actor, today: date) -> list[worklist.WorkItem]:
    """The proposals `actor` keeps current (worklist.work_list) as of `today`."""
    return _work_list(stamp, actor.name, actor.role, tuple(sorted(actor.groups)), today)


@st.cache_resource(show_spinner=False, max_entries=4)
def risk_states(stamp: tuple, today: date) -> dict:
    """Every proposal's risk light as of `today` (dashboard/domain/risk.py), by id."""
    with session() as s:
        return risk.risk_states(s, today=today)


@st.cache_resource(show_spinner=False, max_entries=64)
def decision_in_force(stamp: tuple, proposal_id: str):
    """The decision in force on one proposal (None when undecided): a decision changes the stamp."""
    with session() as s:
        return meeting.decisions_in_force(s, proposal_ids=[proposal_id]).get(proposal_id)
