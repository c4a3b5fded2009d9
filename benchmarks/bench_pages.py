"""Median warm script-run time of every page, measured with AppTest, next to an empty page's.

    .venv/bin/python benchmarks/bench_pages.py [--runs 30] [--factor 100]

Runs at the document's scale (a store built from data/) and at a synthetic scale (`--factor`
times: benchmarks/synthetic.py), each in its own process so that Streamlit's caches start empty.
Each case: one run to warm (builds the store and the caches), then `--runs` timed runs interleaved
with runs of an empty page (an AppTest of a script that does nothing); both medians are reported. Budget: within 4x the empty page at the document's scale, under 1 s at the synthetic one.
Not part of the tests.

AppTest compiles every script anew on each run (a fresh ScriptCache per run, with Streamlit's magic
AST pass), which a server does once per page; the benchmark hands AppTest one shared ScriptCache, as
a server has, so that it times what a server runs on each rerun.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

APP = str(ROOT / "dashboard" / "app.py")
EXTRA_CASES = [  # deep links worth timing besides each page's bare URL
    ("groups", {"group": "transport", "year": "112"}),
    ("proposals", {"q": "臺北", "year": "112"}),
    ("card", {"id": "112-J17"}),
    ("card", {"id": "112-C01", "group": "交通運輸組", "year": "112"}),
    ("meeting", {"present": "1"}),  # the presenter view at the item running now
    ("meeting", {"present": "1", "step": "5"}),  # the decision item's overview
    ("meeting", {"present": "1", "item": "112-J03"}),  # one proposal to decide
]
RATIO_BUDGET, SYNTHETIC_BUDGET_S = 4.0, 1.0


def pad(text: str, width: int) -> str:
    """Left-justify for a terminal, counting CJK characters as two columns."""
    import unicodedata

    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


def timed(at) -> float:
    start = time.perf_counter()
    at.run(timeout=120)
    return time.perf_counter() - start


def paired_medians(at, empty, runs: int) -> tuple[float, float]:
    """(page median, empty-page median) over interleaved runs: page, empty, page, empty, ...

    Interleaving puts both medians in the same time window, so that other load on the machine
    moves them together instead of skewing the ratio.
    """
    at.run(timeout=120)  # warm: builds the store and the caches
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    pairs = [(timed(at), timed(empty)) for _ in range(runs)]
    return statistics.median(p for p, _ in pairs), statistics.median(e for _, e in pairs)


def share_script_cache() -> None:
    """Compile each page once per process, as the server does (see the module docstring)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def measure(runs: int) -> dict:
    """In this process (DATABASE_URL set by the caller): every page case, each with its empty-page twin."""
    from streamlit.testing.v1 import AppTest

    share_script_cache()

    from pages.shared.page_list import PAGES

    empty = AppTest.from_string("")
    empty.run()
    results = {}
    cases = [(name, {}) for name in PAGES] + EXTRA_CASES
    for name, params in cases:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(PAGES[name].path)
        label = PAGES[name].url_path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
        results[label] = paired_medians(at, empty, runs)
    return results


def run_scale(label: str, database_url: str, runs: int) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url)
    out = subprocess.run(
        [sys.executable, __file__, "--worker", "--runs", str(runs)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"{label} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        import logging

        logging.disable(logging.WARNING)
        print(json.dumps(measure(args.runs)))
        return

    from benchmarks import synthetic

    with tempfile.TemporaryDirectory() as tmp:
        document = run_scale("document", f"sqlite:///{Path(tmp) / 'document.db'}", args.runs)
        big_url = synthetic.write_store(Path(tmp) / "synthetic.db", args.factor)
        big = run_scale(f"{args.factor}x", big_url, args.runs)

    print(
        f"\nMedian warm run, {args.runs} runs each, page and empty page interleaved "
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()})"
    )
    print(f"{pad('page', 46)}{'document':>10}{'empty':>9}{'ratio':>7}{f'{args.factor}×':>11}  budget")
    failures = 0
    for label, (page, empty) in document.items():
        ratio = page / empty
        ok = ratio <= RATIO_BUDGET and big[label][0] < SYNTHETIC_BUDGET_S
        failures += not ok
        print(
            f"{pad(label, 46)}{page * 1000:>8.1f}ms{empty * 1000:>7.1f}ms{ratio:>6.1f}×{big[label][0] * 1000:>9.1f}ms  "
            f"{'ok' if ok else 'OVER'}"
        )
    print(
        f"\nbudget: ≤{RATIO_BUDGET:g}× empty at document scale, <{SYNTHETIC_BUDGET_S:g} s at {args.factor}×: "
        + ("all within" if not failures else f"{failures} over")
    )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
