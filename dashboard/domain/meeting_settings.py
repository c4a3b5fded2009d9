"""The settings of a cycle's meeting, the secretariat's to edit (the 會議設定 page, `meeting edit`,
`meeting agenda`): its details, agenda, organisers, the attendance of each city and 紀錄.

A meeting is read and changed as one flat document of fields named as data/meeting.yaml names them
(name, theme, date, start_time, form, url, venue, chair, chair_title, chair_org, host_city,
`organisers.承辦單位`, …, `attendance.宜蘭縣`, …, minutes_taker, agenda). Every change is a
MeetingVersion (who, when, old -> new, why); a save names the version it is based on (Base) and is
refused when another was saved since, as for proposals (dashboard/domain/editing.py).

Attendance and 紀錄 stay the minutes record's (MeetingRecord, which a rebuild keeps): a change of
them here adds a MeetingRecord row, which its version names. new-year marks the values it carried
from last year's meeting (Meeting.unconfirmed); changing a field, or confirming it, clears its mark.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import delete, func
from sqlmodel import Session, select

from dashboard.domain import cycles, meeting_record, queries
from dashboard.domain.agenda import DECISION_KEY, parse_clock
from dashboard.domain.dates import ROC_OFFSET, roc_date, roc_year
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import Actor, require_secretariat
from dashboard.domain.text import text_problem
from dashboard.store.db import save_version
from dashboard.store.models import AgendaItem, Meeting, MeetingRecord, MeetingVersion, Organiser, StoreBuild

ONLINE, IN_PERSON, HYBRID = "線上", "實體", "視訊與實體"
FORMS = (ONLINE, IN_PERSON, HYBRID)
WITH_LINK = (ONLINE, HYBRID)  # the forms that need a link
ONLINE_VENUE = "線上會議"  # the venue of an online meeting, as the 112 packet prints it
ORGANISER_ROLES = ("主辦單位", "承辦單位", "協辦單位", "執行單位")  # the packet's back page order
REQUIRED_ROLES = ("主辦單位", "承辦單位")
HOST_ROLE = "承辦單位"  # the host city's government
CARRIED_MARK = "沿用上年度，待確認"
TEXT_MAX_CHARS = 200
URL_MAX_CHARS = 500
REASON_MAX_CHARS = 500
AGENDA = "agenda"
UNCONFIRMED = "unconfirmed"  # the field of a version that changed the marks

# The meeting's own fields, in the order the page, `meeting show` and data/meeting.yaml list them.
LABELS = {
    "name": "會議名稱",
    "theme": "年度主軸",
    "date": "會議日期",
    "start_time": "開始時間",
    "form": "會議形式",
    "url": "會議連結",
    "venue": "地點",
    "chair": "主持人",
    "chair_title": "主持人職稱",
    "chair_org": "主持機關",
    "host_city": "主政縣市",
}
REQUIRED = ("name", "date", "start_time", "form", "venue", "chair", "chair_org")
RECORD_FIELDS = ("minutes_taker",)  # besides attendance.*: kept in MeetingRecord
AGENDA_KEYS = ("start", "end", "minutes", "title", "note", "key")


class StaleMeeting(Exception):
    """The save was based on an older version of the meeting's settings."""

    def __init__(self, meeting_id: str, base: "Base", current: "Base", newer: list[MeetingVersion]):
        self.base, self.current, self.newer = base, current, newer
        who = "、".join(dict.fromkeys(v.recorded_by for v in newer)) or "其他人"
        super().__init__(
            f"會議設定已由{who}更新為第 {current.version} 版"
            f"（您的修改依據第 {base.version} 版），未儲存；請先檢視對方的修改，再決定是否重新送出。"
        )


@dataclass(frozen=True)
class Base:
    """What a save is based on: the meeting's version and the minutes record then in force."""

    version: int
    record: int  # the MeetingRecord id in force, 0 for none


