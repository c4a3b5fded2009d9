"""Recording decisions: validation, append-only history, and survival across restarts."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func
from sqlmodel import Session, select

from dashboard.datafiles import build
from dashboard.domain import decisions, meeting, queries, vocab
from dashboard.domain.permissions import READER, Actor, PermissionDenied
from dashboard.store.db import make_engine
from dashboard.store.models import Decision

T0 = datetime(2023, 8, 8, 7, 12, tzinfo=UTC)  # 15:12 in Taipei


@pytest.fixture
def engine(writable_engine):
    return writable_engine


def _count(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count(Decision.id))).one()


def test_a_recorded_decision_is_the_one_in_force(engine):
    with Session(engine) as s:
        decisions.record(s, proposal_id="111-01", resolution="照案通過", actor=Actor.secretariat("祕書甲"), now=T0)
        latest = meeting.decisions_in_force(s)
    assert latest["111-01"].resolution == "照案通過"
    assert latest["111-01"].recorded_by == "祕書甲"


def test_a_change_is_appended_and_earlier_values_are_kept(engine):
    with Session(engine) as s:
        first = decisions.record(
            s, proposal_id="112-J03", resolution="保留", note="待補資料", actor=Actor.secretariat("祕書甲"), now=T0
        )
        decisions.record(
            s,
            proposal_id="112-J03",
            resolution="修正後通過",
            note="依意見修正",
            actor=Actor.secretariat("祕書乙"),
            now=T0 + timedelta(minutes=3),
        )
        rows = decisions.history(s, proposal_id="112-J03")
        card = queries.proposal_card(s, proposal_id="112-J03")
    assert [(d.resolution, d.note, d.recorded_by) for d in rows] == [
        ("保留", "待補資料", "祕書甲"),
        ("修正後通過", "依意見修正", "祕書乙"),
    ]
    assert rows[0].id == first.id and rows[0].recorded_at == T0
    assert card.decision.resolution == "修正後通過" and len(card.decisions) == 2


def test_recording_never_updates_or_deletes(engine):
    statements: list[str] = []

    def capture(_conn, _cursor, statement, *_args):
        statements.append(statement.strip().split()[0].upper())

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with Session(engine) as s:
            for resolution in vocab.RESOLUTIONS:
                decisions.record(s, proposal_id="111-13", resolution=resolution, actor=Actor.secretariat("祕書甲"))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert "INSERT" in statements
    assert not {"UPDATE", "DELETE"} & set(statements)
    assert _count(engine) == len(vocab.RESOLUTIONS)


def test_decisions_survive_a_restart_and_a_rebuild(db_url):
    url = db_url
    first = make_engine(url)
    build.load(first)
    with Session(first) as s:
        decisions.record(
            s, proposal_id="111-05", resolution="不通過", note="理由", actor=Actor.secretariat("祕書甲"), now=T0
        )
        decisions.record(
            s,
            proposal_id="111-05",
            resolution="照案通過",
            actor=Actor.secretariat("祕書甲"),
            now=T0 + timedelta(minutes=1),
        )
    first.dispose()

    second = make_engine(url)  # a new process would open the same database
    with Session(second) as s:
        assert [d.resolution for d in decisions.history(s, proposal_id="111-05")] == ["不通過", "照案通過"]
    build.load(second)  # rebuilding the curated tables from data/ keeps the decisions
    with Session(second) as s:
        assert meeting.decisions_in_force(s)["111-05"].resolution == "照案通過"
        assert len(decisions.history(s)) == 2
        assert queries.proposals_frame(s).set_index("id").loc["111-05", "resolution"] == "照案通過"
    second.dispose()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"resolution": "通過"}, "決議須為"),
        ({"resolution": ""}, "決議須為"),
        ({"proposal_id": "999-99"}, "找不到提案"),
        ({"actor": Actor.secretariat("人" * (decisions.RECORDER_MAX_CHARS + 1))}, "記錄者名稱"),
        ({"note": "字" * (decisions.NOTE_MAX_CHARS + 1)}, "備註不可超過"),
        ({"note": "含\x00控制字元"}, "控制字元"),
        ({"note": "含\x1b控制字元"}, "控制字元"),
    ],
)
def test_invalid_decisions_are_refused_and_nothing_is_written(engine, change, message):
    values = {
        "proposal_id": "111-01",
        "resolution": "照案通過",
        "actor": Actor.secretariat("祕書甲"),
        "note": None,
        **change,
    }
    with Session(engine) as s, pytest.raises(decisions.DecisionError, match=message):
        decisions.record(s, **values)
    assert _count(engine) == 0


@pytest.mark.parametrize(
    "actor",
    [
        READER,
        Actor.secretariat(""),
        Actor.secretariat("   "),
        Actor.secretariat(None),
        Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"})),
        Actor(name="無角色"),
    ],
)
def test_only_the_secretariat_records_and_nothing_else_is_written(engine, actor):
    with Session(engine) as s, pytest.raises(PermissionDenied, match="只有祕書處可以記錄決議"):
        decisions.record(s, actor=actor, proposal_id="111-01", resolution="照案通過")
    assert _count(engine) == 0


@pytest.mark.parametrize(
    "note, stored",
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("  依意見修正  ", "依意見修正"),
        ("第一行\n第二行\t附註", "第一行\n第二行\t附註"),
        ("字" * decisions.NOTE_MAX_CHARS, "字" * decisions.NOTE_MAX_CHARS),
        ("<script>alert(1)</script><b>x</b>", "<script>alert(1)</script><b>x</b>"),
    ],
)
def test_notes_are_trimmed_and_otherwise_stored_as_given(engine, note, stored):
    with Session(engine) as s:
        decision = decisions.record(
            s, proposal_id="111-01", resolution="保留", note=note, actor=Actor.secretariat(" 祕書甲 ")
        )
    assert decision.note == stored
    assert decision.recorded_by == "祕書甲"


def test_recorded_time_is_aware_and_shown_in_taipei(engine):
    with Session(engine) as s:
        decisions.record(s, proposal_id="111-01", resolution="保留", actor=Actor.secretariat("祕書甲"), now=T0)
    with Session(engine) as s:
        stored = decisions.history(s)[0]
    assert stored.recorded_at.utcoffset() == timedelta(0)
    assert decisions.recorded_label(stored) == "112年8月8日 15:12"
    assert decisions.recorded_local(stored).hour == 15


def test_real_time_is_used_when_none_is_given(engine):
    before = datetime.now(UTC)
    with Session(engine) as s:
        decision = decisions.record(s, proposal_id="111-01", resolution="保留", actor=Actor.secretariat("祕書甲"))
    assert abs((decision.recorded_at - before).total_seconds()) < 5


def test_history_frame_is_plain_text(engine):
    with Session(engine) as s:
        decisions.record(
            s, proposal_id="111-01", resolution="保留", note="<b>x</b>", actor=Actor.secretariat("祕書甲"), now=T0
        )
        frame = decisions.history_frame(decisions.history(s))
    assert frame.loc[0, "備註"] == "<b>x</b>"
    assert frame.loc[0, "記錄時間"] == "112年8月8日 15:12"
