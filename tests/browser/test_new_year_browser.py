"""開始新年度 in Chromium at 1280×720 and 390×844: a reader is told the page is the secretariat's and
gets the sign-in form (once, at 1280×720); the signed-in secretariat sees the preview, has a date
outside the year refused (the ROC date beside the field says so first) and starts the year. A year
starts once per store: a server of its own for each size. Retrying `expect` only."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from dashboard.domain import cycles, vocab
from dashboard.domain.dates import ROC_OFFSET
from tests.browser.conftest import DONE, EXCEPTION, MAIN, RUN_TIMEOUT, store_server, visit_signed_in
from tests.test_new_year import NEXT, data_documents, still_tracked

pytestmark = pytest.mark.browser

SECRETARIAT = "祕書甲"
VIEWPORTS = [(1280, 720), (390, 844)]


@pytest.fixture
def year_server(tmp_path):
    """A server of its own (the test starts a year) with a secretariat account."""
    with store_server(tmp_path, people=[(SECRETARIAT, vocab.SECRETARIAT, ())]) as (url, engine):
        yield url, engine


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _set_year(page, western_year: int) -> None:
    """Type the year part of the meeting date and leave the field (which sends it), as a user would."""
    main = page.locator(MAIN)
    main.get_by_role("spinbutton", name="會議日期（年）").click()
    page.keyboard.type(str(western_year))
    main.get_by_text(f"{NEXT}年度的副首長會議").click()


def _reader_is_told_the_page_is_the_secretariats(tab, url: str) -> None:
    visit = tab.visit(f"{url}/new_year")
    main = visit.main
    expect(main).to_contain_text("開始新年度限祕書處使用", timeout=RUN_TIMEOUT)
    expect(main.get_by_role("button", name="登入")).to_be_visible()
    _settled(visit.page)
    expect(main.locator('[data-testid="stDataFrame"]')).to_have_count(0)
    expect(main.get_by_role("button", name=f"開始{NEXT}年度")).to_have_count(0)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_secretariat_previews_and_starts_the_year(tab, year_server, tmp_path, viewport):
    url, engine = year_server
    if viewport == VIEWPORTS[0]:  # what a reader sees, once: on this store before anyone signs in
        _reader_is_told_the_page_is_the_secretariats(tab, url)
    stays = [d["id"] for d in data_documents() if still_tracked(d["tracking_status"], None)]
    page = visit_signed_in(tab, engine, url, "new_year", SECRETARIAT, viewport=viewport).page
    main = page.locator(MAIN)
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
