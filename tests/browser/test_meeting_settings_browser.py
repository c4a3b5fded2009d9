"""會議設定 in Chromium at 1280×720, 1024×768 and 390×844: the secretariat signs in, sees the meeting's
fields, the agenda table with its decision column and the history, changes the theme and saves it;
the saved value is in the store and the history names it. Retrying `expect` only."""

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from dashboard.domain import cycles, vocab
from dashboard.domain import meeting_settings as ms
from tests.browser.conftest import DONE, EXCEPTION, LOCAL, MAIN, RUN_TIMEOUT, SIGN_IN_PASSWORD, store_server
from tests.test_new_year import NEXT

pytestmark = pytest.mark.browser

SECRETARIAT = "祕書甲"
VIEWPORTS = [(1280, 720), (1024, 768), (390, 844)]


@pytest.fixture
def settings_server(tmp_path):
    with store_server(tmp_path, people=[(SECRETARIAT, vocab.SECRETARIAT, ())]) as (url, engine):
        yield url, engine


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_secretariat_edits_the_meeting(browser, settings_server, tmp_path, viewport):
    url, engine = settings_server
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-TW")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page = context.new_page()
    try:
        page.goto(f"{url}/meeting_settings")
        main = page.locator(MAIN)
        expect(main).to_contain_text("會議設定限祕書處使用", timeout=RUN_TIMEOUT)
        main.get_by_label("帳號").fill(SECRETARIAT)
        main.get_by_label("密碼").fill(SIGN_IN_PASSWORD)
        main.get_by_role("button", name="登入").click()
        expect(main.get_by_role("button", name="儲存會議設定")).to_be_visible(timeout=RUN_TIMEOUT)
        expect(main.get_by_label("主政縣市")).to_have_value("新北市")
        expect(main.get_by_role("textbox", name="會議連結")).to_have_value("https://meet.google.com/fwv-omvk-nra")
        expect(main.get_by_text("決議事項", exact=True)).to_be_attached()  # the agenda's decision column
        _settled(page)
        page.screenshot(path=tmp_path / "settings.png", full_page=True)
        main.get_by_role("textbox", name="年度主軸").fill("智慧治理")
        main.get_by_role("button", name="儲存會議設定").click()
        expect(main).to_contain_text("已儲存為第 1 版", timeout=RUN_TIMEOUT)
        expect(main.get_by_role("textbox", name="年度主軸")).to_have_value("智慧治理")
        _settled(page)
        with Session(engine) as s:
            assert cycles.meeting_of(s, NEXT - 1).theme == "智慧治理"
            (version,) = ms.history(s, cycles.meeting_of(s, NEXT - 1).id)
            assert version.recorded_by == SECRETARIAT
    finally:
        context.close()
