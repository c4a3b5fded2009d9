"""試算表更新 in Chromium: a reader is asked to sign in (once, at 1280×720); at 1280×720 and 390×844 a
signed-in group lead downloads the workbook, edits it as a spreadsheet program would save it,
uploads it, sees the preview and applies it. No fixed waits: every check is a retrying `expect`."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlmodel import Session

from dashboard.domain import editing, vocab
from tests.browser.conftest import DONE, EXCEPTION, MAIN, RUN_TIMEOUT, store_server, visit_signed_in
from tests.datadocs import expected_ids
from tests.test_update_sheet import column, label, new_proposal_id, row_of

pytestmark = pytest.mark.browser

LEAD = "交通窗口"


@pytest.fixture(scope="module")
def sheet_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sheet")
    with store_server(folder, people=[(LEAD, vocab.LEAD, ["transport"])]) as (url, engine):
        yield url, engine


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_a_reader_is_asked_to_sign_in(tab, sheet_server):
    visit = tab.visit(f"{sheet_server[0]}/sheet")
    expect(visit.main).to_contain_text("請先以議題組窗口或祕書處帳號登入", timeout=RUN_TIMEOUT)
    expect(visit.main.get_by_role("button", name="登入")).to_be_visible()
    _settled(visit.page)
    expect(visit.main.get_by_role("button", name="下載試算表（.xlsx）")).to_have_count(0)


@pytest.mark.parametrize("viewport", [(1280, 720), (390, 844)])
def test_a_lead_downloads_edits_uploads_previews_and_applies(tab, sheet_server, tmp_path, viewport):
    url, engine = sheet_server
    page = visit_signed_in(tab, engine, url, "sheet", LEAD, viewport=viewport).page
    main = page.locator(MAIN)
    expect(main).to_contain_text("1. 下載更新試算表", timeout=RUN_TIMEOUT)
    _settled(page)
    with page.expect_download(timeout=RUN_TIMEOUT) as download:
        main.get_by_role("button", name="下載試算表（.xlsx）").click()
    path = tmp_path / "交通.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    sheet = book["提案更新"]
    assert {sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)} == expected_ids("transport")
    target = new_proposal_id()
    contact = f"瀏覽器上傳 {viewport[0]}"
    sheet.cell(row_of(sheet, target), column(sheet, label("contact"))).value = contact
    book.save(path)
    page.screenshot(path=tmp_path / "signed-in.png", full_page=True)

    main.locator('input[type="file"]').set_input_files(path)
    expect(main).to_contain_text("預覽：1 案、1 項變更", timeout=RUN_TIMEOUT)
    expect(main.locator(".bt-diff").first).to_be_visible()
    expect(main.locator(".bt-diff").first).to_contain_text(contact)
    _settled(page)
    main.locator(".bt-diff").first.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "preview.png", full_page=True)

    main.get_by_role("button", name="套用 1 項變更").click()
    expect(main.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text(
        "已套用「交通.xlsx」：1 案", timeout=RUN_TIMEOUT
    )
    _settled(page)
    page.screenshot(path=tmp_path / "applied.png", full_page=True)
    with Session(engine) as s:
        latest = editing.history(s, target)[0]
    assert latest.recorded_by == LEAD and {"field": "contact", "new": contact}.items() <= latest.changes[0].items()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport[0]  # the page itself is not widened on a phone
