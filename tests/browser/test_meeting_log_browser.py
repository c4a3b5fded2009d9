"""工作會議紀錄 in Chromium at 1280×720 and 390×844: a lead signs in, sees their group's meetings of
the cycle, adds one with a multi-line decision, and sees it listed with its line breaks and in the
history. Screenshots go to $SHOTS_DIR when set (for a person to look at), else the test's folder."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from dashboard.domain import meeting_log, vocab
from tests.browser.conftest import DONE, EXCEPTION, LOCAL, MAIN, RUN_TIMEOUT, SIGN_IN_PASSWORD, store_server

pytestmark = pytest.mark.browser

LEAD = "交通窗口"
VIEWPORTS = [(1280, 720), (390, 844)]


@pytest.fixture
def log_server(tmp_path):
    with store_server(tmp_path, people=[(LEAD, vocab.LEAD, ("transport",))]) as (url, engine):
        yield url, engine


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_lead_adds_a_meeting_of_their_group(browser, log_server, tmp_path, viewport):
    url, engine = log_server
    shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    size = f"{viewport[0]}x{viewport[1]}"
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-TW")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page = context.new_page()
    try:
        page.goto(f"{url}/meeting_log")
        main = page.locator(MAIN)
        expect(main).to_contain_text("請先以議題組窗口或祕書處帳號登入", timeout=RUN_TIMEOUT)
        main.get_by_label("帳號").fill(LEAD)
        main.get_by_label("密碼").fill(SIGN_IN_PASSWORD)
        main.get_by_role("button", name="登入").click()
        expect(main).to_contain_text("交通運輸組：2 場會議", timeout=RUN_TIMEOUT)
        expect(main.get_by_role("combobox", name="議題組")).to_be_visible(timeout=RUN_TIMEOUT)
        _settled(page)
        page.screenshot(path=shots / f"meeting_log_{size}.png")
        year = main.get_by_role("spinbutton", name="日期（年）")
        year.scroll_into_view_if_needed()
        year.click()
        page.keyboard.type("20230720")  # year, month and day: the field moves on by itself
        page.keyboard.press("Escape")
        kind = main.get_by_role("combobox", name="會議類別")
        kind.scroll_into_view_if_needed()
        kind.click()
        page.get_by_role("option", name="工作會議").click()
        main.get_by_label("會議名稱（選填").fill("第3次工作會議")
        main.get_by_label("決議事項（可多行）").fill("一、通過轉乘優惠。\n二、下次會議由桃園市主辦。")
        main.get_by_role("button", name="新增").click()
        expect(main).to_contain_text("已新增「交通運輸組」112年7月20日的會議", timeout=RUN_TIMEOUT)
        expect(main).to_contain_text("交通運輸組：3 場會議", timeout=RUN_TIMEOUT)
        _settled(page)
        page.screenshot(path=shots / f"meeting_log_added_{size}.png", full_page=True)
        with Session(engine) as s:
            added = [e for e in meeting_log.entries(s, cycle=112, group_ids=["transport"]) if e.name == "第3次工作會議"]
        assert [(e.decided, e.updated_by) for e in added] == [("一、通過轉乘優惠。\n二、下次會議由桃園市主辦。", LEAD)]
        # the page is no wider than the screen (nothing to scroll sideways on a phone)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
    finally:
        context.close()
