"""Proposal lists as st.dataframe: one Arrow table per store stamp, drawn with column_config."""

import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard.domain import proposal_rules, vocab
from pages.shared import url

LIST_COLUMNS = {  # column of a proposal list (proposals_list, the list page) -> how it is drawn
    "url": st.column_config.LinkColumn("編號", display_text=r"id=([^&]+)", width=72, pinned=True),
    "title": st.column_config.TextColumn("提案名稱", width=400),
    "units": st.column_config.TextColumn("提案單位", width=220),
    "role": st.column_config.TextColumn("角色", width=90),
    "tracking_status": st.column_config.TextColumn("列管狀態", width=100),
    "progress_status": st.column_config.TextColumn("進度狀態", width=86),
    "resolution": st.column_config.TextColumn("會議決議", width=80),
    "risk": st.column_config.TextColumn("風險燈號", width=80),
    "lead": st.column_config.TextColumn("主辦縣市", width=80),
    "group": st.column_config.TextColumn("議題組", width=150),
    "track": st.column_config.TextColumn("類別", width=110),
}


def proposals_list(rows: pd.DataFrame, *, units: bool = False, role: bool = False) -> pa.Table:
    """Proposals as the table show_proposals draws: id (link to the card), title, lead units, the
    city's role (a `role` column, see frames.city_involvement), statuses and the decision in words.
    Build it once per store stamp (in a cached view): converting to Arrow on every run is slow."""
    links = [url.card_link(pid).href for pid in rows["id"]]
    table = pd.DataFrame({"url": links, "title": rows["title"]}, index=rows.index)
    if units:
        table["units"] = rows["lead_units"].map("、".join)
    if role:
        table["role"] = rows["role"]
    table["tracking_status"] = rows["tracking_status"]
    table["progress_status"] = rows["progress_status"]
    table["resolution"] = rows["resolution"].fillna(vocab.UNDECIDED)
    table["risk"] = rows["risk"]
    return pa.Table.from_pandas(table, preserve_index=False)


def show_proposals(table: pa.Table, *, key: str) -> None:
    """A proposals_list table, as tall as its rows (no scrolling inside a short list)."""
    st.dataframe(
        table,
        hide_index=True,
        height="content",
        key=key,
        column_config={name: LIST_COLUMNS[name] for name in table.column_names},
    )


# --- the lead units' editor (新增提案 and the card's edit form) -------------------------------------

NO_CITY = "（未選）"  # a lead unit's city before one is chosen
LEAD_CITY_WIDTH, LEAD_UNIT_WIDTH = 90, 190  # px: with the row markers, the whole editor fits a phone's form


def lead_unit_columns(city_names: list[str], *, city: str = "city", unit: str = "unit") -> dict:
    """The editor's columns, 縣市 first and narrow so that a phone shows both. Never a missing value
    in a new row: Streamlit draws a missing cell as 「None」 (an empty string is missing to a select
    column too), so an unchosen city is the option NO_CITY and a new unit starts empty."""
    return {
        city: st.column_config.SelectboxColumn(
            "縣市", options=[NO_CITY, *city_names], width=LEAD_CITY_WIDTH, default=NO_CITY, required=True
        ),
        unit: st.column_config.TextColumn(
            "單位", width=LEAD_UNIT_WIDTH, max_chars=proposal_rules.UNIT_MAX_CHARS, default="", required=True
        ),
    }
