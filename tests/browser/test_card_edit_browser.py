"""Two group leads edit the same card in two browsers at 1280×720: the second save, based on the
version both opened, is refused naming the first one's change and keeps what was typed; after
「以最新版本為基礎」 it applies. The server's store has the two accounts, made before it starts.
No fixed waits: every check is a retrying `expect`."""

import pytest
from playwright.sync_api import expect

from dashboard.domain import vocab
from tests.browser.conftest import DONE, EXCEPTION, LOCAL, MAIN, RUN_TIMEOUT, SIGN_IN_PASSWORD, store_server
from tests.datadocs import data_document

pytestmark = pytest.mark.browser

PASSWORD = SIGN_IN_PASSWORD
PROPOSAL = "112-J02"


@pytest.fixture(scope="module")
def leads_server(tmp_path_factory):
    """A server on a store holding two leads of PROPOSAL's sub-group; (URL, the proposal's progress basis)."""
    folder = tmp_path_factory.mktemp("leads")
    proposal = data_document(PROPOSAL)
    leads = [(name, vocab.LEAD, [proposal["subgroup"]]) for name in ("窗口甲", "窗口乙")]
    with store_server(folder, people=leads) as (url, _):
        yield url, proposal["progress_basis"]


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _signed_in(browser, url: str, name: str):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-TW")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page = context.new_page()
    page.goto(f"{url}/card?id={PROPOSAL}")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("帳號").fill(name)
    sidebar.get_by_label("密碼").fill(PASSWORD)
    sidebar.get_by_role("button", name="登入").click()
    expect(sidebar).to_contain_text(f"議題組窗口：{name}", timeout=RUN_TIMEOUT)
    expect(page.get_by_role("button", name="儲存修改")).to_be_visible(timeout=RUN_TIMEOUT)
    _settled(page)
    return context, page


def test_the_second_of_two_saves_on_one_version_is_refused_keeps_its_text_and_applies_on_the_latest(
    browser, leads_server
):
    url, basis = leads_server
    first_context, first = _signed_in(browser, url, "窗口甲")
    second_context, second = _signed_in(browser, url, "窗口乙")  # both forms opened on version 0
    try:
        first.get_by_role("textbox", name="聯絡人").fill("甲先改的聯絡人")
        first.get_by_role("button", name="儲存修改").click()
        expect(first.locator(MAIN)).to_contain_text("已儲存為第 1 版", timeout=RUN_TIMEOUT)

        typed = f"乙輸入的進度，不可遺失。{basis}"
        progress = second.get_by_role("textbox", name="進度說明")
        progress.fill(typed)
        second.get_by_role("button", name="儲存修改").click()
        refusal = second.locator('[data-testid="stAlertContentError"]').first
        expect(refusal).to_contain_text("窗口甲", timeout=RUN_TIMEOUT)
        expect(refusal).to_contain_text("第 1 版")
        _settled(second)
        expect(progress).to_have_value(typed)  # nothing typed is lost

        second.get_by_role("button", name="以最新版本為基礎").click()
        expect(second.get_by_role("button", name="以最新版本為基礎")).to_have_count(0, timeout=RUN_TIMEOUT)
        expect(second.get_by_role("textbox", name="聯絡人")).to_have_value("甲先改的聯絡人", timeout=RUN_TIMEOUT)
        expect(progress).to_have_value(typed)
        second.get_by_role("button", name="儲存修改").click()
        expect(second.locator(MAIN)).to_contain_text("已儲存為第 2 版", timeout=RUN_TIMEOUT)
        expect(second.locator(MAIN)).to_contain_text("乙輸入的進度，不可遺失。")  # on the card
        _settled(second)
        expect(second.locator(MAIN)).to_contain_text("甲先改的聯絡人")  # the first one's change kept
    finally:
        first_context.close()
        second_context.close()
