"""What the proposals page shows, built once per store stamp (cached), so that a page run only lays it out.

The page script runs anew on every rerun; functions defined there would be re-created each time."""

import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard.domain import vocab
from pages.shared import cached, list_filter, url


@st.cache_resource(show_spinner=False, max_entries=4)
def list_view(stamp: tuple, cycle: int | None = None) -> dict:
    frame = cached.proposals(stamp, cycle)
    groups = cached.groups(stamp, cycle)
    display = pd.DataFrame(
        {
            "id": frame["id"],
            "year": frame["year"],
            "track": frame["track_label"],
            "group": [f"{g}／{s}" if isinstance(s, str) else g for g, s in zip(frame["group"], frame["subgroup"])],
            "title": frame["title"],
            "lead": frame["lead_cities"].map("、".join),
            "tracking_status": frame["tracking_status"],
            "progress_status": frame["progress_status"],
            "resolution": frame["resolution"].fillna(vocab.UNDECIDED),
            "risk": frame["risk"],
        },
        index=frame.index,
    )
    return {
        "choices": list_filter.filter_choices(frame, groups),
        "display": display,
        "cities": [c.name for c in cached.cities(stamp)],
    }


@st.cache_resource(show_spinner=False, max_entries=64)
def filtered(stamp: tuple, params_key: tuple, cycle: int | None = None) -> tuple[pd.DataFrame, pa.Table, list[str]]:
    """(matching proposal rows, the table to show as Arrow, their ids) for one set of filter params.

    The Arrow table is built once per filter: converting the frame on every rerun would cost more
    than everything else on the page.
    """
    view = list_view(stamp, cycle)
    params = dict((k, list(v)) for k, v in params_key)
    spec, decisions = list_filter.filter_from_params(params, view["choices"], view["cities"])
    rows = list_filter.apply_filter(cached.proposals(stamp, cycle), spec, decisions)
    table = view["display"].loc[rows.index]
    table = table.assign(url=[url.card_link(pid, list_filter=params).href for pid in table["id"]])
    return rows, pa.Table.from_pandas(table, preserve_index=False), rows["id"].tolist()
