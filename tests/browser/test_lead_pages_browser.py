"""The pages of signed-in users, opened by a reader by URL: a note to sign in, no form or list, and
the navigation does not list them."""

import pytest

from tests.browser.conftest import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path, title", [("/mine", "我的提案"), ("/new", "新增提案"), ("/accounts", "帳號管理")])
@pytest.mark.parametrize("viewport", [(1280, 720), (390, 844)])
def test_a_reader_opening_a_signed_in_page_is_asked_to_sign_in(open_page, path, title, viewport):
    visit = open_page(path, viewport=viewport)
    visit.shows(title, "請先以議題組窗口或祕書處帳號登入")
    assert visit.exceptions() == []
    expect(visit.main.get_by_role("button", name="送出新增")).to_have_count(0)
    expect(visit.main.get_by_role("button", name="新增帳號")).to_have_count(0)
    links = visit.page.locator('[data-testid="stSidebarNav"] a')
    expect(links.first).to_be_attached()
    listed = " ".join(links.evaluate_all("links => links.map(a => a.textContent)"))
    assert "提案列表" in listed
    assert not any(hidden in listed for hidden in ("我的提案", "新增提案", "帳號管理"))
