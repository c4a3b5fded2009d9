"""會議設定 (the secretariat only): the chosen cycle's meeting — its details, host city, organisers,
attendance and 紀錄, and its agenda — edited here and kept as versions (dashboard/domain/meeting_settings.py
checks every value, the role and that the save is based on the version in force).

Values new-year carried from last year's meeting carry 「沿用上年度，待確認」 until changed or confirmed.
Saves run in the buttons' callbacks with the version the user saw (passed as the callback's
argument), so that a save made meanwhile by someone else is refused, not overwritten. The widget
keys carry that version: after any save the form shows what the store holds."""

import streamlit as st

from dashboard.domain import meeting_record
from dashboard.domain import meeting_settings as ms
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import PermissionDenied
from pages.shared import cached, lead_pages, run_context, signed_out, styling, url, year_choice
from pages.shared import meeting_settings_view as view

KEY = "meeting-settings"
SAVED_KEY = "meeting-settings-saved"  # the outcome of the last save, shown once
REFUSED_KEY = "meeting-settings-refused"  # why the last save was refused, shown once
NOTE = "會議設定限祕書處使用。"
AGENDA_CONFIG = {
    "start": st.column_config.TextColumn("開始", help="HH:MM，例如 14:30", width=70, required=True),
    "end": st.column_config.TextColumn("結束", help="HH:MM；最後一項（會議結束）可留空", width=70),
    "minutes": st.column_config.TextColumn("分鐘", help="留空時依開始與結束計算", width=70),
    "title": st.column_config.TextColumn("議程", width="large", required=True),
    "note": st.column_config.TextColumn("備註", width="medium"),
    "decision": st.column_config.CheckboxColumn("決議事項", help="勾選審議合作方案的那一項（只能一項）", width=100),
}


def _token(state: ms.Settings) -> str:
    return f"{state.meeting.id}-{state.base.version}-{state.base.record}"


def _save(meeting_id: str, base: ms.Base, changes: dict, *, confirm=(), reason_key: str | None = None) -> None:
    """Save as whoever is signed in now (edit checks the role); the outcome goes to session_state."""
    reason = st.session_state.get(reason_key) if reason_key else None
    if not changes and not confirm:
        st.session_state[REFUSED_KEY] = "沒有任何變更；未儲存。"
        return
    writer = signed_out.writer(say=False)
    if writer is None:  # signed out since the form was opened: the form keeps what was typed
        st.session_state[REFUSED_KEY] = signed_out.REFUSED
        return
    try:
        with cached.session() as s:
            version = ms.edit(
                s,
                actor=writer,
                meeting_id=meeting_id,
                changes=changes,
                base=base,
                reason=reason,
                confirm=list(confirm),
            )
    except EditError as error:
        st.session_state[REFUSED_KEY] = "未儲存：\n\n" + "\n".join(f"- {url.md_text(p)}" for p in error.problems)
        return
    except (ms.StaleMeeting, PermissionDenied) as error:
        st.session_state[REFUSED_KEY] = url.md_text(error)
        return
    if version is None:
        st.session_state[SAVED_KEY] = "內容與目前相同，未新增版本。"
    else:
        st.session_state[SAVED_KEY] = f"已儲存為第 {version.version} 版（{len(version.changes)} 項變更）。"


def _save_details(state: ms.Settings, k: str) -> None:
    values = {field: st.session_state.get(f"{k}-{field}") for field in _detail_fields(state)}
    _save(state.meeting.id, state.base, view.form_changes(state.document, values), reason_key=f"{k}-reason")


def _save_agenda(state: ms.Settings, k: str) -> None:
    given = view.agenda_frame(state.document[ms.AGENDA]).to_dict("records")
    rows = view.agenda_rows(given, st.session_state.get(f"{k}-agenda"))
    changes = {} if rows == state.document[ms.AGENDA] else {ms.AGENDA: rows}
    _save(state.meeting.id, state.base, changes, reason_key=f"{k}-agenda-reason")


def _confirm(state: ms.Settings, k: str) -> None:
    chosen = st.session_state.get(f"{k}-confirm") or []
    if not chosen:
        st.session_state[REFUSED_KEY] = "請先選擇要確認沿用的項目；未儲存。"
        return
    _save(state.meeting.id, state.base, {}, confirm=chosen)


def _detail_fields(state: ms.Settings) -> list[str]:
    return [
        *ms.LABELS,
        *view.LIST_FIELDS,
        "minutes_taker",
        *(ms.attendance_field(city) for city in state.cities),
    ]


def _outcome() -> None:
    if saved := st.session_state.pop(SAVED_KEY, None):
        st.success(saved, icon=":material/check_circle:")
    if refused := st.session_state.pop(REFUSED_KEY, None):
        st.error(refused, icon=":material/block:")


def _marks(state: ms.Settings, k: str) -> None:
    if not state.unconfirmed:
        return
    with st.container(border=True):
        st.warning(
            f"以下 {len(state.unconfirmed)} 項由開始新年度時沿用上年度會議，**{ms.CARRIED_MARK}**："
            + "、".join(ms.field_label(f) for f in state.unconfirmed)
            + "。修改該欄位並儲存，或在此確認沿用。",
            icon=":material/pending_actions:",
        )
        st.multiselect(
            "確認沿用的項目",
            list(state.unconfirmed),
            default=list(state.unconfirmed),
            format_func=ms.field_label,
            key=f"{k}-confirm",
        )
        st.button("確認沿用", icon=":material/done_all:", key=f"{k}-confirm-go", on_click=_confirm, args=(state, k))


