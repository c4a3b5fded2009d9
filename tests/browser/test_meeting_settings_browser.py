"""會議設定 in Chromium: a reader is told the page is the secretariat's and offered the sign-in form
(once, at 1280×720); at 1280×720, 1024×768 and 390×844 the signed-in secretariat sees the meeting's
fields, the agenda table with its decision column and the history, changes the theme and saves it;
the saved value is in the store, and the newest version carries it and names who saved it. One
server for the module: each size saves a theme of its own. Retrying `expect` only."""

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from dashboard.domain import cycles, vocab
from dashboard.domain import meeting_settings as ms
from tests.browser.conftest import DONE, EXCEPTION, MAIN, RUN_TIMEOUT, store_server, visit_signed_in
from tests.test_new_year import NEXT

pytestmark = pytest.mark.browser

SECRETARIAT = "祕書甲"
VIEWPORTS = [(1280, 720), (1024, 768), (390, 844)]


@pytest.fixture(scope="module")
def settings_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("meeting_settings")
    with store_server(folder, people=[(SECRETARIAT, vocab.SECRETARIAT, ())]) as (url, engine):
        yield url, engine


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _versions(engine) -> list:
    with Session(engine) as s:
        return ms.history(s, cycles.meeting_of(s, NEXT - 1).id)


def test_a_reader_is_told_the_page_is_the_secretariats(tab, settings_server):
    url, _ = settings_server
    visit = tab.visit(f"{url}/meeting_settings")
    expect(visit.main).to_contain_text("會議設定限祕書處使用", timeout=RUN_TIMEOUT)
    expect(visit.main.get_by_role("button", name="登入")).to_be_visible()
    _settled(visit.page)
    expect(visit.main.get_by_role("button", name="儲存會議設定")).to_have_count(0)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_secretariat_edits_the_meeting(tab, settings_server, tmp_path, viewport):
    url, engine = settings_server
    theme = f"智慧治理{viewport[0]}"
    saved_before = len(_versions(engine))
    page = visit_signed_in(tab, engine, url, "meeting_settings", SECRETARIAT, viewport=viewport).page
    main = page.locator(MAIN)
    expect(main.get_by_role("button", name="儲存會議設定")).to_be_visible(timeout=RUN_TIMEOUT)
    expect(main.get_by_label("主政縣市")).to_have_value("新北市")
    expect(main.get_by_role("textbox", name="會議連結")).to_have_value("https://meet.google.com/fwv-omvk-nra")
    expect(main.get_by_text("決議事項", exact=True)).to_be_attached()  # the agenda's decision column
    _settled(page)
    page.screenshot(path=tmp_path / "settings.png", full_page=True)
    main.get_by_role("textbox", name="年度主軸").fill(theme)
    main.get_by_role("button", name="儲存會議設定").click()
    expect(main).to_contain_text(f"已儲存為第 {saved_before + 1} 版", timeout=RUN_TIMEOUT)
    expect(main.get_by_role("textbox", name="年度主軸")).to_have_value(theme)
    _settled(page)
    with Session(engine) as s:
        assert cycles.meeting_of(s, NEXT - 1).theme == theme
    newest, *_ = _versions(engine)
    assert (newest.version, newest.recorded_by) == (saved_before + 1, SECRETARIAT)
    assert [c["new"] for c in newest.changes if c["field"] == "theme"] == [theme]
