"""Another viewer's page run time while six sessions guess passwords, in one process as on a server.

    .venv/bin/python benchmarks/bench_signin.py [--seconds 15] [--page proposals] [--attackers 6]

A viewer's page is rerun with AppTest while `--attackers` threads make failed sign-ins at full
speed, each from its own address on ever new names (a spray), with the project's cost of bcrypt
(12 rounds). Four cases, each for `--seconds`:

- idle: nobody signs in;
- raw bcrypt: every thread checks a password at once, as before the throttle (no limit);
- one check at a time: auth.sign_in, its throttle never delaying anyone (a policy without limits);
- shipped: auth.sign_in with the shipped throttle policy.

Prints, per case, the viewer's median and 95th-percentile run time and the attackers' checks per
second. Not part of the tests.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bcrypt
from sqlalchemy import delete
from streamlit.testing.v1 import AppTest

from dashboard.datafiles import build
from dashboard.store.db import make_engine
from dashboard.store.models import SignInThrottle
from dashboard.web import auth, throttle

APP = str(ROOT / "dashboard" / "app.py")
UNLIMITED = throttle.Rule(free=10**9, base=0.0, cap=0.0)


def _viewer_runs(page: str, seconds: float) -> list[float]:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(f"../pages/{page}.py")
    at.run()  # warm: caches filled
    times, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return times


def _attack(attempt, attackers: int, stop: threading.Event, counts: list[int]) -> list[threading.Thread]:
    def loop(index: int) -> None:
        n = 0
        while not stop.is_set():
            if attempt(index, n):
                counts[index] += 1
            n += 1

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(attackers)]
    for t in threads:
        t.start()
    return threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--page", default="proposals")
    parser.add_argument("--attackers", type=int, default=6)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-signin-"))
    url = f"sqlite:///{folder / 'build.db'}"
    os.environ["DATABASE_URL"] = url
    engine = make_engine(url)
    build.load(engine)
    hashed = auth.hash_password("the right one")  # the shipped cost
    users = {"clerk": hashed}

    def raw(index: int, n: int) -> bool:
        bcrypt.checkpw(b"guess", hashed.encode())
        return True

    def signing_in(gate):
        def attempt(index: int, n: int) -> bool:
            result = auth.sign_in(users, f"name-{index}-{n}", "guess", client=f"10.0.{index}.{n % 250}", throttle=gate)
            return not result.refused and not result.busy

        return attempt

    unlimited = throttle.Policy(pair=UNLIMITED, client=UNLIMITED, account=UNLIMITED, global_=UNLIMITED)
    cases = [
        ("idle", None),
        ("raw bcrypt, no limit", raw),
        ("sign_in, one check at a time", signing_in(throttle.Throttle(engine, policy=unlimited))),
        ("sign_in, shipped throttle", signing_in(throttle.Throttle(make_engine(url)))),
    ]
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; page {args.page!r}, {args.attackers} attackers, {args.seconds:.0f} s a case"
    )
    print(f"{'case':32} {'runs':>5} {'median ms':>10} {'p95 ms':>8} {'checks/s':>9}")
    for name, attempt in cases:
        with engine.begin() as connection:  # each case starts with no failures on record
            connection.execute(delete(SignInThrottle))
        stop, counts = threading.Event(), [0] * args.attackers
        threads = _attack(attempt, args.attackers, stop, counts) if attempt else []
        started = time.perf_counter()
        times = _viewer_runs(args.page, args.seconds)
        elapsed = time.perf_counter() - started
        stop.set()
        for t in threads:
            t.join()
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
        print(
            f"{name:32} {len(times):5d} {statistics.median(times) * 1000:10.0f} {p95 * 1000:8.0f} "
            f"{sum(counts) / elapsed:9.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
