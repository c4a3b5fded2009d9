"""What the meeting page shows, built once per store stamp (cached), so that a page run only lays it out.

The page script runs anew on every rerun; functions defined there would be re-created each time."""

from dataclasses import dataclass
from datetime import time

import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard.documents import minutes, packet
from dashboard.domain import agenda, meeting, meeting_settings
from dashboard.domain.dates import roc_date
from pages.shared import cached, decision_form, run_context, styling

AGENDA_COLUMNS = ["狀態", "時間", "分鐘", "議程"]


ClockState = tuple[str, int | None, int | None]  # phase, positions of the current and the next item


@dataclass(frozen=True)
class PageView:
    """The meeting page's store-derived pieces for one store stamp (shared: read-only)."""

    data: meeting.MeetingData
    header: str  # markup: the title and the meeting's details
    decision_heading: str  # markup: heading, proposals per resolution and per section
    decision_list: pa.Table
    agenda_tables: dict[ClockState, pa.Table]  # the running order for every state of the clock
    labels: dict[str, str]  # proposal id -> its line in the chooser
    entries: dict[str, meeting.Entry]
    history: dict[str, pa.Table]  # proposal id -> its recorded changes, newest first


def clock_state(status: agenda.AgendaStatus) -> ClockState:
    return (
        status.phase,
        status.current.position if status.current else None,
        status.next.position if status.next else None,
    )


def agenda_frame(items: list, state: ClockState) -> pd.DataFrame:
    """The running order with each item's state (進行中, 下一項, 會議已結束)."""
    phase, current, following = state
    rows = []
    for index, item in enumerate(items):
        end = agenda.item_end(items, index)
        mark = (
            "進行中"
            if item.position == current and phase == "running"
            else "會議已結束"
            if item.position == current
            else "下一項"
            if item.position == following
            else ""
        )
        rows.append(
            [
                mark,
                f"{item.start:%H:%M}–{end:%H:%M}" if end else f"{item.start:%H:%M}",
                str(item.minutes or ""),
                agenda.title_line(item) + (item.note or ""),
            ]
        )
    return pd.DataFrame(rows, columns=AGENDA_COLUMNS)


def clock_states(items: list) -> set[ClockState]:
    """Every state the clock can put the agenda in: it changes only where an item starts or ends."""
    times = {
        time(0, 0),
        *(item.start for item in items),
        *(end for index in range(len(items)) if (end := agenda.item_end(items, index)) is not None),
    }
    return {clock_state(agenda.status_at(items, at)) for at in times}


def arrow(frame: pd.DataFrame) -> pa.Table:
    """Converted once here: converting a frame on every run costs more than showing it."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def section_counts(sections: list) -> str:
    """111年度列管合作方案 13 案（擬解除列管 12、擬持續列管 1）｜112年度新增合作提案 42 案（…）"""
    parts = []
    for part in dict.fromkeys(section.part for section in sections):
        mine = [section for section in sections if section.part == part]
        detail = "、".join(f"{section.label} {len(section.entries)}" for section in mine)
        parts.append(f"{part} {sum(len(section.entries) for section in mine)} 案（{detail}）")
    return "｜".join(parts)


@st.cache_resource(show_spinner=False, max_entries=4)
def page_view(stamp: tuple, cycle: int | None = None) -> PageView | None:
    data = cached.meeting_data(stamp, cycle)
    if data is None:
        return None
    m, items = data.info.meeting, data.info.agenda
    details = (
        f"{m.name}｜{roc_date(m.date)}（{agenda.weekday_label(m.date)}）"
        f"{m.start_time:%H:%M}｜{m.venue}｜主席：{meeting_settings.chair_line(m)}"
    )
    counts = meeting.resolution_counts(data.decided, data.ids)
    return PageView(
        data=data,
        header=(
            f'# 副首長會議\n\n<div style="font-size:.875rem;opacity:.65;margin-bottom:.75rem">'
            f"{styling.esc(details)}</div>"
        ),
        decision_heading=(
            f"### 年度合作方案決議\n\n<div>共 {len(data.entries)} 案：{decision_form.counts_markup(counts)}"
            f"<br>{styling.esc(section_counts(data.sections))}</div>"
        ),
        decision_list=arrow(meeting.decision_list_frame(data.sections, data.decided)),
        agenda_tables={state: arrow(agenda_frame(items, state)) for state in clock_states(items)},
        labels={e.id: f"{e.id}　{e.title}" for e in data.entries},
        entries={e.id: e for e in data.entries},
        history=decision_form.history_tables(data.history),
    )


@st.cache_resource(show_spinner="正在產生會議資料…", max_entries=2)
def packet_docx(stamp: tuple, cycle: int, risk: bool = False) -> bytes:
    """The meeting packet of `cycle`, built once per store stamp (a decision or an edit rebuilds it);
    with `risk`, with the column of risk lights."""
    with cached.session() as s:
        return packet.packet_docx(s, cycle=cycle, risk=risk)


def packet_download(container, meeting_name: str, cycle: int) -> None:
    """The 會議資料 download beside the minutes' (built when clicked, then cached)."""
    stamp = run_context.get().stamp
    risk = container.checkbox(
        "加印風險燈號欄",
        key="packet-risk",
        help="討論事項的表格多一欄各案的風險燈號（綠、黃、紅、未評估）；不勾選時版面同原會議資料。",
    )
    container.download_button(
        "下載會議資料（.docx）",
        data=lambda: packet_docx(stamp, cycle, risk),
        file_name=packet.file_name(meeting_name),
        mime=minutes.DOCX_MIME,
        on_click="ignore",
        icon=":material/menu_book:",
    )
