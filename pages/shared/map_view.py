"""What the map page shows, built once per store stamp (cached), so that a page run only lays it out.

The page script runs anew on every rerun; functions defined there would be re-created each time."""

from dataclasses import dataclass

import plotly.graph_objects as go
import pyarrow as pa
import pydeck as pdk
import streamlit as st

from dashboard.charts import figures, maps
from dashboard.domain import flows as fl
from dashboard.domain import statistics
from pages.shared import cached


@dataclass(frozen=True)
class MapView:
    """What the page shows for one choice; shared between sessions, so read-only."""

    cities: list
    flows: fl.Flows  # all pairs under the chosen metric
    shown: fl.Flows  # the pairs drawn and tabled (one city's, if one is chosen)
    deck: pdk.Deck
    matrix: go.Figure
    table: pa.Table  # Arrow, converted once here rather than on every run
    legend: str
    summary: str  # markdown beside the map
    source: str  # the proposals the figures are reported under: 112-J17 跨區通報支援
    periods: dict[str, str]  # {token: label} of the cycle's periods of these flows, latest first
    period: str  # the token of the period shown
    compare: str | None = None  # the token of the period compared with, if any
    pairs: pa.Table | None = None  # the change per pair (flows.compare_pairs), when comparing
    city_changes: pa.Table | None = None  # the change per city in and out (flows.compare_cities)

    @property
    def latest(self) -> str:
        return next(iter(self.periods))


def city_summary(flows: fl.Flows, city) -> str:
    """A chosen city's totals out and in, each with its partners, largest first."""
    totals = fl.city_totals(flows, city)
    blocks = []
    for heading, count, rows, partner in (
        (flows.kind.out_label(city.name), totals.out_count, totals.out_flows, "to_city"),
        (flows.kind.in_label(city.name), totals.in_count, totals.in_flows, "from_city"),
    ):
        blocks.append(f"**{heading}：{flows.amount(count)}**")
        lines = [
            f"- {getattr(r, partner)}：{flows.amount(r.count)}"
            + (f"（{parts}）" if (parts := fl.short_breakdown(r.fire, r.ambulance, r.relay)) else "")
            for r in rows.itertuples()
            if r.count > 0
        ]
        zero = "（資料所列組合皆為 0）" if not rows.empty else ""
        blocks.append("\n".join(lines) if lines else f"- 無{zero}")
    return "\n\n".join(blocks)


def overall_summary(flows: fl.Flows) -> str:
    label = "合計" if flows.kind == fl.SOCIAL else flows.measure
    top = flows.drawn.sort_values("count", ascending=False, kind="stable").head(5)
    return f"**八縣市{label}：{int(flows.frame['count'].sum()):,} {flows.kind.unit}**；往來最多：\n\n" + "\n".join(
        f"{i}. {r.sentence}" for i, r in enumerate(top.itertuples(), 1)
    )


def period_label(kind: fl.FlowKind, period: statistics.Period) -> str:
    return period.label if period.as_of else fl.period_text(kind, period.start, period.end)


@st.cache_resource(show_spinner=False, max_entries=64)
def map_view(
    stamp: tuple,
    flow_key: str,
    metric: str,
    selected: str | None,
    cycle: int | None = None,
    period: str | None = None,
    compare: str | None = None,
) -> MapView | None:
    """None when cycle `cycle` reports no such flows. `period` and `compare` are period tokens
    (statistics.Period.token): the period shown (default the latest) and one to compare it with."""
    cities = cached.cities(stamp)
    aid = flow_key == fl.AID.key
    every = cached.mutual_aid(stamp, cycle) if aid else cached.social_training(stamp, cycle)
    if every.empty:
        return None
    kind = fl.AID if aid else fl.SOCIAL
    periods = statistics.periods(statistics.Period.from_key(k) for k in dict.fromkeys(every["period_key"]))
    chosen = next((p for p in periods if p.token == period), periods[0])
    before = next((p for p in periods if p.token == compare and p != chosen), None)

    def flows_of(p: statistics.Period) -> fl.Flows:
        source = every[every["period_key"] == p.key]
        return fl.aid_flows(source, metric=metric) if aid else fl.social_flows(source)

    source = every[every["period_key"] == chosen.key]
    titles = cached.proposal_titles(stamp, tuple(dict.fromkeys(source["proposal_id"])))
    reported_by = "、".join(f"{pid} {title}" for pid, title in titles.items())
    flows = flows_of(chosen)
    shown = fl.for_city(flows, selected) if selected else flows
    chosen_city = next((c for c in cities if c.code == selected), None)
    deck = maps.flow_deck(shown, cities, selected=selected, scale_flows=flows)
    deck.to_json()  # built once here, not on every run (maps.CompactDeck)
    matrix = figures.frozen(fl.od_heatmap(flows, cities, selected=chosen_city.name if chosen_city else None))
    max_count = int(flows.frame["count"].max()) if not flows.frame.empty else 0
    pairs = city_changes = None
    if before is not None:
        earlier = flows_of(before)
        earlier_shown = fl.for_city(earlier, selected) if selected else earlier
        pairs = pa.Table.from_pandas(fl.compare_pairs(shown, earlier_shown), preserve_index=False)
        city_changes = pa.Table.from_pandas(fl.compare_cities(flows, earlier, cities), preserve_index=False)
    return MapView(
        cities=cities,
        flows=flows,
        shown=shown,
        deck=deck,
        matrix=matrix,
        table=pa.Table.from_pandas(fl.ranked_table(shown), preserve_index=False),
        legend=maps.legend_html(flows, max_count=max_count),
        summary=city_summary(flows, chosen_city) if chosen_city else overall_summary(flows),
        source=reported_by,
        periods={p.token: period_label(kind, p) for p in periods},
        period=chosen.token,
        compare=before.token if before else None,
        pairs=pairs,
        city_changes=city_changes,
    )


def heading(title: str, note: str) -> None:
    """A subheader with a small grey note under it, as one element (each element costs a run time)."""
    st.markdown(f"### {title}\n:small[:gray[{note}]]")
