"""How fast, and in how little memory, `check` refuses the costliest kinds of broken input.

    .venv/bin/python benchmarks/bench_bad_input.py [--runs 5]

Each case breaks a scratch copy of data/ (the same breakages as tests/test_loading_bad_input.py)
and runs `python -m dashboard.cli --data COPY check` in a fresh process (median wall time, largest
peak memory) and `load_dataset(COPY)` in this one (median time, which leaves out the imports), beside
the same on the intact data, so that the difference is what the bad file costs. Budget: within
0.5 s and 50 MB of the intact run.
Not part of the tests.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.datafiles.loading import DataError, load_dataset
from tests.test_loading_bad_input import alias_bomb, garbage, write

CASES = {
    "intact data": lambda data: None,
    "YAML alias bomb (meeting.yaml)": write("meeting.yaml", alias_bomb()),
    "5 MB random bytes (indicators.csv)": garbage("indicators.csv", 5_000_000),
    "5 MB random bytes (proposals/112-J05.yaml)": garbage("proposals/112-J05.yaml", 5_000_000),
    "1.9 MB random bytes (meeting.yaml)": garbage("meeting.yaml", 1_900_000),
}


def run_once(data: Path) -> tuple[float, float, int]:
    """Wall seconds, peak MB (max RSS of that very process) and exit code of one `check`."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "--data", str(data), "check"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def validate_once(data: Path) -> float:
    start = time.perf_counter()
    try:
        load_dataset(data)
    except DataError:
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(
        f"{platform.node()} · {platform.processor() or platform.machine()} · Python {platform.python_version()}"
        f" · {runs} runs per case, median wall time, peak memory of the process"
    )
    with tempfile.TemporaryDirectory() as scratch:
        for name, breaks in CASES.items():
            data = Path(scratch) / "data"
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(ROOT / "data", data)
            breaks(data)
            results = [run_once(data) for _ in range(runs)]
            wall = statistics.median(r[0] for r in results)
            codes = sorted({r[2] for r in results})
            inside = statistics.median(validate_once(data) for _ in range(runs))
            print(
                f"  {name:44} {wall:6.2f} s  ≤{max(r[1] for r in results):6.0f} MB  exit {codes}"
                f"  · load_dataset {inside * 1000:5.0f} ms"
            )


if __name__ == "__main__":
    main()
