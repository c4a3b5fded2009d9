"""store.db.save_version, the one save of a version that editing, accounts, meeting settings, groups
and the meeting log share: all or nothing, and a version number taken meanwhile by a writer that
skipped the lock becomes the caller's own error (on both engines)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dashboard.store.db import save_version
from dashboard.store.models import ProposalVersion

PROPOSAL = "112-J17"


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
