"""開始新年度 (the secretariat only): a preview of which proposals of the current cycle carry over and
which leave, with the reason of each and a warning for those without a decision; then the new
year's meeting (who hosts it and how, date, time, chair, venue, link; prefilled from the last
meeting, the link only for an online or hybrid one) and 「開始」, which
runs dashboard/new_year.start_year (all or nothing; the rules and the role check are there)."""

import streamlit as st

from dashboard.domain import meeting_settings, new_year
from dashboard.domain.permissions import Actor, PermissionDenied
from pages.shared import cached, lead_pages, run_context, signed_out, styling, url
from pages.shared import new_year_view as view

KEY = "new-year"
DONE_KEY = "new-year-done"  # (success line, carried table, year) of the last start, shown once
REFUSED_KEY = "new-year-refused"  # why the last attempt was refused, shown once under the button
CONFIRM = "我已確認上列延續與解除名單"
NOTE = "開始新年度限祕書處使用。"

PREVIEW_CONFIG = {
    "url": st.column_config.LinkColumn("編號", display_text=r"id=([^&]+)", width=80, pinned=True),
    "title": st.column_config.TextColumn("提案名稱", width=220),
    "group": st.column_config.TextColumn("議題組", width=100),
    "resolution": st.column_config.TextColumn("會議決議", width=72),
    "reason": st.column_config.TextColumn("理由（含列管狀態）", width=360),
}
STAYS_CONFIG = {"new_id": st.column_config.TextColumn("新編號", width=72, pinned=True), **PREVIEW_CONFIG}
CARRIED_CONFIG = {
    "url": st.column_config.LinkColumn("新編號", display_text=r"id=([^&]+)", width=90),
    "source": st.column_config.TextColumn("延續自", width=90),
}


def _done() -> bool:
    """The outcome of the start just made, alone on the page (so it is in view, not above the next
    year's form); False when there is none."""
    done = st.session_state.pop(DONE_KEY, None)
    if not done:
        return False
    line, carried, year = done
    st.success(line, icon=":material/check_circle:")
    url.page_link(st, url.home_link(cycle=year), label=f"前往{year}年度總覽", icon=":material/dashboard:")
    if len(carried):
        with st.expander(f"新建立的 {len(carried)} 案列管案"):
            st.dataframe(carried, hide_index=True, column_config=CARRIED_CONFIG, key=f"{KEY}-carried")
    return True


def _preview(p: view.Preview) -> None:
    st.subheader(f"1. 確認{p.current}年度提案的去留")
    st.markdown(
        f"依{p.current}年度會議的決議（未記錄決議者依其列管狀態），開始{p.year}年度時："
        f"**持續列管 {len(p.stays)} 案**（成為{p.year}年度的列管案，編號 {p.current}-01 起依序編排）、"
        f"**解除列管 {len(p.leaves)} 案**。"
    )
    if p.undecided:
        st.warning(
            f"尚有 {len(p.undecided)} 案未記錄決議，將依其列管狀態處理；開始後補登的決議不會改變延續名單：\n\n"
            + "、".join(p.undecided),
            icon=":material/warning:",
        )
    st.markdown(f"**持續列管（{len(p.stays)} 案）**")
    st.dataframe(p.stays, hide_index=True, column_config=STAYS_CONFIG, key=f"{KEY}-stays")
    st.markdown(f"**解除列管（{len(p.leaves)} 案）**")
    st.dataframe(p.leaves, hide_index=True, column_config=PREVIEW_CONFIG, key=f"{KEY}-leaves")


