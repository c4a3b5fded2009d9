"""The meeting files of data/: meeting.yaml (one meeting) and/or meetings/<id>.yaml (many)."""

from dataclasses import dataclass, field
from pathlib import Path

from dashboard.datafiles.reading import read_yaml, rel_path
from dashboard.domain import meeting_settings
from dashboard.domain.problems import WHOLE_FILE, Problem
from dashboard.domain.records import MISSING, Record
from dashboard.domain.text import check_yaml_text
from dashboard.store.models import AgendaItem, Meeting, Organiser

MEETING_FILE = "meeting.yaml"  # a store of one meeting (one cycle)
MEETINGS_DIR = "meetings"  # a store of many: meetings/<id>.yaml, one file per meeting
MEETING_KEYS = (
    "id",
    "name",
    "theme",
    "date",
    "start_time",
    "form",
    "host_city",
    "chair_org",
    "chair_title",
    "chair",
    "venue",
    "url",
    "agenda",
    "organisers",
    "unconfirmed",
)
AGENDA_KEYS = ("start", "end", "minutes", "title", "note", "key")


@dataclass
class MeetingRows:
    meetings: list[Meeting] = field(default_factory=list)
    agenda: list[AgendaItem] = field(default_factory=list)
    organisers: list[Organiser] = field(default_factory=list)


def meeting_files(root: Path) -> list[Path]:
    """The meeting files of a data folder: meeting.yaml and/or meetings/*.yaml. Without any, the
    one meeting.yaml (so that its absence is reported as before)."""
    files = sorted((root / MEETINGS_DIR).glob("*.yaml"))
    single = root / MEETING_FILE
    return [single, *files] if single.exists() or not files else files


def read_meetings(root: Path, problems: list[Problem], cities: tuple[str, ...] = ()) -> MeetingRows:
    """Every meeting of the folder, its agenda and organisers; problems are added to `problems`.
    `cities`: the names a host city may take (unchecked when empty)."""
    rows = MeetingRows()
    seen: dict[str, str] = {}
    for path in meeting_files(root):
        meeting = _meeting(root, path, problems, rows, cities)
        if meeting is None or meeting.id is None:
            continue
        file = rel_path(path, root)
        if meeting.id in seen:
            problems.append(
                Problem(file, "會議", "id", f"重複的會議識別碼「{meeting.id}」（已用於 {seen[meeting.id]}）")
            )
        elif path.parent.name == MEETINGS_DIR and path.stem != meeting.id:
            problems.append(Problem(file, "會議", "id", f"檔名應與會議識別碼相同（{meeting.id}.yaml）"))
        seen.setdefault(meeting.id, file)
    for stray in sorted((root / MEETINGS_DIR).glob("*.yml")):
        problems.append(Problem(rel_path(stray, root), WHOLE_FILE, "-", "副檔名應為 .yaml，否則不會讀入"))
    return rows


def _meeting(root: Path, path: Path, problems: list[Problem], rows: MeetingRows, cities: tuple[str, ...]):
    file = rel_path(path, root)
    data = read_yaml(path, root, problems)
    if data is None:
        return None
    check_yaml_text(data, file, "會議", problems)
    r = Record(data, file, "會議", problems)
    r.only(MEETING_KEYS)
    meeting = Meeting(
        id=r.text("id"),
        name=r.text("name"),
        date=r.day("date"),
        start_time=r.clock("start_time"),
        chair_org=r.text("chair_org"),
        chair=r.text("chair"),
        venue=r.text("venue"),
        url=r.text("url", False),
        theme=r.text("theme", False),
        form=r.text("form", False),
        host_city=r.text("host_city", False),
        chair_title=r.text("chair_title", False),
    )
    _check_settings(r, meeting, cities)
    rows.meetings.append(meeting)
    previous_end = None
    for position, item in r.records("agenda", "議程項目（start、title 等）"):
        ir = Record(item, file, f"議程第 {position} 項", problems)
        ir.only(AGENDA_KEYS)
        start, end = ir.clock("start"), ir.clock("end", False)
        minutes = ir.integer("minutes", required=False, minimum=0)
        if start and end and minutes is not None:
            if (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) != minutes:
                ir.problem("minutes", f"{minutes} 分鐘與 {start:%H:%M}–{end:%H:%M} 不符")
        if start and previous_end and start < previous_end:
            ir.problem("start", "開始時間早於前一項的結束時間")
        previous_end = end or start
        rows.agenda.append(
            AgendaItem(
                meeting_id=meeting.id,
                position=position,
                start=start,
                end=end,
                minutes=minutes,
                title=ir.text("title"),
                note=ir.text("note", False),
                key=ir.text("key", False),
            )
        )
    organisers = r.raw("organisers")
    if isinstance(organisers, dict):
        for role in organisers:
            if role not in meeting_settings.ORGANISER_ROLES:
                r.problem(
                    "organisers", f"未知的單位角色「{role}」；可用：{'、'.join(meeting_settings.ORGANISER_ROLES)}"
                )
    if organisers is not MISSING and not isinstance(organisers, dict):
        r.problem("organisers", "應為各角色（如「主辦單位」）與其單位清單的對應")
    elif isinstance(organisers, dict):
        roles = Record(organisers, file, "會議 organisers", problems)
        for role in organisers:
            if not isinstance(role, str):
                roles.problem(str(role), "角色名稱應為文字，例如「主辦單位」")
                continue
            for position, name in enumerate(roles.texts(role), start=1):
                rows.organisers.append(Organiser(meeting_id=meeting.id, role=str(role), position=position, name=name))
    return meeting


def _check_settings(r: Record, meeting: Meeting, cities: tuple[str, ...]) -> None:
    """The form, host city, link and marks as the 會議設定 page checks them."""
    if meeting.form is not None and meeting.form not in meeting_settings.FORMS:
        r.problem("form", f"「{meeting.form}」不是會議形式；可用：{'、'.join(meeting_settings.FORMS)}")
        return
    if meeting.host_city is not None and cities and meeting.host_city not in cities:
        r.problem("host_city", f"「{meeting.host_city}」不是八縣市的正式名稱；可用：{'、'.join(cities)}")
    document = {"form": meeting_settings.form_of(meeting), "url": meeting.url, "venue": meeting.venue}
    for problem in meeting_settings.link_problems(document):
        r.problem("url" if problem.startswith("會議連結") else "venue", problem.partition("：")[2])
    marks = r.raw("unconfirmed", False)
    if marks is MISSING:
        return
    if not isinstance(marks, list) or not all(isinstance(m, str) for m in marks):
        r.problem("unconfirmed", "應為欄位名稱的清單，例如 [chair, theme]")
        return
    known = meeting_settings.fields(cities)
    unknown = [m for m in marks if m not in known and not m.startswith(("organisers.", "attendance."))]
    if unknown:
        r.problem("unconfirmed", f"未知的欄位「{'、'.join(unknown)}」")
        return
    meeting.unconfirmed = marks or None
