"""Plotly figures as plain functions of frames: no Streamlit here, so they are testable alone.

Colours come from vocab.py; every bar also carries its count as text, so colour never carries
meaning alone. Figures carry no plotly template (`template=None`): Streamlit's theme styles them
for light and dark, and the figure stays small to serialise on every script run.
"""

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from dashboard.domain import vocab
from dashboard.domain.dates import roc_date, roc_year


class FrozenFigure(go.Figure):
    """A figure built once and then only shown, e.g. cached per store stamp: to_dict() returns one
    dict made at its first call, instead of deep-copying every trace and the layout again. Streamlit
    calls to_dict() on every st.plotly_chart run (about 3 ms for the status bars on a 2-core
    machine). Read-only: changes made after the first to_dict() would not show."""

    def to_dict(self) -> dict:
        frozen = self.__dict__.get("_frozen_dict")
        if frozen is None:
            frozen = self._frozen_dict = super().to_dict()
        return frozen


def frozen(fig: go.Figure) -> FrozenFigure:
    """`fig` itself, now a FrozenFigure (go.Figure(fig) would copy it and add a default template)."""
    fig.__class__ = FrozenFigure
    return fig


FONT = dict(family="Noto Sans CJK TC, Noto Sans TC, Microsoft JhengHei, PingFang TC, sans-serif", size=15)
AXES = {
    "progress_status": ("進度狀態", vocab.PROGRESS_STATUSES, vocab.PROGRESS_COLORS),
    "tracking_status": ("列管狀態", vocab.TRACKING_STATUSES, vocab.TRACKING_COLORS),
}


def group_status_bars(counts: pd.DataFrame, *, axis: str = "progress_status") -> go.Figure:
    """Horizontal stacked bars: one row per group, one segment per status, counts as labels.

    `counts` is frames.status_counts(...) for the same axis. Each bar's customdata is the
    group id, so a selection leads to that group's page.
    """
    title, statuses, colours = AXES[axis]
    counts = counts.iloc[::-1]  # plotly draws the first category at the bottom
    groups, ids = counts["group"].tolist(), counts["group_id"].tolist()
    fig = go.Figure()
    for status in statuses:
        # plain lists, not arrays: Streamlit re-serialises the figure on every run, and lists are
        # several times cheaper there than numpy arrays (which plotly base64-encodes)
        values = [int(v) for v in counts[status]] if status in counts else [0] * len(counts)
        if not any(values):
            continue  # a status nobody has would only add a legend entry
        fig.add_bar(
            x=values,
            y=groups,
            orientation="h",
            name=status,
            marker=dict(color=colours[status], line=dict(width=1, color="rgba(255,255,255,0.6)")),
            text=[str(v) if v else "" for v in values],
            textposition="inside",
            insidetextanchor="middle",
            textfont=dict(size=15, color=_text_colour(colours[status])),
            customdata=ids,
            hovertemplate="%{y}｜" + status + "：%{x} 案<extra></extra>",
        )
    height = max(260, 44 * len(counts) + 90)
    fig.update_layout(
        barmode="stack",
        height=height,
        font=FONT,
        template=None,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, title=None, font=dict(size=14), traceorder="normal"),
        xaxis=dict(title=None, dtick=2, showgrid=True),
        yaxis=dict(title=None, automargin=True),
        clickmode="event+select",
        dragmode=False,
    )
    return fig


def _text_colour(background: str) -> str:
    """Black or white, whichever reads better on the given #rrggbb background."""
    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def meetings_timeline(meetings: pd.DataFrame, *, order: list[str] | None = None) -> go.Figure:
    """Each group's meetings as dots on a date axis, ticks labelled in the ROC calendar.

    `meetings` is queries.group_meetings(...); `order` lists group names top to bottom.
    """
    fig = go.Figure()
    if meetings.empty:
        fig.update_layout(height=120, font=FONT, margin=dict(l=10, r=10, t=10, b=10))
        return fig
    names = order or list(dict.fromkeys(meetings["group"]))
    names = [n for n in names if n in set(meetings["group"])]
    fig.add_scatter(
        x=[d.isoformat() for d in meetings["date"]],
        y=meetings["group"].tolist(),
        mode="markers",
        marker=dict(size=14, color="#0072B2", symbol="diamond", line=dict(width=1, color="#ffffff")),
        text=[f"{roc_date(d)}｜{n}" for d, n in zip(meetings["date"], meetings["name"])],
        hovertemplate="%{y}<br>%{text}<extra></extra>",
        showlegend=False,
    )
    ticks = month_ticks(min(meetings["date"]), max(meetings["date"]))
    fig.update_layout(
        height=max(160, 36 * len(names) + 80),
        font=FONT,
        template=None,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(
            type="date",
            tickvals=[t.isoformat() for t, _ in ticks],
            ticktext=[label for _, label in ticks],
            showgrid=True,
            range=[(ticks[0][0] - timedelta(days=5)).isoformat(), (ticks[-1][0] + timedelta(days=5)).isoformat()],
        ),
        yaxis=dict(categoryorder="array", categoryarray=names[::-1], automargin=True, title=None),
        dragmode=False,
    )
    return fig


def month_ticks(start: date, end: date, *, most: int = 14) -> list[tuple[date, str]]:
    """Ticks from start's month to the month after end, labelled 112年3月; spans too long for
    monthly ticks get one tick per year (112年)."""
    months = (end.year - start.year) * 12 + end.month - start.month + 2
    if months > most:
        step = -(-(end.year - start.year + 2) // most)  # ceiling division keeps at most `most` ticks
        return [(date(y, 1, 1), f"{roc_year(y)}年") for y in range(start.year, end.year + 2, step)]
    ticks = []
    year, month = start.year, start.month
    for _ in range(max(months, 2)):
        ticks.append((date(year, month, 1), f"{roc_year(year)}年{month}月"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ticks
