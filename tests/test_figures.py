"""The plotly figures: vocabulary colours, counts as text, group ids for navigation, ROC ticks."""

from datetime import date

import pytest

from dashboard.charts import figures
from dashboard.domain import frames, queries, vocab


@pytest.fixture
def frame(session):
    return queries.proposals_frame(session)


@pytest.mark.parametrize(
    "axis, colours", [("progress_status", vocab.PROGRESS_COLORS), ("tracking_status", vocab.TRACKING_COLORS)]
)
def test_status_bars_use_vocabulary_colours_and_show_counts(frame, axis, colours):
    fig = figures.group_status_bars(frames.status_counts(frame, axis=axis), axis=axis)
    assert fig.data, "one trace per status present"
    for trace in fig.data:
        assert trace.marker.color == colours[trace.name]
        assert [t for t in trace.text if t] == [str(v) for v in trace.x if v]
    assert sum(sum(trace.x) for trace in fig.data) == len(frame)
    assert fig.layout.barmode == "stack"


def test_status_bars_carry_group_ids_for_navigation(frame):
    fig = figures.group_status_bars(frames.status_counts(frame))
    trace = fig.data[0]
    pairs = dict(zip(trace.y, trace.customdata))
    assert pairs["交通運輸組"] == "transport"


def test_status_bars_skip_statuses_nobody_has(frame):
    only_planned = frame[frame["progress_status"] == "規劃中"]
    fig = figures.group_status_bars(frames.status_counts(only_planned))
    assert [t.name for t in fig.data] == ["規劃中"]


def test_text_colour_is_readable():
    assert figures._text_colour("#56B4E9") == "#000000"
    assert figures._text_colour("#0072B2") == "#ffffff"


def test_meetings_timeline_one_dot_per_meeting(session):
    meetings = queries.group_meetings(session)
    fig = figures.meetings_timeline(meetings)
    assert len(fig.data[0].x) == len(meetings)
    assert "112年" in fig.layout.xaxis.ticktext[0]


def test_empty_timeline_is_a_figure(session):
    fig = figures.meetings_timeline(queries.group_meetings(session).iloc[0:0])
    assert not fig.data


@pytest.mark.parametrize(
    "start, end, first, count",
    [
        (date(2023, 3, 2), date(2023, 3, 21), "112年3月", 2),
        (date(2023, 1, 17), date(2023, 7, 7), "112年1月", 8),
    ],
)
def test_month_ticks(start, end, first, count):
    ticks = figures.month_ticks(start, end)
    assert ticks[0][1] == first and len(ticks) == count


def test_long_spans_get_yearly_ticks():
    ticks = figures.month_ticks(date(1930, 1, 1), date(2023, 7, 1))
    assert len(ticks) <= 14 and ticks[0][1] == "19年"


def test_a_frozen_figure_serialises_exactly_like_the_figure_it_was(frame):
    import plotly.io

    build = lambda: figures.group_status_bars(frames.status_counts(frame))  # noqa: E731
    original, frozen = build(), figures.frozen(build())
    assert frozen.to_dict() == original.to_dict()
    assert frozen.to_dict() is frozen.to_dict(), "made once, then handed out"
    assert plotly.io.to_json(frozen, validate=False) == plotly.io.to_json(original, validate=False)
