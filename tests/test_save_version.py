"""store.db.save_version, the one save of a version that editing, accounts, meeting settings, groups
and the meeting log share: all or nothing (a refusal or a kill before the commit leaves nothing), and
a version number taken meanwhile by a writer that skipped the lock becomes the caller's own error
(on both engines)."""

import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dashboard.store.db import make_engine, save_version
from dashboard.store.models import ProposalVersion
from tests import databases

PROPOSAL = "112-J17"
ROOT = Path(__file__).resolve().parent.parent


class Taken(Exception):
    pass


def _version(number: int, reason: str) -> ProposalVersion:
    return ProposalVersion(
        proposal_id=PROPOSAL,
        version=number,
        changes=[{"field": "contact", "old": "", "new": reason}],
        reason=reason,
        recorded_at=datetime.now(UTC),
        recorded_by="測試",
    )


def _reasons(engine) -> list[str]:
    with Session(engine) as s:
        return list(s.exec(select(ProposalVersion.reason).where(ProposalVersion.proposal_id == PROPOSAL)))


def _stage(session: Session, *versions: ProposalVersion):
    def stage():
        session.add_all(versions)
        session.flush()
        return versions[-1]

    return stage


def test_a_staged_version_is_committed_and_returned_fresh(writable_engine):
    with Session(writable_engine) as s:
        saved = save_version(s, _stage(s, _version(1, "第一版")))
        assert saved.id is not None and saved.reason == "第一版"
    assert _reasons(writable_engine) == ["第一版"]


def test_nothing_to_save_writes_nothing_and_ends_the_write(writable_engine):
    with Session(writable_engine) as s:
        assert save_version(s, lambda: (s.add(_version(1, "未完成")), None)[1]) is None
        assert not s.in_transaction()  # rolled back: the store's write lock is free again
    assert _reasons(writable_engine) == []


def test_a_refusal_in_the_middle_rolls_back_what_was_staged(writable_engine):
    def refused():
        s.add(_version(1, "寫了一半"))
        s.flush()
        raise ValueError("拒絕")

    with Session(writable_engine) as s, pytest.raises(ValueError):
        save_version(s, refused)
    assert _reasons(writable_engine) == []


def test_a_version_number_taken_meanwhile_becomes_the_callers_error_and_nothing_is_written(writable_engine):
    with Session(writable_engine) as s:
        save_version(s, _stage(s, _version(1, "別人先存")))

    def taken():
        raise Taken("第 1 版已被他人使用")

    with Session(writable_engine) as s, pytest.raises(Taken):
        save_version(s, _stage(s, _version(2, "我的第二版"), _version(1, "我的第一版")), on_conflict=taken)
    with Session(writable_engine) as s, pytest.raises(IntegrityError):  # without on_conflict: as it is
        save_version(s, _stage(s, _version(1, "再一次")))
    assert _reasons(writable_engine) == ["別人先存"]


# A writer killed between staging its version and committing it: the store keeps nothing of it and
# the write lock is free for the next writer (SQLite: the file lock goes with the process and the
# journal is rolled back; PostgreSQL: the backend ends its transaction when the connection drops).
KILLED_WRITER = """
import sys
from datetime import UTC, datetime
from sqlmodel import Session
from dashboard.store.db import make_engine, save_version
from dashboard.store.models import ProposalVersion

with Session(make_engine(sys.argv[1])) as s:
    def stage():
        s.add(ProposalVersion(proposal_id=sys.argv[2], version=1, changes=[], reason="被中斷",
                              recorded_at=datetime.now(UTC), recorded_by="測試"))
        s.flush()
        print("staged", flush=True)
        sys.stdin.read()  # held here, under the write lock, until killed
    save_version(s, stage)
"""


def test_a_writer_killed_before_its_commit_leaves_nothing_and_frees_the_lock(tmp_path):
    with databases.database(tmp_path / "killed.db", loaded=True) as url:
        writer = subprocess.Popen(
            [sys.executable, "-c", KILLED_WRITER, url, PROPOSAL],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert writer.stdout.readline() == "staged\n"  # the barrier: staged, lock held, not committed
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(30)
        engine = make_engine(url)
        assert _reasons(engine) == []
        with Session(engine) as s:  # the next writer takes the lock and the same number at once
            assert save_version(s, _stage(s, _version(1, "下一位"))).version == 1
        assert _reasons(engine) == ["下一位"]
        engine.dispose()
