"""Phones, tablets and the dark theme: nothing overlaps, nothing is cut off, everything reads.

Sizes from issue 8: 1280×720 shared screen, 1024×768 iPad, 390×844 phone. Measurements are taken
in the page with JS (element boxes, scroll widths, computed colours) inside Playwright's retrying
waits, so a chart or table that is still drawing gets time to settle.
"""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE, IPAD = (390, 844), (1024, 768)


def settled(page, check: str, report: str, timeout: int = 15_000):
    """Wait until the JS expression `check` is true; otherwise fail with what `report` measures."""
    try:
        page.wait_for_function(check, timeout=timeout)
    except PlaywrightTimeout:
        pytest.fail(f"{report}: {page.evaluate(report)}")


# Elements wider than the page, except those inside a box meant to scroll sideways (wide tables,
# Streamlit's data grid): the app's scroller [stMain] must never need a sideways scroll.
OVERFLOW = """(() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const scroller = e => { for (let p = e.parentElement; p && p !== main; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX; if (x === 'auto' || x === 'scroll' || x === 'hidden') return true; }
    return false; };
  const wide = [...main.querySelectorAll('*')].filter(e => {
      const r = e.getBoundingClientRect(); return r.width > 0 && r.right > innerWidth + 1 && !scroller(e); })
    .slice(0, 5).map(e => e.tagName + ' ' + (e.innerText || '').slice(0, 40));
  return {main: [main.scrollWidth, main.clientWidth], page: [document.scrollingElement.scrollWidth, innerWidth], wide};
})()"""
NO_OVERFLOW = (
    "(() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
    " return m.scrollWidth <= m.clientWidth && document.scrollingElement.scrollWidth <= innerWidth; })()"
)


# Text the i-th table's toolbar covers: line boxes of every text node in the main area outside the
# toolbar that intersect it, and whether it reaches into the table's own header row (drawn on canvas,
# so the table's top edge stands for it).
TOOLBAR_COVERS = """(table) => {
  const bar = table.querySelector('[data-testid="stElementToolbar"]').getBoundingClientRect();
  const meets = r => r.width > 0 && r.left < bar.right - 0.5 && r.right > bar.left + 0.5
                     && r.top < bar.bottom - 0.5 && r.bottom > bar.top + 0.5;
  const main = document.querySelector('[data-testid="stMain"]');
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const covered = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || table.contains(node)) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    if ([...range.getClientRects()].some(meets)) covered.push(node.textContent.trim().slice(0, 30));
  }
  const grid = table.getBoundingClientRect();
  return {covered, into_header: bar.bottom > grid.top + 0.5, bar: [bar.left, bar.top, bar.right, bar.bottom]};
}"""


def toolbar_covers_nothing(page, table) -> None:
    """Point at the table so that its toolbar shows, then measure what the toolbar covers."""
    table.evaluate("e => e.scrollIntoView({block: 'center'})")
    table.hover(position={"x": 10, "y": 10})
    expect(table.locator('[data-testid="stElementToolbar"] button').first).to_be_visible()
    # it slides into place: measure where it comes to rest
    table.evaluate("""e => Promise.all(e.querySelector('[data-testid="stElementToolbar"]')
                          .getAnimations({subtree: true}).map(a => a.finished))""")
    measured = table.evaluate(TOOLBAR_COVERS)
    assert measured["covered"] == [] and not measured["into_header"], measured


@pytest.mark.parametrize("viewport", [PHONE, IPAD], ids=["phone", "ipad"])
@pytest.mark.parametrize(
    "path",
    ["/?city=桃園市", "/groups?group=transport&year=112", "/card?id=112-J17", "/card?id=112-J02", "/map", "/proposals"],
)
def test_no_page_is_wider_than_the_screen(open_page, path, viewport):
    visit = open_page(path, viewport=viewport)
    assert not visit.exceptions()
    settled(visit.page, NO_OVERFLOW, OVERFLOW)


