"""The secretariat's record of the meeting (紀錄, attendance, 主席結論): validated, append-only,
the latest save in force, kept by a rebuild of the build."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, func, select

from dashboard.cli import main
from dashboard.datafiles import build
from dashboard.domain import meeting, meeting_record, queries, vocab
from dashboard.domain.permissions import READER, Actor, PermissionDenied
from dashboard.store.db import make_engine
from dashboard.store.models import MeetingRecord

T0 = datetime(2023, 8, 8, 7, 50, tzinfo=UTC)


@pytest.fixture
def engine(writable_engine):
    return writable_engine


def _meeting_id(s: Session) -> str:
    return meeting.meeting_info(s).meeting.id


def test_each_save_is_a_new_row_and_the_latest_is_in_force(engine):
    with Session(engine) as s:
        mid, city = _meeting_id(s), queries.cities(s)[2]
        meeting_record.record(
            s, meeting_id=mid, actor=Actor.secretariat("祕書甲"), minutes_taker="王小明", conclusions="初稿", now=T0
        )
        meeting_record.record(
            s,
            meeting_id=mid,
            actor=Actor.secretariat("祕書乙"),
            minutes_taker="王小明",
            conclusions="定稿",
            attendance={city.code: "  副市長 ○○○  "},
            now=T0 + timedelta(minutes=5),
        )
        saved = meeting_record.history(s, meeting_id=mid)
        assert [(r.conclusions, r.recorded_by) for r in saved] == [("初稿", "祕書甲"), ("定稿", "祕書乙")]
        latest = meeting_record.latest(s, meeting_id=mid)
        assert latest.conclusions == "定稿" and latest.attendance == {city.code: "副市長 ○○○"}
        assert meeting_record.recorded_label(latest) == "112年8月8日 15:55"
        lines = meeting_record.attendance_lines(s, latest)
        assert [name for name, _ in lines] == [c.name for c in queries.cities(s)]
        assert dict(lines)[city.name] == "副市長 ○○○"


def test_nothing_saved_means_no_record(engine):
    with Session(engine) as s:
        assert meeting_record.latest(s, meeting_id=_meeting_id(s)) is None
        assert all(who == "" for _, who in meeting_record.attendance_lines(s, None))


@pytest.mark.parametrize(
    "actor", [READER, Actor.secretariat(" "), Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))]
)
def test_only_the_secretariat_saves_the_record(engine, actor):
    with Session(engine) as s:
        with pytest.raises(PermissionDenied, match="只有祕書處可以儲存會議紀錄"):
            meeting_record.record(s, actor=actor, meeting_id=_meeting_id(s), conclusions="x")
        assert meeting_record.latest(s, meeting_id=_meeting_id(s)) is None


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"meeting_id": "nope"}, "找不到會議「nope」"),
        ({"attendance": {"atlantis": "市長"}}, "未知的縣市代碼「atlantis」"),
        ({"conclusions": "結" * (meeting_record.CONCLUSIONS_MAX_CHARS + 1)}, "主席結論不可超過"),
        ({"minutes_taker": "王" * (meeting_record.MINUTES_TAKER_MAX_CHARS + 1)}, "紀錄不可超過"),
        ({"minutes_taker": "王\n小明"}, "紀錄只能有一行"),
        ({"conclusions": "一\x00二"}, "主席結論含有 NUL 控制字元"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_saves_nothing(engine, fields, message):
    with Session(engine) as s:
        args = {"meeting_id": _meeting_id(s), "actor": Actor.secretariat("祕書甲"), **fields}
        with pytest.raises(meeting_record.RecordError, match=message):
            meeting_record.record(s, **args)
        assert s.exec(select(func.count()).select_from(MeetingRecord)).one() == 0


def test_an_overlong_attendance_line_names_its_city(engine):
    with Session(engine) as s:
        city = queries.cities(s)[0]
        with pytest.raises(meeting_record.RecordError, match=f"出席名單「{city.name}」不可超過"):
            meeting_record.record(
                s,
                meeting_id=_meeting_id(s),
                actor=Actor.secretariat("祕書甲"),
                attendance={city.code: "長" * (meeting_record.ATTENDANCE_MAX_CHARS + 1)},
            )


def test_a_rebuild_keeps_the_saved_records(engine):
    with Session(engine) as s:
        meeting_record.record(
            s, meeting_id=_meeting_id(s), actor=Actor.secretariat("祕書甲"), conclusions="照案辦理", now=T0
        )
    build.load(engine)
    with Session(engine) as s:
        assert meeting_record.latest(s, meeting_id=_meeting_id(s)).conclusions == "照案辦理"


def test_the_load_command_keeps_the_saved_records(db_url):
    assert main(["load"]) == 0
    engine = make_engine(db_url)
    with Session(engine) as s:
        meeting_record.record(
            s, meeting_id=_meeting_id(s), actor=Actor.secretariat("祕書甲"), minutes_taker="王小明", now=T0
        )
    assert main(["load"]) == 0
    with Session(engine) as s:
        assert [r.minutes_taker for r in meeting_record.history(s, meeting_id=_meeting_id(s))] == ["王小明"]
