"""The lead units' editor (提案單位) of the card's edit form and of 新增提案, in one signed-in page:
a row the user adds shows empty cells, not 「None」; on a phone both columns, 縣市 first, fit the screen.

The grid draws its cells on a canvas; the text of a cell is read from the grid's accessible table
where it has one, and an empty cell is checked in the picture (no glyph drawn in it)."""

import io

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.domain import vocab
from pages.shared import tables
from tests.browser.conftest import DONE, EXCEPTION, LOCAL, MAIN, RUN_TIMEOUT, SIGN_IN_PASSWORD, expect, store_server

pytestmark = pytest.mark.browser

SECRETARIAT = "祕書甲"
PROPOSAL = "112-J02"  # one lead unit: 新北市 新北市政府教育局
ROW = 35  # px: the grid's header and row height


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with store_server(tmp_path_factory.mktemp("leads"), people=[(SECRETARIAT, vocab.SECRETARIAT, ())]) as (url, _):
        yield url


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _cells(editor) -> list[list[str]]:
    """The editor's body rows as the grid's accessible table gives them."""
    return editor.evaluate(
        "e => [...e.querySelectorAll('tbody tr')].map(r => [...r.querySelectorAll('td')].map(c => c.textContent))"
    )


def _ink(pixels: np.ndarray) -> np.ndarray:
    """Where something is drawn on a grey picture of plain background: far from its median."""
    return np.abs(pixels - np.median(pixels)) > 40


def _unit_cell_ink(page, box: dict) -> int:
    """Drawn pixels where the unit cell of the editor's second row holds its text. The column's
    left edge is found in the picture: where the header's second title (icon and 單位) begins."""
    pixels = np.asarray(Image.open(io.BytesIO(page.screenshot(clip=box))).convert("L")).astype(int)
    columns = np.flatnonzero(_ink(pixels[8 : ROW - 8]).any(axis=0))
    starts = columns[np.insert(np.diff(columns) > 30, 0, True)]  # the first inked column of each title
    assert len(starts) >= 2, f"two column titles expected in the header, found ink at {starts}"
    unit = pixels[ROW * 2 + 6 : ROW * 3 - 6, starts[1] - 2 : starts[1] + 60]
    return int(_ink(unit).sum())


def test_a_new_lead_unit_row_shows_empty_cells_and_a_phone_shows_both_columns(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-TW")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page = context.new_page()
    try:
        page.goto(f"{site}/card?id={PROPOSAL}")
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_label("帳號").fill(SECRETARIAT)
        sidebar.get_by_label("密碼").fill(SIGN_IN_PASSWORD)
        sidebar.get_by_role("button", name="登入").click()
        expect(page.get_by_role("button", name="儲存修改")).to_be_visible(timeout=RUN_TIMEOUT)
        _settled(page)

        # the card's form: add a row by clicking the grid's empty last row
        editor = page.locator(MAIN).locator('[data-testid="stDataFrame"]').filter(has_text="單位").first
        editor.evaluate("e => e.scrollIntoView({block: 'center'})")
        expect(editor.locator("tbody tr")).to_have_count(1)
        assert _cells(editor)[0][:2] == ["新北市", "新北市政府教育局"]
        box = editor.bounding_box()
        page.mouse.click(box["x"] + 60, box["y"] + ROW * 2 + ROW / 2)  # the row after the one there
        expect(editor.locator("tbody tr")).to_have_count(2)
        page.keyboard.press("Escape")
        assert _cells(editor)[1][0] == tables.NO_CITY  # the city not chosen yet, said in words
        # the unit cell of the new row: nothing drawn in it (Streamlit drew 「None」 in grey there)
        assert _unit_cell_ink(page, box) == 0, "text drawn in the new row's empty unit cell"

        # 新增提案 on a phone: the whole editor fits the screen, so 縣市 is in view
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{site}/new")
        expect(page.get_by_role("button", name="送出新增")).to_be_visible(timeout=RUN_TIMEOUT)
        _settled(page)
        editor = page.locator(MAIN).locator('[data-testid="stDataFrame"]').first
        expect(editor.locator('[role="columnheader"]')).to_have_text(["縣市", "單位"])
        measure = """e => { const s = e.querySelector('.dvn-scroller');
            return [s.scrollWidth, s.clientWidth, e.getBoundingClientRect().right, innerWidth]; }"""
        try:  # the grid lays out its columns after it is attached: wait for it to fit
            page.wait_for_function(
                f"e => {{ const [wide, room, right, screen] = ({measure})(e); return wide <= room && right <= screen; }}",
                arg=editor.element_handle(),
                timeout=15_000,
            )
        except PlaywrightTimeout:
            pytest.fail(f"the lead units' editor is wider than the phone: {editor.evaluate(measure)}")
    finally:
        context.close()
