"""What the groups page shows, built once per store stamp (cached), so that a page run only lays it out.

The page script runs anew on every rerun; functions defined there would be re-created each time."""

import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard.charts import figures
from dashboard.domain import frames
from pages.shared import cached, list_filter, tables, url, year_choice

ALL_YEARS = "全部"


@st.cache_resource(show_spinner=False, max_entries=4)
def overview_view(stamp: tuple, cycle: int | None = None) -> dict:
    all_groups = cached.groups(stamp, cycle)
    meetings = cached.group_meetings(stamp, cycle)
    table = frames.groups_table(all_groups, cached.proposals(stamp, cycle), meetings)
    names = [g.name for g in all_groups]
    return {
        "table": groups_list(table, year_choice.link_cycle(stamp, cycle)),
        "timeline": figures.frozen(figures.meetings_timeline(meetings, order=names)),
    }


def groups_list(table: pd.DataFrame, cycle: int | None = None) -> pa.Table:
    """Every group and sub-group (indented under its parent), each with a link to its own view
    (in cycle `cycle`; None: the current one)."""
    is_sub = table["parent"].map(lambda parent: isinstance(parent, str))
    return pa.Table.from_pandas(
        pd.DataFrame(
            {
                "name": ["　└ " + n if sub else n for n, sub in zip(table["name"], is_sub)],
                "url": [url.group_link(group_id, cycle=cycle).href for group_id in table["id"]],
                "host": table["host_agency"].map(lambda host: host if isinstance(host, str) else "（由分組主辦）"),
                "proposals": table["proposals"].astype(int),
                "meetings": table["meetings"].astype(int),
            }
        ),
        preserve_index=False,
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def group_view(stamp: tuple, group_id: str, cycle: int | None = None) -> dict | None:
    all_groups = cached.groups(stamp, cycle)
    family = frames.group_family(all_groups, group_id=group_id)
    if not family:
        return None
    frame = cached.proposals(stamp, cycle)
    rows = frames.filter_proposals(frame, spec=frames.ProposalFilter(groups=(group_id,)))
    meetings = cached.group_meetings(stamp, cycle)
    meetings = meetings[meetings["group_id"].isin([g.id for g in family])]
    names = {g.id: g.name for g in all_groups}
    return {
        "group": family[0],
        "parent": names.get(family[0].parent_id),
        "subgroups": family[1:],
        "hosts": frames.host_agencies(all_groups, group_id=group_id),
        "years": [str(y) for y in sorted(rows["year"].unique())],
        "rows": rows,
        "list_label": list_filter.filter_choices(frame, all_groups)["group"].get(group_id),
        "meetings": meetings,
        "timeline": figures.frozen(figures.meetings_timeline(meetings, order=[g.name for g in family])),
    }


@st.cache_resource(show_spinner=False, max_entries=64)
def year_rows(stamp: tuple, group_id: str, year: str, cycle: int | None = None) -> tuple[pd.DataFrame, pa.Table]:
    rows = group_view(stamp, group_id, cycle)["rows"]
    if year != ALL_YEARS:
        rows = rows[rows["year"] == int(year)]
    return rows, tables.proposals_list(rows, units=True)
