"""Two replicas on one PostgreSQL database behind nginx, started by deploy/replicas.sh with the shipped
deploy/nginx.conf, in headless Chromium.

The secretariat records a decision through the proxy; each replica, opened directly, shows it at its
next run although it had already drawn (and cached) the proposal without it. Every request of the
secretariat's browser (page, websocket, the minutes download) reaches one replica: its sign-in and
its download files live in that process.

Needs PostgreSQL (TEST_DATABASE_URL) and Debian's nginx; skipped without them unless REQUIRE_POSTGRES=1.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from dashboard.web import auth
from tests import databases
from tests.browser.conftest import DONE, LOCAL, MAIN, RUN_TIMEOUT, free_ports, sign_in_on_presenter

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "replica rehearsal"
NOTE = "複本測試：請主辦機關補充資料"
PROPOSAL = "112-J03"


def _healthy(url: str) -> bool:
    try:
        return urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    """deploy/replicas.sh with two replicas on a new, empty PostgreSQL database (the replicas build it)."""
    databases.require(databases.on_postgres(), "replicas need PostgreSQL: set TEST_DATABASE_URL")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    databases.require(Path(nginx).exists(), "nginx is not installed (apt-get install nginx)")
    folder = tmp_path_factory.mktemp("replicas")
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f'[secretariat.users]\n"測試祕書" = "{auth.hash_password(PASSWORD, rounds=4)}"\n', encoding="utf-8"
    )
    proxy, *ports = free_ports(3)
    url = databases.new_url(folder / "store.db")
    env = dict(
        os.environ,
        DATABASE_URL=url,
        PORT=str(proxy),
        REPLICA_PORTS=" ".join(map(str, ports)),
        RUN_DIR=str(folder / "run"),
        PYTHON=sys.executable,
    )
    proc = subprocess.Popen(
        [str(ROOT / "deploy" / "replicas.sh"), "--secrets.files", str(secrets)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    running = SimpleNamespace(
        proxy=f"http://127.0.0.1:{proxy}", direct=[f"http://127.0.0.1:{p}" for p in ports], run=folder / "run"
    )
    try:
        deadline = time.monotonic() + 90
        # The replicas first, directly: health checks through nginx before they listen would mark
        # them failed there (max_fails), and nginx would then refuse the test's first requests.
        while not all(map(_healthy, [*running.direct, running.proxy])):
            if proc.poll() is not None or time.monotonic() > deadline:
                logs = "".join(p.read_text(errors="replace")[-2000:] for p in running.run.glob("*.log"))
                pytest.fail(f"replicas did not start:\n{proc.stdout.read1().decode(errors='replace')}\n{logs}")
            time.sleep(0.2)
        yield running
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        databases.drop(url)


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-TW", accept_downloads=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    return context, context.new_page()


def _card_shows(page, *texts) -> None:
    main = page.locator(MAIN)
    expect(main).to_contain_text(PROPOSAL, timeout=RUN_TIMEOUT)
    for text in texts:
        expect(main).to_contain_text(text, timeout=RUN_TIMEOUT)
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)


def test_a_decision_recorded_through_the_proxy_shows_on_every_replica_at_its_next_run(browser, replicas):
    contexts = []
    try:
        readers = []
        for base in replicas.direct:  # each replica draws the card, and caches it, before the decision
            context, page = _page(browser)
            contexts.append(context)
            page.goto(f"{base}/card?id={PROPOSAL}")
            _card_shows(page, "會議決議")
            assert NOTE not in page.locator(MAIN).inner_text()
            readers.append(page)

        context, page = _page(browser)
        contexts.append(context)
        page.goto(f"{replicas.proxy}/meeting?present=1&item={PROPOSAL}&clock=15:20")
        expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
        sign_in_on_presenter(page, "測試祕書", PASSWORD)
        page.get_by_text("保留", exact=True).first.click()
        page.get_by_label("備註（選填）").fill(NOTE)
        page.get_by_role("button", name="記錄決議").click()
        expect(page.locator(MAIN)).to_contain_text(f"備註：{NOTE}", timeout=RUN_TIMEOUT)
        expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)

        for reader in readers:  # the next run on each replica, the one that recorded and the other
            reader.reload()
            _card_shows(reader, NOTE)

        # The minutes are a file held by the replica that ran the script: the download only works
        # when the proxy sends it to that same replica.
        page.goto(f"{replicas.proxy}/meeting?item={PROPOSAL}")
        expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
        with page.expect_download() as download:
            page.get_by_text("下載會議紀錄草案（.docx）").click()
        assert download.value.failure() is None
        assert Path(download.value.path()).read_bytes()[:2] == b"PK"
    finally:
        for context in contexts:
            context.close()

    # Every request of the secretariat's browser, websocket included, reached one replica.
    served = {}
    for line in (replicas.run / "access.log").read_text().splitlines():
        cookie, upstream = re.search(r"cookie=(\S+)", line)[1], re.search(r"upstream=(\S+)", line)[1]
        if cookie != "-":
            served.setdefault(cookie, set()).add(upstream)
    assert served and all(len(upstreams) == 1 for upstreams in served.values()), served
