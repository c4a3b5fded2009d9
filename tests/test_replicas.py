"""Several server processes on one PostgreSQL database act as one app.

A page caches what it reads per store stamp (pages/shared/cached.py), so a replica shows a decision
recorded on another one exactly when that decision changes the version it reads at its next run.
The browser test through nginx is tests/browser/test_replicas_browser.py.
"""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, func, select

from dashboard.domain import decisions, meeting, queries
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from dashboard.store.models import Decision, StoreBuild
from tests import databases

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2023, 8, 8, 7, 12, tzinfo=UTC)


def require_postgres() -> None:
    """Skip without PostgreSQL, unless REQUIRE_POSTGRES=1 (CI's PostgreSQL pass) makes it a failure."""
    databases.require(databases.on_postgres(), "replicas need PostgreSQL: set TEST_DATABASE_URL")


def test_a_decision_committed_after_a_later_one_still_changes_the_version(writable_engine):
    """Two secretariat sessions (or replicas) save at once: on PostgreSQL the first insert takes the
    lower id but may commit last. Replicas that read the version in between must see it change again
    when that decision commits, or they would keep showing the store without it."""
    require_postgres()
    with Session(writable_engine) as slow, Session(writable_engine) as reader:
        slow.add(Decision(proposal_id="111-01", resolution="保留", recorded_at=T0, recorded_by="祕書甲"))
        slow.flush()  # its id is taken, not yet visible to anyone else
        with Session(writable_engine) as fast:
            decisions.record(
                fast, proposal_id="111-02", resolution="照案通過", actor=Actor.secretariat("祕書乙"), now=T0
            )
        between = queries.store_stamp(reader)
        reader.rollback()  # a replica's next run reads afresh
        slow.commit()
        after = queries.store_stamp(reader)
        assert meeting.decisions_in_force(reader)["111-01"].resolution == "保留"
    assert after != between


def test_replicas_starting_together_on_an_empty_database_build_it_once(db_url):
    """Each replica builds a missing store at its first page run; started together they must not
    collide (one failed with a duplicate key) nor build it twice."""
    require_postgres()
    script = "from dashboard.datafiles import build; from dashboard.store import db; print(build.ensure_built(db.make_engine()))"
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    results = [(p.wait(120), *p.communicate()) for p in starts]
    assert [code for code, _, _ in results] == [0, 0, 0], [err[-2000:] for _, _, err in results]
    assert sorted(out.strip() for _, out, _ in results) == ["False", "False", "True"]
    engine = make_engine(db_url)
    with Session(engine) as s:
        assert s.exec(select(func.count(StoreBuild.id))).one() == 1
    engine.dispose()
