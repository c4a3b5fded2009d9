"""Shared look: the page CSS, and markup from the Jinja2 templates in templates/ (autoescaped): status chips, tiles."""

import html
import re
from pathlib import Path

import jinja2
import markupsafe
import streamlit as st

from dashboard.domain import vocab
from pages.shared import chrome_text

# --- Page markup from Jinja2 templates (pages/shared/templates/), autoescaped: store text needs no esc() there.

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def _joined_lines(name: str):
    """A template's source with its line breaks and indentation dropped: Streamlit's markdown would
    end an HTML block at a blank line and show indented lines as code. Values' own line breaks
    become <br> (_lines_as_breaks), so that a rendered template is always one line."""
    path = TEMPLATE_DIR / name
    source = "".join(line.strip(" \t") for line in path.read_text(encoding="utf-8").splitlines())
    return source, str(path), lambda: True


# A line ending as CommonMark counts one: a blank line ends an HTML block, and whatever follows is
# markdown again (an image from another site, fetched by every viewer, or a link).
LINE_ENDING = re.compile(r"\r\n|\r|\n")


def esc(text) -> str:
    """Store or user text for unsafe_allow_html markup: escaped, its line breaks as <br>. Inside an
    HTML block (markup that starts with a <div>, as every such element here does) it then shows
    literally: no blank line can end the block and let markdown render."""
    return LINE_ENDING.sub("<br>", html.escape("" if text is None else str(text)))


def _lines_as_breaks(value):
    """Jinja's finalize: a text value with line breaks is shown with <br> (escaped, as autoescape
    would); markup from macros and every other value pass unchanged."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup) and LINE_ENDING.search(value):
        return markupsafe.Markup(esc(value))
    return value


TEMPLATES = jinja2.Environment(
    loader=jinja2.FunctionLoader(_joined_lines),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    finalize=_lines_as_breaks,
)
TEMPLATES.globals.update(
    grey=vocab.NEUTRAL_COLOR,
    undecided=vocab.UNDECIDED,
    tracking_colors=vocab.TRACKING_COLORS,
    progress_colors=vocab.PROGRESS_COLORS,
    resolution_colors=vocab.RESOLUTION_COLORS,
    risk_colors=vocab.RISK_COLORS,
    risk_label=vocab.risk_label,
    stale_label=vocab.STALE,
)


def render(template: str, **values) -> str:
    """HTML from one of pages/shared/templates/, for st.markdown(..., unsafe_allow_html=True)."""
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


def risk_chip(light: str | None, stale: bool = False) -> str:
    """The risk light's chip (紅（需副首長協調）, or 未評估), with 「⚠ 本季未更新」 when stale."""
    return str(_chips().risk_chip(light, stale))


def resolution_chip(resolution: str | None) -> str:
    """The resolution's chip, or 未決議 when there is none (None, or NaN from a frame column)."""
    return str(_chips().resolution_chip(resolution))


def tiles(items: list[tuple[str, str, str]]) -> str:
    """Headline tiles as markup: (label, value, sub-line); wraps instead of clipping long labels."""
    return str(TEMPLATES.get_template("overview.html.j2").module.tiles(items))


CSS = """
<style>
[data-testid="stMainBlockContainer"]{padding-top:2.2rem}
.bt-tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(11.5rem,1fr));gap:.75rem;margin:.25rem 0 .75rem}
.bt-tile{border:1px solid rgba(128,128,128,.45);border-radius:.6rem;padding:.55rem .9rem}
.bt-tile-label{font-size:1rem;font-weight:600;opacity:.85}
.bt-tile-value{font-size:2.1rem;font-weight:700;line-height:1.25}
.bt-tile-sub{font-size:.95rem;opacity:.85}
.bt-list{list-style:none;padding-left:0;margin:0}
.bt-list li{margin:.2rem 0;line-height:1.5}
/* A link among text is underlined, not told apart by its colour alone (WCAG 1.4.1). */
.bt-list a{text-decoration:underline}
.bt-table{width:100%;border-collapse:collapse;font-size:1rem}
.bt-table th,.bt-table td{border-bottom:1px solid rgba(128,128,128,.35);padding:.35rem .5rem;text-align:left;
  vertical-align:top}
.bt-table td.num,.bt-table th.num{text-align:right;font-variant-numeric:tabular-nums}
.bt-muted{opacity:.75}
.bt-table td.id,.bt-table td.num,.bt-table td.city{white-space:nowrap}
.bt-table th{white-space:nowrap}
/* A wide table scrolls in its own box, which takes the keyboard focus (tabindex in the template), so that
   arrow keys scroll it too (WCAG 2.1.1). */
.bt-scroll-x{overflow-x:auto;max-width:100%}
.bt-tile-value{white-space:nowrap}
/* As many tiles a row as the main area holds at 11.5rem each (four at 1280, two at 1024 with the
   sidebar open, where four left 「0／55 案」 running past its tile). Phones: two a row, smaller numbers. */
@media (max-width:640px){
  .bt-tiles{grid-template-columns:repeat(2,minmax(0,1fr))}
  .bt-tile{padding:.45rem .7rem}
  .bt-tile-value{font-size:1.6rem}
}
/* A table's toolbar (show columns, download, search, full screen) sits 44 px above the table's top
   edge, over whatever is there: room for it, so that it never covers a heading or note above. */
[data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"] > [data-testid="stDataFrame"]){
  margin-top:1.75rem}
/* The map's segmented controls wrap onto a second line instead of hiding options past the edge. */
[data-testid="stButtonGroup"]>div{flex-wrap:wrap}
/* A chosen option of a segmented control or pills: Streamlit writes it in the theme's blue, which no blue can
   make readable on both its tint in the dark theme and under white text on primary buttons (WCAG 1.4.3).
   It keeps the blue frame and tint, and its words take the text colour, in bold. */
[data-testid="stButtonGroup"] button[data-selected="true"]{color:inherit !important;font-weight:600}
.bt-links{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:1rem}
.bt-links a,.bt-list a{white-space:nowrap}
</style>
"""


# Visible keyboard focus on every control, in both themes: a dark ring inside a yellow outline
# (fixed CSS, no user text). Radio and checkbox inputs are visually hidden, so their label shows it.
FOCUS_CSS = """<style>
a:focus-visible, button:focus-visible, summary:focus-visible, input:focus-visible, textarea:focus-visible,
[role="button"]:focus-visible, [tabindex]:focus-visible,
label:has(input[type="radio"]:focus-visible), label:has(input[type="checkbox"]:focus-visible),
[data-baseweb="select"] > div:has(input:focus-visible) {
  outline: 3px solid #ffd400 !important; outline-offset: 2px !important;
  box-shadow: 0 0 0 2px #111111 !important; }
/* The main area takes the focus too (Tab, the skip link) so that arrow keys scroll it: its frame is drawn
   inside the window's edges, where it shows (outside them, it was off screen). */
[data-testid="stMain"]:focus-visible { outline-offset: -3px !important; box-shadow: none !important; }
</style>"""


def style() -> None:
    """The shared styles (tiles, lists, tables), the visible keyboard focus and Streamlit's own
    English words in Chinese (pages/shared/chrome_text.py); call once near the top of every page."""
    # One element: each costs run time (and the script one line of the page's gaps)
    st.html(CSS + FOCUS_CSS + chrome_text.script(), unsafe_allow_javascript=True, width="content")
