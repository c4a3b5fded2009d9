"""開始新年度 in Chromium at 1280×720 and 390×844: a reader is told the page is the secretariat's and
gets the sign-in form; the secretariat signs in, sees the preview, has a date outside the year refused
(the ROC date beside the field says so first) and starts the year. Retrying `expect` only."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from dashboard.domain import cycles, vocab
from dashboard.domain.dates import ROC_OFFSET
from tests.browser.conftest import DONE, EXCEPTION, LOCAL, MAIN, RUN_TIMEOUT, SIGN_IN_PASSWORD, store_server
from tests.test_new_year import NEXT, data_documents, still_tracked

pytestmark = pytest.mark.browser

PASSWORD = SIGN_IN_PASSWORD
SECRETARIAT = "祕書甲"
VIEWPORTS = [(1280, 720), (390, 844)]


@pytest.fixture
def year_server(tmp_path):
    """A server of its own (the test starts a year) with a secretariat account."""
    with store_server(tmp_path, people=[(SECRETARIAT, vocab.SECRETARIAT, ())]) as (url, engine):
        yield url, engine


def _page(browser, url: str, viewport):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-TW")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page = context.new_page()
    page.goto(f"{url}/new_year")
    return context, page


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _set_year(page, western_year: int) -> None:
    """Type the year part of the meeting date and leave the field (which sends it), as a user would."""
    main = page.locator(MAIN)
    main.get_by_role("spinbutton", name="會議日期（年）").click()
    page.keyboard.type(str(western_year))
    main.get_by_text(f"{NEXT}年度的副首長會議").click()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_reader_is_told_the_page_is_the_secretariats(browser, year_server, viewport):
    context, page = _page(browser, year_server[0], viewport)
    try:
        main = page.locator(MAIN)
        expect(main).to_contain_text("開始新年度限祕書處使用", timeout=RUN_TIMEOUT)
        expect(main.get_by_role("button", name="登入")).to_be_visible()
        _settled(page)
        expect(main.locator('[data-testid="stDataFrame"]')).to_have_count(0)
        expect(main.get_by_role("button", name=f"開始{NEXT}年度")).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_secretariat_previews_and_starts_the_year(browser, year_server, tmp_path, viewport):
    url, engine = year_server
    stays = [d["id"] for d in data_documents() if still_tracked(d["tracking_status"], None)]
    context, page = _page(browser, url, viewport)
    try:
        main = page.locator(MAIN)
        expect(main).to_contain_text("開始新年度限祕書處使用", timeout=RUN_TIMEOUT)
        main.get_by_label("帳號").fill(SECRETARIAT)
        main.get_by_label("密碼").fill(PASSWORD)
        main.get_by_role("button", name="登入").click()
        expect(main).to_contain_text(f"持續列管（{len(stays)} 案）", timeout=RUN_TIMEOUT)
        expect(main).to_contain_text(f"解除列管（{len(data_documents()) - len(stays)} 案）")
        expect(main.locator('[data-testid="stDataFrame"]')).to_have_count(2)
        _settled(page)
        page.screenshot(path=tmp_path / "preview.png")

        _set_year(page, NEXT + ROC_OFFSET + 1)
        expect(main).to_contain_text(f"不在{NEXT}年度", timeout=RUN_TIMEOUT)  # beside the date, before starting
        main.get_by_text("我已確認上列延續與解除名單").click()
        _settled(page)
        main.get_by_role("button", name=f"開始{NEXT}年度").click()
        expect(main.get_by_text("未開始新年度")).to_be_visible(timeout=RUN_TIMEOUT)
        _settled(page)
        with Session(engine) as s:
            assert cycles.meeting_of(s, NEXT) is None

        _set_year(page, NEXT + ROC_OFFSET)
        expect(main).not_to_contain_text(f"不在{NEXT}年度", timeout=RUN_TIMEOUT)
        _settled(page)
        main.get_by_role("button", name=f"開始{NEXT}年度").click()
        expect(main).to_contain_text(f"已開始{NEXT}年度", timeout=RUN_TIMEOUT)
        expect(main).to_contain_text(f"持續列管 {len(stays)} 案")
        link = main.get_by_role("link", name=f"前往{NEXT}年度總覽")
        _settled(page)
        page.screenshot(path=tmp_path / "started.png")
        with Session(engine) as s:
            assert cycles.meeting_of(s, NEXT) is not None
        link.click()  # the overview, on the new year (the default page, so only the query is in the link)
        expect(page).to_have_url(re.compile(rf"[?&]cycle={NEXT}(&|$)"), timeout=RUN_TIMEOUT)
        expect(main).to_contain_text("合作提案總覽", timeout=RUN_TIMEOUT)
        _settled(page)
    finally:
        context.close()
