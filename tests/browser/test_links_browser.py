"""Links keep their place: the address bar always shows what is on screen, and a link from one page
to another carries its context (city, group, year), as a person following it would check."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WAIT = 60_000  # a loaded 2-core machine can take long for a run; expect() retries until then


def main(page):
    return page.locator('[data-testid="stMain"]')


def test_next_card_updates_the_address_bar_and_a_reload_keeps_it(open_page):
    page = open_page("/card?id=112-J20").page
    page.get_by_role("link", name=re.compile("下一案 112-J21")).click()
    expect(page.locator(".bt-card-title").first).to_contain_text("112-J21", timeout=WAIT)
    expect(page).to_have_url(re.compile(r"id=112-J21"), timeout=WAIT)
    page.get_by_role("link", name=re.compile("上一案 112-J20")).click()
    expect(page).to_have_url(re.compile(r"id=112-J20"), timeout=WAIT)
    page.reload()
    expect(page.locator(".bt-card-title").first).to_contain_text("112-J20", timeout=WAIT)


def test_back_to_the_groups_overview_clears_the_group_from_the_url(open_page):
    page = open_page("/groups?group=transport&year=112").page
    page.get_by_role("link", name="回到議題組總覽").click()
    expect(main(page)).to_contain_text("工作會議時間軸", timeout=WAIT)
    expect(page).to_have_url(re.compile(r"/groups$"), timeout=WAIT)


@pytest.mark.parametrize(
    "start, link, shown, in_url",
    [
        ("/?city=桃園市", "在提案列表開啟桃園市", "符合條件：45 案", r"city="),  # the city lens keeps the city
        ("/?city=桃園市", "在地圖上查看桃園市", "桃園市 請他市支援", r"city=taoyuan"),
        ("/groups?group=transport&year=112", "在提案列表開啟這 8 案", "符合條件：8 案", r"year=112"),  # group and year
    ],
    ids=["city-to-list", "city-to-map", "group-to-list"],
)
def test_a_link_to_another_page_keeps_its_context(open_page, start, link, shown, in_url):
    page = open_page(start).page
    page.get_by_role("link", name=re.compile(link)).click()
    expect(main(page)).to_contain_text(shown, timeout=WAIT)
    expect(page).to_have_url(re.compile(in_url), timeout=WAIT)


def test_enter_on_a_list_row_opens_its_card(open_page):
    page = open_page("/proposals?group=交通運輸組&year=112").page
    page.locator('[data-testid="stDataFrame"] [data-testid="data-grid-canvas"]').focus()
    page.keyboard.press("ArrowDown")  # from the first row's id cell to the second's
    cell = page.locator('[data-testid="stDataFrame"] [role="gridcell"][aria-selected="true"]').first
    expect(cell).to_contain_text("id=112-C02", timeout=WAIT)
    page.keyboard.press("Enter")
    expect(page.locator(".bt-card-title").first).to_contain_text("112-C02", timeout=WAIT)
    expect(main(page)).to_contain_text("第 2／8 案（目前篩選）", timeout=WAIT)
