"""Each page and three cards opened by URL as the first request of a fresh browser context."""
import pytest

pytestmark = pytest.mark.browser

NAV = ["總覽", "議題組", "提案列表", "提案單", "跨區支援地圖", "副首長會議"]


def nav_text(visit) -> str:
    return visit.page.locator('[data-testid="stSidebarNav"]').inner_text()


@pytest.mark.parametrize("path, expected", [
    ("/", ["各議題組提案狀態", "待辦與待決事項", "縣市視角", "42 案"]),
    ("/?city=桃園市", ["主辦提案", "254 件", "111-10"]),
    ("/groups", ["議題組", "新北市政府交通局", "工作會議時間軸"]),
    ("/groups?group=transport&year=112", ["交通運輸組", "提案（112年度，8 案）", "112-C04"]),
    ("/groups?group=nope", ["找不到議題組"]),
    ("/proposals", ["提案列表", "符合條件：55 案"]),
    ("/proposals?group=交通運輸組&year=112", ["符合條件：8 案"]),
    ("/proposals?q=不存在的字串xyz", ["沒有符合條件的提案"]),
    ("/card?id=112-J02", ["跨縣市高中職賃居生安全維護合作方案", "具體作法", "部分縣市"]),
    ("/card?id=112-J17", ["跨區通報支援", "跨區救災救護支援及轉報統計"]),
    ("/card?id=111-13&year=111", ["會議資料未附提案單", "持續列管原因"]),
    ("/card?id=999-Z99", ["找不到編號"]),
    ("/card", ["請選擇一個提案"]),
])
def test_page_opens_from_its_url(open_page, path, expected):
    visit = open_page(path)
    assert visit.exceptions() == []
    text = visit.text()
    for snippet in expected:
        assert snippet in text, snippet
    nav = nav_text(visit)
    assert all(label in nav for label in NAV)
    assert visit.outside == []


def test_card_prints_without_navigation(open_page):
    visit = open_page("/card?id=112-J02")
    visit.page.emulate_media(media="print")
    assert not visit.page.locator('[data-testid="stSidebar"]').is_visible()
    assert visit.page.locator("table.bt-card").first.is_visible()
    assert not visit.page.get_by_text("回到提案列表").is_visible()


def test_selecting_a_row_opens_its_card_and_back_keeps_the_filter(open_page):
    visit = open_page("/proposals?group=交通運輸組&year=112")
    page = visit.page
    grid = page.locator('[data-testid="stDataFrame"]').bounding_box()
    page.mouse.click(grid["x"] + 16, grid["y"] + 35 + 35 * 2 + 17)  # row marker of the third row
    page.locator("table.bt-card").first.wait_for(timeout=30_000)
    assert visit.exceptions() == []
    assert "112-C03" in page.locator(".bt-card-title").first.inner_text()
    assert "第 3／8 案（目前篩選）" in visit.text()
    page.get_by_text("回到提案列表").click()
    page.get_by_text("符合條件：8 案").wait_for(timeout=30_000)
    assert visit.exceptions() == []


def test_group_link_on_home_opens_the_group(open_page):
    visit = open_page("/")
    visit.page.locator('a[href="./groups?group=transport"]').click()
    visit.page.get_by_text("主辦機關").wait_for(timeout=30_000)
    assert "交通運輸組" in visit.text() and visit.exceptions() == []
