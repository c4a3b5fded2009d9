"""The year chooser every page shares: which cycle (dashboard/domain/cycles.py: one year's round of
proposals, ending in that year's vice-mayors' meeting) the page shows.

A page calls it once, near the top of render(), and reads everything of that cycle:

    year = year_choice.chosen_year(stamp)   # one line; draws the chooser in the sidebar

- Opens on the current cycle (the latest the store holds). The choice lives in the URL as
  `?cycle=113`, so a link opens on the year it was shared from; the current cycle keeps the URL
  clean (no parameter). The parameter is `cycle`, not `year`: the proposal list and the group page
  already filter by a proposal's own year with `?year=` (a cycle holds two: its new proposals and
  the year before's carried over), and their links keep working.
- The year chosen (in the chooser or by a link) stays for the browser tab's session: the
  navigation's links carry no parameters, so a page opened from them without `?cycle=` shows the
  session's year and puts it into the URL. Choosing the current year again ends that.
- An unknown or malformed year gets a clear notice and the current cycle is shown.
- A store of one cycle shows the year as text (nothing to choose); an empty store shows nothing.
- In presenter mode (`?present=1`) nothing is drawn; the cycle still applies.
- url.show_in_url keeps the parameter, and links carry it (url.card_link(…, cycle=url.cycle_in_url())
  and the like; link_cycle in cached views), so that moving within the app stays in the chosen year.
"""

import streamlit as st

from dashboard.domain import cycles
from pages.shared import cached, url

PARAM = url.CYCLE_PARAM
KEY = "year-choice"
STICKY = "year-choice-session"  # the year this tab's session chose, when not the current one


def year_label(cycle: int | None) -> str:
    return cycles.Cycle(cycle).label if cycle is not None else ""


def resolve(raw: str | None, held: list[int]) -> tuple[int | None, bool]:
    """(the cycle to show, whether the URL's value names none): the current cycle by default.
    The URL's value is read as every year a user gives (cycles.resolve: 113, 113年度, 113年)."""
    if not raw:
        return cycles.latest(held), False
    try:
        return cycles.resolve(raw, held=held), False
    except cycles.CycleError:
        return cycles.latest(held), True


def _to_url(current: int) -> None:
    """on_change of the chooser: the chosen cycle into the URL (none for the current one)."""
    chosen = st.session_state.get(KEY)
    if chosen is None or chosen == current:
        st.query_params.pop(PARAM, None)
        st.session_state.pop(STICKY, None)
    else:
        st.query_params[PARAM] = str(chosen)
        st.session_state[STICKY] = chosen


def chosen_year(stamp: tuple | None = None) -> int | None:
    """The cycle the page shows, from the URL; draws the chooser (see the module's docstring).
    None only for an empty store."""
    held = cached.cycles(stamp or cached.store_stamp())
    raw = st.query_params.get(PARAM)
    sticky = st.session_state.get(STICKY)
    if not raw and sticky in held[:-1]:  # opened from the navigation: the session's year
        raw = st.query_params[PARAM] = str(sticky)
    year, unknown = resolve(raw, held)
    if year is None:
        return None
    if raw and not unknown:
        if year == cycles.latest(held):
            st.session_state.pop(STICKY, None)
        else:
            st.session_state[STICKY] = year
    if unknown:
        url.unknown_in_url(
            "年度", raw, f"以下顯示目前的{year_label(year)}；資料庫中的年度：" + "、".join(map(year_label, held)) + "。"
        )
    elif raw and raw != str(year):
        st.query_params[PARAM] = str(year)  # one spelling in shared links
    if url.is_presenting():
        return year
    with st.sidebar:
        if len(held) == 1:
            st.markdown(f"**年度**：{year_label(year)}")
        else:
            url.seed_widget(KEY, year)
            st.selectbox(
                "年度",
                list(reversed(held)),
                format_func=year_label,
                key=KEY,
                on_change=_to_url,
                args=(cycles.latest(held),),
                help="每一年度：當年新增的提案、前一年度延續列管的提案，以及當年的副首長會議。",
            )
    return year


def link_cycle(stamp: tuple, cycle: int | None) -> int | None:
    """The `cycle` of a link in cached markup or tables (url.card_link, …): None for the current
    cycle, which keeps links clean."""
    return None if cycle is None or cycle == cached.current_cycle(stamp) else cycle
