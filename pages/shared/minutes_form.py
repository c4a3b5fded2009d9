"""The meeting page's 會議紀錄 section: what the secretariat types for the minutes (紀錄, who attended
for each city, 主席結論), saved in the store, and the downloads built from the cached.

Only the signed-in secretariat gets the form; everyone else sees what was saved, read-only.
Typed text is user text: shown with st.text or inside st.dataframe, never as markup.
Not a page: called by pages/meeting.py.
"""

import pandas as pd
import streamlit as st

from dashboard.documents import minutes
from dashboard.domain import meeting_record, meeting_settings
from dashboard.domain.meeting import MeetingData
from dashboard.domain.permissions import PermissionDenied
from dashboard.store.models import MeetingRecord
from pages.shared import cached, meeting_view, run_context, signed_out

FORM_KEY = "meeting-record"
SAVED_KEY = "meeting-record-saved"


def render(data: MeetingData, user: str | None, stamp: tuple | None = None) -> None:
    meeting = data.info.meeting
    st.subheader("會議紀錄")
    stamp = stamp or cached.store_stamp()  # a save adds a row, which changes the stamp
    record, lines, saves = cached.meeting_record_view(stamp, meeting.id)
    cities = cached.cities(stamp)
    if record is not None:
        st.caption(
            f"{meeting_record.recorded_label(record)} 由{record.recorded_by}儲存（共儲存 {saves} 次，"
            "舊紀錄保留，最新一次為準）；下載的會議紀錄草案使用這些內容。"
        )
    if user:
        record_form(meeting.id, record, cities, user)
    else:
        saved_record(record, lines)
    downloads(meeting.name, data.year, packet=bool(data.entries))


def saved_record(record: MeetingRecord | None, lines: list[tuple[str, str]]) -> None:
    """What was saved, read-only."""
    if record is None:
        st.caption("尚未儲存紀錄、出席人員與主席結論；祕書處登入後可在此填寫（登入欄位在側欄）。")
        return
    st.text(f"紀錄：{record.minutes_taker or '（未填）'}")
    st.dataframe(pd.DataFrame(lines, columns=["縣市", "出席人員"]), hide_index=True, width="stretch")
    st.caption("主席結論")
    st.text(record.conclusions or "（未填）")


def record_form(meeting_id: str, record: MeetingRecord | None, cities: list, user: str) -> None:
    """The secretariat's form, filled with the record in force. The widget keys carry the record's
    id, so that after any save (also another user's) the form shows what is in the store."""
    version = record.id if record else 0
    given = record.attendance if record else {}
    with st.form(FORM_KEY, border=True):
        taker = st.text_input(
            "紀錄（會議紀錄人員）",
            value=record.minutes_taker if record else "",
            max_chars=meeting_record.MINUTES_TAKER_MAX_CHARS,
            key=f"mr-{version}-taker",
            placeholder="例：新北市政府研究發展考核委員會 王小明",
        )
        st.caption("出席人員（各縣市代表，例：副市長 ○○○；未填的縣市在紀錄中留白）")
        columns = st.columns(2)
        attendance = {
            city.code: columns[index % 2].text_input(
                city.name,
                value=given.get(city.code, ""),
                max_chars=meeting_record.ATTENDANCE_MAX_CHARS,
                key=f"mr-{version}-city-{city.code}",
            )
            for index, city in enumerate(cities)
        }
        conclusions = st.text_area(
            "主席結論",
            value=record.conclusions if record else "",
            height=150,
            max_chars=meeting_record.CONCLUSIONS_MAX_CHARS,
            key=f"mr-{version}-conclusions",
        )
        submitted = st.form_submit_button("儲存會議紀錄", type="primary")
    if submitted:
        save(meeting_id, user, taker, attendance, conclusions)
    if saved := st.session_state.pop(SAVED_KEY, None):  # inline, like decisions: a toast covers buttons
        st.success(saved, icon=":material/check_circle:")


def save(meeting_id: str, user: str, taker: str, attendance: dict[str, str], conclusions: str) -> None:
    writer = signed_out.writer()
    if writer is None:  # signed out since the form was opened: it keeps what was typed
        return
    try:
        with cached.session() as s:
            meeting_record.record(
                s,
                actor=writer,  # the session's own identity, read now
                meeting_id=meeting_id,
                minutes_taker=taker,
                attendance=attendance,
                conclusions=conclusions,
            )
    except (meeting_record.RecordError, PermissionDenied) as error:
        st.error(str(error))  # the form keeps what was typed
        return
    st.session_state[SAVED_KEY] = "已儲存會議紀錄"
    st.rerun()


def downloads(meeting_name: str, cycle: int | None = None, *, packet: bool = False) -> None:
    """The minutes and the decision list of `cycle`'s meeting (the one shown), and with `packet`
    the cycle's meeting packet."""
    engine = cached.engine()
    row = st.container(horizontal=True, gap="large")
    row.download_button(
        "下載會議紀錄草案（.docx）",
        data=lambda: minutes.docx_from(engine, cycle=cycle),
        file_name=minutes.file_name(meeting_name, "會議紀錄草案", ".docx"),
        mime=minutes.DOCX_MIME,
        on_click="ignore",
        icon=":material/description:",
    )
    row.download_button(
        "下載決議紀錄（.xlsx，含歷次變更）",
        data=lambda: minutes.xlsx_from(engine, cycle=cycle),
        file_name=minutes.file_name(meeting_name, "決議紀錄", ".xlsx"),
        mime=minutes.XLSX_MIME,
        on_click="ignore",
        icon=":material/table_view:",
    )
    if packet and cycle is not None:
        meeting_view.packet_download(row, meeting_name, cycle)
        carried_notice(cycle)


def carried_notice(cycle: int) -> None:
    """The values of the meeting still carried from last year unconfirmed: the packet and the
    minutes print them as they are (never the mark), so the secretariat sees it before printing."""
    marks = cached.meeting_marks(run_context.stamp(), cycle)
    if marks:
        st.warning(
            f"會議設定中尚有 {len(marks)} 項「{meeting_settings.CARRIED_MARK}」："
            + "、".join(meeting_settings.field_label(f) for f in marks)
            + "。會議資料與會議紀錄草案依目前的值產生；請到「會議設定」頁確認或修改。",
            icon=":material/pending_actions:",
        )