def _details(state: ms.Settings, k: str) -> None:
    doc, marks = state.document, state.unconfirmed
    m = state.meeting

    def label(field: str) -> str:
        return view.label(field, marks)

    with st.form(f"{k}-details", border=True):
        st.markdown("**會議資訊**")
        st.text_input(label("name"), value=doc["name"], key=f"{k}-name", max_chars=ms.TEXT_MAX_CHARS)
        st.text_input(label("theme"), value=doc["theme"] or "", key=f"{k}-theme", max_chars=ms.TEXT_MAX_CHARS)
        row = st.container(horizontal=True, gap="medium")
        row.date_input(label("date"), value=m.date, format="YYYY-MM-DD", key=f"{k}-date", width=200)
        row.time_input(label("start_time"), value=m.start_time, step=300, key=f"{k}-start_time", width=200)
        row.selectbox(label("form"), ms.FORMS, index=ms.FORMS.index(doc["form"]), key=f"{k}-form", width=200)
        row.selectbox(
            label("host_city"),
            state.cities,
            index=state.cities.index(doc["host_city"]) if doc["host_city"] in state.cities else None,
            placeholder="選擇主政縣市",
            key=f"{k}-host_city",
            width=200,
        )
        st.text_input(
            label("url"),
            value=doc["url"] or "",
            key=f"{k}-url",
            help="線上或視訊與實體會議必填；實體會議請留空",
            max_chars=ms.URL_MAX_CHARS,
        )
        st.text_input(label("venue"), value=doc["venue"], key=f"{k}-venue", max_chars=ms.TEXT_MAX_CHARS)
        row = st.container(horizontal=True, gap="medium")
        row.text_input(label("chair_org"), value=doc["chair_org"], key=f"{k}-chair_org", width=240)
        row.text_input(label("chair_title"), value=doc["chair_title"] or "", key=f"{k}-chair_title", width=160)
        row.text_input(label("chair"), value=doc["chair"], key=f"{k}-chair", width=240)
        st.markdown("**主辦資訊**（多個單位以「、」分隔）")
        for field in view.LIST_FIELDS:
            st.text_input(label(field), value=view.names_text(doc[field]), key=f"{k}-{field}")
        st.markdown("**出席人員與紀錄**（會議紀錄草案使用；例：副市長 ○○○）")
        st.text_input(
            label("minutes_taker"),
            value=doc["minutes_taker"] or "",
            key=f"{k}-minutes_taker",
            max_chars=meeting_record.MINUTES_TAKER_MAX_CHARS,
        )
        columns = st.columns(2)
        for index, city in enumerate(state.cities):
            field = ms.attendance_field(city)
            columns[index % 2].text_input(
                city, value=doc[field] or "", key=f"{k}-{field}", max_chars=meeting_record.ATTENDANCE_MAX_CHARS
            )
        st.text_input("修改原因（選填）", key=f"{k}-reason", max_chars=ms.REASON_MAX_CHARS)
        st.form_submit_button(
            "儲存會議設定", type="primary", icon=":material/save:", on_click=_save_details, args=(state, k)
        )


def _agenda(state: ms.Settings, k: str) -> None:
    marked = ms.AGENDA in state.unconfirmed
    with st.form(f"{k}-agenda-form", border=True):
        st.markdown(f"**議程**{'（' + ms.CARRIED_MARK + '）' if marked else ''}")
        st.caption("每列一項；時間依序、不可重疊；勾選「決議事項」標示審議合作方案的一項。可新增或刪除列。")
        st.data_editor(
            view.agenda_frame(state.document[ms.AGENDA]),
            column_config=AGENDA_CONFIG,
            column_order=view.AGENDA_COLUMNS,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            key=f"{k}-agenda",
        )
        st.text_input("修改原因（選填）", key=f"{k}-agenda-reason", max_chars=ms.REASON_MAX_CHARS)
        st.form_submit_button(
            "儲存議程", type="primary", icon=":material/save:", on_click=_save_agenda, args=(state, k)
        )


def _history(versions: list) -> None:
    st.subheader("修改紀錄")
    if not versions:
        st.caption("尚無修改紀錄：內容為由資料檔載入時的版本。")
        return
    st.caption(f"共 {len(versions)} 次修改，最新在上；每列為一個欄位的修改（含副首長會議頁儲存的會議紀錄）。")
    st.dataframe(view.history_frame(versions), hide_index=True, width="stretch")


def _version_label(version: int) -> str:
    """「第 N 版」, or, before the first save in the app, that nothing has been changed here yet."""
    return f"第 {version} 版" if version else "尚未在網站上修改"


def render() -> None:
    styling.style()
    st.title("會議設定")
    actor = lead_pages.secretariat_only(NOTE, "修改會議設定", key=f"{KEY}-sign-in")
    if actor is None:
        return
    stamp = run_context.get().stamp
    year = year_choice.chosen_year(stamp)
    found = cached.meeting_settings_view(stamp, year) if year is not None else None
    if found is None:
        st.info(f"{year_choice.year_label(year)}尚未建立副首長會議；由「開始新年度」建立。")
        return
    state, versions = found
    st.caption(
        f"{url.md_text(state.meeting.name)}（{_version_label(state.base.version)}）。每次儲存都成為新的版本，"
        "記錄修改者、時間、原值與新值；會議資料、會議紀錄草案與副首長會議頁都使用這些設定。"
    )
    k = f"{KEY}-{_token(state)}"
    _outcome()
    _marks(state, k)
    _details(state, k)
    _agenda(state, k)
    _history(versions)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
