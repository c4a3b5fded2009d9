"""Two group leads edit the same card in two browsers at 1280×720 (and 390×844): the second save,
based on the version both opened, is refused naming the first one's change and keeps what was
typed; after 「以最新版本為基礎」 it applies. When both added a sentence to 進度說明, the second sees
both texts whole side by side, must choose, and the merged text keeps both sentences. The server's
store has the two accounts, made before it starts. No fixed waits: every check is a retrying `expect`."""

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


def _signed_in(browser, url: str, name: str, viewport: tuple[int, int] = (1280, 720)):
    """Signed in at 1280×720 (on a phone the sidebar starts closed), then at `viewport`."""
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
    if viewport != (1280, 720):
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        close = page.locator('[data-testid="stSidebarCollapseButton"] button')
        if close.is_visible():
            close.click()
        expect(page.locator('[data-testid="stSidebar"]')).not_to_be_in_viewport(timeout=RUN_TIMEOUT)
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


@pytest.mark.parametrize("viewport", [(1280, 720), (390, 844)], ids=["desktop", "phone"])
def test_two_sentences_added_to_progress_from_one_version_are_both_kept(browser, leads_server, viewport, tmp_path):
    """Before: B's retry after 「以最新版本為基礎」 replaced A's sentence with B's text without a word.
    Now B sees A's text and B's whole, side by side, the changed characters marked, chooses to merge,
    and the saved progress holds both sentences."""
    url, _ = leads_server
    first_context, first = _signed_in(browser, url, "窗口甲", viewport)
    second_context, second = _signed_in(browser, url, "窗口乙", viewport)  # both forms on one version
    try:
        opened = first.get_by_role("textbox", name="進度說明").input_value()
        a_says, b_says = f"甲在{viewport[0]}補充的一句。", f"乙在{viewport[0]}補充的一句。"
        first.get_by_role("textbox", name="進度說明").fill(opened + a_says)
        first.get_by_role("button", name="儲存修改").click()
        expect(first.locator(MAIN)).to_contain_text("已儲存為第", timeout=RUN_TIMEOUT)

        progress = second.get_by_role("textbox", name="進度說明")
        progress.fill(opened + b_says)
        second.get_by_role("button", name="儲存修改").click()
        refusal = second.locator('[data-testid="stAlertContentError"]').first
        expect(refusal).to_contain_text("雙方都修改了「進度說明」", timeout=RUN_TIMEOUT)
        _settled(second)
        boxes = second.locator(".bt-diff").filter(has_text="您的內容")
        expect(boxes).to_have_count(1)
        theirs, mine = boxes.locator(".bt-diff-text").all()
        assert theirs.inner_text().strip() == opened + a_says  # the other's text, whole
        assert mine.inner_text().strip() == opened + b_says
        expect(mine.locator("ins")).to_have_text("乙")  # marked by character: the rest is the same
        expect(theirs.locator("del")).to_have_text("甲")
        refusal.scroll_into_view_if_needed()
        second.screenshot(path=tmp_path / "conflict-notice.png")
        boxes.first.scroll_into_view_if_needed()
        second.screenshot(path=tmp_path / "conflict.png")

        second.get_by_role("button", name="以最新版本為基礎").click()  # no choice yet: refused
        expect(second.locator(MAIN)).to_contain_text("尚未選擇：「進度說明」", timeout=RUN_TIMEOUT)
        _settled(second)
        second.get_by_text("合併兩者（在下方修改）").click()
        merged = second.get_by_role("textbox", name="合併後的「進度說明」")
        expect(merged).to_have_value(opened + a_says + b_says, timeout=RUN_TIMEOUT)
        _settled(second)
        second.get_by_role("button", name="以最新版本為基礎").click()
        expect(second.get_by_role("button", name="以最新版本為基礎")).to_have_count(0, timeout=RUN_TIMEOUT)
        expect(progress).to_have_value(opened + a_says + b_says)
        second.get_by_role("button", name="儲存修改").click()
        expect(second.locator(MAIN)).to_contain_text("已儲存為第", timeout=RUN_TIMEOUT)
        _settled(second)
        cell = second.locator("table.bt-card td", has_text=a_says).first  # the card's 說明／進度
        expect(cell).to_contain_text(a_says + b_says)
        second.get_by_role("heading", name="修改紀錄").scroll_into_view_if_needed()
        second.screenshot(path=tmp_path / "history.png")
    finally:
        first_context.close()
        second_context.close()


