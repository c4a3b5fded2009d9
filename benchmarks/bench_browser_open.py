"""What opening a page costs the browser tests: CPU seconds of Chromium and of the server per page.

Starts a Streamlit server (the project, or --app another script such as an empty one) on a fresh
SQLite store, then opens PATH in headless Chromium (the browser tests' flags, plus --extra) N times
three ways: each in a new browser context (as the browser tests do), each in a new page of one
context, and all in one page (navigating). CPU is read from /proc (user + system of each process
tree, children reaped included), so it holds on a loaded machine where wall time does not.

    .venv/bin/python benchmarks/bench_browser_open.py [--path /proposals] [--runs 6] [--app FILE]
                                                      [--extra "--disable-gpu"]
Linux only (reads /proc); needs Debian's chromium and the test extra (playwright).
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.cpu_of_tests import processes, tree_cpu  # noqa: E402  (CPU from /proc, one reader)
from tests.browser.conftest import ARGS, CHROMIUM, DONE  # noqa: E402  (the browser tests' own settings)


def start_server(app: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = Path(tempfile.mkdtemp()) / "bench.db"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            app,
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],  # fmt: skip
        cwd=ROOT,
        env=dict(os.environ, DATABASE_URL=f"sqlite:///{store}"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", default="/proposals")
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--app", default="dashboard/app.py")
    parser.add_argument("--extra", default="", help="more Chromium flags, space-separated")
    args = parser.parse_args()
    server, url = start_server(args.app)
    me = os.getpid()

    def browser_cpu() -> float:  # this process's tree is the Playwright driver, Chromium and the server
        return tree_cpu(me) - tree_cpu(server.pid) - processes()[me][1]

    def wait(page) -> None:
        page.locator(DONE).wait_for(state="attached", timeout=120_000)
        page.locator('[data-testid="stMain"]').wait_for(timeout=120_000)

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + args.extra.split())
            viewport = {"width": 1280, "height": 720}
            warm = browser.new_context(viewport=viewport)
            page = warm.new_page()
            page.goto(url + args.path)
            wait(page)
            warm.close()
            for mode in ("new context", "new page", "same page"):
                chromium, served, started = browser_cpu(), tree_cpu(server.pid), time.monotonic()
                shared = browser.new_context(viewport=viewport) if mode != "new context" else None
                same = shared.new_page() if mode == "same page" else None
                for run in range(args.runs):
                    target = f"{url}{args.path}{'&' if '?' in args.path else '?'}run={run}"
                    if same:
                        same.goto(target)
                        wait(same)
                        continue
                    context = shared or browser.new_context(viewport=viewport)
                    page = context.new_page()
                    page.goto(target)
                    wait(page)
                    page.close()
                    if not shared:
                        context.close()
                if shared:
                    shared.close()
                n = args.runs
                print(
                    f"{mode:12s} Chromium {(browser_cpu() - chromium) / n:.2f} CPU-s/page, "
                    f"server {(tree_cpu(server.pid) - served) / n:.2f}, wall {(time.monotonic() - started) / n:.2f} s",
                    flush=True,
                )
            browser.close()
    finally:
        server.kill()
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
