"""The meeting page and its presenter view in headless Chromium at 1280×720.

Most tests use the shared fresh `server` (no secrets: read-only). The recording tests share a
server whose secrets file lives in a temporary folder, with a test account made for the run.
No fixed waits: every check is a retrying `expect`, and a run has finished when DONE is present.
"""

import io
import re

import docx
import pytest
from playwright.sync_api import expect

from dashboard.web import auth
from pages.shared import presenter
from tests.browser.conftest import DONE, LOCAL, sign_in_on_presenter, start_server, stop_server

pytestmark = pytest.mark.browser

HTML_NOTE = "<script>alert(1)</script><b>x</b>"
PASSWORD = "browser rehearsal"
LONGEST_TITLE = "112-C03"  # the longest proposal title: the hardest step to fit on one screen


def _settle(page) -> None:
    """The script run started by the last action has finished (retrying, no fixed wait)."""
    expect(page.locator(DONE)).to_have_count(1, timeout=60_000)


def _heading(page):
    return page.locator('[data-testid="stMain"] h1').first


def _h1(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text()


def _step(page, label: str):
    """The visible 上一步／下一步 button (hidden twins carry the other shortcut keys)."""
    return page.locator(".st-key-present-nav").get_by_role("button", name=re.compile(f"^{label}"))


def _ready(page) -> None:
    """The presenter view is drawn whole: its hidden shortcut buttons exist and their CSS applies."""
    expect(page.locator(".st-key-present-keys button")).to_have_count(
        len(presenter.NEXT_KEYS) + len(presenter.PREVIOUS_KEYS) - 2, timeout=60_000
    )
    expect(page.locator(".st-key-present-keys")).to_be_hidden(timeout=60_000)
    _settle(page)


def _arrive(page, param: str, title: str | None = None) -> None:
    """Wait (under load, a rerun can take a while) until the URL holds param and the title shows."""
    expect(page).to_have_url(re.compile(re.escape(param)), timeout=60_000)
    if title:
        expect(_heading(page)).to_contain_text(title, timeout=60_000)
    _settle(page)


def test_presenter_view_hides_the_sidebar_and_the_chrome(open_page):
    visit = open_page("/meeting?present=1&step=5")
    page = visit.page
    assert visit.exceptions() == []
    assert _h1(page) == "年度合作方案決議"
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('[data-testid="stSidebarCollapsedControl"]').is_visible()
    assert not page.locator('[data-testid="stHeader"]').is_visible()
    assert not page.locator('[data-testid="stToolbar"]').is_visible()
    size = page.locator('[data-testid="stMain"] h1').first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    body = page.locator('[data-testid="stMain"] p', has_text="35 分鐘").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 36 and body >= 20  # enlarged for a shared screen
    assert visit.outside == []


def test_the_meeting_page_keeps_its_sidebar_and_is_read_only_without_secrets(open_page):
    visit = open_page("/meeting?clock=15:12")
    page = visit.page
    assert visit.exceptions() == []
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_be_visible()
    expect(sidebar).to_contain_text("唯讀")
    expect(sidebar).not_to_contain_text("secrets.toml")  # visitors get no setup instructions
    assert page.get_by_role("button", name="記錄決議").count() == 0
    assert "剩 33 分鐘" in visit.text()


def test_next_and_previous_move_one_step_and_each_step_has_its_own_url(open_page, browser, server):
    page = open_page("/meeting?present=1&step=5&clock=15:10").page
    _ready(page)
    _step(page, "下一步").click()
    _arrive(page, "item=111-01", "111-01")
    _step(page, "下一步").click()
    _arrive(page, "item=111-02", "111-02")
    _step(page, "上一步").click()
    _arrive(page, "item=111-01", "111-01")

    second = browser.new_context(viewport={"width": 1280, "height": 720})  # a second presenter takes over
    try:
        other = second.new_page()
        other.goto(page.url)
        expect(_heading(other)).to_have_text(_h1(page), timeout=60_000)
    finally:
        second.close()


def test_the_presenter_view_opened_from_the_meeting_page_updates_its_url(open_page):
    page = open_page("/meeting?clock=15:10").page
    page.get_by_text("開啟簡報模式").first.click()
    _arrive(page, "present=1")
    assert "clock=15" in page.url
    first = _h1(page)
    _step(page, "下一步").click()
    expect(_heading(page)).not_to_have_text(first, timeout=60_000)
    _settle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    assert re.search(r"[?&](step|item)=", page.url)


def test_a_long_proposal_fits_a_1280x720_screen(open_page):
    visit = open_page(f"/meeting?present=1&item={LONGEST_TITLE}")
    page = visit.page
    assert visit.exceptions() == []
    for locator in (
        _step(page, "下一步"),
        _step(page, "上一步"),
        page.locator('[data-testid="stMain"] h1').first,
        page.get_by_text("決議：").first,
    ):
        box = locator.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 720, locator


def _in_view(locator, height: int = 720) -> bool:
    box = locator.bounding_box()
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_a_clicker_and_the_arrow_keys_step_the_presenter_view(open_page):
    page = open_page("/meeting?present=1&step=5&clock=15:10").page
    _ready(page)
    for key, param, title in [
        ("PageDown", "item=111-01", "111-01"),
        ("ArrowRight", "item=111-02", "111-02"),
        ("ArrowDown", "item=111-03", "111-03"),
        ("ArrowDown", "item=111-04", "111-04"),
        ("PageUp", "item=111-03", "111-03"),
        ("ArrowLeft", "item=111-02", "111-02"),
        ("ArrowUp", "item=111-01", "111-01"),
    ]:
        page.keyboard.press(key)
        _arrive(page, param, title)
    assert "clock=15" in page.url


def test_space_presses_the_focused_button_and_does_not_also_step(open_page):
    page = open_page("/meeting?present=1&item=111-03").page
    _ready(page)
    _step(page, "上一步").focus()
    page.keyboard.press("Space")
    _arrive(page, "item=111-02", "111-02")


def test_keys_typed_into_the_jump_list_do_not_step(open_page):
    page = open_page("/meeting?present=1&item=111-03").page
    jump = page.get_by_role("combobox", name=re.compile("跳至"))
    jump.click()
    jump.press("ArrowDown")
    jump.press("Space")
    page.keyboard.press("Escape")
    _settle(page)
    expect(_heading(page)).to_contain_text("111-03")
    expect(page).to_have_url(re.compile("item=111-03"))


def test_the_jump_list_goes_to_any_proposal_by_typing_its_id(open_page):
    page = open_page("/meeting?present=1&step=2").page
    jump = page.get_by_role("combobox", name=re.compile("跳至"))
    jump.click()
    jump.fill("112-J03")
    page.get_by_role("option", name=re.compile("^112-J03")).click()
    _arrive(page, "item=112-J03", "112-J03")


def test_leaving_presentation_mode_takes_it_out_of_the_address_bar(open_page):
    page = open_page("/meeting?present=1&item=111-03&clock=15:12").page
    page.get_by_role("button", name="離開簡報模式").click()
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible(timeout=60_000)
    expect(page).not_to_have_url(re.compile("present="))
    expect(page).to_have_url(re.compile("item=111-03"))
    page.reload()  # a reload stays in the normal page
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="離開簡報模式")).to_have_count(0)


