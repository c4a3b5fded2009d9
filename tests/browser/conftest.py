"""A live dashboard on a fresh store, and headless Debian Chromium driven by Playwright.

Browser tests skip when Chromium or Playwright is missing, unless REQUIRE_BROWSER=1 (set by
.ci/run), in which case they fail: CI must never pass without having run them.

Timing: the machine may be a loaded 2-core box where software WebGL and a Streamlit run take
seconds. Tests never sleep a fixed time; they wait for what the user would see, with Playwright's
retrying `expect(...)` (RUN_TIMEOUT), and only then read once. The script-state attribute alone is
not enough after an action: between the click and the rerun's start the app still says
"notRunning", so `finished()` waits for the expected content first and for the finished run after.
"""

import itertools
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import databases

try:  # test modules take `expect` from here, so a missing Playwright skips them via `browser`
    from playwright.sync_api import expect
except ImportError:
    expect = None

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--no-sandbox",
    # Software compositing instead of compositing through SwiftShader's GL: about 15 % less CPU per
    # page opened (2.8 against 3.2 CPU-s for /proposals on the 2-core machine); WebGL (the map's
    # deck.gl) still draws through SwiftShader.
    "--disable-gpu",
]
DONE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
MAIN = '[data-testid="stMain"]'
EXCEPTION = '[data-testid="stException"]'
RUN_TIMEOUT = 60_000  # ms: a generous bound for one rerun on a loaded machine, not a wait
if expect is not None:  # expect(...) without its own timeout waits as long as the rest (default 5 s)
    expect.set_options(timeout=RUN_TIMEOUT)
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")


def _require(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required but {reason}")
        pytest.skip(reason)


def free_ports(count: int) -> list[int]:
    """`count` distinct free local ports for servers to listen on.

    Chosen below the kernel's range of ports for outgoing connections: a port taken from that range
    could be given to a connection (the browser's, a health check's) in the seconds between choosing
    it and a server binding it, and the server would find it taken; under a full suite that happened
    three times in a row. Under pytest-xdist a worker only takes ports whose remainder by the number
    of workers is its own number, so that two workers cannot choose the same one; the order is
    random, so that two test runs on one machine rarely try the same ports."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    lowest_outgoing = _outgoing_ports()[0]
    candidates = [p for p in range(max(1024, lowest_outgoing - 16_000), lowest_outgoing) if p % workers == worker]
    chosen = [p for p in random.sample(candidates, min(len(candidates), 200)) if _bindable(p)][:count]
    if len(chosen) < count:
        raise RuntimeError(f"no {count} free ports below {lowest_outgoing}")
    return chosen


def _outgoing_ports() -> tuple[int, int]:
    """The kernel's range of local ports for outgoing connections (Linux's default without /proc)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def _bindable(port: int) -> bool:
    """Whether a server could listen on the port now (with SO_REUSEADDR, as Streamlit's server binds)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    return free_ports(1)[0]


PORT_TAKEN = "is not available"  # what Streamlit prints when its port was taken meanwhile


def start_server(
    folder: Path, *extra_args: str, database_url: str | None = None, port: int | None = None
) -> tuple[subprocess.Popen, str]:
    """A streamlit server on `port` (or a free one); (process, base URL).

    Its store is `database_url`, or else a new, empty one (in `folder` on SQLite) that the server builds
    at first start and `stop_server` drops. A free port chosen here can still be taken before the
    server binds it (the kernel hands the same range to outgoing connections): then another is tried."""
    if port is not None:
        return _start_server(folder, *extra_args, database_url=database_url, port=port)
    for attempt in range(3):
        try:
            return _start_server(folder, *extra_args, database_url=database_url, port=free_port())
        except RuntimeError as error:
            if PORT_TAKEN not in str(error) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _start_server(folder: Path, *extra_args: str, database_url: str | None, port: int) -> tuple[subprocess.Popen, str]:
    own = database_url is None
    database_url = database_url or databases.new_url(folder / "live.db")
    env = dict(os.environ, DATABASE_URL=database_url)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            "--client.showErrorDetails",
            "full",
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    proc.own_database = database_url if own else None
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return proc, url
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                if own:
                    databases.drop(database_url)
                raise RuntimeError(proc.stdout.read().decode(errors="replace")[-3000:]) from None
            time.sleep(0.2)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:  # a loaded machine may not get to the exit in time: end it
        proc.kill()
        proc.wait()
    if proc.own_database:
        databases.drop(proc.own_database)


SIGN_IN_PASSWORD = "browser test pass"  # every account store_server makes signs in with it
BCRYPT_ROUNDS = 4  # the cheapest cost: these tests check roles, not hashing


@contextmanager
def store_server(folder: Path, *extra_args: str, people=(), prepare=None):
    """A server on a store of its own built from data/ (PostgreSQL in CI's second pass); yields
    (base URL, engine on that store). `people`: (name, role, groups) accounts made before the start,
    signing in with SIGN_IN_PASSWORD; `prepare(session)`: anything else to store first."""
    from sqlmodel import Session

    from dashboard.domain import accounts, permissions
    from dashboard.store.db import make_engine
    from dashboard.web import auth

    database_url = databases.new_url(folder / "live.db", loaded=True)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            hashed = auth.hash_password(SIGN_IN_PASSWORD, rounds=BCRYPT_ROUNDS)
            for name, role, groups in people:
                accounts.add(
                    session,
                    actor=permissions.OPERATOR,
                    name=name,
                    role=role,
                    groups=tuple(groups),
                    password_hash=hashed,
                )
            if prepare:
                prepare(session)
        proc, url = start_server(folder, *extra_args, database_url=database_url)
        try:
            yield url, engine
        finally:
            stop_server(proc)
    finally:
        engine.dispose()
        databases.drop(database_url)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Base URL of a freshly started server whose store does not exist yet."""
    proc, url = start_server(tmp_path_factory.mktemp("live"))
    yield url
    stop_server(proc)


def finished(page, expected, timeout: int = RUN_TIMEOUT) -> None:
    """After an action: wait until `expected` (a locator, or text in the main area) is shown and the
    run that drew it has finished, and no exception is on the page."""
    target = page.locator(MAIN).get_by_text(expected).first if isinstance(expected, str) else expected
    expect(target).to_be_visible(timeout=timeout)
    expect(page.locator(DONE)).to_be_attached(timeout=timeout)
    expect(page.locator(EXCEPTION)).to_have_count(0)


POLL_INTERVALS = (0.0, 0.1, 0.25, 0.5, 1.0)  # s between tries, then 1 s: Playwright's own expect() schedule


def poll(probe, done, *, timeout: float = RUN_TIMEOUT / 1000, what: str = "condition"):
    """Call `probe()` until `done(result)` holds; return the last result, or fail after `timeout` s.

    For things Playwright cannot wait for itself, such as pixels on a WebGL canvas (Python Playwright
    has no expect.poll). Tries are spaced as Playwright's expect() spaces its own (0, 0.1, 0.25, 0.5,
    then 1 s): each probe is a screenshot or a browser round trip, and on a 2-core machine back-to-back
    screenshots of a canvas that software WebGL is still drawing take the CPU the drawing needs."""
    deadline = time.monotonic() + timeout
    for attempt in itertools.count():
        result = probe()
        if done(result):
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not met within {timeout:.0f} s; last: {result!r}")
        time.sleep(POLL_INTERVALS[min(attempt + 1, len(POLL_INTERVALS) - 1)])


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "playwright is not installed")
    _require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield PatientBrowser(instance)
        instance.close()


