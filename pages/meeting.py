"""副首長會議: the agenda against the clock, the list to decide, recording, and the minutes.

With `?present=1` the same page becomes the presenter view (pages/presenter.py).
"""
from datetime import time, timedelta

import pandas as pd
import streamlit as st

from dashboard import agenda, decisions, minutes, queries
from dashboard.dates import roc_date
from pages import auth_ui, common, decision_ui, presenter

with common.session() as s:
    info = queries.meeting_info(s)
    sections = agenda.decision_sections(s)
    decided = decisions.latest(s)

if info is None:
    st.warning("資料庫中沒有會議資料：請確認 data/meeting.yaml 後執行 `python -m dashboard load`。")
    st.stop()

if presenter.is_presenting():
    presenter.render(info, sections, decided)
    st.stop()

meeting = info.meeting
entries = agenda.all_entries(sections)
user = auth_ui.current_user()
with st.sidebar:
    auth_ui.sign_in_panel()

st.title("副首長會議")
st.caption(f"{meeting.name}｜{roc_date(meeting.date)}（{agenda.weekday_label(meeting.date)}）"
           f"{meeting.start_time:%H:%M}｜{meeting.venue}｜主席：{meeting.chair_org} {meeting.chair}")

# --- the agenda against the clock -----------------------------------------------------------
def follow_url(widget_key: str, value) -> None:
    """Let the URL set a widget when it names a value the widget has not shown yet (a shared
    link, or a link from the presenter view); the widget keeps the user's later choices."""
    synced = f"{widget_key}-from-url"
    if value is not None and value != st.session_state.get(synced):
        st.session_state[widget_key] = value
    st.session_state[synced] = value


def show_in_url(param: str, text: str | None) -> None:
    if text and st.query_params.get(param) != text:
        st.query_params[param] = text
    elif not text and param in st.query_params:
        del st.query_params[param]


controls = st.columns([3, 2], vertical_alignment="bottom")
follow_url("clock-input", presenter.url_clock())
clock: time | None = controls[1].time_input(
    "彩排時鐘（空白時為現在的臺北時間）", value=None, key="clock-input", step=timedelta(minutes=1),
    help="輸入如 15:12 的時刻，以該時刻對照議程；網址會帶 ?clock=15:12，可分享給彩排的同仁。")
show_in_url(presenter.CLOCK_PARAM, agenda.format_clock(clock) if clock else None)
clock_param = {presenter.CLOCK_PARAM: agenda.format_clock(clock)} if clock else {}
controls[0].page_link(common.page_path("meeting"), label="開啟簡報模式（分享螢幕用，隱藏側欄、放大字體）",
                      icon=":material/slideshow:", query_params={presenter.PRESENT_PARAM: "1", **clock_param})


def agenda_frame(at: time, status: agenda.AgendaStatus) -> pd.DataFrame:
    rows = []
    for index, item in enumerate(info.agenda):
        end = agenda.item_end(info.agenda, index)
        state = ("進行中" if item is status.current and status.phase == "running"
                 else "會議已結束" if item is status.current else "下一項" if item is status.next else "")
        rows.append({"狀態": state, "時間": f"{item.start:%H:%M}–{end:%H:%M}" if end else f"{item.start:%H:%M}",
                     "分鐘": str(item.minutes or ""), "議程": agenda.title_line(item) + (item.note or "")})
    return pd.DataFrame(rows)


def show_agenda(at: time, *, simulated: bool) -> None:
    status = agenda.status_at(info.agenda, at)
    today = agenda.now_taipei().date()
    when = f"**{at:%H:%M}**" + ("（彩排時鐘）" if simulated else f"（臺北時間，{roc_date(today)}）")
    if status.phase == "running":
        now_text = f"進行中：**{agenda.title_line(status.current)}**，剩 {status.minutes_left} 分鐘"
    elif status.phase == "ended":
        now_text = "會議已結束"
    else:
        now_text = "尚未開始" if status.phase == "before" else "休息中"
    next_text = (f"下一項：{status.next.start:%H:%M} {agenda.title_line(status.next)}" if status.next else "")
    st.markdown("　｜　".join(filter(None, [when, now_text, next_text])))
    st.dataframe(agenda_frame(at, status), hide_index=True, width="stretch")


@st.fragment(run_every="30s")
def live_agenda() -> None:
    show_agenda(agenda.now_taipei().time(), simulated=False)


st.subheader("會議議程")
if clock is None:
    live_agenda()
else:
    show_agenda(clock, simulated=True)

# --- the list to decide ---------------------------------------------------------------------
st.subheader("年度合作方案決議")
counts = decisions.resolution_counts(decided, [e.id for e in entries])
st.markdown(f"共 {len(entries)} 案：{decision_ui.counts_markup(counts)}", unsafe_allow_html=True)
parts = list(dict.fromkeys(section.part for section in sections))
for part, tab in zip(parts, st.tabs([f"{p}（{sum(len(s.entries) for s in sections if s.part == p)} 案）" for p in parts])):
    with tab:
        for section in (s for s in sections if s.part == part):
            st.markdown(f"**{section.label}**（{len(section.entries)} 案）")
            st.dataframe(decisions.decision_list_frame(section.entries, decided), hide_index=True, width="stretch")

# --- one proposal: decision, history, recording ---------------------------------------------
st.subheader("逐案檢視與記錄")
labels = {e.id: f"{e.id}　{e.title}" for e in entries}
wanted = st.query_params.get("item")
follow_url("item-select", wanted if wanted in labels else None)
chosen = st.selectbox("提案", list(labels), format_func=labels.get, key="item-select")
show_in_url("item", chosen)
entry = next(e for e in entries if e.id == chosen)
current = decided.get(entry.id)
with st.container(border=True):
    st.markdown(f"**{entry.id}　{entry.title}**")
    st.caption(f"議題組：{entry.group_label}｜主辦：{'、'.join(entry.lead_units)}")
    if entry.description and entry.track != agenda.CARRIED_TRACK:
        st.text(f"說明：{entry.description}")
    if entry.reason:
        st.text(f"{'解除列管原因' if entry.delisting else '持續列管原因'}：{entry.reason}")
    st.page_link(common.page_path("meeting"), label="在簡報模式顯示此案", icon=":material/slideshow:",
                 query_params={presenter.PRESENT_PARAM: "1", "item": entry.id, **clock_param})
    decision_ui.current_decision(current)
    if user:
        decision_ui.record_form(entry, user, key="page")
    else:
        st.caption("只有登入的祕書處人員可以記錄決議；目前為唯讀（登入欄位在側欄）。")
    decision_ui.history_table(entry.id)

# --- minutes --------------------------------------------------------------------------------
st.subheader("會議紀錄")
conclusions = st.text_area("主席結論（選填；寫入紀錄草案，不另儲存）", key="conclusions", height=100)
engine = common.engine()
left, right = st.columns(2)
left.download_button(
    "下載會議紀錄草案（.docx）", data=lambda: minutes.docx_from(engine, conclusions=conclusions),
    file_name=minutes.file_name(meeting.name, "會議紀錄草案", ".docx"), mime=minutes.DOCX_MIME,
    on_click="ignore", icon=":material/description:")
right.download_button(
    "下載決議紀錄（.xlsx，含歷次變更）", data=lambda: minutes.xlsx_from(engine),
    file_name=minutes.file_name(meeting.name, "決議紀錄", ".xlsx"), mime=minutes.XLSX_MIME,
    on_click="ignore", icon=":material/table_view:")
