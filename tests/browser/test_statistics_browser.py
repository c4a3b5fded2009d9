"""統計登錄 and the map's periods in Chromium, at 1280×720 and 390×844: a reader is asked to sign in
(once, at 1280×720); the signed-in secretariat sees the 8×8 grid of each metric with its totals (the
page itself not wider than the screen); the map of a year with two periods shows the latest and
compares it with data/'s, per pair and per city. No fixed waits: every check is a retrying `expect`.
Screenshots go to STATISTICS_SHOTS when it is set. A figure typed into one cell of the canvas grid
(keyboard: the grid takes focus on its first cell, the arrows move to the cell, digits open its
editor, Enter writes it) is saved as the next version and listed in the history."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from dashboard.domain import statistics, vocab
from dashboard.domain.permissions import Actor
from tests.browser.conftest import DONE, EXCEPTION, MAIN, RUN_TIMEOUT, store_server, visit_signed_in

pytestmark = pytest.mark.browser

SECRETARIAT = "祕書甲"
SHOTS = os.environ.get("STATISTICS_SHOTS")
VIEWPORTS = [(1280, 720), (390, 844)]
CITIES = ["宜蘭縣", "基隆市", "臺北市", "新北市", "桃園市", "新竹縣", "新竹市", "苗栗縣"]


def _second_half(session) -> None:
    statistics.add_mutual_aid_period(
        session,
        actor=Actor(name=SECRETARIAT, role=vocab.SECRETARIAT),
        proposal_id="112-J17",
        period=statistics.Period.from_token("2023-07-01~2023-12-31"),
        grids={"relay": {"臺北市": {"新北市": 1100}, "新北市": {"臺北市": 700}}, "fire": {"臺北市": {"新北市": 4}}},
        reason="112年下半年",
    )


@pytest.fixture(scope="module")
def stats_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("statistics")
    people = [(SECRETARIAT, vocab.SECRETARIAT, [])]
    with store_server(folder, people=people, prepare=_second_half) as (url, engine):
        yield url, engine


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))
        page.screenshot(path=str(Path(SHOTS) / f"{name}-full.png"), full_page=True)


def _not_wider_than(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_reader_is_asked_to_sign_in(tab, stats_server):
    visit = tab.visit(f"{stats_server[0]}/statistics")
    expect(visit.main).to_contain_text("請先以議題組窗口或祕書處帳號登入", timeout=RUN_TIMEOUT)
    expect(visit.main.get_by_role("button", name="登入")).to_be_visible()
    _settled(visit.page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_secretariat_sees_each_metrics_grid_with_its_totals(tab, stats_server, viewport):
    url, engine = stats_server
    page = visit_signed_in(tab, engine, url, "statistics", SECRETARIAT, viewport=viewport).page
    main = page.locator(MAIN)
    expect(main.get_by_role("tab", name="轉報")).to_be_visible(timeout=RUN_TIMEOUT)
    _settled(page)
    grid = main.locator('[data-testid="stDataFrame"]').locator("visible=true").first
    headers = grid.locator('[role="columnheader"]')
    expect(headers.first).to_have_text("請求＼支援", timeout=RUN_TIMEOUT)
    if viewport[0] >= 1280:  # the whole grid fits: the index, the eight cities, the row total
        expect(headers).to_have_count(10, timeout=RUN_TIMEOUT)
        assert [headers.nth(i).inner_text() for i in range(10)] == ["請求＼支援", *CITIES, "列合計（選填）"]
    expect(grid.locator('[role="gridcell"]', has_text="欄合計（選填）")).to_have_count(1)
    grid.scroll_into_view_if_needed()
    _shot(page, f"statistics-{viewport[0]}x{viewport[1]}")
    _not_wider_than(page, viewport[0])


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_map_compares_the_latest_period_with_datas(tab, stats_server, viewport):
    url, _ = stats_server
    page = tab.visit(f"{url}/map?compare=2023-01-01~2023-06-30", viewport=viewport).page
    main = page.locator(MAIN)
    expect(main).to_contain_text("統計區間：112年7月1日至112年12月31日", timeout=RUN_TIMEOUT)
    _settled(page)
    heading = main.get_by_text("各縣市的增減（合計）")
    expect(heading).to_be_visible(timeout=RUN_TIMEOUT)
    heading.scroll_into_view_if_needed()
    changes = main.locator('[data-testid="stDataFrame"]').last
    expect(changes.locator('[role="gridcell"]', has_text="臺北市").first).to_be_attached(timeout=RUN_TIMEOUT)
    _shot(page, f"map-compare-{viewport[0]}x{viewport[1]}")
    _not_wider_than(page, viewport[0])


def test_a_figure_typed_into_the_grid_is_saved_as_the_next_version(tab, stats_server):
    url, engine = stats_server
    page = visit_signed_in(tab, engine, url, "statistics", SECRETARIAT).page
    main = page.locator(MAIN)
    expect(main.get_by_role("tab", name="火警")).to_be_visible(timeout=RUN_TIMEOUT)
    _settled(page)
    main.get_by_role("combobox", name="統計區間").click()
    page.get_by_role("option", name="更正 112年7月1日至112年12月31日（第 1 版）").click()
    expect(main).to_contain_text("目前為第 1 版", timeout=RUN_TIMEOUT)
    _settled(page)
    grid = main.locator('[data-testid="stDataFrame"]').locator("visible=true").first  # 火警's
    grid.scroll_into_view_if_needed()
    grid.locator('[data-testid="data-grid-canvas"]').focus()
    expect(grid.locator("#glide-cell-0-0")).to_have_attribute("aria-selected", "true")
    for key in ["ArrowRight"] * 5 + ["ArrowDown"] * 2:  # column 5 桃園市 (0 is the index), row 2 臺北市
        page.keyboard.press(key)
    cell = grid.locator("#glide-cell-5-2")
    expect(cell).to_have_attribute("aria-selected", "true")
    expect(cell).to_have_text("")
    page.keyboard.type("7")  # opens the cell's editor (an overlay over the canvas) holding it
    editor = page.locator("textarea.gdg-input")
    expect(editor).to_have_value("7")
    page.keyboard.press("Enter")
    expect(editor).to_have_count(0)
    expect(cell).to_have_text("7")
    main.get_by_role("textbox", name="原因（選填）").fill("臺北市補報")
    main.get_by_role("button", name="儲存").click()
    expect(main).to_contain_text(
        "已儲存提案 112-J17 的跨區救災救護支援（112年7月1日至112年12月31日）：第 2 版，記錄者「祕書甲」。",
        timeout=RUN_TIMEOUT,
    )
    _settled(page)
    history = main.locator('[data-testid="stDataFrame"]').last
    expect(history.locator('[role="gridcell"]', has_text="臺北市→桃園市 火警：（空白） → 7")).to_have_count(1)
    expect(history.locator('[role="gridcell"]', has_text="第 2 版")).to_have_count(1)
    with Session(engine) as s:
        (latest, *_) = statistics.history(
            s, "112-J17", statistics.MUTUAL_AID, statistics.Period.from_token("2023-07-01~2023-12-31")
        )
        assert (latest.version, latest.recorded_by, latest.reason) == (2, SECRETARIAT, "臺北市補報")
        assert latest.changes == [  # a pair with one metric typed is reported, the others as 0
            {"field": f"臺北市→桃園市 {metric}", "old": None, "new": value}
            for metric, value in (("火警", 7), ("救護", 0), ("轉報", 0))
        ]
