"""A pytest plugin that prints the CPU seconds a test run cost, Chromium included.

Reads /proc for the test process's whole tree (the Playwright driver, Chromium, the servers the tests
start) and keeps the largest total seen before and after each test, so processes that have ended
count through their parents (reaped children are in /proc/PID/stat's cutime and cstime). CPU time
holds on a loaded machine where wall time does not. Use with -n 0:

    .venv/bin/python -m pytest -q -s -n 0 -p benchmarks.cpu_of_tests tests/browser/test_pages_browser.py

Linux only.
"""

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
_largest = [0.0]


def processes() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds of the process and of its reaped children)."""
    found: dict[int, tuple[int, float]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(name)] = (int(fields[1]), sum(int(x) for x in fields[11:15]) / TICK)
    return found


def tree_cpu(root: int) -> float:
    """CPU seconds of `root` and every live descendant, with their reaped children."""
    found = processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in found.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += found.get(pid, (0, 0.0))[1]
        todo += children.get(pid, [])
    return total


def _note() -> None:
    _largest[0] = max(_largest[0], tree_cpu(os.getpid()))


def pytest_runtest_logstart(nodeid, location):
    _note()


def pytest_runtest_logfinish(nodeid, location):
    _note()


def pytest_terminal_summary(terminalreporter):
    _note()
    terminalreporter.write_line(f"CPU of the test process tree (Chromium and servers included): {_largest[0]:.1f} s")
