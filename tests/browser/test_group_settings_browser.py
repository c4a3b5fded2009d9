"""議題組設定 in Chromium at 1280×720 and 390×844: a reader is asked to sign in and sees no form; the
secretariat signs in, sees the hosts carried over from the year before marked, and sets a group's
host agency, which the list then shows confirmed. Retrying `expect` only."""

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from dashboard.domain import cycles, group_terms, new_year, vocab
from dashboard.domain.permissions import Actor
from tests.browser.conftest import DONE, EXCEPTION, LOCAL, MAIN, RUN_TIMEOUT, SIGN_IN_PASSWORD, store_server

pytestmark = pytest.mark.browser

SECRETARIAT = "祕書甲"
VIEWPORTS = [(1280, 720), (390, 844)]
HOST = "新竹市政府交通處"


def _next_cycle(session: Session) -> None:
    first = cycles.current_cycle(session)
    day = cycles.meeting_of(session, first).date
    actor = Actor(name=SECRETARIAT, role=vocab.SECRETARIAT)
    new_year.start_year(session, cycle=first + 1, meeting_date=day.replace(year=day.year + 1), actor=actor)


@pytest.fixture
def groups_server(tmp_path):
    """A server of its own (the test saves) on a store with the next cycle started."""
    people = [(SECRETARIAT, vocab.SECRETARIAT, ())]
    with store_server(tmp_path, people=people, prepare=_next_cycle) as (url, engine):
        yield url, engine


def _page(browser, url: str, viewport):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-TW")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page = context.new_page()
    page.goto(f"{url}/group_settings")
    return context, page


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_reader_is_asked_to_sign_in(browser, groups_server, viewport):
    context, page = _page(browser, groups_server[0], viewport)
    try:
        main = page.locator(MAIN)
        expect(main).to_contain_text("請先以議題組窗口或祕書處帳號登入", timeout=RUN_TIMEOUT)
        _settled(page)
        expect(main.locator('[data-testid="stDataFrame"]')).to_have_count(0)
        expect(main.get_by_text("修改名稱或主辦機關")).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_secretariat_sets_a_host_carried_over(browser, groups_server, tmp_path, viewport):
    url, engine = groups_server
    context, page = _page(browser, url, viewport)
    try:
        main = page.locator(MAIN)
        main.get_by_label("帳號").fill(SECRETARIAT)
        main.get_by_label("密碼").fill(SIGN_IN_PASSWORD)
        main.get_by_role("button", name="登入").click()
        expect(main).to_contain_text(f"的主辦機關{group_terms.CARRIED_NOTE}", timeout=RUN_TIMEOUT)
        _settled(page)
        page.screenshot(path=tmp_path / "groups.png")
        chooser = main.get_by_role("combobox", name="議題組", exact=True)
        chooser.scroll_into_view_if_needed()
        chooser.click()
        page.keyboard.type("交通運輸")  # filters the list, as a user finds a group among sixteen
        page.get_by_role("option", name="交通運輸組").click()
        host = main.get_by_label("主辦機關", exact=True).first  # the edit form comes before the add form
        expect(host).to_have_value("新北市政府交通局", timeout=RUN_TIMEOUT)
        host.fill(HOST)
        main.get_by_label("修改原因（選填）", exact=True).fill("新竹市主政")
        main.get_by_role("button", name="儲存（").click()
        expect(main).to_contain_text("已儲存「交通運輸組」", timeout=RUN_TIMEOUT)
        _settled(page)
        with Session(engine) as s:
            later = cycles.current_cycle(s)
            group = {g.id: g for g in group_terms.groups_in_cycle(s, later)}["transport"]
            before = {g.id: g for g in group_terms.groups_in_cycle(s, later - 1)}["transport"]
        assert (group.host_agency, group.host_carried) == (HOST, False)
        assert before.host_agency == "新北市政府交通局"
    finally:
        context.close()
