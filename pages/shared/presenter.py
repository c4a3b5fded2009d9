"""Presenter mode (`?present=1`): no sidebar or app chrome, large type, one step per screen.

`is_presenting` and `hide_chrome` are called by the entrypoint; `render` draws the meeting page's
presenter view. Each step has its own URL (`?present=1&step=N`, or `&item=<proposal id>` for a
proposal), kept in the address bar, so a second presenter can open the same place; a URL that
names no step says so. A clicker or the keyboard steps the view, a jump list reaches any step,
and a proposal's decision is read again every few seconds. Not a page in the navigation.
"""

from datetime import time

import streamlit as st

from dashboard.domain import agenda, dates, meeting, presenting, vocab
from dashboard.domain.dates import roc_date
from pages.shared import auth_form, cached, decision_form, run_context, styling, url

CLOCK_PARAM = url.CLOCK_PARAM

# Fixed CSS, no user text: hide the sidebar, its toggle, the header and toolbar; enlarge type.
CHROME_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
header { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.2rem !important; padding-bottom: 1rem !important;
  max-width: 100% !important; }
[data-testid="stMain"] { font-size: 1.35rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label,
[data-testid="stMain"] [data-testid="stText"] { font-size: 1.35rem; line-height: 1.5; }
[data-testid="stMain"] h1 { font-size: 2.5rem; line-height: 1.25; padding: 0.2rem 0 0.6rem 0; }
[data-testid="stMain"] h2 { font-size: 1.9rem; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
[data-testid="stMain"] [data-testid="stPageLink"] p { font-size: 1.2rem; font-weight: 600; }
/* The step navigation stays on screen however far the page is scrolled (the recording form sits
   below the proposal); its ancestors inherit the app's background, so the row covers what scrolls
   under it in either theme. On a phone it stays one row: the key hints go, the position wraps. */
[data-testid="stApp"] :has(.st-key-present-nav) { background-color: inherit; }
[data-testid="stLayoutWrapper"]:has(> .st-key-present-nav) { position: sticky; top: 0; z-index: 99;
  background-color: inherit; }
.st-key-present-nav { background-color: inherit; padding: .25rem 0; flex-wrap: nowrap !important; }
.st-key-present-nav > div { min-width: 0; }
.st-key-present-nav button p { font-size: 1.3rem; font-weight: 600; }
@media (max-width: 640px) {
  .st-key-present-nav { gap: .5rem !important; }
  .st-key-present-nav > div:nth-child(2) { flex: 1 1 0 !important; width: auto !important; }
  .st-key-present-nav kbd { display: none; }
  [data-testid="stMain"] h1 { font-size: 1.8rem; }
  .st-key-present-nav [data-testid="stCaptionContainer"] p { font-size: .85rem; }
}
.st-key-present-keys { display: none !important; }
/* Streamlit marks the focused main area (Tab, PageDown after it) with a faint frame that starts 60px down,
   below its header: with the header hidden that edge crossed 上一步／下一步. The app's own focus frame
   (styling.FOCUS_CSS, inside the window's edges) shows the focus instead. */
[data-testid="stMain"]::before { display: none !important; }
</style>"""

# Keys that step the presenter view: clickers send PageDown/PageUp (some send arrows). The
# visible buttons carry the first; hidden buttons carry the rest (a button takes one shortcut).
# Not Space: it is how a keyboard presses the focused button, and a shortcut on it fired as well.
# Streamlit ignores them while focus is in a text field, the jump list or the form's options.
NEXT_KEYS = ("PageDown", "Right", "Down")
PREVIOUS_KEYS = ("PageUp", "Left", "Up")
LIVE_EVERY = "3s"  # how soon a decision recorded elsewhere shows on the presenter's screen


def hide_chrome() -> None:
    st.html(CHROME_CSS)


def url_clock() -> time | None:
    """The rehearsal clock from the URL (?clock=15:12), if any."""
    return agenda.parse_clock(st.query_params.get(CLOCK_PARAM))


def clock_problem() -> str | None:
    """What is wrong with a ?clock= that is not a time of day, as markdown (None when it is fine
    or absent)."""
    text = st.query_params.get(CLOCK_PARAM)
    if not text or agenda.parse_clock(text) is not None:
        return None
    return url_value_message(
        "網址中的彩排時鐘（clock）{value}不是時刻（例：15:12）；以下以現在的臺北時間對照議程。", text
    )


def url_value_message(template: str, value: str) -> str:
    """A message naming a value from the URL, for a markdown element (st.error, st.warning): the
    value goes in a code span, where it shows exactly as typed and never becomes a link, a
    heading, a colour or a formula (backslash escapes do not stop GFM's bare-link detection)."""
    return template.format(value=f"「{url.plain(value)}」")


def step_link(step: presenting.Step, clock: time | None) -> url.Link:
    """The presenter view at `step`, with the rehearsal clock and the chosen cycle."""
    return url.meeting_link(
        present=True,
        step=None if step.entry else step.number,
        item=step.entry.id if step.entry else None,
        clock=agenda.format_clock(clock) if clock is not None else None,
        cycle=url.cycle_in_url(),
    )


# --- the view -------------------------------------------------------------------------------


def render(data: meeting.MeetingData, run: run_context.RunContext) -> None:
    """The presenter's current step, from the meeting's data (cached.meeting_data), for the page
    run `run` (who is signed in)."""
    info, sections, decided = data.info, data.sections, data.decided
    user = run.editor_user  # also once the session has ended elsewhere: the forms keep what was typed
    clock, clock_error = url_clock(), clock_problem()
    steps = presenting.presenter_steps(data.info.agenda, data.sections)
    running = agenda.status_at(info.agenda, clock or dates.now_taipei().time()).current
    try:
        step = presenting.find_step(
            steps, step=st.query_params.get(url.STEP_PARAM), item=st.query_params.get(url.ITEM_PARAM), fallback=running
        )
    except presenting.StepNotFound as problem:
        # Say so and offer the way on; the URL keeps what was typed, so nothing is lost.
        st.error(url_value_message(problem.template, problem.value))
        _footer(None, steps, clock, run)
        return
    if step is None:
        st.warning("議程資料不完整，無法進入簡報模式。")
        return
    url.show_in_url(step_link(step, clock).query)  # the step's own URL, also after a link to it
    _navigation(steps, step, clock)
    if clock_error is not None:
        st.warning(clock_error)
    _clock_line(info, clock)
    if step.entry is not None:
        _proposal_step(step, user)
    elif step.item.key == agenda.DECISION_KEY:
        _decision_overview(step, steps, sections, decided, clock)
    else:
        _agenda_step(info, step)
        if _after_decisions(info, step.item):
            _decision_summary(data)
    st.divider()
    _footer(step, steps, clock, run)


def _go(link: url.Link) -> None:
    """A button's callback: open the step (or the meeting page) of `link`; the address bar follows."""
    st.query_params.from_dict(link.query)


def _navigation(steps: list[presenting.Step], step: presenting.Step, clock: time | None) -> None:
    # Buttons rather than links: a button takes a keyboard shortcut (clickers send PageDown and
    # PageUp), and its callback sets the address bar. One horizontal container keeps the run short;
    # 下一步 stays at the right edge from step to step, 上一步 stays put (disabled on the first).
    previous = steps[step.number - 2] if step.number > 1 else None
    following = steps[step.number] if step.number < len(steps) else None
    row = st.container(horizontal=True, vertical_alignment="center", gap="large", key="present-nav")
    _step_button(row, "上一步", ":material/arrow_back:", PREVIOUS_KEYS[0], previous, clock)
    row.caption(_where(step, len(steps)))
    _step_button(row, "下一步", ":material/arrow_forward:", NEXT_KEYS[0], following, clock)
    keys = st.container(key="present-keys")
    for key in PREVIOUS_KEYS[1:]:
        _step_button(keys, f"上一步（{key}）", None, key, previous, clock)
    for key in NEXT_KEYS[1:]:
        _step_button(keys, f"下一步（{key}）", None, key, following, clock)


def _step_button(
    where, label: str, icon: str | None, shortcut: str, target: presenting.Step | None, clock: time | None
) -> None:
    where.button(
        label,
        icon=icon,
        shortcut=shortcut,
        key=f"present-{shortcut}",
        disabled=target is None,
        on_click=_go,
        args=(step_link(target, clock),) if target else None,
    )


def _where(step: presenting.Step, total: int) -> str:
    if step.section is not None:
        return f"第 {step.number}／{total} 步｜{url.md_text(step.section.title)}　第 {step.position}／{len(step.section.entries)} 案"
    return f"第 {step.number}／{total} 步｜議程 {step.item.position}"


@st.fragment(run_every="30s")
def _live_clock(info: meeting.MeetingInfo) -> None:
    _clock_caption(info, dates.now_taipei().time(), simulated=False)


def _clock_line(info: meeting.MeetingInfo, clock: time | None) -> None:
    if clock is None:
        _live_clock(info)
    else:
        _clock_caption(info, clock, simulated=True)


def _clock_caption(info: meeting.MeetingInfo, at: time, *, simulated: bool) -> None:
    status = agenda.status_at(info.agenda, at)
    label = f"{agenda.format_clock(at)}{'（彩排時鐘）' if simulated else ''}"
    if status.phase == "running" and status.current is not None:
        text = f"{label}　進行中：{url.md_text(agenda.title_line(status.current))}（剩 {status.minutes_left} 分鐘）"
    elif status.phase == "ended":
        text = f"{label}　會議已結束"
    else:
        text = f"{label}　下一項：{url.md_text(agenda.title_line(status.next))}（{status.next.start:%H:%M} 開始）"
    st.caption(text)


def _agenda_step(info: meeting.MeetingInfo, step: presenting.Step) -> None:
    item = step.item
    index = info.agenda.index(item)
    end = agenda.item_end(info.agenda, index)
    st.title(url.md_text(agenda.title_line(item)))
    span = f"{item.start:%H:%M}–{end:%H:%M}" if end else f"{item.start:%H:%M}"
    st.markdown(f"**{span}**" + (f"（{item.minutes} 分鐘）" if item.minutes else "") + url.md_text(item.note or ""))
    if index == 0:
        m = info.meeting
        st.markdown(url.md_text(m.name))
        st.markdown(
            f"{roc_date(m.date)}（{agenda.weekday_label(m.date)}）{m.start_time:%H:%M}｜{url.md_text(m.venue)}｜"
            f"主席：{url.md_text(m.chair_org)}{url.md_text(m.chair)}"
        )
    following = info.agenda[index + 1 : index + 3]
    if following:
        st.caption("接下來：" + "；".join(f"{i.start:%H:%M} {url.md_text(agenda.title_line(i))}" for i in following))


def _after_decisions(info: meeting.MeetingInfo, item) -> bool:
    decision = agenda.decision_item(info.agenda)
    return decision is not None and item.position > decision.position


def _decision_summary(data: meeting.MeetingData) -> None:
    """How the proposals were decided, for the chair's conclusions."""
    counts = meeting.resolution_counts(data.decided, data.ids)
    st.markdown(f"本次決議：{decision_form.counts_markup(counts)}", unsafe_allow_html=True)


def _decision_overview(step, steps, sections, decided, clock) -> None:
    item = step.item
    st.title("年度合作方案決議")
    st.markdown(f"**{item.start:%H:%M}–{item.end:%H:%M}**" + (f"（{item.minutes} 分鐘）" if item.minutes else ""))
    first_step = {s.entry.id: s for s in steps if s.entry is not None}
    parts = list(dict.fromkeys(section.part for section in sections))
    for part, column in zip(parts, st.columns(len(parts) or 1)):
        mine = [section for section in sections if section.part == part]
        column.markdown(f"**{part}（{sum(len(s.entries) for s in mine)} 案）**")
        for section in mine:
            done = sum(1 for e in section.entries if e.id in decided)
            url.page_link(
                column,
                step_link(first_step[section.entries[0].id], clock),
                label=f"{section.label}：{len(section.entries)} 案，已決 {done}",
            )


def _proposal_step(step: presenting.Step, user: str | None) -> None:
    entry = step.entry
    st.title(url.md_text(f"{entry.id}　{entry.title}"))
    facts = [f"議題組：{entry.group_label}", f"主辦：{'、'.join(entry.lead_units)}"]
    if not entry.carried:
        facts.append(vocab.track_label(entry.track, year=entry.year))
    else:
        facts.append(f"議題組建議：{entry.recommendation}")
    # The group's recommendation and where the work stands: what the vice-mayors decide on.
    chips = styling.tracking_chip(entry.tracking_status) + " " + styling.progress_chip(entry.progress_status)
    # One HTML block (a <div>, no line break): the group and unit names show as text, not markdown.
    st.markdown(
        "<div>" + "　｜　".join(styling.esc(f) for f in facts) + "　" + chips + "</div>", unsafe_allow_html=True
    )
    if entry.description and not entry.carried:
        st.text(f"說明：{_shorten(entry.description)}")
    if entry.reason:
        st.text(f"{entry.reason_label}：{_shorten(entry.reason)}")
    url.page_link(st, url.card_link(entry.id), label="開啟完整提案單", icon=":material/description:")
    _live_decision(entry, user)
    decision_form.show_saved(entry, key="present")


@st.fragment(run_every=LIVE_EVERY)
def _live_decision(entry: meeting.Entry, user: str | None) -> None:
    """The decision in force, checked again every few seconds: the secretariat may record it from
    another window while this screen is shared. A decision changes the store's stamp, which the
    fragment's own rerun reads (one statement); the page's run has it already.

    The secretariat's form is drawn here too, so that every rerun of the fragment draws it again.
    Drawn after the fragment, outside it, the form was once missing after a sign-in on a loaded
    machine and stayed missing until the next page run (not reproduced in 65 tries since; a race
    between the page's run and the fragment's in Streamlit's front end is the likely cause). Here
    a lost form is back within a tick. What was chosen and typed stays across these reruns (the
    same widgets, by key: tests/browser/test_meeting_browser.py)."""
    decision_form.current_decision(cached.decision_in_force(run_context.stamp(), entry.id))
    decision_form.form(entry, user, key="present", compact=True)


SHORT_TEXT = 140  # characters of a long text that fit a shared screen beside the form


def _shorten(text: str) -> str:
    text = text.strip()
    return text if len(text) <= SHORT_TEXT else text[:SHORT_TEXT].rstrip() + "…（詳見提案單）"


def _footer(
    step: presenting.Step | None,
    steps: list[presenting.Step],
    clock: time | None,
    run: run_context.RunContext,
) -> None:
    """回第一步, the jump list, 離開簡報模式 and the sign-in; `step` is None when the URL named none."""
    clock_text = agenda.format_clock(clock) if clock else None
    row = st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="top", gap="small")
    url.page_link(
        row,
        url.meeting_link(present=True, step=1, clock=clock_text, cycle=url.cycle_in_url()),
        label="回第一步",
        icon=":material/first_page:",
    )
    _jump_list(row, steps, step, clock)
    # A button, not a link: its callback takes present=1 out of the address bar as well, so that
    # reloading the page does not bring presentation mode back.
    row.button(
        "離開簡報模式",
        icon=":material/close_fullscreen:",
        key="present-leave",
        on_click=_go,
        args=(
            url.meeting_link(
                item=step.entry.id if step and step.entry else None, clock=clock_text, cycle=url.cycle_in_url()
            ),
        ),
    )
    with row.expander("祕書處" if run.user else "祕書處登入", width=320):
        auth_form.sign_in_panel(run, key="present-sign-in")


JUMP_KEY = "present-jump"


def _jump_list(where, steps: list[presenting.Step], step: presenting.Step | None, clock: time | None) -> None:
    """Any agenda item, section of the decision list or proposal, by typing part of its name."""
    targets = presenting.jump_targets(steps)
    # Show the step on screen (a proposal by its own line, not its section's)
    st.session_state[JUMP_KEY] = next((label for label, target in reversed(targets.items()) if target is step), None)
    where.selectbox(
        "跳至（可輸入編號或名稱搜尋）",
        list(targets),
        key=JUMP_KEY,
        width=400,
        placeholder="選擇議程、議題組或提案",
        on_change=_jump,
        args=(targets, clock),
    )


def _jump(targets: dict[str, presenting.Step], clock: time | None) -> None:
    label = st.session_state.get(JUMP_KEY)
    if label in targets:
        _go(step_link(targets[label], clock))
