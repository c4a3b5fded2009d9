"""副首長會議: the agenda against the clock, the list to decide, recording, and the minutes.

With `?present=1` the same page becomes the presenter view (pages/presenter.py). What the page
reads from the store and the tables it shows are built once per store stamp (recording a
decision makes a new stamp), so that a warm run only lays out elements; every element costs
run time, which is why headings share a markdown element with the line below them.
"""

from datetime import time, timedelta

import streamlit as st

from dashboard.domain import agenda, dates, lookup, meeting
from dashboard.domain.dates import roc_date
from pages.shared import (
    auth_form,
    cached,
    decision_form,
    minutes_form,
    presenter,
    run_context,
    signed_out,
    styling,
    url,
    year_choice,
)
from pages.shared.meeting_view import PageView, agenda_frame, clock_state, page_view

NO_MEETING = "資料庫中沒有會議資料：請確認 data/meeting.yaml 後執行 `python -m dashboard load`。"
NO_MEETING_OF_YEAR = "{year}尚未建立副首長會議（議程、日期與地點）；由祕書處開始新年度時建立。"
SHOWING_LATEST = "{year}尚未建立副首長會議；以下為最近一次會議（{latest}）。"


def meeting_of_year(stamp: tuple, cycle: int | None):
    """(the meeting's data to show, a notice or None). The chosen year's meeting; a year chosen in
    the URL without one says so; the current year without one yet (just started) shows the latest
    meeting, saying so."""
    if cycle is None:
        return None, NO_MEETING
    data = cached.meeting_data(stamp, cycle)
    if data is not None:
        return data, None
    label = year_choice.year_label(cycle)
    if url.kept():
        return None, NO_MEETING_OF_YEAR.format(year=label)
    latest = cached.meeting_data(stamp)
    if latest is None:
        return None, NO_MEETING_OF_YEAR.format(year=label)
    return latest, SHOWING_LATEST.format(year=label, latest=year_choice.year_label(latest.year))


# --- the agenda against the clock -------------------------------------------------------------


def show_agenda(view: PageView, at: time, *, simulated: bool) -> None:
    items = view.data.info.agenda
    status = agenda.status_at(items, at)
    when = f"**{at:%H:%M}**" + ("（彩排時鐘）" if simulated else f"（臺北時間，{roc_date(dates.now_taipei().date())}）")
    if status.phase == "running":
        now_text = f"進行中：**{url.md_text(agenda.title_line(status.current))}**，剩 {status.minutes_left} 分鐘"
    elif status.phase == "ended":
        now_text = "會議已結束"
    else:
        now_text = "尚未開始" if status.phase == "before" else "休息中"
    next_text = (
        f"下一項：{status.next.start:%H:%M} {url.md_text(agenda.title_line(status.next))}" if status.next else ""
    )
    st.markdown("### 會議議程\n\n" + "　｜　".join(filter(None, [when, now_text, next_text])))
    state = clock_state(status)
    table = view.agenda_tables.get(state)
    st.dataframe(table if table is not None else agenda_frame(items, state), hide_index=True, width="stretch")


@st.fragment(run_every="30s")
def live_agenda(view: PageView) -> None:
    show_agenda(view, dates.now_taipei().time(), simulated=False)


# --- the page ---------------------------------------------------------------------------------


