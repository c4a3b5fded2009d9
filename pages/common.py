"""The page layer's shared pieces: the page list, the cached store, and small renderers.

Everything that calls Streamlit outside a page script lives here; dashboard/ stays Streamlit-free.
"""
import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import jinja2
import pandas as pd
import pyarrow as pa
import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard import agenda, frames, lookup, meeting, queries, store, vocab
from dashboard.db import make_engine


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the entrypoint dashboard/app.py
    title: str
    icon: str
    url_path: str
    default: bool = False


PAGES = {
    "home": PageSpec("../pages/home.py", "總覽", ":material/dashboard:", "home", default=True),
    "groups": PageSpec("../pages/groups.py", "議題組", ":material/groups:", "groups"),
    "proposals": PageSpec("../pages/proposals.py", "提案列表", ":material/table_rows:", "proposals"),
    "card": PageSpec("../pages/card.py", "提案單", ":material/description:", "card"),
    "map": PageSpec("../pages/map.py", "跨區支援地圖", ":material/map:", "map"),
    "meeting": PageSpec("../pages/meeting.py", "副首長會議", ":material/event:", "meeting"),
}


def page_path(name: str) -> str:
    """The path st.page_link / st.switch_page expect for one of PAGES."""
    return PAGES[name].path


@st.cache_resource(show_spinner="正在準備資料庫…")
def engine() -> Engine:
    """One engine per server; builds the store from data/ on first start when it is missing."""
    eng = make_engine()
    store.ensure_built(eng)
    return eng


def session() -> Session:
    return Session(engine())


def version() -> tuple:
    """The store's version (queries.store_version), the key of every per-version cache below."""
    with engine().connect() as connection:
        return queries.connection_version(connection)


# Per-version caches: everything read from the store, and the views built from it, is cached per
# store version with st.cache_resource, which hands out the cached object itself: treat it as
# read-only. st.cache_data would copy it on every call; measured with benchmarks/bench_pages.py
# (2026-11-28), that made page runs 1.5-2x slower at the document's scale and up to 10x at 100x
# (proposal list 21 ms -> 206 ms). The version is a hashed argument, so recording a decision or a
# rebuild refreshes every view.

@st.cache_resource(show_spinner=False, max_entries=4)
def _proposals(version_key: tuple) -> pd.DataFrame:
    with session() as s:
        return queries.proposals_frame(s)


