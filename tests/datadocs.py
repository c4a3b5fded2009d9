"""What data/ says, read straight from its YAML files: the expected values that tests compare the
store, workbooks and pages with (never taken from the code under test).

data/ does not change during a test run, so each file is parsed once per process; callers get their
own copies to change."""

import copy
import functools

import yaml

from dashboard.domain import vocab
from dashboard.store.config import DATA_DIR


@functools.cache
def _proposals() -> tuple[dict, ...]:
    return tuple(yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((DATA_DIR / "proposals").glob("*.yaml")))


def data_proposals() -> list[dict]:
    """Every proposal of data/, by file name."""
    return copy.deepcopy(list(_proposals()))


def data_document(proposal_id: str) -> dict:
    return next(copy.deepcopy(p) for p in _proposals() if p["id"] == proposal_id)


def cycle_of_data() -> int:
    """The cycle data/ holds: the year of its new proposals."""
    return max(p["year"] for p in _proposals() if p["track"] != vocab.CARRIED)


def expected_ids(group: str) -> set[str]:
    """The proposals of `group` (or of its subgroup) in the cycle of data/."""
    cycle = cycle_of_data()
    return {
        p["id"]
        for p in _proposals()
        if group in (p["group"], p.get("subgroup"))
        and p["year"] == (cycle - 1 if p["track"] == vocab.CARRIED else cycle)
    }
