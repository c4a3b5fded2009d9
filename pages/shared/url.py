"""URL state: the address bar is the truth (see show_in_url), and URL values in messages."""

import re

import streamlit as st

from dashboard.domain import lookup

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


def carry(params: dict | None = None) -> dict:
    """A link's query parameters with the chosen cycle added (page links stay in the year)."""
    return {**(params or {}), **kept()}


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