@dataclass(frozen=True)
class Settings:
    """A meeting's settings as the page and `meeting show` read them."""

    meeting: Meeting
    document: dict  # field -> value (module doc)
    base: Base
    unconfirmed: tuple[str, ...]  # fields carried from last year and not yet confirmed
    cities: tuple[str, ...]  # the cities of the store, in order (attendance, host city)

    @property
    def form(self) -> str:
        return self.document["form"]


# --- fields ---------------------------------------------------------------------------------


def organiser_field(role: str) -> str:
    return f"organisers.{role}"


def attendance_field(city: str) -> str:
    return f"attendance.{city}"


def field_label(field: str) -> str:
    """How users read a field: 承辦單位, 出席人員（宜蘭縣）, 議程…"""
    prefix, _, rest = field.partition(".")
    if prefix == "organisers" and rest:
        return rest
    if prefix == "attendance" and rest:
        return f"出席人員（{rest}）"
    others = {"minutes_taker": "紀錄", "conclusions": "主席結論", AGENDA: "議程", UNCONFIRMED: CARRIED_MARK}
    return {**LABELS, **others}.get(field, field)


def form_of(meeting: Meeting) -> str:
    """The meeting's form; data written before forms were recorded: online when it has a link."""
    return meeting.form or (ONLINE if meeting.url else IN_PERSON)


def chair_line(meeting: Meeting) -> str:
    """主持機關, the chair's title and name: 新北市政府 劉副市長和然 (the 112 chair carries the title)."""
    return " ".join(filter(None, (meeting.chair_org, meeting.chair_title, meeting.chair)))


def fields(cities: list[str] | tuple[str, ...]) -> list[str]:
    """Every field of a meeting's document, in order."""
    return [
        *LABELS,
        *(organiser_field(role) for role in ORGANISER_ROLES),
        *(attendance_field(city) for city in cities),
        *RECORD_FIELDS,
        AGENDA,
    ]


def agenda_rows(items: list[AgendaItem]) -> list[dict]:
    """The agenda in data/meeting.yaml's form: start, end (HH:MM), minutes, title, note, key."""
    rows = []
    for item in items:
        row = {
            "start": f"{item.start:%H:%M}",
            "end": f"{item.end:%H:%M}" if item.end else None,
            "minutes": item.minutes,
            "title": item.title,
            "note": item.note,
            "key": item.key,
        }
        rows.append({k: v for k, v in row.items() if v is not None})
    return rows


def document(session: Session, meeting: Meeting) -> dict:
    """The meeting's settings as one flat document (module doc); None for an empty optional value."""
    doc: dict = {
        "name": meeting.name,
        "theme": meeting.theme,
        "date": meeting.date.isoformat(),
        "start_time": f"{meeting.start_time:%H:%M}",
        "form": form_of(meeting),
        "url": meeting.url,
        "venue": meeting.venue,
        "chair": meeting.chair,
        "chair_title": meeting.chair_title,
        "chair_org": meeting.chair_org,
        "host_city": meeting.host_city,
    }
    organisers: dict[str, list[str]] = {}
    for row in session.exec(
        select(Organiser).where(Organiser.meeting_id == meeting.id).order_by(Organiser.role, Organiser.position)
    ):
        organisers.setdefault(row.role, []).append(row.name)
    for role in ORGANISER_ROLES:
        doc[organiser_field(role)] = organisers.get(role, [])
    record = meeting_record.latest(session, meeting_id=meeting.id)
    given = record.attendance if record else {}
    for city in queries.cities(session):
        doc[attendance_field(city.name)] = given.get(city.code) or None
    doc["minutes_taker"] = (record.minutes_taker if record else "") or None
    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position))
    doc[AGENDA] = agenda_rows(list(items))
    return doc


def current_version(session: Session, meeting_id: str) -> int:
    """The version in force: 0 for a meeting never changed since it was loaded."""
    return session.exec(
        select(func.coalesce(func.max(MeetingVersion.version), 0)).where(MeetingVersion.meeting_id == meeting_id)
    ).one()


def current_base(session: Session, meeting_id: str) -> Base:
    record = meeting_record.latest(session, meeting_id=meeting_id)
    return Base(current_version(session, meeting_id), record.id if record else 0)


