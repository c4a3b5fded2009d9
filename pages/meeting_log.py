"""工作會議紀錄 (signed-in leads and the secretariat): a working group's meetings of the chosen cycle
(date, kind, name, what was decided), as packet 貳 prints them. A lead keeps their own groups' log,
the secretariat any group's: add a meeting, correct one, or remove it. Every change is a version
(listed below); a save based on a version someone changed since is refused
(dashboard/domain/meeting_log.py). A refused save keeps what was typed."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.domain import dates, meeting_log, vocab
from dashboard.domain.accounts import AccountError
from dashboard.domain.permissions import PermissionDenied
from dashboard.domain.proposal_rules import MEETING_MAX_CHARS
from pages.shared import cached, lead_pages, run_context, signed_out, styling, url, year_choice

DONE_KEY = "meeting-log-done"  # what the last save did, shown after the form is cleared
GENERATION_KEY = "meeting-log-generation"  # part of the form's widget keys: a new value clears them
NEW = 0  # the meeting chooser's "add a meeting"
WRITE_ERRORS = (meeting_log.LogError, PermissionDenied, AccountError)


def meeting_line(entry: meeting_log.Entry) -> str:
    return f"{dates.roc_date(entry.date)}｜{entry.kind}" + (f"｜{entry.name}" if entry.name else "")


def history_table(versions: list, labels: dict[int, str], group_names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "時間": [dates.roc_datetime(dates.in_taipei(v.recorded_at)) for v in versions],
            "議題組": [group_names.get(v.group_id, "") for v in versions],
            "會議": [labels.get(v.meeting_id, "") for v in versions],
            "版本": [f"第 {v.version} 版" for v in versions],
            "修改者": [v.recorded_by for v in versions],
            "類型": [meeting_log.kind_label(v.kind) for v in versions],
            "變更": ["；".join(meeting_log.change_lines(v)) for v in versions],
            "原因": [v.reason or "" for v in versions],
        }
    )


def _saved(message: str) -> None:
    st.session_state[DONE_KEY] = message
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
    st.rerun()


def _refused(error: Exception, base_key: str | None = None) -> None:
    st.error(url.md_text(f"未儲存：{error}"), icon=":material/error:")
    for version in getattr(error, "newer", []):
        st.caption(url.md_text(f"{version.recorded_by}：" + "；".join(meeting_log.change_lines(version))))
    if isinstance(error, meeting_log.StaleMeetingLog) and base_key:
        st.session_state[base_key] = error.current  # saving again is a decision taken after seeing it
        st.info("已載入目前版本的依據；確認上列修改後，可再按一次儲存。")


def show_meetings(entries: list[meeting_log.Entry]) -> None:
    if not entries:
        st.info("本年度尚無會議紀錄。會議資料「貳、執行進度說明」在此組的列會寫「（本年度無會議紀錄）」。")
        return
    for entry in entries:
        with st.container(border=True):
            st.markdown(f"**{url.md_text(meeting_line(entry))}**")
            if entry.decided:
                st.text(entry.decided)  # as typed: line breaks kept, nothing rendered
            else:
                st.caption("（未填決議事項）")


def edit_form(group, entries: list[meeting_log.Entry], cycle: int, gen: int) -> None:
    by_id = {e.id: e for e in entries}
    st.subheader("新增或修正會議")
    chosen = st.selectbox(
        "會議",
        [NEW, *by_id],
        format_func=lambda mid: "新增一場會議" if mid == NEW else meeting_line(by_id[mid]),
        key=f"ml-choose-{gen}-{group.id}",
    )
    entry = by_id.get(chosen)
    first, last = date(cycle + dates.ROC_OFFSET, 1, 1), date(cycle + dates.ROC_OFFSET, 12, 31)
    base_key = f"ml-base-{gen}-{chosen}"
    base = st.session_state.setdefault(base_key, entry.version) if entry else None
    keys = f"{gen}-{group.id}-{chosen}"
    with st.form(f"ml-form-{keys}", border=True):
        row = st.container(horizontal=True, gap="medium")
        day = row.date_input(
            "日期",
            value=entry.date if entry else None,
            min_value=first,
            max_value=last,
            format="YYYY/MM/DD",
            key=f"ml-date-{keys}",
            width=180,
            help=f"{cycle}年度：{dates.roc_date(first)}至{dates.roc_date(last)}",
        )
        kind = row.selectbox(
            "會議類別",
            list(vocab.MEETING_KINDS),
            index=vocab.MEETING_KINDS.index(entry.kind) if entry else None,
            placeholder="選擇類別",
            key=f"ml-kind-{keys}",
            width=180,
        )
        name = st.text_input(
            "會議名稱（選填，例如：第1次工作會議；空白時會議資料印出類別）",
            value=entry.name if entry else "",
            max_chars=MEETING_MAX_CHARS["name"],
            key=f"ml-name-{keys}",
        )
        decided = st.text_area(
            "決議事項（可多行）",
            value=entry.decided if entry else "",
            max_chars=MEETING_MAX_CHARS["decided"],
            height=140,
            key=f"ml-decided-{keys}",
        )
        reason = st.text_input("修改原因（選填）", key=f"ml-reason-{keys}")
        remove = st.checkbox("刪除這場會議（保留於修改紀錄）", key=f"ml-remove-{keys}") if entry is not None else False
        submitted = st.form_submit_button(
            "新增" if entry is None else "儲存", type="primary", icon=":material/save:", key=f"ml-save-{keys}"
        )
    if day is not None:
        st.caption(f"日期：{dates.roc_date(day)}")
    if not submitted:
        return
    values = {"date": day or "", "kind": kind or "", "name": name, "decided": decided}
    actor = signed_out.writer()
    if actor is None:  # signed out since the form was opened: the form keeps what was typed
        return
    try:
        with cached.session() as s:
            if entry is None:
                meeting_log.add(s, actor=actor, group_id=group.id, values=values, reason=reason)
            elif remove:
                meeting_log.remove(s, actor=actor, meeting_id=entry.id, base_version=base, reason=reason)
            else:
                version = meeting_log.edit(
                    s, actor=actor, meeting_id=entry.id, changes=values, base_version=base, reason=reason
                )
                if version is None:
                    st.info("內容與目前相同，沒有變更。")
                    return
    except WRITE_ERRORS as error:
        _refused(error, base_key if entry else None)
        return
    what = "新增" if entry is None else ("刪除" if remove else "修正")
    shown = dates.roc_date(day) if day else ""
    _saved(f"已{what}「{group.name}」{shown}的會議。")


def render() -> None:
    styling.style()
    st.title("工作會議紀錄")
    actor = lead_pages.signed_in("記錄工作會議", key="meeting-log-sign-in")
    if actor is None:
        return
    stamp = run_context.get().stamp
    cycle = year_choice.chosen_year(stamp)
    if cycle is None:
        st.info("資料庫沒有任何年度；請先載入 data/。")
        return
    view = cached.meeting_log_view(stamp, cycle)
    mine = [g for g in view["groups"] if meeting_log.may_keep(actor, g)]
    st.caption(
        f"{year_choice.year_label(cycle)}各議題組的工作會議、幕僚會議與決議事項；會議資料「貳、執行進度說明」印出這裡的紀錄。"
        "窗口記錄自己議題組的會議，祕書處可記錄各組。"
    )
    if not mine:
        st.info(f"您負責的議題組在{year_choice.year_label(cycle)}沒有可記錄會議的組。")
        return
    names = {g.id: ("　└ " if g.parent_id else "") + g.name for g in mine}
    group_id = st.selectbox("議題組", list(names), format_func=names.get, key="ml-group")
    group = next(g for g in mine if g.id == group_id)
    entries = [e for e in view["entries"] if e.group_id == group_id]
    st.subheader(f"{group.name}：{len(entries)} 場會議")
    show_meetings(entries)
    done = st.session_state.pop(DONE_KEY, None)
    if done:  # beside the form the save was made in, where the page stays scrolled
        st.success(url.md_text(done), icon=":material/check_circle:")
    gen = st.session_state.setdefault(GENERATION_KEY, 0)
    edit_form(group, entries, cycle, gen)
    st.subheader("修改紀錄")
    history = [v for v in view["history"] if v.group_id == group_id]
    if history:
        group_names = {g.id: g.name for g in view["groups"]}
        st.dataframe(history_table(history, view["labels"], group_names), hide_index=True, key="ml-history")
    else:
        st.info("此組尚無修改紀錄（目前的內容由資料檔載入）。")


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