def test_wide_tables_scroll_sideways_in_their_own_box_and_their_toolbars_hide_no_text_on_a_phone(open_page):
    page = open_page("/?city=桃園市", viewport=PHONE).page
    # the city's proposals and its mutual aid: each list is still whole (wider than the phone), reachable
    # by scrolling its own box
    expect(page.locator('[data-testid="stDataFrame"] .dvn-scroller')).to_have_count(2, timeout=60_000)
    grids = "[...document.querySelectorAll('[data-testid=\"stDataFrame\"] .dvn-scroller')]"
    settled(
        page,
        f"""{grids}.every(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)
                          && e.scrollWidth > e.clientWidth && e.getBoundingClientRect().right <= innerWidth)""",
        f"{grids}.map(e => [getComputedStyle(e).overflowX, e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right])",
    )
    # Each table's toolbar (shown while the pointer is over the table) covers no text above the table
    # and none of the table's header row: at 390 px a note above filled the line the toolbar sat on.
    tables = page.locator('[data-testid="stDataFrame"]')
    for index in range(tables.count()):
        toolbar_covers_nothing(page, tables.nth(index))


def test_short_lists_show_every_row_without_scrolling_inside(open_page):
    page = open_page("/groups?group=transport&year=112").page
    expect(page.locator('[data-testid="stDataFrame"] .dvn-scroller')).to_have_count(1, timeout=60_000)
    grid = "document.querySelector('[data-testid=\"stDataFrame\"] .dvn-scroller')"
    settled(
        page,
        f"{grid}.scrollHeight <= {grid}.clientHeight + 1 && {grid}.clientHeight > 8 * 30",
        f"[{grid}.scrollHeight, {grid}.clientHeight]",
    )


def test_headline_numbers_stay_on_one_line_on_a_phone_and_an_ipad(open_page):
    page = open_page("/", viewport=PHONE).page
    values = page.locator(".bt-tile-value")
    expect(values.first).to_be_visible()
    check = """(() => [...document.querySelectorAll('.bt-tile-value')].every(e => {
        const r = e.getBoundingClientRect(), line = parseFloat(getComputedStyle(e).lineHeight);
        return r.height < line * 1.5 && r.right <= innerWidth && e.scrollWidth <= e.clientWidth; }))()"""
    report = """[...document.querySelectorAll('.bt-tile-value')].map(e => [e.innerText,
        Math.round(e.getBoundingClientRect().height), getComputedStyle(e).lineHeight, e.scrollWidth, e.clientWidth])"""
    settled(page, check, report)
    # at 1024 with the sidebar open four tiles a row left 「0／55 案」 running past its tile
    page.set_viewport_size({"width": IPAD[0], "height": IPAD[1]})
    expect(page.locator('[data-testid="stSidebar"]')).to_be_in_viewport()
    settled(page, check, report)


@pytest.mark.parametrize("viewport", [PHONE, IPAD], ids=["phone", "ipad"])
def test_the_cards_eight_city_grid_does_not_overlap(open_page, viewport):
    page = open_page("/card?id=112-J17", viewport=viewport).page
    expect(page.locator(".bt-grid .bt-box")).to_have_count(8)
    check = """(() => { const boxes = [...document.querySelectorAll('.bt-grid .bt-box')].map(e => e.getBoundingClientRect());
      const cell = document.querySelector('.bt-grid').closest('td').getBoundingClientRect();
      const apart = (a, b) => a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
      // a grid cell's box is its track: content spilling past it (nowrap names) shows in scrollWidth
      const spill = [...document.querySelectorAll('.bt-grid .bt-box')].some(e => e.scrollWidth > e.clientWidth + 1);
      return !spill && boxes.every((a, i) => a.left >= cell.left && a.right <= cell.right + 0.5
                                   && boxes.every((b, j) => i === j || apart(a, b))); })()"""
    report = """[...document.querySelectorAll('.bt-grid .bt-box')].map(e => { const r = e.getBoundingClientRect();
      return [e.innerText, Math.round(r.left), Math.round(r.right), Math.round(r.top), e.scrollWidth, e.clientWidth]; })"""
    settled(page, check, report)


def test_card_neighbour_links_show_the_whole_id_on_an_ipad(open_page):
    page = open_page("/card?id=112-J02", viewport=IPAD).page
    labels = page.locator('[data-testid="stPageLink-NavLink"] p').filter(has_text=re.compile("^[上下]一案 112-"))
    expect(labels).to_have_count(2)
    for label in labels.all():  # the whole id is drawn, none of it hidden behind an ellipsis
        assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), label.inner_text()


