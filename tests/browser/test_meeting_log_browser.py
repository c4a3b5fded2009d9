"""工作會議紀錄 in Chromium: a reader is asked to sign in (once, at 1280×720); at 1280×720 and 390×844
a signed-in lead sees their group's meetings of the cycle, adds one with a multi-line decision, and
sees it listed with its line breaks and in the history. One server for the module: each size adds a
meeting of its own, on a day of its own. Screenshots go to $SHOTS_DIR when set (for a person to look
at), else the test's folder."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from dashboard.domain import meeting_log, vocab
from tests.browser.conftest import DONE, EXCEPTION, MAIN, RUN_TIMEOUT, store_server, visit_signed_in

pytestmark = pytest.mark.browser

LEAD = "交通窗口"
# (size, the day typed, as shown, the meeting's name)
CASES = [
    ((1280, 720), "20230720", "112年7月20日", "第3次工作會議"),
    ((390, 844), "20230721", "112年7月21日", "第4次工作會議"),
]
DECIDED = "一、通過轉乘優惠。\n二、下次會議由桃園市主辦。"


@pytest.fixture(scope="module")
def log_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("meeting_log")
    with store_server(folder, people=[(LEAD, vocab.LEAD, ("transport",))]) as (url, engine):
        yield url, engine


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _entries(engine) -> list:
    with Session(engine) as s:
        return meeting_log.entries(s, cycle=112, group_ids=["transport"])


def test_a_reader_is_asked_to_sign_in(tab, log_server):
    visit = tab.visit(f"{log_server[0]}/meeting_log")
    expect(visit.main).to_contain_text("請先以議題組窗口或祕書處帳號登入", timeout=RUN_TIMEOUT)
    expect(visit.main.get_by_role("button", name="登入")).to_be_visible()
    _settled(visit.page)


@pytest.mark.parametrize(("viewport", "typed", "shown", "name"), CASES, ids=["1280x720", "390x844"])
def test_a_lead_adds_a_meeting_of_their_group(tab, log_server, tmp_path, viewport, typed, shown, name):
    url, engine = log_server
    shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    size = f"{viewport[0]}x{viewport[1]}"
    held = len(_entries(engine))  # data/'s 2 meetings, and the other size's if it ran first
    page = visit_signed_in(tab, engine, url, "meeting_log", LEAD, viewport=viewport).page
    main = page.locator(MAIN)
    expect(main).to_contain_text(f"交通運輸組：{held} 場會議", timeout=RUN_TIMEOUT)
    expect(main.get_by_role("combobox", name="議題組")).to_be_visible(timeout=RUN_TIMEOUT)
    _settled(page)
    page.screenshot(path=shots / f"meeting_log_{size}.png")
    year = main.get_by_role("spinbutton", name="日期（年）")
    year.scroll_into_view_if_needed()
    year.click()
    page.keyboard.type(typed)  # year, month and day: the field moves on by itself
    page.keyboard.press("Escape")
    kind = main.get_by_role("combobox", name="會議類別")
    kind.scroll_into_view_if_needed()
    kind.click()
    page.get_by_role("option", name="工作會議").click()
    main.get_by_label("會議名稱（選填").fill(name)
    main.get_by_label("決議事項（可多行）").fill(DECIDED)
    main.get_by_role("button", name="新增").click()
    expect(main).to_contain_text(f"已新增「交通運輸組」{shown}的會議", timeout=RUN_TIMEOUT)
    expect(main).to_contain_text(f"交通運輸組：{held + 1} 場會議", timeout=RUN_TIMEOUT)
    _settled(page)
    page.screenshot(path=shots / f"meeting_log_added_{size}.png", full_page=True)
    added = [e for e in _entries(engine) if e.name == name]
    assert [(e.decided, e.updated_by) for e in added] == [(DECIDED, LEAD)]
    # the page is no wider than the screen (nothing to scroll sideways on a phone)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
