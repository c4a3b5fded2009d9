"""What the home page shows, built once per store stamp (cached), so that a page run only lays it out.

The page script runs anew on every rerun; functions defined there would be re-created each time."""

from datetime import date

import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard.charts import figures
from dashboard.domain import frames, risk, vocab
from dashboard.domain.dates import roc_period
from dashboard.domain.yearly import cycles_summary
from pages.shared import cached, styling, tables, url, year_choice


@st.cache_resource(show_spinner=False, max_entries=8)
def status_figure(stamp: tuple, axis: str, cycle: int | None = None):
    counts = frames.status_counts(cached.proposals(stamp, cycle), axis=axis)
    return figures.frozen(figures.group_status_bars(counts, axis=axis))


@st.cache_resource(show_spinner=False, max_entries=4)
def home_view(stamp: tuple, cycle: int | None = None) -> dict:
    frame = cached.proposals(stamp, cycle)
    top_groups = [g for g in cached.groups(stamp, cycle) if g.parent_id is None and g.kind != vocab.STAFF]
    counts = frame["group_id"].value_counts()
    waiting = frames.waiting(frame)
    cycle_param = year_choice.link_cycle(stamp, cycle)
    return {
        "overview": frames.overview(frame),
        "waiting": waiting,
        "top_groups": top_groups,
        "waiting_html": [
            waiting_markup(explanation, criteria, rows, cycle=cycle_param) for _, explanation, criteria, rows in waiting
        ],
        "group_links": str(
            overview_macros().group_links(
                [(url.group_link(g.id, cycle=cycle_param).href, g.name, int(counts.get(g.id, 0))) for g in top_groups]
            )
        ),
    }


@st.cache_resource(show_spinner=False, max_entries=8)
def risk_view(stamp: tuple, cycle: int | None, today: date) -> dict:
    """The cycle's risk lights as of `today` (Taipei): counts 紅, 黃, 綠, 未評估, and the 紅 then 黃
    proposals (packet order within a light) as markup; `assessed`: how many have a light."""
    frame = cached.proposals(stamp, cycle)
    states = cached.risk_states(stamp, today)
    counts = risk.counts(states, frame["id"])
    cycle_param = year_choice.link_cycle(stamp, cycle)
    labels = {r: vocab.risk_label(r if r in vocab.RISKS else None) for r in vocab.RISK_ORDER}
    hrefs = {light: url.list_link({"risk": [labels[light]]}, cycle=cycle_param).href for light in vocab.RISK_ORDER}
    flagged, rest = [], []
    for light in vocab.RISK_ORDER:
        if light in (vocab.RISK_RED, vocab.RISK_YELLOW):
            items = [
                (url.card_link(pid).href, pid, title, subgroup if isinstance(subgroup, str) else group, states[pid])
                for pid, title, group, subgroup in zip(frame["id"], frame["title"], frame["group"], frame["subgroup"])
                if pid in states and states[pid].light == light
            ]
            if items:
                flagged.append((light, counts[light], hrefs[light], items))
        elif counts[light]:
            rest.append((light if light in vocab.RISKS else None, counts[light], hrefs[light]))
    return {
        "markup": str(overview_macros().risk_lights(flagged, rest)),
        "assessed": len(frame) - counts[vocab.RISK_UNSET],
        "red": counts[vocab.RISK_RED],
        "stale": sum(1 for pid in frame["id"] if pid in states and states[pid].stale),
    }


def overview_macros():
    return styling.TEMPLATES.get_template("overview.html.j2").module


def waiting_markup(
    explanation: str, criteria: dict, rows: pd.DataFrame, *, shown: int = 8, cycle: int | None = None
) -> str:
    """One waiting category: its explanation, the first proposals (links to cards), a link to all
    of them in the proposal list (its filter's labels are the criteria's values here)."""
    items = [(url.card_link(i).href, i, t) for i, t in zip(rows["id"][:shown], rows["title"][:shown])]
    everything = url.list_link({key: list(values) for key, values in criteria.items()}, cycle=cycle)
    return str(overview_macros().waiting(explanation, items, everything.href, len(rows)))


@st.cache_resource(show_spinner=False, max_entries=32)
def city_view(stamp: tuple, city: str, cycle: int | None = None) -> dict:
    involved = frames.city_involvement(cached.proposals(stamp, cycle), city=city)
    aid = cached.mutual_aid(stamp, cycle)
    totals = frames.mutual_aid_totals(aid, city=city)
    return {
        "table": tables.proposals_list(involved, role=True),
        "rows": len(involved),
        "leads": int(involved["role"].isin([frames.CITY_ROLES["lead"], frames.CITY_ROLES["both"]]).sum()),
        "joins": int(involved["role"].isin([frames.CITY_ROLES["joins"], frames.CITY_ROLES["both"]]).sum()),
        "carried_leads": int(
            ((involved["track"] == vocab.CARRIED) & (involved["role"] != frames.CITY_ROLES["joins"])).sum()
        ),
        "aid": totals,
        "aid_table": aid_list(totals),
        "aid_period": roc_period(aid["period_start"].min(), aid["period_end"].max()) if len(aid) else "",
    }


@st.cache_resource(show_spinner=False, max_entries=4)
def yearly_table(stamp: tuple) -> pa.Table:
    """Every cycle's joined and left counts (cycles_summary), newest first."""
    with cached.session() as s:
        rows = cycles_summary(s)
    frame = pd.DataFrame(
        [
            {
                "year": f"{r.year}年度",
                "total": r.total,
                "new": r.new,
                "carried_in": r.carried_in,
                "delisted": r.delisted,
                "not_carried": r.not_carried,
                "left": r.left,
                "settled": "已開始下一年度" if r.settled else "依目前決議預估",
            }
            for r in reversed(rows)
        ],
        columns=["year", "total", "new", "carried_in", "delisted", "not_carried", "left", "settled"],
    )
    return pa.Table.from_pandas(frame, preserve_index=False)


def aid_list(totals: pd.DataFrame) -> pa.Table:
    """A city's mutual-aid totals, one row per direction (asked for / gave), in words for the table."""
    table = totals.astype(int).set_axis([*frames.AID_KINDS.values(), "合計"], axis=1)
    return pa.Table.from_pandas(table.rename_axis("direction").reset_index(), preserve_index=False)