def test_every_map_metric_and_the_whole_pair_table_are_reachable_on_an_ipad(open_page):
    page = open_page("/map", viewport=IPAD).page
    # The pairs' table at the foot shows every column, 合計 among them, without scrolling sideways
    # (at 1024 it was cut after 轉報, and 合計, which orders it, was the column cut)
    table = page.locator('[data-testid="stDataFrame"]').first
    expect(table.locator(".dvn-scroller")).to_be_attached()
    expect(table.locator('[role="columnheader"]').filter(has_text="合計")).to_have_count(1)
    grid = "document.querySelector('[data-testid=\"stDataFrame\"] .dvn-scroller')"
    settled(
        page,
        f"{grid}.scrollWidth <= {grid}.clientWidth && {grid}.getBoundingClientRect().right <= innerWidth",
        f"[{grid}.scrollWidth, {grid}.clientWidth, {grid}.getBoundingClientRect().right, innerWidth]",
    )
    relay = page.get_by_role("radio", name="轉報", exact=True)
    expect(relay).to_be_visible()
    # fully inside the window, and what sits at its centre is the option itself (not clipped away)
    check = """(() => { const b = [...document.querySelectorAll('[role=radio]')].find(e => e.innerText.trim() === '轉報');
      const r = b.getBoundingClientRect(); const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
      return r.left >= 0 && r.right <= innerWidth && r.top >= 0 && b.contains(hit); })()"""
    report = """(() => { const b = [...document.querySelectorAll('[role=radio]')].find(e => e.innerText.trim() === '轉報');
      const r = b.getBoundingClientRect(); const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
      return [r.left, r.right, innerWidth, hit && hit.outerHTML.slice(0, 80)]; })()"""
    settled(page, check, report)
    relay.click()
    expect(page).to_have_url(re.compile("metric=relay"))


@pytest.mark.parametrize("viewport", [PHONE, IPAD], ids=["phone", "ipad"])
def test_od_matrix_city_names_are_not_cut_off(open_page, viewport):
    page = open_page("/map", viewport=viewport).page
    page.locator('[data-testid="stPlotlyChart"]').scroll_into_view_if_needed()  # drawn once in view
    expect(page.locator('[data-testid="stPlotlyChart"] .ytick text')).to_have_count(8, timeout=20_000)
    expect(page.locator('[data-testid="stPlotlyChart"] .xtick text')).to_have_count(8)
    check = """(() => { const chart = document.querySelector('[data-testid="stPlotlyChart"] .main-svg').getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid="stPlotlyChart"] .xtick text, [data-testid="stPlotlyChart"] .ytick text')]
        .every(t => { const r = t.getBoundingClientRect();
          return r.width > 0 && r.left >= chart.left - 0.5 && r.right <= chart.right + 0.5 && r.top >= chart.top - 0.5; }); })()"""
    report = """(() => { const chart = document.querySelector('[data-testid="stPlotlyChart"] .main-svg').getBoundingClientRect();
      return [[chart.left, chart.right, chart.top], ...[...document.querySelectorAll('[data-testid="stPlotlyChart"] .ytick text')]
        .map(t => { const r = t.getBoundingClientRect(); return [t.textContent, Math.round(r.left), Math.round(r.right)]; })]; })()"""
    settled(page, check, report)


# --- dark theme ----------------------------------------------------------------------------------
# WCAG contrast of an element's text against what is behind it: the first opaque background up the
# tree, the text colour faded by its own alpha and every ancestor's opacity (muted notes use opacity).
CONTRAST = """(sel) => {
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = e => { for (let p = e; p; p = p.parentElement) { const c = rgba(getComputedStyle(p).backgroundColor);
      if (c[3] > 0.5) return c; } return [255, 255, 255, 1]; };
  return [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length && e.textContent.trim()).map(e => {
    const cs = getComputedStyle(e); const fill = e instanceof SVGElement ? cs.fill : cs.color;
    let [r, g, b, a] = rgba(fill);
    for (let p = e; p; p = p.parentElement) a *= parseFloat(getComputedStyle(p).opacity);
    const bg = background(e); const fg = [0, 1, 2].map(i => [r, g, b][i] * a + bg[i] * (1 - a));
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return [e.textContent.trim().slice(0, 20), Math.round((hi + 0.05) / (lo + 0.05) * 100) / 100, lum(bg)]; });
}"""


