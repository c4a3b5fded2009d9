"""A synthetic store at a multiple of the document's scale, for the page benchmark.

The curated store is built from data/, then every proposal (with its leads, types, cities and
indicators) is copied `factor - 1` times under other years with distinct ids (112-J17 -> 114-J17,
116-J17, ...), each copy of the mutual-aid table gets its own half-year period going back in time,
group meetings are repeated one year earlier per copy, and every other proposal gets a decision.

    .venv/bin/python benchmarks/synthetic.py /tmp/bench100.db --factor 100
"""

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import pandas as pd
from sqlalchemy import text

from dashboard.datafiles import build
from dashboard.domain import vocab
from dashboard.store.db import make_engine

PROPOSAL_CHILDREN = ["proposal_lead", "proposal_type", "proposal_city", "indicator"]


def copy_id(proposal_id: str, k: int) -> str:
    """112-J17 -> (112 + 2k)-J17: years of the two source years never collide (parity)."""
    year, suffix = proposal_id.split("-", 1)
    return f"{int(year) + 2 * k}-{suffix}"


def half_year_back(start: date, k: int) -> tuple[date, date]:
    months = start.year * 12 + start.month - 1 - 6 * k
    begin = date(months // 12, months % 12 + 1, 1)
    end_months = months + 6
    end = date(end_months // 12, end_months % 12 + 1, 1) - pd.Timedelta(days=1)
    return begin, end


def write_store(path: Path, factor: int = 100) -> str:
    """Write a store `factor` times the document's size at path; returns its database URL."""
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    build.load(engine)
    with engine.begin() as conn:
        proposals = pd.read_sql("select * from proposal", conn)
        children = {name: pd.read_sql(f"select * from {name}", conn) for name in PROPOSAL_CHILDREN}
        aid = pd.read_sql("select * from mutual_aid", conn)
        meetings = pd.read_sql("select * from group_meeting", conn)
        copies = {name: [] for name in ["proposal", "mutual_aid", "group_meeting", *PROPOSAL_CHILDREN]}
        for k in range(1, factor):
            p = proposals.copy()
            p["id"] = p["id"].map(lambda i: copy_id(i, k))
            p["year"] = p["year"] + 2 * k
            p["sort_order"] = p["sort_order"] + k * len(proposals)
            copies["proposal"].append(p)
            for name, frame in children.items():
                c = frame.copy()
                c["proposal_id"] = c["proposal_id"].map(lambda i: copy_id(i, k))
                if "id" in c:
                    c = c.drop(columns="id")
                copies[name].append(c)
            a = aid.drop(columns="id")
            start, end = half_year_back(date(2023, 1, 1), k)
            a = a.assign(
                period_start=start.isoformat(),
                period_end=end.isoformat(),
                proposal_id=a["proposal_id"].map(lambda i: copy_id(i, k)),
            )
            copies["mutual_aid"].append(a)
            m = meetings.drop(columns="id")
            m["date"] = pd.to_datetime(m["date"]) - pd.DateOffset(years=k)
            m["date"] = m["date"].dt.date.astype(str)
            copies["group_meeting"].append(m)
        for name, frames in copies.items():  # parents first: proposal is the first key
            pd.concat(frames).to_sql(name, conn, if_exists="append", index=False)
        ids = pd.read_sql("select id from proposal", conn)["id"]
        decisions = pd.DataFrame({"proposal_id": ids[::2].values})
        decisions["resolution"] = [vocab.RESOLUTIONS[i % len(vocab.RESOLUTIONS)] for i in range(len(decisions))]
        decisions["note"] = None
        decisions["recorded_at"] = datetime(2023, 8, 8, 15, 0).isoformat(sep=" ")
        decisions["recorded_by"] = "基準測試"
        decisions.to_sql("decision", conn, if_exists="append", index=False)
        counts = {
            t: conn.execute(text(f"select count(*) from {t}")).scalar()
            for t in ["proposal", "mutual_aid", "indicator", "group_meeting", "decision"]
        }
    print(f"synthetic store at {path}: {counts}")
    return url


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--factor", type=int, default=100)
    args = parser.parse_args()
    write_store(args.path, args.factor)