def test_a_contact_typed_on_two_lines_is_shown_and_reopened_on_two_lines(browser, leads_server):
    """The line break typed (Enter) in the card form's 聯絡人 survives the save: on the card, and in
    the form opened afresh after a reload."""
    url, _ = leads_server
    context, page = _signed_in(browser, url, "窗口甲")
    try:
        field = page.get_by_role("textbox", name="聯絡人")
        field.fill("")
        field.press_sequentially("新北市政府教育局 王小明")
        field.press("Enter")
        field.press_sequentially("02-2960-3456 分機 4500")
        contact = "新北市政府教育局 王小明\n02-2960-3456 分機 4500"
        expect(field).to_have_value(contact)
        page.get_by_role("button", name="儲存修改").click()
        expect(page.locator(MAIN)).to_contain_text("已儲存為第", timeout=RUN_TIMEOUT)
        _settled(page)
        cell = page.locator("table.bt-card tr", has=page.locator("th", has_text="聯絡人")).locator("td")
        assert cell.inner_text().strip() == contact  # two lines on the card
        box = cell.bounding_box()
        assert box and box["height"] > 1.6 * float(cell.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        page.reload()
        _settled(page)
        expect(page.get_by_role("textbox", name="聯絡人")).to_have_value(contact, timeout=RUN_TIMEOUT)
    finally:
        context.close()


def test_a_paste_past_the_limit_keeps_its_first_part_and_says_so(browser, leads_server):
    """Streamlit alone drops a paste that would pass max_chars whole, without a word; the field's own
    maxlength (pages/shared/text_limits.py) keeps the part that fits and notes the rest was cut."""
    url, _ = leads_server
    context, page = _signed_in(browser, url, "窗口乙")
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        field = page.get_by_role("textbox", name="聯絡人")
        field.click()
        page.keyboard.press("Control+A")
        page.evaluate("text => navigator.clipboard.writeText(text)", "貼" * 299 + "留下這段超過的文字")
        page.keyboard.press("Control+V")
        expect(field).to_have_value("貼" * 299 + "留")  # the first 300 characters
        expect(page.locator(MAIN)).to_contain_text("已達上限 300 字，超過的部分未貼上")
        page.get_by_role("button", name="儲存修改").click()
        expect(page.locator(MAIN)).to_contain_text("「聯絡人」已達上限 300 字", timeout=RUN_TIMEOUT)
        _settled(page)
        cell = page.locator("table.bt-card tr", has=page.locator("th", has_text="聯絡人")).locator("td")
        assert cell.inner_text().strip() == "貼" * 299 + "留"
    finally:
        context.close()


def test_signed_out_in_another_tab_the_save_keeps_the_text_and_applies_after_signing_in(
    browser, leads_server, tmp_path
):
    """Tab A types into 進度說明; tab B of the same browser signs out; A's save writes nothing, says
    「已登出，請重新登入」 and keeps the text (screenshots at 1280×720 and 390×844, light and dark);
    after signing in again in A, the same text saves as a version."""
    url, basis = leads_server
    context, first = _signed_in(browser, url, "窗口甲")
    try:
        typed = f"登出前輸入的進度，\n第二行也不可遺失。{basis}"
        progress = first.get_by_role("textbox", name="進度說明")
        progress.fill(typed)

        second = context.new_page()  # another tab: the browser's cookie signs it in
        second.goto(f"{url}/card?id={PROPOSAL}")
        sidebar = second.locator('[data-testid="stSidebar"]')
        expect(sidebar).to_contain_text("議題組窗口：窗口甲", timeout=RUN_TIMEOUT)
        _settled(second)
        sidebar.get_by_role("button", name="登出").click()
        expect(sidebar.get_by_role("button", name="登入")).to_be_visible(timeout=RUN_TIMEOUT)
        second.close()

        first.bring_to_front()
        first.get_by_role("button", name="儲存修改").click()
        refusal = first.locator('[data-testid="stAlertContentError"]').first
        expect(refusal).to_contain_text("已登出，請重新登入", timeout=RUN_TIMEOUT)
        _settled(first)
        expect(progress).to_have_value(typed)  # nothing typed is lost
        expect(first.locator(MAIN)).to_contain_text("「窗口甲」的登入已結束")
        expect(first.locator(MAIN)).not_to_contain_text("已儲存為第")
        for width, height in ((1280, 720), (390, 844)):
            first.set_viewport_size({"width": width, "height": height})
            for scheme in ("light", "dark"):
                first.emulate_media(color_scheme=scheme)
                refusal.scroll_into_view_if_needed()
                expect(refusal).to_be_in_viewport()
                first.screenshot(path=tmp_path / f"signed-out-{width}-{scheme}.png")
        first.emulate_media(color_scheme="light")
        first.set_viewport_size({"width": 1280, "height": 720})
        notice = first.locator('[data-testid="stAlertContentWarning"]', has_text="的登入已結束")
        notice.scroll_into_view_if_needed()
        expect(notice).to_be_in_viewport()
        first.screenshot(path=tmp_path / "signed-out-notice.png")  # the note above the form, the text below

        sidebar = first.locator('[data-testid="stSidebar"]')
        if not sidebar.get_by_label("帳號").is_visible():  # the phone size closed the sidebar
            first.locator('[data-testid="stExpandSidebarButton"]').click()
        sidebar.get_by_label("帳號").fill("窗口甲")
        sidebar.get_by_label("密碼").fill(PASSWORD)
        sidebar.get_by_role("button", name="登入").click()
        expect(sidebar).to_contain_text("議題組窗口：窗口甲", timeout=RUN_TIMEOUT)
        _settled(first)
        expect(progress).to_have_value(typed)  # signed in again: the form as it was typed
        first.get_by_role("button", name="儲存修改").click()
        expect(first.locator(MAIN)).to_contain_text("已儲存為第", timeout=RUN_TIMEOUT)
        _settled(first)
        expect(first.locator("table.bt-card td", has_text="登出前輸入的進度").first).to_contain_text(
            "第二行也不可遺失。"
        )
        expect(first.locator('[data-testid="stCaptionContainer"]', has_text="窗口甲").first).to_be_attached()
    finally:
        context.close()
