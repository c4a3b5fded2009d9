"""The year chooser in a browser, on a store of two cycles: a `?cycle=` deep link opened as the
first request of a new session (the worker's tab typing the address) shows that year (chooser, counts and list), and choosing the other
year in the sidebar puts it into the address bar. No fixed waits: every check is a retrying expect."""

import re

import pytest
from playwright.sync_api import expect

from pages.shared import year_choice
from tests.browser.conftest import DONE, EXCEPTION, MAIN, RUN_TIMEOUT, store_server
from tests.two_cycles import add_next_cycle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def two_cycle_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cycles")
    made = []
    with store_server(folder, prepare=lambda s: made.append(add_next_cycle(s))) as (url, _):
        yield url, made[0]


def test_a_year_deep_link_opened_first_shows_that_year(tab, two_cycle_server):
    url, made = two_cycle_server
    page = tab.visit(f"{url}/proposals?{year_choice.PARAM}={made.packet}").page
    main, sidebar = page.locator(MAIN), page.locator('[data-testid="stSidebar"]')
    expect(main).to_contain_text(f"{made.packet}年度共 55 案", timeout=RUN_TIMEOUT)
    chooser = sidebar.get_by_role("combobox", name="年度")
    expect(chooser).to_have_value(f"{made.packet}年度")
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"[?&]{year_choice.PARAM}={made.packet}\b"))

    chooser.click()
    page.get_by_role("option", name=f"{made.next}年度").click()
    expect(main).to_contain_text(f"{made.next}年度共 2 案", timeout=RUN_TIMEOUT)
    expect(page).not_to_have_url(re.compile(rf"{year_choice.PARAM}="))
    expect(main).to_contain_text(made.new_id)
    expect(chooser).to_have_value(f"{made.next}年度")
