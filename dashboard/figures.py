"""Plotly figures as plain functions of frames: no Streamlit here, so they are testable alone.

Colours come from vocab.py; every bar also carries its count as text, so colour never carries
meaning alone.
"""
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import vocab
from dashboard.dates import roc_date, roc_year

FONT = dict(family="Noto Sans CJK TC, Noto Sans TC, Microsoft JhengHei, PingFang TC, sans-serif", size=15)
AXES = {"progress_status": ("進度狀態", vocab.PROGRESS_STATUSES, vocab.PROGRESS_COLORS),
        "tracking_status": ("列管狀態", vocab.TRACKING_STATUSES, vocab.TRACKING_COLORS)}


def group_status_bars(counts: pd.DataFrame, *, axis: str = "progress_status") -> go.Figure:
    """Horizontal stacked bars: one row per group, one segment per status, counts as labels.

    `counts` is queries.status_counts(...) for the same axis. Each bar's customdata is the
    group id, so a selection leads to that group's page.
    """
    title, statuses, colours = AXES[axis]
    counts = counts.iloc[::-1]  # plotly draws the first category at the bottom
    fig = go.Figure()
    for status in statuses:
        values = counts[status] if status in counts else pd.Series(0, index=counts.index)
        if not values.any():
            continue  # a status nobody has would only add a legend entry
        fig.add_bar(
            x=values, y=counts["group"], orientation="h", name=status,
            marker=dict(color=colours[status], line=dict(width=1, color="rgba(255,255,255,0.6)")),
            text=[str(v) if v else "" for v in values], textposition="inside", insidetextanchor="middle",
            textfont=dict(size=15, color=_text_colour(colours[status])),
            customdata=counts["group_id"],
            hovertemplate="%{y}｜" + status + "：%{x} 案<extra></extra>",
        )
    height = max(260, 44 * len(counts) + 90)
    fig.update_layout(
        barmode="stack", height=height, font=FONT, margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, title=None, font=dict(size=14),
                    traceorder="normal"),
        xaxis=dict(title=None, dtick=2, showgrid=True), yaxis=dict(title=None, automargin=True),
        clickmode="event+select", dragmode=False,
    )
    return fig


def _text_colour(background: str) -> str:
    """Black or white, whichever reads better on the given #rrggbb background."""
    r, g, b = (int(background[i:i + 2], 16) for i in (1, 3, 5))
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
    dates = pd.to_datetime(meetings["date"])
    fig.add_scatter(
        x=dates, y=meetings["group"], mode="markers",
        marker=dict(size=14, color="#0072B2", symbol="diamond", line=dict(width=1, color="#ffffff")),
        text=[f"{roc_date(d)}｜{n}" for d, n in zip(meetings["date"], meetings["name"])],
        hovertemplate="%{y}<br>%{text}<extra></extra>", showlegend=False,
    )
    ticks = month_ticks(min(meetings["date"]), max(meetings["date"]))
    fig.update_layout(
        height=max(160, 36 * len(names) + 80), font=FONT, margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(tickvals=[pd.Timestamp(t) for t, _ in ticks], ticktext=[label for _, label in ticks],
                   showgrid=True, range=[pd.Timestamp(ticks[0][0]) - pd.Timedelta(days=5),
                                         pd.Timestamp(ticks[-1][0]) + pd.Timedelta(days=5)]),
        yaxis=dict(categoryorder="array", categoryarray=names[::-1], automargin=True, title=None),
        dragmode=False,
    )
    return fig


def month_ticks(start: date, end: date) -> list[tuple[date, str]]:
    """First days of the months from start's month to the month after end, labelled 112年3月."""
    ticks = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) or len(ticks) < 2:
        ticks.append((date(year, month, 1), f"{roc_year(year)}年{month}月"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    ticks.append((date(year, month, 1), f"{roc_year(year)}年{month}月"))
    return ticks
