"""Page runs against running servers over Streamlit's websocket protocol, next to an empty app.

    .venv/bin/python benchmarks/bench_server.py      # options: --runs 30 --sessions 50 --session-runs 3
                                                     # --no-replicas --database-url URL

One command starts, on this machine and in the same run: the project (`streamlit run dashboard/app.py`
on a store built by `python -m dashboard.cli load` into a temporary SQLite file, or --database-url)
and an empty app (a one-line script), both with the project's .streamlit/config.toml. A client
speaks the browser's protocol on /_stcore/stream: BackMsg.rerun_script with the page's URL path and
query string (and the hashes of the big messages it already holds, as the browser's message cache
does), then reads ForwardMsgs until script_finished. It measures

1. each deep link's median run, interleaved with the empty app's (A B A B ...), and their ratio;
2. `--sessions` concurrent sessions of `--session-runs` runs each, against each server: errors,
   p50/p95 run latency, runs per second, and /_stcore/health latency during the load;
3. replicas: the same load through nginx (benchmarks/nginx.conf.in, round robin; every request of
   a session rides its one websocket) to one server, then to two on the same store: throughput ratio.

and prints each figure beside its target. Exit status 1 when a target is missed. Not part of the
tests. Client, servers and nginx share the machine's CPUs: on 2 cores the client's own work is
part of every figure (the same for the project and the empty app).
"""

import argparse
import asyncio
import contextlib
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the message is built as the tests build it
    sys.path.insert(0, str(ROOT))

from tests.protocol import RUN_TIMEOUT_S, rerun_message

APP = ROOT / "dashboard" / "app.py"
NGINX_TEMPLATE = Path(__file__).with_name("nginx.conf.in")

# (label, page URL path as the browser sends it, query string): the pages' real deep links.
CASES = [
    ("home", "", ""),
    ("groups", "groups", "group=transport&year=112"),
    ("proposals", "proposals", ""),
    ("card", "card", "id=112-J17"),
    ("map", "map", ""),
    ("meeting", "meeting", ""),
    ("presenter step", "meeting", "present=1&step=5"),
]
EMPTY = ("empty app", "", "")
TARGET_PAGE_RATIO, TARGET_P95_RATIO, TARGET_THROUGHPUT_RATIO, TARGET_REPLICAS = 2.0, 2.0, 0.5, 1.8