def proposals(version_key: tuple | None = None) -> pd.DataFrame:
    """The proposals frame, recomputed only when the store changes (shared: do not modify in place)."""
    return _proposals(version_key or version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _store_lists(version_key: tuple) -> dict:
    with session() as s:
        return {
            "groups": queries.groups(s),
            "cities": queries.cities(s),
            "meetings": queries.group_meetings(s),
            "mutual_aid": queries.mutual_aid_frame(s),
            "headline": queries.headline(s, frame=_proposals(version_key)),
            "meeting_info": meeting.meeting_info(s),
        }


def groups(version_key: tuple) -> list:
    """Every WorkGroup in sort order."""
    return _store_lists(version_key)["groups"]


def cities(version_key: tuple) -> list:
    return _store_lists(version_key)["cities"]


def group_meetings(version_key: tuple) -> pd.DataFrame:
    return _store_lists(version_key)["meetings"]


def mutual_aid(version_key: tuple) -> pd.DataFrame:
    return _store_lists(version_key)["mutual_aid"]


def headline(version_key: tuple) -> queries.Headline:
    return _store_lists(version_key)["headline"]


def meeting_info(version_key: tuple) -> meeting.MeetingInfo | None:
    return _store_lists(version_key)["meeting_info"]


@st.cache_resource(show_spinner=False, max_entries=256)
def card(version_key: tuple, proposal_id: str) -> queries.Card | None:
    with session() as s:
        return queries.proposal_card(s, proposal_id=proposal_id)


@st.cache_resource(show_spinner=False, max_entries=4)
def meeting_data(version_key: tuple) -> meeting.MeetingData | None:
    """The latest meeting, its decision list and the decisions in force; None without a meeting."""
    with session() as s:
        return meeting.meeting_data(s)


# --- Page markup from Jinja2 templates (pages/templates/), autoescaped: store text needs no esc() there.

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def _joined_lines(name: str):
    """A template's source with its line breaks and indentation dropped: Streamlit's markdown would
    end an HTML block at a blank line and show indented lines as code. Values keep their own."""
    path = TEMPLATE_DIR / name
    source = "".join(line.strip(" \t") for line in path.read_text(encoding="utf-8").splitlines())
    return source, str(path), lambda: True


TEMPLATES = jinja2.Environment(loader=jinja2.FunctionLoader(_joined_lines), autoescape=True,
                               undefined=jinja2.StrictUndefined)
TEMPLATES.globals.update(grey=vocab.NEUTRAL_COLOR, undecided=vocab.UNDECIDED, tracking_colors=vocab.TRACKING_COLORS,
                         progress_colors=vocab.PROGRESS_COLORS, resolution_colors=vocab.RESOLUTION_COLORS)


def render(template: str, **values) -> str:
    """HTML from one of pages/templates/, for st.markdown(..., unsafe_allow_html=True)."""
    return TEMPLATES.get_template(template).render(**values)


def _chips():
    return TEMPLATES.get_template("chips.html.j2").module


def chip(label: str, color: str) -> str:
    """A coloured label as HTML; the text itself always carries the meaning."""
    return str(_chips().chip(label, color))


def progress_chip(status: str) -> str:
    return str(_chips().progress_chip(status))


def tracking_chip(status: str) -> str:
    return str(_chips().tracking_chip(status))


def resolution_chip(resolution: str | None) -> str:
    """The resolution's chip, or 未決議 when there is none (None, or NaN from a frame column)."""
    return str(_chips().resolution_chip(resolution))


LIST_COLUMNS = {  # column of proposals_list -> how show_proposals draws it
    "url": st.column_config.LinkColumn("編號", display_text=r"id=([^&]+)", width=72, pinned=True),
    "title": st.column_config.TextColumn("提案名稱", width=380),
    "units": st.column_config.TextColumn("提案單位", width=220),
    "role": st.column_config.TextColumn("角色", width=90),
    "tracking_status": st.column_config.TextColumn("列管狀態", width=100),
    "progress_status": st.column_config.TextColumn("進度狀態", width=86),
    "resolution": st.column_config.TextColumn("會議決議", width=80),
}


def proposals_list(rows: pd.DataFrame, *, units: bool = False, role: bool = False) -> pa.Table:
    """Proposals as the table show_proposals draws: id (link to the card), title, lead units, the
    city's role (a `role` column, see frames.city_involvement), statuses and the decision in words.
    Build it once per store version (in a cached view): converting to Arrow on every run is slow."""
    table = pd.DataFrame({"url": rows["id"].map(card_url), "title": rows["title"]}, index=rows.index)
    if units:
        table["units"] = rows["lead_units"].map("、".join)
    if role:
        table["role"] = rows["role"]
    table["tracking_status"] = rows["tracking_status"]
    table["progress_status"] = rows["progress_status"]
    table["resolution"] = rows["resolution"].fillna(vocab.UNDECIDED)
    return pa.Table.from_pandas(table, preserve_index=False)


def show_proposals(table: pa.Table, *, key: str) -> None:
    """A proposals_list table, as tall as its rows (no scrolling inside a short list)."""
    st.dataframe(table, hide_index=True, height="content", key=key,
                 column_config={name: LIST_COLUMNS[name] for name in table.column_names})


def esc(text) -> str:
    """Store or user text for unsafe_allow_html markup."""
    return html.escape("" if text is None else str(text))


def tiles(items: list[tuple[str, str, str]]) -> str:
    """Headline tiles as markup: (label, value, sub-line); wraps instead of clipping long labels."""
    return str(TEMPLATES.get_template("overview.html.j2").module.tiles(items))


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


def md_text(text) -> str:
    """Store or URL text inside st.markdown/st.error: escaped, so it shows as typed and never becomes
    a link, an icon, HTML or formatting."""
    return re.sub(r"(?i)www\.", r"www\\.", MARKDOWN_SPECIAL.sub(r"\\\1", str(text)))


def plain(text: str) -> str:
    """A URL value for a markdown message (st.error): one line, cut when long, in a code span, where
    it shows exactly as typed and never becomes a link, a heading or a colour (backslash escapes
    do not stop the bare-link detection of Streamlit's markdown)."""
    value = agenda.shown_value(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    return f"{fence} {value} {fence}"


def unknown_in_url(what: str, raw: str, hint: str) -> None:
    """Say that the URL names something that does not exist, instead of silently showing another view."""
    st.error(f"網址中的{what}「{plain(raw)}」不存在。{hint}", icon=":material/link_off:")


def show_in_url(params: dict[str, str | list[str] | None]) -> None:
    """Make the address bar show exactly `params` (empty values left out).

    A page link to the page already open hands its parameters to the script but leaves the address
    bar as it was; a reloaded or shared link would then open something else. Sent every run, since
    the script cannot see what the address bar shows.
    """
    st.query_params.from_dict({key: value for key, value in params.items() if value})


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


# --- The proposal-list filter, shared by the list (widgets bound to the URL) and the card -------
# (previous/next within the same filter). URL values are the labels the widgets show.

FILTER_KEYS = ["q", "year", "track", "group", "tracking", "progress", "type", "decision", "city", "role"]
ROLE_LABELS = {"any": "主辦或參與", "lead": "主辦", "joins": "參與合作"}


def filter_choices(frame: pd.DataFrame, all_groups: list) -> dict[str, dict]:
    """For each multi-choice filter key: {value: label shown and put in the URL}."""
    parents = {g.id: g for g in all_groups}
    return {
        "year": {int(y): str(int(y)) for y in sorted(frame["year"].unique())},
        "track": frames.track_choices(frame),
        "group": {g.id: (f"{parents[g.parent_id].name}／{g.name}" if g.parent_id else g.name)
                  for g in all_groups if g.kind != "staff"},
        "tracking": {s: s for s in vocab.TRACKING_STATUSES},
        "progress": {s: s for s in vocab.PROGRESS_STATUSES},
        "type": {t: t for t in vocab.PROPOSAL_TYPES},
        "decision": {d: d for d in [vocab.UNDECIDED, *vocab.RESOLUTIONS]},
    }


def filter_from_params(params: dict[str, list[str]], choices: dict[str, dict],
                       city_names: list[str]) -> tuple[frames.ProposalFilter, tuple[str, ...]]:
    """(ProposalFilter, wanted decisions) from URL parameters; unknown values are ignored."""
    def values(key: str) -> tuple:
        by_label = {label: value for value, label in choices[key].items()}
        return tuple(by_label[v] for v in params.get(key, []) if v in by_label)

    city = next((c for c in params.get("city", []) if c in city_names), None)
    role_by_label = {label: role for role, label in ROLE_LABELS.items()}
    role = next((role_by_label[r] for r in params.get("role", []) if r in role_by_label), "any")
    spec = frames.ProposalFilter(
        years=values("year"), tracks=values("track"), groups=values("group"), tracking=values("tracking"),
        progress=values("progress"), types=values("type"), city=city, city_role=role,
        text=" ".join(params.get("q", [])),
    )
    return spec, values("decision")


def apply_filter(frame: pd.DataFrame, spec: frames.ProposalFilter, decisions: tuple[str, ...]) -> pd.DataFrame:
    return frames.filter_by_decision(frames.filter_proposals(frame, spec=spec), wanted=decisions)


LIST_KEY = "list"  # on a card: the proposal list's own query string, e.g. list=year%3D112%26group%3D…


def card_params(proposal_id: str, params: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Query parameters of a card link that remembers the list's filter.

    The filter travels packed into one `list` parameter rather than under its own names:
    st.switch_page may not set parameters that widgets on the current page are bound to.
    """
    query = {"id": proposal_id}
    if params:
        query[LIST_KEY] = urlencode(params, doseq=True)
    return query


def card_url(proposal_id: str, params: dict[str, list[str]] | None = None) -> str:
    """A relative link to a card (see card_params)."""
    return f"./{PAGES['card'].url_path}?{urlencode(card_params(proposal_id, params))}"


def list_params_of_card() -> dict[str, list[str]]:
    """On a card: the list filter it came from (`list=`), or filter keys given directly in its URL."""
    packed = st.query_params.get(LIST_KEY)
    if packed:
        return {k: v for k, v in parse_qs(packed).items() if k in FILTER_KEYS}
    return {k: st.query_params.get_all(k) for k in FILTER_KEYS if st.query_params.get_all(k)}


CSS = """
<style>
[data-testid="stMainBlockContainer"]{padding-top:2.2rem}
.bt-tiles{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:.75rem;margin:.25rem 0 .75rem}
.bt-tile{border:1px solid rgba(128,128,128,.45);border-radius:.6rem;padding:.55rem .9rem}
.bt-tile-label{font-size:1rem;font-weight:600;opacity:.85}
.bt-tile-value{font-size:2.1rem;font-weight:700;line-height:1.25}
.bt-tile-sub{font-size:.95rem;opacity:.85}
.bt-list{list-style:none;padding-left:0;margin:0}
.bt-list li{margin:.2rem 0;line-height:1.5}
.bt-list a{text-decoration:none}
.bt-table{width:100%;border-collapse:collapse;font-size:1rem}
.bt-table th,.bt-table td{border-bottom:1px solid rgba(128,128,128,.35);padding:.35rem .5rem;text-align:left;
  vertical-align:top}
.bt-table td.num,.bt-table th.num{text-align:right;font-variant-numeric:tabular-nums}
.bt-muted{opacity:.75}
.bt-table td.id,.bt-table td.num,.bt-table td.city{white-space:nowrap}
.bt-table th{white-space:nowrap}
.bt-scroll-x{overflow-x:auto;max-width:100%}
.bt-tile-value{white-space:nowrap}
/* Tablets: two tiles a row. Phones: smaller numbers, and wide tables scroll sideways in their own box. */
@media (max-width:900px){.bt-tiles{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (max-width:640px){
  .bt-tile{padding:.45rem .7rem}
  .bt-tile-value{font-size:1.6rem}
}
/* The map's segmented controls wrap onto a second line instead of hiding options past the edge. */
[data-testid="stButtonGroup"]>div{flex-wrap:wrap}
.bt-links{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:1rem}
.bt-links a,.bt-list a{white-space:nowrap}
</style>
"""


def style() -> None:
    """The shared styles (tiles, lists, tables); call once near the top of a page."""
    st.markdown(CSS, unsafe_allow_html=True)
