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
def packet_docx(stamp: tuple, cycle: int, additions: tuple[str, ...] = ()) -> bytes:
    """The meeting packet of `cycle` with the additions named (packet.PacketOptions' fields), built
    once per store stamp and choice (a decision or an edit rebuilds it)."""
    options = packet.PacketOptions(**dict.fromkeys(additions, True))
    with cached.session() as s:
        return packet.packet_docx(s, cycle=cycle, options=options)


PACKET_HELP = {
    "risk": "討論事項的表格多一欄各案的風險燈號（綠、黃、紅、未評估）。",
    "card_ids": "每張提案單標題下加一行提案編號與類別。",
    "ministry_row": "請求中央協助之提案單末加「中央部會」一列。",
    "card_progress": "每張提案單後加印辦理情形：進度、列管與進度狀態、會議決議。",
    "card_indicators": "有相關數據的提案單後加印數據表。",
    "card_mutual_aid": "跨區通報支援提案單後加印救災救護支援及轉報統計表（火災支援、救護支援、119轉報）。",
    "period_line": "討論事項中統計表的上方一律加一行統計區間（該列內文已載明者，預設不重複）。",
}


def packet_download(container, meeting_name: str, cycle: int) -> None:
    """The 會議資料 download beside the minutes' (built when clicked, then cached), with a box for each
    addition the printed packet lacks, all unticked: the packet is then laid out as the printed one."""
    stamp = run_context.get().stamp
    block = container.container()  # the button, and under it the additions to choose
    button = block.empty()
    choices = block.expander("加印原會議資料沒有的內容")
    chosen = {
        name: choices.checkbox(
            label,
            key=f"packet-{name.replace('_', '-')}",
            help=PACKET_HELP[name] + "不勾選時同原會議資料。",
        )
        for name, label in packet.OPTION_LABELS.items()
    }
    additions = tuple(name for name, ticked in chosen.items() if ticked)
    button.download_button(
        "下載會議資料（.docx）",
        data=lambda: packet_docx(stamp, cycle, additions),
        file_name=packet.file_name(meeting_name),
        mime=minutes.DOCX_MIME,
        on_click="ignore",
        icon=":material/menu_book:",
    )