class PatientBrowser:
    """The browser, whose contexts give every action (click, fill, press) as long as a script run may
    take on a loaded machine: Playwright's 30 s default timed out a click on the map page while
    SwiftShader drew deck.gl on a loaded 2-core machine."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.set_default_timeout(RUN_TIMEOUT)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


class Visit:
    """One page opened at a path: the tab's next address, or the first request of a fresh context."""

    def __init__(self, page, outside: list[str], console: list[str]):
        self.page, self.outside, self.console = page, outside, console
        self.main = page.locator(MAIN)

    def shows(self, *snippets: str, timeout: int = RUN_TIMEOUT) -> None:
        """Wait until the main area contains every snippet, then until the run has finished."""
        for snippet in snippets:
            expect(self.main).to_contain_text(snippet, timeout=timeout)
        expect(self.page.locator(DONE)).to_be_attached(timeout=timeout)

    def exceptions(self) -> list[str]:
        """Exceptions shown now; call after waiting for the content the test is about."""
        return self.page.locator(EXCEPTION).all_inner_texts()

    def text(self) -> str:
        """The main area's text once the current run has finished (prefer `shows`, which retries)."""
        expect(self.page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
        return self.main.inner_text()


# What a tab forgets between visits: the cookies (a sign-in) and the storage of the site it was on
# (Streamlit keeps a chosen theme there). The page itself stays: Chromium spends about 2.5 CPU-s
# opening a page in a new context and 1.3 navigating an open one (benchmarks/bench_browser_open.py),
# and a navigation starts a new Streamlit session, as a person typing the address would.
FORGET_STORAGE = "() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} }"


class Tab:
    """The worker's one browser tab, which tests visit one address at a time: each visit starts
    signed out (or with the cookies given), at its own size and colour preference, with requests
    outside this machine blocked and counted, and console errors collected, for that visit only."""

    def __init__(self, browser):
        self._browser = browser
        self._context = None
        self._outside: list[str] = []
        self._console: list[str] = []

    def _page(self):
        if self._context is None or self._context.pages == [] or self._context.pages[0].is_closed():
            if self._context is not None:
                self._context.close()
            self._context = self._browser.new_context(locale="zh-TW", accept_downloads=True)
            self._context.route("**/*", self._route)
            page = self._context.new_page()
            page.on("console", lambda m: self._console.append(m.text) if m.type == "error" else None)
            # Leaving a page where a test typed must not be held up by a "leave this page?" question
            page.on("dialog", lambda d: d.accept() if d.type == "beforeunload" else d.dismiss())
        return self._context.pages[0]

    def _route(self, r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            self._outside.append(r.request.url)
            r.abort()

    def visit(self, url: str, *, viewport=(1280, 720), color_scheme=None, cookies=()) -> Visit:
        page = self._page()
        if page.url.startswith("http"):
            page.evaluate(FORGET_STORAGE)
        page.goto("about:blank")  # closes the last visit's session before the next one starts
        self._context.clear_cookies()
        if cookies:
            self._context.add_cookies(list(cookies))
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        # as a new context would be: the screen (a test may have emulated print), the colour
        # preference asked for ("light" is Playwright's default), no reduced motion or forced colours
        page.emulate_media(
            media="null", color_scheme=color_scheme or "light", reduced_motion="null", forced_colors="null"
        )
        self._outside, self._console = [], []
        visit = Visit(page, self._outside, self._console)
        page.goto(url)
        return visit

    def close(self) -> None:
        if self._context is not None:
            self._context.close()


@pytest.fixture(scope="session")
def tab(browser):
    shared = Tab(browser)
    yield shared
    shared.close()


SIDEBAR = '[data-testid="stSidebar"]'


def session_cookie(engine, url: str, name: str) -> dict:
    """The cookie that signs `name` in at the server at `url` (its store: `engine`), without the
    sign-in form: a session token issued as a password sign-in issues it, in the cookie the sign-in
    writes (pages/shared/auth_form.py: COOKIE, path /, SameSite=Strict). For tests whose subject is
    a signed-in page, not the sign-in: pass it to `tab.visit(..., cookies=[...])`."""
    from sqlmodel import Session

    from dashboard.domain import accounts
    from dashboard.web import sessions
    from pages.shared import auth_form

    with Session(engine) as session:
        hashed = accounts.password_hash_of(session, name)
    assert hashed is not None, f"{name} cannot sign in with a password"
    token = sessions.issue(engine, name, hashed)
    return {"name": auth_form.COOKIE, "value": token, "url": url, "sameSite": "Strict"}


def visit_signed_in(tab, engine, url: str, path: str, name: str, *, viewport=(1280, 720)) -> Visit:
    """The tab at `path` of the server at `url`, signed in as `name` by cookie; returns once the
    sidebar offers 登出 (it is in the page, if folded away on a phone) and the run has finished."""
    visit = tab.visit(f"{url}/{path}", viewport=viewport, cookies=[session_cookie(engine, url, name)])
    expect(visit.page.locator(SIDEBAR).locator("button", has_text="登出")).to_be_attached(timeout=RUN_TIMEOUT)
    expect(visit.page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    return visit


def sign_in_on_presenter(page, name: str, password: str) -> None:
    """Sign in through the presenter footer's 祕書處登入 box: open it, type, and send with Enter
    (the form's 「按 Enter 送出表單」), then wait until the decision form is there.

    Enter, not a click on 登入: the box animates open and focusing a field in it scrolls its clipped
    content, so a click right after typing can land while the button is still moving and be lost
    (no message reached the server; seen once in CI and 1 in 7 runs on a loaded machine)."""
    page.locator('[data-testid="stExpander"] summary').click()
    page.get_by_label("帳號").fill(name)
    page.get_by_label("密碼").fill(password)
    page.get_by_label("密碼").press("Enter")
    expect(page.get_by_role("button", name="記錄決議")).to_be_visible(timeout=RUN_TIMEOUT)


def first_run_finished(page) -> None:
    """The first run has drawn something and finished ("initial" until the session's first run,
    so this cannot match the empty page). Tests then wait for their own content with `shows`."""
    expect(page.locator(MAIN).locator('[data-testid="stElementContainer"]').first).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)


@pytest.fixture
def open_page(browser, tab, server):
    """Open a path of the session's server: the first in a test in the worker's tab, any further
    one (a second window held open beside the first) in a fresh browser context."""
    contexts = []

    def _open(path: str, viewport=(1280, 720), color_scheme=None) -> Visit:
        # color_scheme "dark"/"light" emulates the browser's preference; None keeps Playwright's default
        if not contexts:
            contexts.append(None)
            visit = tab.visit(server + path, viewport=viewport, color_scheme=color_scheme)
            first_run_finished(visit.page)
            return visit
        ctx = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-TW", color_scheme=color_scheme
        )
        contexts.append(ctx)
        outside, console = [], []

        def route(r):
            if r.request.url.startswith(LOCAL):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        page.goto(server + path)
        first_run_finished(page)
        return Visit(page, outside, console)

    yield _open
    for ctx in contexts[1:]:
        ctx.close()