def test_a_wrong_value_in_the_url_is_named_as_plain_text(open_page):
    page = open_page("/meeting?present=1&item=[連結](http://example.com/x)").page
    alert = page.locator('[data-testid="stAlert"]')
    expect(alert).to_contain_text("[連結](http://example.com/x)")
    expect(alert.locator("a")).to_have_count(0)
    expect(_heading(page)).to_have_count(0)  # no other step shown instead


@pytest.mark.parametrize("path", ["/meeting?present=1&item=111-03", "/meeting?clock=15:12"])
def test_every_control_shows_where_the_keyboard_focus_is(open_page, path):
    page = open_page(path).page
    _ready(page) if "present=1" in path else _settle(page)  # every control drawn before tabbing through
    page.wait_for_function(  # the focus styles have arrived (a retrying wait, not a fixed one)
        "() => [...document.querySelectorAll('style')].some(s => s.textContent.includes('#ffd400'))"
    )
    seen = set()
    for _ in range(14):  # the presenter view's controls, or the first ones of the meeting page
        page.keyboard.press("Tab")
        name, outline = page.evaluate(
            """() => { const e = document.activeElement;
                       const shown = e.type === 'radio' ? e.closest('label') : e;  // the input is hidden
                       const cs = getComputedStyle(shown);
                       return [e.tagName + ' ' + (e.getAttribute('aria-label') || e.innerText || '').slice(0, 20),
                               cs.outlineStyle === 'none' ? 0 : parseFloat(cs.outlineWidth)]; }"""
        )
        if name.startswith("BODY"):  # past the last control
            break
        assert outline >= 2, name
        seen.add(name)
    assert len(seen) >= 6  # links, buttons, the jump list or the clock, the expander


# --- recording, with an account configured for this run only ---------------------------------


@pytest.fixture(scope="module")
def secretariat_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("secretariat")
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f'[secretariat.users]\n"測試祕書" = "{auth.hash_password(PASSWORD, rounds=4)}"\n', encoding="utf-8"
    )
    proc, url = start_server(folder, "--secrets.files", str(secrets))
    yield url
    stop_server(proc)


