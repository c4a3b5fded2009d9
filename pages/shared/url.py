"""URL state: the address bar is the truth (see show_in_url), URL values in messages, and links:
each page's path and parameters in one place (card_link, group_link, list_link, …)."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import streamlit as st

from dashboard.domain import lookup
from pages.shared.page_list import PAGES

# --- URL state: the address bar is the truth -------------------------------------------------
# Every page reads its parameters by hand, resolves variant spellings, says which values name
# nothing, puts the values into its widgets before drawing them (seed_widget) and writes a change
# back from the widget's on_change; show_in_url keeps the address bar equal to what is shown.
# Not `bind="query-params"`: Streamlit drops an incoming parameter whose name was bound on the page
# the user came from (a link from one page to another would lose its context) and drops values it
# does not know without a word.

# What can turn text inside a sentence into a link, an icon, a colour or formatting: brackets,
# emphasis, code, HTML, :icons: and "http://" (the colon), e-mail autolinks (@), maths ($), tables.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>:~|$@])")


# GFM finds web and e-mail addresses in the parsed text, after the escapes are resolved, so an
# escape cannot stop them; an empty HTML comment can: it splits the text where an address would
# start, and plain markdown drops it, so the text shows exactly as stored.
AUTOLINK_SPLIT = re.compile(r"(?i)(?=\\[:@])|(?<=www)(?=\\\.)")


def md_text(text) -> str:
    """Store text inside plain st.markdown: escaped, so that it never becomes HTML (which plain
    markdown drops), a link, an image, an icon, a colour or formatting. For values from a URL use plain()."""
    escaped = re.sub(r"(?i)www\.", r"www\\.", MARKDOWN_SPECIAL.sub(r"\\\1", str(text)))
    return AUTOLINK_SPLIT.sub("<!-- -->", escaped)


def plain(text: str) -> str:
    """A URL value for a markdown message (st.error): one line, cut when long, in a code span, where
    it shows exactly as typed and never becomes a link, a heading or a colour (backslash escapes
    do not stop the bare-link detection of Streamlit's markdown)."""
    value = lookup.shown_value(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    return f"{fence} {value} {fence}"


def unknown_in_url(what: str, raw: str, hint: str) -> None:
    """Say that the URL names something that does not exist, instead of silently showing another view."""
    st.error(f"網址中的{what}「{plain(raw)}」不存在。{hint}", icon=":material/link_off:")


def show_in_url(params: dict[str, str | list[str] | None]) -> None:
    """Make the address bar show exactly `params` (empty values left out).

    A page link to the page already open hands its parameters to the script but leaves the address
    bar as it was; a reloaded or shared link would then open something else. Sent every run, since
    the script cannot see what the address bar shows. The chosen year (CYCLE_PARAM) stays
    unless `params` says otherwise.
    """
    params = {**kept(), **params}
    st.query_params.from_dict({key: value for key, value in params.items() if value})


# --- parameters every page shares ----------------------------------------------------------
CYCLE_PARAM = "cycle"  # the chosen cycle (pages/shared/year_choice.py); none for the current one
PRESENT_PARAM = "present"  # ?present=1: the presenter view, without sidebar or chrome


def is_presenting() -> bool:
    return st.query_params.get(PRESENT_PARAM) == "1"


def kept() -> dict[str, str]:
    """The cycle parameter as the URL holds it now ({} for the current cycle)."""
    raw = st.query_params.get(CYCLE_PARAM)
    return {CYCLE_PARAM: raw} if raw else {}


def cycle_in_url() -> str | None:
    """The cycle as the URL spells it now (None for the current cycle): pass it as a link's
    `cycle`, so that moving within the app stays in the chosen year."""
    return st.query_params.get(CYCLE_PARAM) or None


def carry(params: dict | None = None) -> dict:
    """Query parameters of this page with the chosen cycle added (the address bar stays in the year)."""
    return {**(params or {}), **kept()}


# --- links: each page's path and parameters --------------------------------------------------
# A link is built here by the page's own helper, never by hand: `Link.page` and `Link.query` for
# st.page_link and st.switch_page (page_link, switch_to), `Link.href` for markup and LinkColumns.
# `cycle` is the cycle parameter to carry (None: none, the current cycle): cycle_in_url() on a
# page, year_choice.link_cycle() in views cached per store stamp.

ID_PARAM = "id"  # 提案單: the proposal
LIST_PARAM = "list"  # 提案單: the proposal list's filter it was opened from, packed (see card_link)
LIST_FILTER_PARAMS = ["q", "year", "track", "group", "tracking", "progress", "type", "decision", "risk", "city", "role"]
GROUP_PARAM = "group"  # 議題組: the group
YEAR_PARAM = "year"  # 議題組, 提案列表: a proposal's own year within the cycle (two in a cycle)
CITY_PARAM = "city"  # 總覽, 提案列表: a city's name; 跨區支援地圖: a city's code
STEP_PARAM, ITEM_PARAM, CLOCK_PARAM = "step", "item", "clock"  # 副首長會議's presenter view


@dataclass(frozen=True)
class Link:
    """One of page_list.PAGES with its query parameters (a value may be a list: a repeated parameter)."""

    name: str
    query: dict[str, str | list[str]] = field(default_factory=dict)

    @property
    def page(self) -> str:
        """The page as st.page_link and st.switch_page take it."""
        return PAGES[self.name].path

    @property
    def href(self) -> str:
        """A relative address that opens the page in this tab, for markup and LinkColumns."""
        path = f"./{PAGES[self.name].url_path}"
        return f"{path}?{urlencode(self.query, doseq=True)}" if self.query else path


def _link(name: str, params: dict, cycle: int | str | None) -> Link:
    query = {key: value for key, value in params.items() if value not in (None, "", [], ())}
    if cycle is not None and cycle != "":
        query[CYCLE_PARAM] = str(cycle)
    return Link(name, query)


def card_link(proposal_id: str, *, list_filter: dict[str, list[str]] | None = None, cycle=None) -> Link:
    """A proposal's card. `list_filter` is the proposal list's filter it was opened from, so that
    previous/next stay in it: packed into one parameter, since st.switch_page may not set
    parameters that widgets on the current page are bound to (the list's own)."""
    packed = urlencode(list_filter, doseq=True) if list_filter else None
    return _link("card", {ID_PARAM: proposal_id, LIST_PARAM: packed}, cycle)


def list_link(filters: dict[str, str | list[str]] | None = None, *, cycle=None) -> Link:
    """The proposal list, filtered by LIST_FILTER_PARAMS (values as its widgets label them)."""
    unknown = set(filters or {}) - set(LIST_FILTER_PARAMS)
    if unknown:
        raise ValueError(f"not a filter of the proposal list: {sorted(unknown)}")
    return _link("proposals", dict(filters or {}), cycle)


def group_link(group_id: str | None = None, *, year: int | str | None = None, cycle=None) -> Link:
    """A group's view (`year`: only its proposals of that year), or every group without an id."""
    return _link("groups", {GROUP_PARAM: group_id, YEAR_PARAM: None if year is None else str(year)}, cycle)


def home_link(*, cycle=None) -> Link:
    return _link("home", {}, cycle)


def map_link(*, city_code: str | None = None, cycle=None) -> Link:
    return _link("map", {CITY_PARAM: city_code}, cycle)


def meeting_link(
    *,
    present: bool = False,
    step: int | str | None = None,
    item: str | None = None,
    clock: str | None = None,
    cycle=None,
) -> Link:
    """The meeting page, or with `present` its presenter view at a step or a proposal (`item`);
    `clock` a rehearsal time (15:12)."""
    params = {PRESENT_PARAM: "1" if present else None, STEP_PARAM: None if step is None else str(step)}
    return _link("meeting", {**params, ITEM_PARAM: item, CLOCK_PARAM: clock}, cycle)


def page_of(name: str) -> Link:
    """A page without parameters (新增提案, …)."""
    return Link(name)


def page_link(where, link: Link, **options) -> None:
    """st.page_link to `link` in `where` (st, a column or a container); `options` as st.page_link's."""
    where.page_link(link.page, query_params=link.query, **options)


def switch_to(link: Link) -> None:
    st.switch_page(link.page, query_params=link.query)


def seed_widget(key: str, value) -> None:
    """Put the URL's value into widget `key` before the widget is drawn."""
    st.session_state[key] = value


def widget_to_url(key: str, param: str, default=None, to_text=str) -> None:
    """on_change of a URL-seeded widget: write its value into the URL (as `to_text` spells it), or
    drop the parameter when the widget is back at its default."""
    value = st.session_state.get(key)
    if value in (None, "", default):
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = to_text(value)


def resolve_city(raw: str | None, all_cities: list) -> str | None:
    """Official city name for a URL value (code, name, 台/臺, any case), or None."""
    return lookup.city_name(raw, all_cities)
