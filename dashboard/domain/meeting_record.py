"""What the secretariat types for the minutes: 紀錄 (who took them), attendance of the cities and
主席結論. Validated and append-only like decisions: every save is a new MeetingRecord row with its
time and recorder, the latest row per meeting is in force, nothing is updated or deleted, and a
rebuild of the store keeps the rows (MeetingRecord is not a curated table).
"""

from datetime import datetime

from sqlmodel import Session, select

from dashboard.domain import queries
from dashboard.domain.dates import aware_utc, in_taipei, roc_datetime
from dashboard.domain.decisions import RECORDER_MAX_CHARS
from dashboard.domain.permissions import Actor, require_secretariat
from dashboard.domain.text import text_problem
from dashboard.store.models import Meeting, MeetingRecord

MINUTES_TAKER_MAX_CHARS = 50
ATTENDANCE_MAX_CHARS = 100  # one city's line, e.g. 「副市長 ○○○、秘書長 ○○○」
CONCLUSIONS_MAX_CHARS = 3000


class RecordError(ValueError):
    """A record that cannot be saved; the message is shown to the user as is."""


def _checked(label: str, value: str | None, limit: int, *, multiline: bool = False) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise RecordError(f"{label}不可超過 {limit} 字（目前 {len(text)} 字）。")
    if problem := text_problem(text):
        raise RecordError(f"{label}{problem}。")
    if not multiline and ("\n" in text or "\r" in text):
        raise RecordError(f"{label}只能有一行，請刪除換行後重新輸入。")
    return text


def record(
    session: Session,
    *,
    actor: Actor,
    meeting_id: str,
    minutes_taker: str = "",
    attendance: dict[str, str] | None = None,
    conclusions: str = "",
    now: datetime | None = None,
) -> MeetingRecord:
    """Validate and append one record of the meeting, saved by actor (the secretariat only);
    returns the stored row. Raises PermissionDenied for any other actor, RecordError for bad values.

    attendance maps a city code (from queries.cities) to who attended for it; empty lines are dropped.
    """
    require_secretariat(actor, "儲存會議紀錄")
    recorder = actor.name
    if len(recorder) > RECORDER_MAX_CHARS:
        raise RecordError(f"記錄者名稱不可超過 {RECORDER_MAX_CHARS} 字。")
    if session.get(Meeting, meeting_id) is None:
        raise RecordError(f"找不到會議「{meeting_id}」。")
    names = queries.city_names(session)
    lines: dict[str, str] = {}
    for code, text in (attendance or {}).items():
        if code not in names:
            raise RecordError(f"出席名單中有未知的縣市代碼「{code}」；可用：{'、'.join(names.values())}。")
        checked = _checked(f"出席名單「{names[code]}」", text, ATTENDANCE_MAX_CHARS)
        if checked:
            lines[code] = checked
    row = MeetingRecord(
        meeting_id=meeting_id,
        minutes_taker=_checked("紀錄", minutes_taker, MINUTES_TAKER_MAX_CHARS),
        attendance={code: lines[code] for code in names if code in lines},  # in the store's city order
        conclusions=_checked("主席結論", conclusions, CONCLUSIONS_MAX_CHARS, multiline=True),
        recorded_at=aware_utc(now),
        recorded_by=recorder,
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def history(session: Session, *, meeting_id: str) -> list[MeetingRecord]:
    """Every save for the meeting, oldest first."""
    return list(
        session.exec(
            select(MeetingRecord)
            .where(MeetingRecord.meeting_id == meeting_id)
            .order_by(MeetingRecord.recorded_at, MeetingRecord.id)
        )
    )


def latest(session: Session, *, meeting_id: str) -> MeetingRecord | None:
    """The record in force (the latest save), or None when nothing was saved."""
    return session.exec(
        select(MeetingRecord)
        .where(MeetingRecord.meeting_id == meeting_id)
        .order_by(MeetingRecord.recorded_at.desc(), MeetingRecord.id.desc())
    ).first()


def recorded_local(record: MeetingRecord) -> datetime:
    """When the record was saved, in Taipei time."""
    return in_taipei(record.recorded_at)


def recorded_label(record: MeetingRecord) -> str:
    """112年8月8日 15:12 (Taipei time)."""
    return roc_datetime(recorded_local(record))


def attendance_lines(session: Session, record: MeetingRecord | None) -> list[tuple[str, str]]:
    """(city name, who attended) for every city in the store, in its order; '' where nobody is entered."""
    given = record.attendance if record else {}
    return [(city.name, given.get(city.code, "")) for city in queries.cities(session)]