# --- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """One `streamlit run` process on a free port; cwd is the project, so its config applies."""

    script: Path
    env: dict
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> "Server":
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.script),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ]
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        return self

    def wait(self, timeout: float = 120) -> None:
        wait_healthy(self.port, timeout, self)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes (Linux /proc), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def wait_healthy(port: int, timeout: float, server: Server | None = None) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server and server.process.poll() is not None:
            raise SystemExit(f"server {server.script.name} exited:\n{server.log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        time.sleep(0.2)
    raise SystemExit(f"no health on port {port} after {timeout:.0f} s")


@contextlib.contextmanager
def nginx(tmp: Path, upstream_ports: list[int]):
    """nginx in front of the given servers (round robin), on a free port; yields that port."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx-light), or use --no-replicas")
    port = free_port()
    prefix = tmp / f"nginx-{port}"
    (prefix / "logs").mkdir(parents=True)
    conf = prefix / "nginx.conf"
    conf.write_text(
        NGINX_TEMPLATE.read_text()
        .replace("@PREFIX@", str(prefix))
        .replace("@PORT@", str(port))
        .replace("@UPSTREAMS@", "\n".join(f"        server 127.0.0.1:{p};" for p in upstream_ports))
    )
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=(prefix / "logs" / "stderr").open("w"),
    )
    try:
        wait_healthy(port, 30)
        yield port, [process.pid, *children(process.pid)]
    finally:
        process.terminate()
        process.wait(10)


# --- the browser's side of the protocol ---------------------------------------------------------


class Session:
    """One browser tab: a websocket on /_stcore/stream and the hashes of the messages it holds."""

    def __init__(self, port: int):
        self.port = port
        self.ws = None
        self.cached: set[str] = set()

    async def __aenter__(self) -> "Session":
        # The browser offers "streamlit" as subprotocol (then the XSRF token, then a session id to
        # resume); and permessage-deflate, as browsers do (websockets' default).
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=RUN_TIMEOUT_S,
            ping_interval=None,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run(self, page_name: str, query: str) -> float:
        """One script run of the page, as the browser asks for it; seconds until script_finished.

        Raises RuntimeError when the page shows an exception or does not finish successfully.
        """
        start = time.perf_counter()
        await self.ws.send(rerun_message(self.port, page_name, query, cached=self.cached))
        error = None
        while True:
            fwd = ForwardMsg.FromString(await asyncio.wait_for(self.ws.recv(), RUN_TIMEOUT_S))
            if fwd.metadata.cacheable:
                self.cached.add(fwd.hash)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.new_element.WhichOneof("type") == "exception":
                error = error or fwd.delta.new_element.exception.message
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun / switch_page: the next run follows on its own
                elapsed = time.perf_counter() - start
                if fwd.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    error = error or f"script_finished status {fwd.script_finished}"
                if error:
                    raise RuntimeError(f"{page_name}?{query}: {error}")
                return elapsed


# --- measurements ------------------------------------------------------------------------------


async def paired_medians(project_port: int, empty_port: int, runs: int) -> dict:
    """Per case: (page median, empty median), runs interleaved page, empty, page, empty, ..."""
    results = {}
    async with Session(empty_port) as empty:
        for label, page, query in CASES:
            async with Session(project_port) as session:
                for _ in range(2):  # warm: caches, the browser's message cache, the connection
                    await session.run(page, query)
                    await empty.run("", "")
                pairs = [(await session.run(page, query), await empty.run("", "")) for _ in range(runs)]
            results[label] = statistics.median(p for p, _ in pairs), statistics.median(e for _, e in pairs)
    return results


async def health_probe(port: int, stop: asyncio.Event, latencies: list[float]) -> None:
    """GET /_stcore/health every 0.25 s until stopped (what a load balancer does)."""
    while not stop.is_set():
        start = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /_stcore/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            await writer.drain()
            await reader.read()
            writer.close()
            latencies.append(time.perf_counter() - start)
        except OSError:
            latencies.append(float("inf"))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)


@dataclass
class Load:
    runs: int
    errors: list
    latencies: list
    seconds: float
    health: list
    cpu: dict = field(default_factory=dict)  # CPU seconds per run: "client" and each watched process

    def cpu_text(self) -> str:
        return ", ".join(f"{name} {seconds * 1000:.1f}" for name, seconds in self.cpu.items())

    def p(self, q: float) -> float:
        return quantile(self.latencies, q)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def load(port: int, cases: list, sessions: int, session_runs: int, watched: dict | None = None) -> Load:
    """`sessions` tabs at once, each doing `session_runs` runs one after another (session i
    starts at case i and moves on to the next case each run, like someone following links)."""
    errors, latencies = [], []

    async def one(i: int) -> None:
        try:
            async with Session(port) as session:
                for k in range(session_runs):
                    _, page, query = cases[(i + k) % len(cases)]
                    try:
                        latencies.append(await session.run(page, query))
                    except (TimeoutError, RuntimeError) as e:
                        errors.append(str(e)[:200])
        except (TimeoutError, OSError, websockets.WebSocketException) as e:
            errors.append(f"session {i}: {type(e).__name__}: {e}"[:200])

    watched = watched or {}
    stop, health = asyncio.Event(), []
    probe = asyncio.create_task(health_probe(port, stop, health))
    cpu_before = {name: cpu_seconds(pids) for name, pids in watched.items()} | {"client": time.process_time()}
    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(sessions)))
    seconds = time.perf_counter() - start
    cpu_after = {name: cpu_seconds(pids) for name, pids in watched.items()} | {"client": time.process_time()}
    stop.set()
    await probe
    runs = max(1, len(latencies))
    return Load(
        sessions * session_runs,
        errors,
        latencies,
        seconds,
        health,
        {name: (cpu_after[name] - cpu_before[name]) / runs for name in cpu_after},
    )


# --- report ------------------------------------------------------------------------------------


def pad(text: str, width: int) -> str:
    import unicodedata

    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


def row(figure: str, value: str, target: str, ok: bool | None) -> bool:
    print(f"  {pad(figure, 44)}{value:>28}   {target:<20}{'' if ok is None else ('ok' if ok else 'MISSED')}")
    return ok is not False


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def build_store(env: dict) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "load"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"load failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")


async def main_async(args, tmp: Path) -> bool:
    env = dict(
        os.environ, DATABASE_URL=args.database_url or f"sqlite:///{tmp / 'bench.db'}", PYTHONDONTWRITEBYTECODE="1"
    )
    build_store(env)
    empty_script = tmp / "empty_app.py"
    # One line, drawing nothing, with the project's socket fix (dashboard/web/nodelay.py): without it,
    # whether a run waits ~40 ms for a delayed ACK is luck, and the ratios would measure that luck.
    empty_script.write_text("from dashboard.web import nodelay; nodelay.enable()\n")
    project = Server(APP, env, tmp / "project.log").start()
    empty = Server(empty_script, env, tmp / "empty.log").start()
    ok = True
    try:
        project.wait()
        empty.wait()
        print(
            f"\n{time.strftime('%Y-%m-%d %H:%M %Z')}, {cpu_model()}, nproc {os.cpu_count()}, "
            f"Python {platform.python_version()}, store {env['DATABASE_URL'].split(':')[0]}"
        )

        medians = await paired_medians(project.port, empty.port, args.runs)
        print(f"\n1. Median run, {args.runs} runs each, interleaved with the empty app's")
        for label, (page, blank) in medians.items():
            ratio = page / blank
            ok &= row(
                label,
                f"{page * 1000:.1f} ms / {blank * 1000:.1f} ms = {ratio:.2f}×",
                f"≤ {TARGET_PAGE_RATIO:g}× empty",
                ratio <= TARGET_PAGE_RATIO,
            )

        print(f"\n2. {args.sessions} concurrent sessions × {args.session_runs} runs")
        loads = {}
        for name, server, cases in (("empty app", empty, [EMPTY]), ("project", project, CASES)):
            loads[name] = result = await load(
                server.port, cases, args.sessions, args.session_runs, {"server": [server.process.pid]}
            )
            print(
                f"  {name}: {len(result.errors)} errors, p50 {result.p(0.5):.2f} s, p95 {result.p(0.95):.2f} s, "
                f"{result.throughput:.1f} runs/s, health p50 {quantile(result.health, 0.5) * 1000:.0f} ms "
                f"max {max(result.health, default=float('nan')) * 1000:.0f} ms; "
                f"CPU ms per run: {result.cpu_text()}"
            )
            for error in result.errors[:3]:
                print(f"    error: {error}")
        mine, blank = loads["project"], loads["empty app"]
        ok &= row("errors (project)", f"{len(mine.errors)}", "0", not mine.errors)
        ok &= row(
            "p95 latency, project / empty",
            f"{mine.p(0.95):.2f} s / {blank.p(0.95):.2f} s = {mine.p(0.95) / blank.p(0.95):.2f}×",
            f"≤ {TARGET_P95_RATIO:g}×",
            mine.p(0.95) / blank.p(0.95) <= TARGET_P95_RATIO,
        )
        ok &= row(
            "throughput, project / empty",
            f"{mine.throughput:.1f} / {blank.throughput:.1f} runs/s = {mine.throughput / blank.throughput:.2f}×",
            f"≥ {TARGET_THROUGHPUT_RATIO:g}×",
            mine.throughput / blank.throughput >= TARGET_THROUGHPUT_RATIO,
        )
        row("health check during load, project max", f"{max(mine.health) * 1000:.0f} ms", "(reported)", None)
        row(
            "server CPU per run, project / empty",
            f"{mine.cpu['server'] * 1000:.1f} / {blank.cpu['server'] * 1000:.1f} ms"
            f" = {mine.cpu['server'] / blank.cpu['server']:.2f}×",
            "(bounds throughput)",
            None,
        )

        if args.replicas:
            empty.stop()  # frees its CPU for the replicas
            second = Server(APP, env, tmp / "replica.log").start()
            second.wait()
            try:
                async with Session(second.port) as warm:  # its caches, as the first server's are
                    for _, page, query in CASES:
                        await warm.run(page, query)
                through = {}
                for n, servers in ((1, [project]), (2, [project, second])):
                    with nginx(tmp, [s.port for s in servers]) as (port, nginx_pids):
                        through[n] = await load(
                            port,
                            CASES,
                            args.sessions,
                            args.session_runs,
                            {"servers": [s.process.pid for s in servers], "nginx": nginx_pids},
                        )
                print(f"\n3. Replicas behind nginx, {args.sessions} sessions × {args.session_runs} runs")
                for n, result in through.items():
                    print(
                        f"  {n} server(s): {len(result.errors)} errors, p95 {result.p(0.95):.2f} s, "
                        f"{result.throughput:.1f} runs/s; CPU ms per run: {result.cpu_text()}"
                    )
                ratio = through[2].throughput / through[1].throughput
                # One server uses at most one CPU (one GIL); two servers, the client and nginx share
                # the machine's CPUs: the best ratio this machine allows, from measured CPU per run.
                one = through[1].cpu
                bound = min(2.0, (os.cpu_count() or 1) * one["servers"] / sum(one.values()))
                row("best ratio these CPUs allow", f"{bound:.2f}×", "(bound)", None)
                ok &= row(
                    "throughput, two replicas / one",
                    f"{ratio:.2f}×",
                    f"≥ {TARGET_REPLICAS:g}×",
                    ratio >= TARGET_REPLICAS and not through[1].errors and not through[2].errors,
                )
            finally:
                second.stop()
    finally:
        project.stop()
        empty.stop()
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per deep link (default 30)")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--session-runs", type=int, default=3)
    parser.add_argument("--no-replicas", dest="replicas", action="store_false", help="skip the nginx part")
    parser.add_argument(
        "--database-url",
        help="a store to use instead of a fresh SQLite file; it is (re)built with `dashboard.cli load`",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ok = asyncio.run(main_async(args, Path(tmp)))
    print("\nall targets met" if ok else "\nsome targets missed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