def test_the_secretariat_records_from_the_presenter_view_and_the_minutes_list_it(browser, secretariat_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-TW", accept_downloads=True)
    outside, dialogs = [], []
    context.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(LOCAL) else (outside.append(r.request.url), r.abort()),
    )
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(secretariat_server + "/meeting?present=1&item=111-03&clock=15:20")
        _settle(page)
        assert page.get_by_role("button", name="記錄決議").count() == 0  # not signed in yet

        sign_in_on_presenter(page, "測試祕書", PASSWORD)
        page.get_by_text("保留", exact=True).first.click()
        page.get_by_label("備註（選填）").fill(HTML_NOTE)
        page.get_by_role("button", name="記錄決議").click()
        main = page.locator('[data-testid="stMain"]')
        expect(main).to_contain_text(f"備註：{HTML_NOTE}", timeout=60_000)  # shown literally
        _settle(page)
        assert main.locator("b", has_text="x").count() == 0 and dialogs == []
        assert page.locator('[data-testid="stException"]').count() == 0

        _step(page, "下一步").click()  # the session stays signed in while stepping
        _arrive(page, "item=111-04", "111-04")
        page.get_by_text("照案通過", exact=True).first.click()
        page.get_by_role("button", name="記錄決議").click()
        expect(page.get_by_text("決議：").first.locator("..")).to_contain_text("照案通過", timeout=60_000)
        _settle(page)

        page.goto(secretariat_server + "/meeting?item=111-03")
        _settle(page)
        with page.expect_download() as download:
            page.get_by_text("下載會議紀錄草案（.docx）").click()
        minutes = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
        rows = {
            cells[1]: cells
            for cells in ([c.text for c in row.cells] for table in minutes.tables for row in table.rows)
            if len(cells) == 6
        }
        rows.pop("編號")
        assert len(rows) == 55
        assert rows["111-03"][4:] == ["保留", HTML_NOTE]
        assert rows["111-04"][4] == "照案通過"
        assert outside == []
    finally:
        context.close()


def test_recording_on_the_longest_proposal_keeps_the_step_buttons_on_screen(browser, secretariat_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-TW")
    try:
        page = context.new_page()
        page.goto(secretariat_server + f"/meeting?present=1&item={LONGEST_TITLE}")
        _settle(page)
        sign_in_on_presenter(page, "測試祕書", PASSWORD)
        page.get_by_text("修正後通過", exact=True).first.click()
        page.get_by_role("button", name="記錄決議").click()
        expect(page.get_by_text("決議：").first.locator("..")).to_contain_text("修正後通過", timeout=60_000)
        _settle(page)
        expect(page.get_by_text(f"已記錄 {LONGEST_TITLE}：修正後通過")).to_be_visible()  # said, and covers nothing
        for name in ("上一步", "下一步"):
            button = page.get_by_role("button", name=name)
            expect(button).to_be_visible()
            assert _in_view(button), name
            assert button.evaluate(
                "e => { const r = e.getBoundingClientRect();"
                " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)"
                "  ?.closest('button') === e; }"
            ), f"{name} is covered"
    finally:
        context.close()


def test_a_decision_recorded_in_a_second_window_shows_on_the_presenter_screen(browser, secretariat_server):
    shared = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-TW")
    secretariat = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-TW")
    try:
        screen = shared.new_page()
        screen.goto(secretariat_server + "/meeting?present=1&item=111-07")
        decision = screen.get_by_text("決議：").first.locator("..")
        expect(decision).to_contain_text("未決議", timeout=60_000)
        screen.evaluate("window.notReloaded = true")

        desk = secretariat.new_page()  # the secretariat's own window, on the normal meeting page
        desk.goto(secretariat_server + "/meeting?item=111-07")
        _settle(desk)
        desk.get_by_label("帳號").fill("測試祕書")
        desk.get_by_label("密碼").fill(PASSWORD)
        desk.get_by_role("button", name="登入").click()
        expect(desk.get_by_role("button", name="記錄決議")).to_be_visible(timeout=60_000)
        desk.get_by_text("不通過", exact=True).first.click()
        desk.get_by_label("備註（選填）").fill("請再研議")
        desk.get_by_role("button", name="記錄決議").click()
        expect(desk.locator('[data-testid="stMain"]')).to_contain_text("備註：請再研議", timeout=60_000)

        expect(decision).to_contain_text("不通過", timeout=20_000)  # within seconds, without a reload
        expect(screen.locator('[data-testid="stMain"]')).to_contain_text("備註：請再研議")
        assert screen.evaluate("window.notReloaded === true")
    finally:
        shared.close()
        secretariat.close()


def test_what_the_secretariat_chose_and_typed_stays_while_the_decision_refreshes(browser, secretariat_server):
    # The presenter's form lives in the fragment that rereads the decision every few seconds.
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-TW")
    try:
        page = context.new_page()
        with page.expect_websocket() as connection:
            page.goto(secretariat_server + "/meeting?present=1&item=111-05")
        socket = connection.value
        _settle(page)
        sign_in_on_presenter(page, "測試祕書", PASSWORD)
        page.get_by_text("保留", exact=True).first.click()
        page.get_by_label("備註（選填）").fill("尚未送出的備註")
        for _ in range(2):  # two of the live decision's reruns: the browser asks for each one
            with socket.expect_event("framesent", timeout=60_000):
                pass
        _settle(page)
        expect(page.get_by_role("radio", name="保留")).to_be_checked()
        expect(page.get_by_label("備註（選填）")).to_have_value("尚未送出的備註")
        page.get_by_role("button", name="記錄決議").click()
        expect(page.get_by_text("已記錄 111-05：保留")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("備註：尚未送出的備註")).to_be_visible()
    finally:
        context.close()
