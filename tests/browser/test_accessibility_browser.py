"""WCAG 2.1 AA in Chromium: axe-core (the axe-playwright-python package) finds no serious or critical
violation on any page, at three sizes, in the light and the dark theme, signed out and signed in.

Cheap by design (the suite's time is issue 16): each view is opened once, in one browser tab per
role, and the six variants are taken on that same tab: the window is resized and the browser's
colour preference switched, which the app follows at once (no theme is chosen in the menu, so
Streamlit follows the system setting; the test checks that the background did change). Views: every
page of the navigation, a proposal's card, and the meeting's presenter view on a proposal and after
PageDown (the step buttons with the keyboard focus on them).
"""

import os

import pytest

from dashboard.domain import vocab
from pages.shared.page_list import PAGES
from tests.browser.conftest import DONE, LOCAL, MAIN, RUN_TIMEOUT, expect, session_cookie, store_server

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # the `site` fixture skips, or fails under REQUIRE_BROWSER=1 as conftest does
    Axe = None

pytestmark = pytest.mark.browser

SECRETARIAT = "祕書甲"
PROPOSAL = "111-03"
SIZES = [(1280, 720), (1024, 768), (390, 844)]
THEMES = {"light": "rgb(255, 255, 255)", "dark": "rgb(23, 22, 20)"}  # the app's background in each
IMPACTS = ("serious", "critical")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PRESENTER = f"meeting?present=1&item={PROPOSAL}"

WIDE_CARD = "112-J17"  # its mutual-aid table scrolls sideways in its own box on a phone
SIGNED_OUT = [s.url_path for s in PAGES.values() if s.listed_for is None] + [f"card?id={PROPOSAL}", PRESENTER]
SIGNED_IN = [s.url_path for s in PAGES.values()] + [f"card?id={WIDE_CARD}", PRESENTER]


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    """(base URL, the cookies of a secretariat's sign-in)."""
    if Axe is None:
        message = "axe-playwright-python is not installed (pip install -e '.[test]')"
        pytest.fail(message) if os.environ.get("REQUIRE_BROWSER") == "1" else pytest.skip(message)
    folder = tmp_path_factory.mktemp("axe")
    with store_server(folder, people=[(SECRETARIAT, vocab.SECRETARIAT, ())]) as (url, engine):
        yield url, [session_cookie(engine, url, SECRETARIAT)]


def _tab(browser, cookies):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-TW")
    if cookies:
        context.add_cookies(cookies)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    return context, context.new_page()


@pytest.fixture(scope="module")
def reader_tab(browser, site):
    context, page = _tab(browser, None)
    yield page
    context.close()


@pytest.fixture(scope="module")
def secretariat_tab(browser, site):
    context, page = _tab(browser, site[1])
    yield page
    context.close()


def _open(page, url: str, path: str) -> None:
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
    page.goto(f"{url}/{path}")
    expect(page.locator(MAIN).locator('[data-testid="stElementContainer"]').first).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    if path == PRESENTER:  # every step button drawn (the hidden shortcut ones too)
        expect(page.locator(".st-key-present-nav button")).to_have_count(2, timeout=RUN_TIMEOUT)
        expect(page.locator(".st-key-present-keys")).to_be_hidden(timeout=RUN_TIMEOUT)


def _axe(page) -> dict:
    """axe-core's results on the page as it is now. The package's Axe.run injects axe-core (half a
    megabyte of script) on every call; here it is injected once per page view and then run again."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(Axe().axe_script)  # the axe-core the package bundles
    return page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)


def audit(page, view: str) -> list[str]:
    """Serious and critical violations of the view open in `page`, in every size and theme."""
    found = []
    for theme, background in THEMES.items():
        page.emulate_media(color_scheme=theme)
        expect(page.locator('[data-testid="stApp"]')).to_have_css("background-color", background)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            results = _axe(page)
            for violation in results["violations"]:
                if violation["impact"] not in IMPACTS:
                    continue
                for node in violation["nodes"]:
                    detail = node.get("failureSummary", "").splitlines()[-1].strip()
                    found.append(
                        f"{view} {width}×{height} {theme}: {violation['id']} ({violation['impact']}) "
                        f"{' '.join(map(str, node['target']))} {node['html'][:100]!r} — {detail}"
                    )
    return found


def _report(found: list[str]) -> str:
    return f"{len(found)} serious or critical WCAG 2.1 AA violations:\n" + "\n".join(found)


@pytest.mark.parametrize("path", SIGNED_OUT)
def test_a_reader_meets_wcag_aa(site, reader_tab, path):
    _open(reader_tab, site[0], path)
    found = audit(reader_tab, f"/{path} signed out")
    assert found == [], _report(found)


@pytest.mark.parametrize("path", SIGNED_IN)
def test_the_secretariat_meets_wcag_aa(site, secretariat_tab, path):
    _open(secretariat_tab, site[0], path)
    expect(secretariat_tab.locator(MAIN)).to_be_visible()
    found = audit(secretariat_tab, f"/{path} signed in")
    assert found == [], _report(found)


FRAME = """() => {
  const main = document.querySelector('[data-testid="stMain"]'), edge = getComputedStyle(main, "::before");
  const nav = document.querySelector(".st-key-present-nav").getBoundingClientRect();
  return {focused: main.matches(":focus-visible"), shown: edge.display !== "none", top: parseFloat(edge.top),
          navTop: nav.top, navBottom: nav.bottom};
}"""


def test_the_presenter_view_after_pagedown_meets_wcag_aa(site, reader_tab):
    """A clicker's PageDown with the focus on the main area (as after Tab, or the skip link) presses
    下一步: the next step is drawn, and no focus frame crosses the step buttons."""
    _open(reader_tab, site[0], PRESENTER)
    reader_tab.locator(MAIN).focus()
    reader_tab.keyboard.press("PageDown")
    expect(reader_tab).not_to_have_url(f"{site[0]}/{PRESENTER}")
    expect(reader_tab.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    for width, height in SIZES:
        reader_tab.set_viewport_size({"width": width, "height": height})
        frame = reader_tab.evaluate(FRAME)
        assert frame["focused"], frame
        crosses = frame["shown"] and frame["navTop"] < frame["top"] < frame["navBottom"]
        assert not crosses, f"{width}×{height}: Streamlit's focus frame crosses the step buttons: {frame}"
    found = audit(reader_tab, f"/{PRESENTER} after PageDown")
    assert found == [], _report(found)