def contrasts(page, selector: str) -> list:
    expect(page.locator(f"{selector} >> visible=true").first).to_be_visible()
    return page.evaluate(CONTRAST, selector)


# Data frames are drawn on a canvas: the most common pixel is the background, the farthest from it
# the text (glyph strokes reach the text colour).
GRID_CONTRAST = """() => [...document.querySelectorAll('[data-testid="stDataFrame"] canvas[data-testid="data-grid-canvas"]')]
  .map(c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const lum = k => { const f = x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(k >> 16) + 0.7152 * f((k >> 8) & 255) + 0.0722 * f(k & 255); };
    const counts = new Map();
    for (let i = 0; i < d.length; i += 4) { const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2]; counts.set(k, (counts.get(k) || 0) + 1); }
    const bg = lum([...counts.entries()].sort((a, b) => b[1] - a[1])[0][0]);
    const best = Math.max(...[...counts.keys()].map(k => { const l = lum(k); return l > bg ? (l + 0.05) / (bg + 0.05) : (bg + 0.05) / (l + 0.05); }));
    return [c.width, Math.round(best * 100) / 100, bg]; })"""


def assert_grids_dark_and_readable(page, count: int):
    grids = page.locator('[data-testid="stDataFrame"] canvas[data-testid="data-grid-canvas"]')
    expect(grids).to_have_count(count, timeout=60_000)
    grids.first.scroll_into_view_if_needed()
    settled(
        page,
        f"({GRID_CONTRAST})().every(([width, best, bg]) => width > 0 && bg < 0.05 && best >= 4.5)",
        f"({GRID_CONTRAST})()",
    )


def assert_dark_and_readable(page, selectors: list[str]):
    app_bg = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor")
    for selector in selectors:
        measured = contrasts(page, selector)
        assert measured, selector
        assert all(bg < 0.05 for _, _, bg in measured), f"not dark ({app_bg}): {selector} {measured[:3]}"
        poor = [m for m in measured if m[1] < 4.5]
        assert not poor, f"{selector}: contrast below 4.5: {poor[:5]}"


def test_dark_preference_gives_a_dark_readable_overview(open_page):
    page = open_page("/?city=桃園市", viewport=PHONE, color_scheme="dark").page
    assert_dark_and_readable(page, [".bt-tile-label", ".bt-tile-value", ".bt-tile-sub", "h1"])
    assert_grids_dark_and_readable(page, 2)  # the city's proposals and its mutual aid


def test_dark_preference_gives_a_readable_card(open_page):
    page = open_page("/card?id=112-J17", color_scheme="dark").page
    assert_dark_and_readable(page, [".bt-card th", ".bt-card td", ".bt-box", ".bt-card-title", ".bt-card-meta"])


def test_dark_preference_gives_readable_group_list(open_page):
    page = open_page("/groups?group=transport&year=112", viewport=IPAD, color_scheme="dark").page
    assert_grids_dark_and_readable(page, 1)


def test_dark_preference_gives_a_readable_groups_overview(open_page):
    page = open_page("/groups", viewport=IPAD, color_scheme="dark").page
    assert_grids_dark_and_readable(page, 1)


def test_dark_preference_gives_a_readable_map_legend_and_matrix(open_page):
    page = open_page("/map", viewport=IPAD, color_scheme="dark").page
    page.locator('[data-testid="stPlotlyChart"]').scroll_into_view_if_needed()  # drawn once in view
    expect(page.locator('[data-testid="stPlotlyChart"] .ytick text')).to_have_count(8, timeout=20_000)
    assert_dark_and_readable(
        page,
        [
            '[data-testid="stMarkdownContainer"] div[style*="opacity"]',
            '[data-testid="stPlotlyChart"] .ytick text',
            '[data-testid="stPlotlyChart"] .xtick text',
        ],
    )


def test_light_preference_keeps_the_light_theme(open_page):
    page = open_page("/", color_scheme="light").page
    bg = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor")
    assert bg == "rgb(255, 255, 255)", bg