def meeting_of_cycle(session: Session, cycle) -> Meeting:
    """The meeting of `cycle`; EditError (in Chinese) when the year is no year or has no meeting."""
    try:
        year = cycles.parse(cycle)
    except cycles.CycleError as error:
        raise EditError([str(error)]) from error
    found = cycles.meeting_of(session, year)
    if found is None:
        held = "、".join(str(y) for y in cycles.cycles(session)) or "（無）"
        raise EditError([f"資料庫中沒有{year}年度的會議；資料庫中的年度：{held}。"])
    return found


def settings(session: Session, meeting: Meeting) -> Settings:
    doc = document(session, meeting)
    names = tuple(c.name for c in queries.cities(session))
    marks = tuple(f for f in (meeting.unconfirmed or []) if f in doc)
    return Settings(meeting, doc, current_base(session, meeting.id), marks, names)


def history(session: Session, meeting_id: str) -> list[MeetingVersion]:
    """Every version of the meeting's settings, newest first."""
    return list(
        session.exec(
            select(MeetingVersion)
            .where(MeetingVersion.meeting_id == meeting_id)
            .order_by(MeetingVersion.version.desc())
        )
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One change as the history shows it: a version of the settings, or a save of the minutes
    record made on the meeting page (attendance, 紀錄, 主席結論), which is no version of its own."""

    label: str  # 第 3 版 / 會議紀錄
    recorded_at: datetime
    recorded_by: str
    kind: str  # a KIND_LABELS key
    changes: list[dict]  # [{field, old, new}]
    reason: str | None = None


RECORD_KIND = "record"


def history_entries(session: Session, meeting_id: str) -> list[HistoryEntry]:
    """Every change of the meeting's settings and minutes record, newest first."""
    versions = history(session, meeting_id)
    entries = [
        HistoryEntry(f"第 {v.version} 版", v.recorded_at, v.recorded_by, v.kind, v.changes, v.reason) for v in versions
    ]
    written = {v.record_id for v in versions if v.record_id is not None}
    names = {c.code: c.name for c in queries.cities(session)}
    before: dict = {}
    for record in meeting_record.history(session, meeting_id=meeting_id):
        now = _record_values(record, names)
        if record.id not in written:
            changes = [{"field": f, "old": before.get(f), "new": v} for f, v in now.items() if before.get(f) != v]
            if changes:
                entries.append(HistoryEntry("會議紀錄", record.recorded_at, record.recorded_by, RECORD_KIND, changes))
        before = now
    return sorted(entries, key=lambda e: _utc(e.recorded_at), reverse=True)


def _record_values(record: MeetingRecord, names: dict[str, str]) -> dict:
    values = {attendance_field(names.get(code, code)): text for code, text in record.attendance.items()}
    values["minutes_taker"] = record.minutes_taker or None
    values["conclusions"] = record.conclusions or None
    return {f: v for f, v in values.items() if v}


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite hands back naive UTC


# --- checks ---------------------------------------------------------------------------------


def _text(label: str, value, *, required: bool, limit: int = TEXT_MAX_CHARS, multiline: bool = False):
    """(the text stripped or None, a problem or None)."""
    if value is not None and not isinstance(value, str):
        value = str(value)
    text = (value or "").strip()
    if not text:
        return None, (f"{label}不可空白" if required else None)
    if problem := text_problem(text):
        return None, f"{label}{problem}"
    if not multiline and ("\n" in text or "\r" in text):
        return None, f"{label}只能有一行，請刪除換行"
    if len(text) > limit:
        return None, f"{label}不可超過 {limit} 字（目前 {len(text)} 字）"
    return text, None


def _names(value) -> list[str]:
    """A list of organisations: a list, or one text separated by 、 , ， or line breaks."""
    if value is None:
        return []
    if isinstance(value, str):
        for separator in ("，", ",", "\n"):
            value = value.replace(separator, "、")
        value = value.split("、")
    return [str(item).strip() for item in value if str(item).strip()]


def _checked_field(field: str, value, cycle: int, cities: tuple[str, ...], problems: list[str]):
    """The value of one field as stored in the document, or None after adding a problem."""
    label = field_label(field)
    before = len(problems)

    def problem(text: str) -> None:
        problems.append(f"{label}：{text}" if not text.startswith(label) else text)

    if field == "date":
        day = value if isinstance(value, date) and not isinstance(value, datetime) else None
        if day is None:
            try:
                day = date.fromisoformat(str(value or "").strip())
            except ValueError:
                problem(f"「{value}」不是有效的日期，請用西元 YYYY-MM-DD")
                return None
        if roc_year(day.year) != cycle:
            problem(
                f"{day.isoformat()}（{roc_date(day)}）不在{cycle}年度（西元 {cycle + ROC_OFFSET} 年）；"
                "會議日期決定會議所屬的年度"
            )
            return None
        return day.isoformat()
    if field == "start_time":
        clock = value if isinstance(value, time) else parse_clock(str(value or ""))
        if clock is None:
            problem(f"「{value}」不是有效的時間，請用 HH:MM（例如 14:30）")
            return None
        return f"{clock:%H:%M}"
    if field == "form":
        text = str(value or "").strip()
        if text not in FORMS:
            problem(f"「{text}」不是會議形式；可用：{'、'.join(FORMS)}")
            return None
        return text
    if field == "host_city":
        text = str(value or "").strip()
        if text not in cities:
            problem(f"「{text}」不是八縣市的正式名稱；可用：{'、'.join(cities)}")
            return None
        return text
    if field.startswith("organisers."):
        role = field.partition(".")[2]
        if role not in ORGANISER_ROLES:
            problems.append(f"沒有「{role}」這個單位角色；可用：{'、'.join(ORGANISER_ROLES)}")
            return None
        names = []
        for name in _names(value):
            text, trouble = _text(role, name, required=True)
            if trouble:
                problems.append(trouble)
            names.append(text)
        if not names and role in REQUIRED_ROLES:
            problems.append(f"{role}不可空白")
        return names if len(problems) == before else None
    if field.startswith("attendance."):
        city = field.partition(".")[2]
        if city not in cities:
            problems.append(f"出席人員：「{city}」不是八縣市的正式名稱；可用：{'、'.join(cities)}")
            return None
        text, trouble = _text(label, value, required=False, limit=meeting_record.ATTENDANCE_MAX_CHARS)
    elif field == "minutes_taker":
        text, trouble = _text(label, value, required=False, limit=meeting_record.MINUTES_TAKER_MAX_CHARS)
    elif field == "url":
        text, trouble = _text(label, value, required=False, limit=URL_MAX_CHARS)
        if text and not trouble and not text.lower().startswith(("https://", "http://")):
            trouble = f"{label}：「{text}」應以 https:// 開頭"
    else:
        text, trouble = _text(label, value, required=field in REQUIRED)
    if trouble:
        problems.append(trouble)
        return None
    return text


def agenda_problems(rows: list[dict]) -> tuple[list[dict], list[str]]:
    """The agenda checked: (rows normalised as agenda_rows gives them, problems naming the row).

    A row: start (HH:MM), end (optional), minutes (optional; computed from start and end when
    missing), title, note, key ('decision' on exactly one row). Rows run in order without overlap:
    each starts at or after the end of the one before (or its start, when it has no end)."""
    problems: list[str] = []
    if not isinstance(rows, list) or not rows:
        return [], ["議程：至少須有一列"]
    out: list[dict] = []
    previous: tuple[int, time] | None = None  # (row number, when the row before ends)
    decision_rows = []
    for number, row in enumerate(rows, start=1):
        where = f"議程第 {number} 列"
        if not isinstance(row, dict):
            problems.append(f"{where}：應為開始時間、標題等欄位的對應")
            continue
        unknown = [k for k in row if k not in AGENDA_KEYS]
        if unknown:
            problems.append(f"{where}：沒有欄位「{'、'.join(map(str, unknown))}」；可用：{'、'.join(AGENDA_KEYS)}")
        start = _clock(row.get("start"))
        end = _clock(row.get("end")) if _given(row.get("end")) else None
        if start is None:
            problems.append(f"{where}：開始時間「{_shown(row.get('start'))}」不是有效的時間（HH:MM）")
        if _given(row.get("end")) and end is None:
            problems.append(f"{where}：結束時間「{_shown(row.get('end'))}」不是有效的時間（HH:MM）")
        if start and end and end <= start:
            problems.append(f"{where}：結束時間 {end:%H:%M} 應晚於開始時間 {start:%H:%M}")
        minutes = row.get("minutes")
        if _given(minutes):
            try:
                minutes = int(str(minutes).strip())
                if minutes < 0:
                    raise ValueError
            except ValueError:
                problems.append(f"{where}：分鐘「{_shown(minutes)}」應為 0 以上的整數")
                minutes = None
            if minutes is not None and start and end and end > start and _span(start, end) != minutes:
                problems.append(f"{where}：{minutes} 分鐘與 {start:%H:%M}–{end:%H:%M}（{_span(start, end)} 分鐘）不符")
        else:
            minutes = _span(start, end) if start and end and end > start else None
        title, trouble = _text(f"{where}：標題", row.get("title"), required=True, multiline=True)
        if trouble:
            problems.append(trouble)
        note, trouble = _text(f"{where}：備註", row.get("note"), required=False)
        if trouble:
            problems.append(trouble)
        key = row.get("key")
        if _given(key):
            if key != DECISION_KEY:
                problems.append(f"{where}：key 只能是 {DECISION_KEY}（決議事項）")
            decision_rows.append(number)
        if start and previous:
            before_number, before_end = previous
            if start < before_end:
                problems.append(
                    f"{where}：開始時間 {start:%H:%M} 早於第 {before_number} 列的"
                    f"{'結束' if rows[before_number - 1].get('end') else '開始'}時間 {before_end:%H:%M}"
                    "（時間重疊或順序顛倒）"
                )
        if start:
            previous = (number, end or start)
        values = {
            "start": f"{start:%H:%M}" if start else None,
            "end": f"{end:%H:%M}" if end else None,
            "minutes": minutes,
            "title": title,
            "note": note,
            "key": DECISION_KEY if _given(key) else None,
        }
        out.append({k: v for k, v in values.items() if v is not None})
    if not decision_rows:
        problems.append("議程：須有一列標為決議事項（年度合作方案決議）")
    elif len(decision_rows) > 1:
        problems.append(f"議程：只能有一列標為決議事項，目前為第 {'、'.join(map(str, decision_rows))} 列")
    return out, problems


def _given(value) -> bool:
    if value is None or value is False:
        return False
    try:
        if value != value:  # NaN from a table editor's empty cell
            return False
    except TypeError:
        pass
    return str(value).strip() != ""


def _shown(value) -> str:
    return "" if not _given(value) else str(value)


def _clock(value) -> time | None:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    return parse_clock(str(value)) if _given(value) else None


def _span(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def checked(before: dict, changes: dict, cycle: int, cities: tuple[str, ...]) -> dict:
    """The document after `changes`, every value checked; EditError listing every problem."""
    problems: list[str] = []
    known = fields(cities)
    after = dict(before)
    for field, value in changes.items():
        if field.startswith("organisers.") or field.startswith("attendance."):
            pass  # unknown roles and cities are named by _checked_field
        elif field not in known:
            problems.append(f"會議設定沒有欄位「{field}」；可修改：{'、'.join(fields_help(cities))}")
            continue
        if field == AGENDA:
            rows, trouble = agenda_problems(value)
            problems += trouble
            after[AGENDA] = rows
            continue
        count = len(problems)
        normal = _checked_field(field, value, cycle, cities, problems)
        if len(problems) == count:
            after[field] = normal
    if not problems:
        problems += link_problems(after)
    if problems:
        raise EditError(problems)
    return after


def fields_help(cities: tuple[str, ...]) -> list[str]:
    return [*LABELS, "organisers.（主辦單位／承辦單位／協辦單位／執行單位）", "attendance.（縣市）", "minutes_taker"]


def link_problems(doc: dict) -> list[str]:
    """A link for an online or hybrid meeting, none for an in-person one."""
    form, url = doc.get("form"), doc.get("url")
    if form in WITH_LINK and not url:
        return [f"會議連結：{form}會議須填寫會議連結"]
    if form == IN_PERSON and url:
        return ["會議連結：實體會議不需要會議連結，請清空（或改為視訊與實體會議）"]
    if form in (IN_PERSON, HYBRID) and doc.get("venue") == ONLINE_VENUE:
        return [f"地點：{form}會議須填寫實際地點，不是「{ONLINE_VENUE}」"]
    return []


# --- writing --------------------------------------------------------------------------------


def edit(
    session: Session,
    *,
    actor: Actor,
    meeting_id: str,
    changes: dict,
    base: Base | None = None,
    reason: str | None = None,
    confirm: list[str] | tuple[str, ...] = (),
    now: datetime | None = None,
) -> MeetingVersion | None:
    """Apply `changes` (field -> value) to the meeting as one new version, and confirm the carried
    values of `confirm` (fields); None when nothing changes. `base` None: the version in force (the
    command line reads and saves at once).

    Raises PermissionDenied, EditError (unknown meeting or field, a bad value: every problem named)
    or StaleMeeting; nothing is written then."""
    require_secretariat(actor, "修改會議設定")

    def taken() -> None:  # a writer that skipped the lock took this version number
        raise EditError(["會議設定剛由其他人儲存；未儲存，請重新載入後再試。"])

    return save_version(
        session,
        lambda: _stage(session, actor, meeting_id, changes, base, reason, list(confirm), now),
        on_conflict=taken,
    )


def _stage(session, actor, meeting_id, changes, base, reason, confirm, now) -> MeetingVersion | None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise EditError([f"找不到會議「{meeting_id}」。"])
    if not isinstance(changes, dict):
        raise EditError(["會議設定的修改應為「欄位: 新值」的對應。"])
    now_base = current_base(session, meeting_id)
    if base is not None and base != now_base:
        newer = [v for v in history(session, meeting_id) if v.version > base.version]
        raise StaleMeeting(meeting_id, base, now_base, list(reversed(newer)))
    reason, trouble = _text("修改原因", reason, required=False, limit=REASON_MAX_CHARS, multiline=True)
    if trouble:
        raise EditError([trouble])
    state = settings(session, meeting)
    after = checked(state.document, changes, meeting_year(meeting), state.cities)
    unknown_marks = [f for f in confirm if f not in state.unconfirmed]
    if unknown_marks:
        waiting = "、".join(map(field_label, state.unconfirmed)) or "（無）"
        raise EditError([f"「{field_label(f)}」沒有待確認的沿用值；待確認：{waiting}" for f in unknown_marks])
    diff = [
        {"field": f, "old": state.document.get(f), "new": after.get(f)}
        for f in fields(state.cities)
        if after.get(f) != state.document.get(f)
    ]
    marks = [f for f in state.unconfirmed if f not in changes and f not in confirm]
    if list(state.unconfirmed) != marks:
        diff.append({"field": UNCONFIRMED, "old": list(state.unconfirmed), "new": marks})
    if not diff:
        return None
    _apply(session, meeting, after, state, marks)
    record_id = _record(session, actor, meeting, state, after, now) if _touches_record(diff) else None
    only_marks = all(c["field"] == UNCONFIRMED for c in diff)
    version = MeetingVersion(
        meeting_id=meeting_id,
        version=now_base.version + 1,
        changes=diff,
        reason=reason,
        kind="confirm" if only_marks else "edit",
        record_id=record_id,
        recorded_at=now or datetime.now(UTC),
        recorded_by=actor.name,
    )
    session.add(version)
    session.add(StoreBuild(built_at=now or datetime.now(UTC)))  # page caches key on the store's stamp
    session.flush()
    return version


def meeting_year(meeting: Meeting) -> int:
    return roc_year(meeting.date.year)


def _touches_record(diff: list[dict]) -> bool:
    return any(c["field"].startswith("attendance.") or c["field"] in RECORD_FIELDS for c in diff)


def _apply(session: Session, meeting: Meeting, after: dict, state: Settings, marks: list[str]) -> None:
    meeting.name, meeting.theme = after["name"], after["theme"]
    meeting.date = date.fromisoformat(after["date"])
    meeting.start_time = parse_clock(after["start_time"])
    meeting.form, meeting.url, meeting.venue = after["form"], after["url"], after["venue"]
    meeting.chair, meeting.chair_title, meeting.chair_org = after["chair"], after["chair_title"], after["chair_org"]
    meeting.host_city = after["host_city"]
    meeting.unconfirmed = marks or None
    session.add(meeting)
    roles = [role for role in ORGANISER_ROLES if after[organiser_field(role)] != state.document[organiser_field(role)]]
    for role in roles:
        session.exec(delete(Organiser).where(Organiser.meeting_id == meeting.id, Organiser.role == role))
        session.flush()
        for position, name in enumerate(after[organiser_field(role)], start=1):
            session.add(Organiser(meeting_id=meeting.id, role=role, position=position, name=name))
    if after[AGENDA] != state.document[AGENDA]:
        replace_agenda(session, meeting.id, after[AGENDA])
    session.flush()


def replace_agenda(session: Session, meeting_id: str, rows: list[dict]) -> None:
    """The meeting's agenda becomes `rows` (checked, in agenda_rows' form)."""
    session.exec(delete(AgendaItem).where(AgendaItem.meeting_id == meeting_id))
    session.flush()
    for position, row in enumerate(rows, start=1):
        session.add(
            AgendaItem(
                meeting_id=meeting_id,
                position=position,
                start=parse_clock(row["start"]),
                end=parse_clock(row["end"]) if row.get("end") else None,
                minutes=row.get("minutes"),
                title=row["title"],
                note=row.get("note"),
                key=row.get("key"),
            )
        )


def _record(session, actor, meeting, state: Settings, after: dict, now) -> int:
    """A new minutes record holding the changed attendance and 紀錄 (主席結論 as it was)."""
    previous = meeting_record.latest(session, meeting_id=meeting.id)
    codes = {c.name: c.code for c in queries.cities(session)}
    row = MeetingRecord(
        meeting_id=meeting.id,
        minutes_taker=after["minutes_taker"] or "",
        attendance={codes[c]: after[attendance_field(c)] for c in state.cities if after[attendance_field(c)]},
        conclusions=previous.conclusions if previous else "",
        recorded_at=now or datetime.now(UTC),
        recorded_by=actor.name,
    )
    session.add(row)
    session.flush()
    return row.id


def confirm_all(
    session: Session, *, actor: Actor, meeting_id: str, base: Base | None = None, reason: str | None = None
) -> MeetingVersion | None:
    """「確認沿用」 for every value still marked; None when none is."""
    meeting = session.get(Meeting, meeting_id)
    marks = list(meeting.unconfirmed or []) if meeting else []
    return edit(session, actor=actor, meeting_id=meeting_id, changes={}, base=base, reason=reason, confirm=marks)


# --- reading a version --------------------------------------------------------------------


def value_text(field: str, value) -> str:
    """A stored value as one line: lists joined with 、, an agenda as its items' times and titles."""
    if value is None or value == "" or value == []:
        return "（空白）"
    if field == AGENDA and isinstance(value, list):
        return "；".join(
            f"{row.get('start', '')}{'–' + row['end'] if row.get('end') else ''} "
            f"{' '.join(str(row.get('title', '')).split())}" + ("（決議事項）" if row.get("key") else "")
            for row in value
            if isinstance(row, dict)
        )
    if field == UNCONFIRMED and isinstance(value, list):
        return "、".join(field_label(f) for f in value) or "（無）"
    if field == "date":
        try:
            return roc_date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


KIND_LABELS = {
    "edit": "修改",
    "confirm": "確認沿用",
    "create": "開始新年度時建立",
    "import": "自資料檔匯入",
    RECORD_KIND: "副首長會議頁的會議紀錄",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