def _form(actor: Actor, p: view.Preview) -> None:
    """The new meeting's details and 「開始」. Plain widgets, not st.form: the date's ROC form follows
    the choice at once. Keys carry the year, so what was typed stays after a refusal, and the start
    runs in the button's callback with the year the user saw (not one recomputed after a concurrent start)."""
    st.subheader(f"2. {p.year}年度的副首長會議")
    last, k = p.last_meeting, f"{KEY}-{p.year}"
    st.markdown(
        f"新年度：**{p.year}年度**（只能開始目前年度的下一年）。以下預設沿用上一次會議「{url.md_text(last.name)}」。"
    )
    row = st.container(horizontal=True, gap="medium", vertical_alignment="bottom")
    day = row.date_input(
        "會議日期", value=view.default_date(last.date, p.year), format="YYYY-MM-DD", key=f"{k}-date", width=180
    )
    row.time_input("開始時間", value=last.start_time, step=300, key=f"{k}-time", width=140)
    row.markdown(view.date_note(day, p.year))
    cities = [c.name for c in cached.cities(run_context.get().stamp)]
    row = st.container(horizontal=True, gap="medium")
    row.selectbox(
        "主政縣市",
        cities,
        index=cities.index(last.host_city) if last.host_city in cities else None,
        placeholder="選擇主政縣市",
        key=f"{k}-host_city",
        width=180,
        help="承辦單位即為主政縣市政府",
    )
    form = row.radio(
        "會議形式",
        meeting_settings.FORMS,
        index=meeting_settings.FORMS.index(meeting_settings.form_of(last)),
        horizontal=True,
        key=f"{k}-form",
    )
    defaults = view.defaults(last, form)
    f = f"{k}-{form}"  # the prefilled place and link follow the form chosen
    row = st.container(horizontal=True, gap="medium")
    row.text_input(view.TEXT_LABELS["chair"], value=defaults["chair"], key=f"{k}-chair", width=220)
    row.text_input(view.TEXT_LABELS["chair_org"], value=defaults["chair_org"], key=f"{k}-chair_org", width=220)
    st.text_input(view.TEXT_LABELS["venue"], value=defaults["venue"], key=f"{f}-venue")
    if form != meeting_settings.IN_PERSON:
        st.text_input(view.TEXT_LABELS["url"], value=defaults["url"], key=f"{f}-url")
    st.caption(
        f"其餘（議程、主辦單位等）沿用上一次會議並標示「{meeting_settings.CARRIED_MARK}」，開始後請到「會議設定」頁確認或修改。"
    )
    st.checkbox(CONFIRM, key=f"{k}-confirm")
    st.button(
        f"開始{p.year}年度",
        type="primary",
        icon=":material/event_repeat:",
        key=f"{k}-start",
        on_click=_start,
        args=(p.year, k, form, defaults, last.start_time),
    )
    refused = st.session_state.pop(REFUSED_KEY, None)
    if refused:
        st.error(refused, icon=":material/block:")


def _start(cycle: int, k: str, form: str, defaults: dict[str, str], last_start) -> None:
    """The button's callback: start `cycle` with the widgets' values, as whoever is signed in now
    (start_year checks the role); the outcome goes to session_state."""
    state = st.session_state
    if not state.get(f"{k}-confirm"):
        state[REFUSED_KEY] = f"請先勾選「{CONFIRM}」；未變更。"
        return
    if state.get(f"{k}-host_city") is None:
        state[REFUSED_KEY] = "請選擇主政縣市；未變更。"
        return
    if state.get(f"{k}-date") is None:
        state[REFUSED_KEY] = "請選擇會議日期；未變更。"
        return
    values = view.arguments(
        cycle=cycle,
        day=state.get(f"{k}-date"),
        start_time=state.get(f"{k}-time"),
        texts={
            name: state.get(f"{k}-{form}-{name}" if name in view.BY_FORM else f"{k}-{name}")
            for name in view.TEXT_FIELDS
        },
        defaults=defaults,
        host_city=state.get(f"{k}-host_city"),
        form=form,
        last_start=last_start,
    )
    writer = signed_out.writer(say=False)
    if writer is None:  # signed out since the page was opened: the form keeps what was typed
        state[REFUSED_KEY] = signed_out.REFUSED
        return
    try:
        with cached.session() as s:
            result = new_year.start_year(s, actor=writer, **values)
    except (new_year.NewYearError, PermissionDenied) as error:
        state[REFUSED_KEY] = f"未開始新年度：{url.md_text(error)}"
        return
    state[DONE_KEY] = (view.success_text(result, values["meeting_date"]), view.carried_frame(result), result.year)


def render() -> None:
    styling.style()
    st.title("開始新年度")
    actor = lead_pages.secretariat_only(NOTE, "開始新年度", key=f"{KEY}-sign-in")
    if actor is None:
        return
    if _done():
        return
    stamp = run_context.get().stamp
    p = view.preview(cached.new_year_plan(stamp), cached.groups(stamp))
    if p is None:
        st.info("資料庫沒有任何會議，無法開始新年度；請先載入 data/。")
        return
    st.caption(
        f"目前為{p.current}年度（最近一次會議：{url.md_text(p.last_meeting.name)}）。開始新年度後，"
        "延續的提案成為新年度的列管案，並依上一次會議建立新年度的會議（議程與主辦單位沿用）；"
        "全部完成或全部不變。"
    )
    _preview(p)
    _form(actor, p)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
