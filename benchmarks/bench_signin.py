"""Another viewer's page run time while six sessions guess passwords, in one process as on a server.

    .venv/bin/python benchmarks/bench_signin.py [--seconds 15] [--page proposals] [--attackers 6]
        [--cases idle,raw,unlimited,shipped,owner]

A viewer's page is rerun with AppTest while `--attackers` threads make failed sign-ins at full
speed, with the project's cost of bcrypt (12 rounds). Five cases, each for `--seconds`:

- idle: nobody signs in;
- raw: every thread checks a password at once, as before the throttle (no limit);
- unlimited: auth.sign_in (one check at a time), its throttle never delaying anyone;
- shipped: auth.sign_in with the shipped throttle policy, each thread from its own address on ever
  new names (a spray of names);
- owner: the shipped policy, the threads spraying the owner's name from 40 addresses while the
  owner signs in every half second, each time from an address not seen before.

Prints, per case, the viewer's median and 95th-percentile run time, the attackers' checks per
second and, in the owner case, how many of the owner's sign-ins succeeded. Not part of the tests.
"""

import argparse
import collections
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
SPRAYERS = [f"198.51.100.{i}" for i in range(1, 41)]
OWNER_EVERY = 0.5  # seconds between the owner's sign-ins in the owner case


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


def _owner(sign_in, stop: threading.Event, tally: collections.Counter) -> threading.Thread:
    """Signs in with the right password every OWNER_EVERY seconds, from a new address each time,
    counting the outcomes in tally: in, refused (by the throttle), busy (no turn at the check)."""

    def loop() -> None:
        while not stop.wait(OWNER_EVERY):
            result = sign_in(f"192.0.2.{tally.total() % 250 + 1}")
            tally["in" if result.ok else "refused" if result.refused else "busy" if result.busy else "failed"] += 1

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--page", default="proposals")
    parser.add_argument("--attackers", type=int, default=6)
    parser.add_argument("--cases", default="idle,raw,unlimited,shipped,owner")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-signin-"))
    url = f"sqlite:///{folder / 'build.db'}"
    os.environ["DATABASE_URL"] = url
    engine = make_engine(url)
    build.load(engine)
    password = "the right one"
    hashed = auth.hash_password(password)  # the shipped cost
    users = {"clerk": hashed}

    def raw(index: int, n: int) -> bool:
        bcrypt.checkpw(b"guess", hashed.encode())
        return True

    def checked(result: auth.SignInResult) -> bool:
        return not result.refused and not result.busy

    def signing_in(gate):
        def attempt(index: int, n: int) -> bool:
            return checked(
                auth.sign_in(users, f"name-{index}-{n}", "guess", client=f"10.0.{index}.{n % 250}", throttle=gate)
            )

        return attempt

    shipped = throttle.Throttle(make_engine(url))

    def spraying_the_owner(index: int, n: int) -> bool:
        client = SPRAYERS[(index + n * args.attackers) % len(SPRAYERS)]
        return checked(auth.sign_in(users, "clerk", "guess", client=client, throttle=shipped))

    def owner_signs_in(client: str) -> auth.SignInResult:
        return auth.sign_in(users, "clerk", password, client=client, throttle=shipped)

    unlimited = throttle.Policy(pair=UNLIMITED, client=UNLIMITED, account=UNLIMITED, global_=UNLIMITED)
    cases = {
        "idle": ("idle", None),
        "raw": ("raw bcrypt, no limit", raw),
        "unlimited": ("sign_in, one check at a time", signing_in(throttle.Throttle(engine, policy=unlimited))),
        "shipped": ("sign_in, shipped throttle", signing_in(shipped)),
        "owner": ("owner's name from 40 addresses", spraying_the_owner),
    }
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}, Python {platform.python_version()}; page {args.page!r}, "
        f"{args.attackers} attackers, {args.seconds:.0f} s a case"
    )
    print(f"{'case':32} {'runs':>5} {'median ms':>10} {'p95 ms':>8} {'checks/s':>9} {'owner in':>9}")
    for key in args.cases.split(","):
        name, attempt = cases[key]
        with engine.begin() as connection:  # each case starts with no failures on record
            connection.execute(delete(SignInThrottle))
        stop, counts, tally = threading.Event(), [0] * args.attackers, collections.Counter()
        threads = _attack(attempt, args.attackers, stop, counts) if attempt else []
        if key == "owner":
            threads.append(_owner(owner_signs_in, stop, tally))
        started = time.perf_counter()
        times = _viewer_runs(args.page, args.seconds)
        elapsed = time.perf_counter() - started
        stop.set()
        for t in threads:
            t.join()
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
        owner = f"{tally['in']}/{tally.total()}" if key == "owner" else ""
        print(
            f"{name:32} {len(times):5d} {statistics.median(times) * 1000:10.0f} {p95 * 1000:8.0f} "
            f"{sum(counts) / elapsed:9.1f} {owner:>9}",
            flush=True,
        )
        if tally.total() > tally["in"]:
            print(f"{'':32} owner not in: {dict(tally - collections.Counter(['in'] * tally['in']))}")


if __name__ == "__main__":
    main()
