"""Each page and three cards opened by URL as the first request of a fresh browser context."""

import re

import pytest

from tests.browser.conftest import expect, finished

pytestmark = pytest.mark.browser

NAV = ["總覽", "議題組", "提案列表", "提案單", "跨區支援地圖", "副首長會議"]


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/", ["各議題組提案狀態", "待辦與待決事項", "縣市視角", "42 案"]),
        ("/?city=桃園市", ["主辦提案", "254 件", "111-10"]),
        ("/groups", ["議題組", "新北市政府交通局", "工作會議時間軸"]),
        ("/groups?group=transport&year=112", ["交通運輸組", "提案（112年度，8 案）", "112-C04"]),
        ("/groups?group=nope", ["網址中的議題組「nope」不存在"]),
        ("/proposals", ["提案列表", "符合條件：55 案"]),
        ("/proposals?group=交通運輸組&year=112", ["符合條件：8 案"]),
        ("/proposals?q=不存在的字串xyz", ["沒有符合條件的提案"]),
        ("/card?id=112-J02", ["跨縣市高中職賃居生安全維護合作方案", "具體作法", "部分縣市"]),
        ("/card?id=112-J17", ["跨區通報支援", "跨區救災救護支援及轉報統計"]),
        ("/card?id=111-13&year=111", ["會議資料未附提案單", "持續列管原因"]),
        ("/card?id=999-Z99", ["網址中的提案編號「999-Z99」不存在"]),
        ("/card", ["請選擇一個提案"]),
    ],
)
def test_page_opens_from_its_url(open_page, path, expected):
    visit = open_page(path)
    visit.shows(*expected)
    nav = visit.page.locator('[data-testid="stSidebarNav"]')
    for label in NAV:
        expect(nav).to_contain_text(label)
    assert visit.exceptions() == []
    assert visit.outside == []


def test_card_prints_without_navigation(open_page):
    visit = open_page("/card?id=112-J02")
    page = visit.page
    back = page.get_by_text("回到提案列表")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(page.locator("table.bt-card").first).to_be_visible(timeout=60_000)
    expect(back).to_be_visible()  # on screen first, so "hidden" below is not vacuous
    expect(sidebar).to_be_visible()
    page.emulate_media(media="print")
    expect(sidebar).to_be_hidden()
    expect(back).to_be_hidden()
    expect(page.locator("table.bt-card").first).to_be_visible()


def test_selecting_a_row_opens_its_card_and_back_keeps_the_filter(open_page):
    visit = open_page("/proposals?group=交通運輸組&year=112")
    page = visit.page
    visit.shows("符合條件：8 案")
    # The grid is drawn on a canvas (no row elements to click), so select by keyboard: focusing the
    # grid puts the cursor on the first row; two rows down is the third; Shift+Space selects the row.
    page.get_by_test_id("data-grid-canvas").focus()
    for key in ("ArrowDown", "ArrowDown", "Shift+Space"):
        page.keyboard.press(key)
    title = page.locator(".bt-card-title").first
    expect(title).to_contain_text("112-C03", timeout=60_000)
    visit.shows("第 3／8 案（目前篩選）")
    assert visit.exceptions() == []
    page.get_by_text("回到提案列表").click()
    finished(page, "符合條件：8 案")
    expect(page).to_have_url(re.compile(r"/proposals\?(?=.*\byear=112)(?=.*\bgroup=)"))


def test_group_link_on_home_opens_the_group(open_page):
    visit = open_page("/")
    visit.page.locator('a[href="./groups?group=transport"]').click()
    finished(visit.page, "主辦機關")
    visit.shows("交通運輸組")


def test_a_tables_own_toolbar_offers_no_download(open_page):
    """Streamlit's 「Download as CSV」 wrote English headers, ./card?id= links and formulas as typed:
    .streamlit/config.toml's client.disableDataExport hides it; search and fullscreen stay."""
    visit = open_page("/proposals")
    visit.shows("符合條件：55 案")
    visit.main.locator('[data-testid="stDataFrame"]').first.hover()
    buttons = visit.main.locator('[data-testid="stElementToolbar"] button')
    expect(buttons.first).to_be_visible()
    labels = [b.get_attribute("aria-label") or b.inner_text() for b in buttons.all()]
    assert len(labels) >= 2 and not any(re.search("download|下載|csv", label, re.I) for label in labels), labels