def render() -> None:
    run = run_context.get()
    stamp = run.stamp
    styling.style()
    cycle = year_choice.chosen_year(stamp)
    data, notice = meeting_of_year(stamp, cycle)
    if url.is_presenting():
        if data is None:
            st.warning(notice)
        else:
            presenter.render(data, run)
        return
    if data is None:
        st.title("副首長會議")
        st.warning(notice, icon=":material/event_busy:")
        return
    view = page_view(stamp, data.year)
    user = run.editor_user  # also once the session has ended elsewhere: the forms keep what was typed
    with st.sidebar:
        auth_form.sign_in_panel(run)

    st.markdown(view.header, unsafe_allow_html=True)
    signed_out.notice()  # signed out elsewhere: the forms below keep what was typed
    if notice:
        st.info(notice, icon=":material/info:")
    # A horizontal container rather than st.columns: one block per row keeps the script run short.
    controls = st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="bottom")
    url.seed_widget("clock-input", presenter.url_clock())
    if (problem := presenter.clock_problem()) is not None:
        st.warning(problem)
    # The link comes first on screen and carries the clock chosen beside it: the widget's value is
    # in session_state before the widget is drawn (set by the URL above, or by the user).
    clock: time | None = st.session_state.get("clock-input")
    clock_text = agenda.format_clock(clock) if clock else None
    url.page_link(
        controls,
        url.meeting_link(present=True, clock=clock_text, cycle=url.cycle_in_url()),
        label="開啟簡報模式（分享螢幕用，隱藏側欄、放大字體）",
        icon=":material/slideshow:",
    )
    controls.time_input(
        "彩排時鐘（空白時為現在的臺北時間）",
        value=None,
        key="clock-input",
        step=timedelta(minutes=1),
        width=360,
        help="輸入如 15:12 的時刻，以該時刻對照議程；網址會帶 ?clock=15:12，可分享給彩排的同仁。",
        on_change=url.widget_to_url,
        args=("clock-input", url.CLOCK_PARAM, None, agenda.format_clock),
    )

    if clock is None:
        live_agenda(view)
    else:
        show_agenda(view, clock, simulated=True)

    # The whole list in one table: 分類 and 議題組 tell the sections apart, the table sorts and
    # searches, and one element costs a fraction of a table per section.
    st.markdown(view.decision_heading, unsafe_allow_html=True)
    st.dataframe(view.decision_list, hide_index=True, width="stretch")

    one_proposal(view, user, clock_text)
    minutes_downloads(view.data, user, stamp)


def one_proposal(view: PageView, user: str | None, clock: str | None) -> None:
    st.subheader("逐案檢視與記錄")
    wanted = st.query_params.get(url.ITEM_PARAM)
    # 112-j03 is 112-J03; without ?item= the list's first proposal
    chosen = lookup.proposal_id(wanted, view.labels) if wanted else next(iter(view.labels), None)
    if wanted and chosen is None:  # say so, rather than show another proposal
        st.error(
            presenter.url_value_message(
                "網址中的提案編號（item）{value}不在本次會議的決議清單中；請從下方選擇提案。", wanted
            )
        )
    elif chosen and chosen != wanted:
        st.query_params[url.ITEM_PARAM] = chosen  # one spelling in shared links
    url.seed_widget("item-select", chosen)
    st.selectbox(
        "提案",
        list(view.labels),
        format_func=view.labels.get,
        key="item-select",
        index=None,
        placeholder="選擇提案（可輸入編號或名稱搜尋）",
        on_change=url.widget_to_url,
        args=("item-select", url.ITEM_PARAM),
    )
    if chosen is None:
        return
    entry = view.entries[chosen]
    with st.container(border=True):
        st.markdown(proposal_markup(entry), unsafe_allow_html=True)
        url.page_link(
            st,
            url.meeting_link(present=True, item=entry.id, clock=clock, cycle=url.cycle_in_url()),
            label="在簡報模式顯示此案",
            icon=":material/slideshow:",
        )
        decision_form.current_decision(view.data.decided.get(entry.id))
        if user:
            decision_form.record_form(entry, user, key="page")
        else:
            st.caption("只有登入的祕書處人員可以記錄決議；目前為唯讀。")
        decision_form.history_table(view.history.get(entry.id))


def proposal_markup(entry: meeting.Entry) -> str:
    """The proposal's title, group and leads, 說明 and the reason for the recommendation, as one
    element: one HTML block (it starts with a <div>, and esc() leaves no line break in it), so that
    store text shows as text, never as markdown."""
    esc = styling.esc
    parts = [
        f"<b>{esc(entry.id)}　{esc(entry.title)}</b>",
        f'<div style="font-size:.875rem;opacity:.65;margin-bottom:.5rem">議題組：{esc(entry.group_label)}'
        f"｜主辦：{esc('、'.join(entry.lead_units))}</div>",
    ]
    if entry.carried:
        parts.append(f'<div style="margin-bottom:.5rem">議題組建議：{esc(entry.recommendation)}</div>')
    if entry.description and not entry.carried:
        parts.append(f'<div style="white-space:pre-wrap;margin-bottom:.5rem">說明：{esc(entry.description)}</div>')
    if entry.reason:
        parts.append(
            f'<div style="white-space:pre-wrap;margin-bottom:.5rem">{esc(entry.reason_label)}：'
            f"{esc(entry.reason)}</div>"
        )
    return "<div>" + "".join(parts) + "</div>"


def minutes_downloads(data: meeting.MeetingData, user: str | None, stamp: tuple | None = None) -> None:
    minutes_form.render(data, user, stamp)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
