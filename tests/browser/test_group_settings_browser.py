"""議題組設定 in Chromium: a reader is asked to sign in and sees no form (once, at 1280×720); at
1280×720 and 390×844 the signed-in secretariat sees the hosts carried over from the year before
marked, and sets a group's host agency, which the list then shows confirmed. Retrying `expect` only."""

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from dashboard.domain import cycles, group_terms, new_year, vocab
from dashboard.domain.permissions import Actor
from tests.browser.conftest import DONE, EXCEPTION, MAIN, RUN_TIMEOUT, store_server, visit_signed_in

pytestmark = pytest.mark.browser

SECRETARIAT = "祕書甲"
VIEWPORTS = [(1280, 720), (390, 844)]


def _next_cycle(session: Session) -> None:
    first = cycles.current_cycle(session)
    day = cycles.meeting_of(session, first).date
    actor = Actor(name=SECRETARIAT, role=vocab.SECRETARIAT)
    new_year.start_year(session, cycle=first + 1, meeting_date=day.replace(year=day.year + 1), actor=actor)


@pytest.fixture(scope="module")
def groups_server(tmp_path_factory):
    """One server for the module on a store with the next cycle started: each size sets the host of
    a group of its own, carried over until then."""
    folder = tmp_path_factory.mktemp("group_settings")
    people = [(SECRETARIAT, vocab.SECRETARIAT, ())]
    with store_server(folder, people=people, prepare=_next_cycle) as (url, engine):
        yield url, engine


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_a_reader_is_asked_to_sign_in(tab, groups_server):
    visit = tab.visit(f"{groups_server[0]}/group_settings")
    main = visit.main
    expect(main).to_contain_text("請先以議題組窗口或祕書處帳號登入", timeout=RUN_TIMEOUT)
    _settled(visit.page)
    expect(main.locator('[data-testid="stDataFrame"]')).to_have_count(0)
    expect(main.get_by_text("修改名稱或主辦機關")).to_have_count(0)


# (size, group id, its name, its host carried over from data/, the host the secretariat sets)
CASES = [
    ((1280, 720), "transport", "交通運輸組", "新北市政府交通局", "新竹市政府交通處"),
    ((390, 844), "recreation", "休閒遊憩組", "新北市政府觀光旅遊局", "新竹市政府觀光處"),
]


@pytest.mark.parametrize(("viewport", "group_id", "name", "carried", "host"), CASES, ids=["1280x720", "390x844"])
def test_the_secretariat_sets_a_host_carried_over(
    tab, groups_server, tmp_path, viewport, group_id, name, carried, host
):
    url, engine = groups_server
    page = visit_signed_in(tab, engine, url, "group_settings", SECRETARIAT, viewport=viewport).page
    main = page.locator(MAIN)
    expect(main).to_contain_text(f"的主辦機關{group_terms.CARRIED_NOTE}", timeout=RUN_TIMEOUT)
    _settled(page)
    page.screenshot(path=tmp_path / "groups.png")
    chooser = main.get_by_role("combobox", name="議題組", exact=True)
    chooser.scroll_into_view_if_needed()
    chooser.click()
    page.keyboard.type(name[:4])  # filters the list, as a user finds a group among sixteen
    page.get_by_role("option", name=name).click()
    field = main.get_by_label("主辦機關", exact=True).first  # the edit form comes before the add form
    expect(field).to_have_value(carried, timeout=RUN_TIMEOUT)
    field.fill(host)
    main.get_by_label("修改原因（選填）", exact=True).fill("新竹市主政")
    main.get_by_role("button", name="儲存（").click()
    expect(main).to_contain_text(f"已儲存「{name}」", timeout=RUN_TIMEOUT)
    _settled(page)
    with Session(engine) as s:
        later = cycles.current_cycle(s)
        group = {g.id: g for g in group_terms.groups_in_cycle(s, later)}[group_id]
        before = {g.id: g for g in group_terms.groups_in_cycle(s, later - 1)}[group_id]
    assert (group.host_agency, group.host_carried) == (host, False)
    assert before.host_agency == carried
