"""What the documents page offers, cached per store stamp: the cycles, each bundle's size, and the
files themselves (built on the first download, then kept until the store changes)."""

import streamlit as st

from dashboard.documents import bundles, city_summary
from dashboard.domain import cycles
from pages.shared import cached

GROUP, CITY = "group", "city"


@st.cache_resource(show_spinner=False, max_entries=4)
def years(stamp: tuple) -> list[int]:
    """Every cycle the store holds, newest first (the first is the current one)."""
    with cached.session() as s:
        return list(reversed(cycles.cycles(s)))


def _bundle(session, kind: str, key: str, cycle: int) -> bundles.Bundle:
    if kind == GROUP:
        return bundles.group_bundle(session, group=key, cycle=cycle)
    return bundles.city_bundle(session, city=key, cycle=cycle)


@st.cache_resource(show_spinner=False, max_entries=64)
def bundle_info(stamp: tuple, kind: str, key: str, cycle: int) -> tuple[str, list[str], str]:
    """(title, proposal ids, file name) of a group's or city's bundle."""
    with cached.session() as s:
        bundle = _bundle(s, kind, key, cycle)
        return bundle.title, bundle.ids, bundles.file_name(bundle)


@st.cache_resource(show_spinner="正在產生提案單彙編…", max_entries=16)
def bundle_bytes(stamp: tuple, kind: str, key: str, cycle: int) -> bytes:
    with cached.session() as s:
        return bundles.bundle_docx(s, _bundle(s, kind, key, cycle))


@st.cache_resource(show_spinner="正在產生一頁摘要…", max_entries=32)
def summary_bytes(stamp: tuple, city: str, cycle: int) -> bytes:
    """A city's one-page summary (.docx)."""
    with cached.session() as s:
        return city_summary.summary_docx(city_summary.summary(s, city=city, cycle=cycle))
