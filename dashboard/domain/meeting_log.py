"""The working groups' meeting log: each group's meetings of a cycle (date, kind, name, what was
decided), which packet 貳 prints. Loaded from data/group_meetings.csv, then kept by the groups' leads
(their own groups; a group's lead keeps its sub-groups' too) and the secretariat (any group).

Every add, correction and removal is a GroupMeetingVersion (who, when, old -> new, why); a removed
meeting stays in the store marked `removed`, so nothing is lost, and every reader leaves it out. A
save names the meeting's version it was based on, and one based on an older version is refused
(StaleMeetingLog), as for proposals (dashboard/domain/editing.py).

A meeting belongs to the cycle of its date's ROC year (a meeting of 2024 is in the log of 113), and
is kept under a group that holds meetings in that cycle: an open group without open sub-groups
(the packet prints one row per sub-group).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from dashboard.domain import cycles, group_terms, lookup, vocab
from dashboard.domain.dates import roc_date, roc_year
from dashboard.domain.permissions import Actor, PermissionDenied
from dashboard.domain.proposal_rules import MEETING_MAX_CHARS, too_long
from dashboard.domain.text import text_problem
from dashboard.store.db import save_version
from dashboard.store.models import GroupMeeting, GroupMeetingVersion

FIELDS = ("date", "kind", "name", "decided")
FIELD_LABELS = {
    "date": "日期",
    "kind": "會議類別",
    "name": "會議名稱",
    "decided": "決議事項",
    "group": "議題組",
    "removed": "已刪除",
}
KIND_LABELS = {"add": "新增", "edit": "修正", "remove": "刪除", "import": "自資料檔匯入"}
REASON_MAX_CHARS = 500
NONE_HELD = "（本年度無會議紀錄）"  # a group's row of packet 貳 without a meeting in the cycle
NONE_IN_CYCLE = "本年度各議題組尚無會議紀錄。"  # packet 貳 of a cycle without any meeting, said once
DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$"),  # 2024-03-05
    re.compile(r"^(?:民國)?(?P<roc>\d{2,3})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"),  # 113/3/5, 113年3月5日
)


class LogError(ValueError):
    """A change of the log that cannot be made; the message says what and where, in Chinese."""


class StaleMeetingLog(LogError):
    """The change was based on an older version of the meeting: `newer` are the versions since."""

    def __init__(self, label: str, base_version: int, newer: list[GroupMeetingVersion]):
        self.base_version, self.newer = base_version, newer
        self.current = newer[-1].version if newer else base_version
        who = "、".join(dict.fromkeys(v.recorded_by for v in newer)) or "其他人"
        super().__init__(
            f"{label}已由{who}更新為第 {self.current} 版（您的修改依據第 {base_version} 版），"
            "未儲存；請重新開啟這場會議，看過對方的修改再決定是否重新送出。"
        )


# --- reading ----------------------------------------------------------------------------------


def infer_kind(name: str) -> str:
    """The kind a meeting's name says (112's log wrote it in the name)."""
    if vocab.STAFF_MEETING in name:
        return vocab.STAFF_MEETING
    if vocab.WORKING_MEETING in name:
        return vocab.WORKING_MEETING
    return vocab.OTHER_MEETING


def kind_of(meeting: GroupMeeting) -> str:
    return meeting.kind or infer_kind(meeting.name or "")


def title_of(meeting: GroupMeeting) -> str:
    """What the packet's log prints after the date: the name, or the kind for a meeting without one."""
    return (meeting.name or "").strip() or kind_of(meeting)


def in_cycle(meeting: GroupMeeting, cycle: int) -> bool:
    return not meeting.removed and roc_year(meeting.date.year) == cycle


def held(session: Session, cycle: int, group_ids: list[str] | None = None) -> list[GroupMeeting]:
    """The meetings of `cycle` (not removed), by date, of `group_ids` when given."""
    query = select(GroupMeeting).where(GroupMeeting.removed == False).order_by(GroupMeeting.date, GroupMeeting.id)  # noqa: E712
    if group_ids is not None:
        query = query.where(GroupMeeting.group_id.in_(group_ids))
    return [m for m in session.exec(query) if roc_year(m.date.year) == cycle]


def packet_lines(meeting: GroupMeeting, date_text: str, prefix: str = "") -> list[str]:
    """A meeting as the packet's log prints it: the date and name, then what was decided."""
    lines = [f"{prefix}{date_text} {title_of(meeting)}"]
    decided = [line.strip() for line in (meeting.decided or "").splitlines() if line.strip()]
    if decided:
        lines.append(f"決議：{decided[0]}")
        lines += decided[1:]
    return lines


@dataclass(frozen=True)
class Entry:
    """One meeting of the log as pages, the workbook and the command line show it."""

    id: int
    group_id: str
    group: str  # as named in the meeting's cycle
    date: date
    kind: str
    name: str
    decided: str
    version: int
    updated_by: str | None
    updated_at: datetime | None


def entries(session: Session, *, cycle: int, group_ids: list[str] | None = None) -> list[Entry]:
    meetings = held(session, cycle, group_ids)
    names = {g.id: g.name for g in group_terms.resolve_all(session, cycle).values()}
    latest = _latest_versions(session, [m.id for m in meetings])
    found = []
    for m in meetings:
        last = latest.get(m.id)
        found.append(
            Entry(
                m.id,
                m.group_id,
                names.get(m.group_id, m.group_id),
                m.date,
                kind_of(m),
                m.name or "",
                m.decided or "",
                last.version if last else 0,
                last.recorded_by if last else None,
                last.recorded_at if last else None,
            )
        )
    return found


def _latest_versions(session: Session, ids: list[int]) -> dict[int, GroupMeetingVersion]:
    if not ids:
        return {}
    found = {}
    for version in session.exec(
        select(GroupMeetingVersion).where(GroupMeetingVersion.meeting_id.in_(ids)).order_by(GroupMeetingVersion.version)
    ):
        found[version.meeting_id] = version
    return found


def current_version(session: Session, meeting_id: int) -> int:
    number = session.exec(
        select(func.max(GroupMeetingVersion.version)).where(GroupMeetingVersion.meeting_id == meeting_id)
    ).one()
    return number or 0


def history(
    session: Session, *, meeting_id: int | None = None, group_ids: list[str] | None = None
) -> list[GroupMeetingVersion]:
    """The versions of one meeting, or of the groups' meetings, newest first."""
    query = select(GroupMeetingVersion).order_by(GroupMeetingVersion.recorded_at.desc(), GroupMeetingVersion.id.desc())
    if meeting_id is not None:
        query = query.where(GroupMeetingVersion.meeting_id == meeting_id)
    if group_ids is not None:
        query = query.where(GroupMeetingVersion.group_id.in_(group_ids))
    return list(session.exec(query))


def labels(session: Session, meeting_ids: list[int]) -> dict[int, str]:
    """{meeting id: 113年3月5日 第1次工作會議} for a history's rows, removed meetings included."""
    if not meeting_ids:
        return {}
    query = select(GroupMeeting).where(GroupMeeting.id.in_(meeting_ids))
    return {
        m.id: f"{roc_date(m.date)} {title_of(m)}" + ("（已刪除）" if m.removed else "") for m in session.exec(query)
    }


def shown(field: str, value) -> str:
    """A value of a version's change as a history shows it: dates in the ROC calendar."""
    if value is None or value == "":
        return "（空白）"
    if field == "date":
        try:
            return roc_date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if field == "removed":
        return "是" if value else "否"
    return str(value)


def change_lines(version: GroupMeetingVersion) -> list[str]:
    return [
        f"{FIELD_LABELS.get(c['field'], c['field'])}：{shown(c['field'], c['old'])} → {shown(c['field'], c['new'])}"
        for c in version.changes
    ]


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def log_groups(session: Session, cycle: int) -> list[group_terms.CycleGroup]:
    """The groups that hold meetings in `cycle`: open, without open sub-groups; in display order."""
    groups = group_terms.resolve_all(session, cycle)
    open_groups = [g for g in groups.values() if not g.closed]
    parents = {g.parent_id for g in open_groups if g.parent_id}
    return [g for g in open_groups if g.id not in parents]


def may_keep(actor: Actor, group: group_terms.CycleGroup) -> bool:
    """A lead keeps the log of their groups (a group's lead, its sub-groups' too); the secretariat any."""
    if actor.name is None:
        return False
    if actor.is_secretariat:
        return True
    return actor.role == vocab.LEAD and bool({group.id, group.parent_id} & actor.groups)


def groups_for(session: Session, actor: Actor, cycle: int) -> list[group_terms.CycleGroup]:
    """The groups of `cycle` whose log `actor` keeps."""
    return [g for g in log_groups(session, cycle) if may_keep(actor, g)]


def label(meeting: GroupMeeting, group_name: str) -> str:
    """「交通運輸組 113年3月5日 第1次工作會議」: how messages name a meeting."""
    return f"「{group_name} {roc_date(meeting.date)} {title_of(meeting)}」"


# --- checking -----------------------------------------------------------------------------------


def parse_date(value) -> date:
    """A date as typed: 2024-03-05, 2024/3/5, 113/3/5, 113年3月5日, or a date (a workbook's cell)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = re.sub(r"\s+", "", str(value or ""))
    if not text:
        raise LogError("日期不可空白")
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            year = int(parts["y"]) if parts.get("y") else int(parts["roc"]) + 1911
            try:
                return date(year, int(parts["m"]), int(parts["d"]))
            except ValueError:
                break
    raise LogError(f"日期「{value}」無法辨識；請寫成 2024-03-05 或 113/3/5")


def _kind(value) -> str:
    text = str(value or "").strip()
    if text not in vocab.MEETING_KINDS:
        raise LogError(f"會議類別「{text}」不在清單中；可用：{'、'.join(vocab.MEETING_KINDS)}")
    return text


def _text(field: str, value, *, multiline: bool) -> str:
    if value is not None and not isinstance(value, str):
        value = str(value)
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    label = FIELD_LABELS[field]
    if problem := text_problem(text):
        raise LogError(f"{label}{problem}")
    if not multiline and "\n" in text:
        raise LogError(f"{label}只能有一行")
    limit = MEETING_MAX_CHARS[field]
    if len(text) > limit:
        raise LogError(too_long(label, limit, len(text)))
    return text


def checked(values: dict) -> dict:
    """The values of FIELDS given, checked and normalised; LogError names the first wrong one."""
    unknown = [f for f in values if f not in FIELDS]
    if unknown:
        raise LogError(
            f"沒有欄位「{'、'.join(map(str, unknown))}」；可填："
            + "、".join(f"{f}（{FIELD_LABELS[f]}）" for f in FIELDS)
        )
    result = {}
    if "date" in values:
        result["date"] = parse_date(values["date"])
    if "kind" in values:
        result["kind"] = _kind(values["kind"])
    if "name" in values:
        result["name"] = _text("name", values["name"], multiline=False)
    if "decided" in values:
        result["decided"] = _text("decided", values["decided"], multiline=True)
    return result


def _reason(reason) -> str | None:
    text = (reason or "").strip() if isinstance(reason, str) or reason is None else str(reason).strip()
    if problem := text_problem(text):
        raise LogError(f"修改原因{problem}")
    if len(text) > REASON_MAX_CHARS:
        raise LogError(too_long("修改原因", REASON_MAX_CHARS, len(text)))
    return text or None


def _group(session: Session, value, cycle: int, actor: Actor) -> group_terms.CycleGroup:
    """The group `value` names (id or name) among those holding meetings in `cycle`, kept by `actor`."""
    all_groups = group_terms.resolve_all(session, cycle)
    holding = log_groups(session, cycle)
    gid = lookup.group_id(value if isinstance(value, str) else None, list(all_groups.values()))
    group = all_groups.get(gid) if gid else None
    if group is None:
        raise LogError(f"{cycle}年度沒有議題組「{value}」；可用：{'、'.join(g.name for g in holding)}")
    if group.closed:
        raise LogError(f"議題組「{group.name}」自{group.since}年度起已結束，{cycle}年度不能記錄會議")
    if group not in holding:
        subs = "、".join(g.name for g in holding if g.parent_id == group.id)
        raise LogError(f"議題組「{group.name}」有分組，會議記在分組之下；請選擇：{subs}")
    if not may_keep(actor, group):
        raise PermissionDenied(
            f"{actor.label}不能修改「{group.name}」的工作會議紀錄：只有該議題組的窗口或祕書處可以修改。"
        )
    return group


def _cycle_of(session: Session, day: date, where: str) -> cycles.Cycle:
    held_cycles = cycles.cycles(session)
    cycle = cycles.Cycle(roc_year(day.year))
    if cycle not in held_cycles:
        raise LogError(
            f"{where}的日期 {roc_date(day)} 屬於 {cycle} 年度，資料庫沒有這個年度；"
            f"可用的年度：{'、'.join(map(str, held_cycles)) or '（無）'}"
        )
    return cycle


def _require_signed_in(actor: Actor) -> None:
    if actor.name is None:
        raise PermissionDenied(f"{actor.label}不能修改工作會議紀錄：請以議題組窗口或祕書處帳號登入。")


def _stored(session: Session, meeting_id) -> GroupMeeting:
    meeting = session.get(GroupMeeting, meeting_id) if isinstance(meeting_id, int) else None
    if meeting is None or meeting.removed:
        raise LogError("找不到這場會議（可能已被他人刪除）；請重新開啟工作會議紀錄後再修改")
    return meeting


def _check_base(session: Session, meeting: GroupMeeting, base_version, where: str) -> int:
    current = current_version(session, meeting.id)
    if base_version is None:
        return current
    if isinstance(base_version, bool) or not isinstance(base_version, int) or not 0 <= base_version <= current:
        raise LogError(f"{where}沒有第 {base_version} 版可作為依據；目前為第 {current} 版")
    if base_version != current:
        newer = list(
            session.exec(
                select(GroupMeetingVersion)
                .where(GroupMeetingVersion.meeting_id == meeting.id, GroupMeetingVersion.version > base_version)
                .order_by(GroupMeetingVersion.version)
            )
        )
        for version in newer:
            session.expunge(version)
        raise StaleMeetingLog(where, base_version, newer)
    return current


def values_of(meeting: GroupMeeting) -> dict:
    return {
        "date": meeting.date.isoformat(),
        "kind": kind_of(meeting),
        "name": meeting.name or "",
        "decided": meeting.decided or "",
    }


def _version(session, meeting, kind, changes, reason, actor, base) -> GroupMeetingVersion:
    version = GroupMeetingVersion(
        meeting_id=meeting.id,
        group_id=meeting.group_id,
        version=base + 1,
        changes=changes,
        reason=reason,
        kind=kind,
        recorded_at=datetime.now(UTC),
        recorded_by=actor.name,
    )
    session.add(version)
    session.flush()
    return version


def _group_name(session: Session, group_id: str, cycle: int) -> str:
    group = group_terms.resolve_all(session, cycle).get(group_id)
    return group.name if group else group_id


# --- changing: stage_* write into the session without committing (an import stages many, then
# commits once); add / edit / remove take the write lock and commit ---------------------------------


def stage_add(
    session: Session, *, actor: Actor, group_id, values: dict, reason=None, kind: str = "add"
) -> GroupMeetingVersion:
    """A new meeting of the group (values: date and kind required, name and decided optional)."""
    _require_signed_in(actor)
    given = checked(values)
    if "date" not in given:
        raise LogError("新增會議須填寫日期")
    if "kind" not in given:
        raise LogError(f"新增會議須選擇會議類別（{'、'.join(vocab.MEETING_KINDS)}）")
    reason = _reason(reason)
    cycle = _cycle_of(session, given["date"], "新增的會議")
    group = _group(session, group_id, cycle, actor)
    meeting = GroupMeeting(
        group_id=group.id,
        date=given["date"],
        kind=given["kind"],
        name=given.get("name", ""),
        decided=given.get("decided") or None,
    )
    session.add(meeting)
    session.flush()
    changes = [{"field": "group", "old": None, "new": group.name}] + [
        {"field": f, "old": None, "new": v} for f, v in values_of(meeting).items() if v
    ]
    return _version(session, meeting, kind, changes, reason, actor, 0)


def stage_edit(
    session: Session, *, actor: Actor, meeting_id: int, changes: dict, base_version: int | None, reason=None
) -> GroupMeetingVersion | None:
    """Correct a meeting's date, kind, name or what was decided; None when nothing changes."""
    _require_signed_in(actor)
    meeting = _stored(session, meeting_id)
    cycle = cycles.Cycle(roc_year(meeting.date.year))
    group = _group(session, meeting.group_id, cycle, actor)
    where = label(meeting, group.name)
    try:
        given = checked(changes)
    except LogError as error:
        raise LogError(f"{where}：{error}") from error
    reason = _reason(reason)
    base = _check_base(session, meeting, base_version, where)
    before = values_of(meeting)
    if "date" in given and roc_year(given["date"].year) != cycle:
        new_cycle = _cycle_of(session, given["date"], where)
        _group(session, meeting.group_id, new_cycle, actor)  # the group must hold meetings then too
    meeting.date = given.get("date", meeting.date)
    if "kind" in given:
        meeting.kind = given["kind"]
    if "name" in given:
        meeting.name = given["name"]
    if "decided" in given:
        meeting.decided = given["decided"] or None
    after = values_of(meeting)
    diff = [{"field": f, "old": before[f], "new": after[f]} for f in FIELDS if before[f] != after[f]]
    if not diff:
        session.expire(meeting)
        return None
    if meeting.kind is None:
        meeting.kind = after["kind"]
    session.add(meeting)
    return _version(session, meeting, "edit", diff, reason, actor, base)


def stage_remove(
    session: Session, *, actor: Actor, meeting_id: int, base_version: int | None, reason=None
) -> GroupMeetingVersion:
    """Remove a meeting from the log: it is marked removed (kept, with its values in the version)."""
    _require_signed_in(actor)
    meeting = _stored(session, meeting_id)
    cycle = cycles.Cycle(roc_year(meeting.date.year))
    group = _group(session, meeting.group_id, cycle, actor)
    where = label(meeting, group.name)
    reason = _reason(reason)
    base = _check_base(session, meeting, base_version, where)
    values = values_of(meeting)
    meeting.removed = True
    session.add(meeting)
    changes = [{"field": "removed", "old": False, "new": True}] + [
        {"field": f, "old": v, "new": None} for f, v in values.items() if v
    ]
    return _version(session, meeting, "remove", changes, reason, actor, base)


def add(session: Session, *, actor: Actor, group_id, values: dict, reason=None) -> GroupMeetingVersion:
    """stage_add as the store's one writer, committed. Raises LogError, PermissionDenied."""
    return save_version(
        session, lambda: stage_add(session, actor=actor, group_id=group_id, values=values, reason=reason)
    )


def edit(
    session: Session, *, actor: Actor, meeting_id: int, changes: dict, base_version: int | None, reason=None
) -> GroupMeetingVersion | None:
    """stage_edit as the store's one writer, committed; a stale base raises StaleMeetingLog."""
    return save_version(
        session,
        lambda: stage_edit(
            session, actor=actor, meeting_id=meeting_id, changes=changes, base_version=base_version, reason=reason
        ),
    )


def remove(
    session: Session, *, actor: Actor, meeting_id: int, base_version: int | None, reason=None
) -> GroupMeetingVersion:
    return save_version(
        session,
        lambda: stage_remove(session, actor=actor, meeting_id=meeting_id, base_version=base_version, reason=reason),
    )


def edit_count(session: Session) -> int:
    """Changes of the meeting log made in the store (a plain load would overwrite them)."""
    return session.exec(select(func.count(GroupMeetingVersion.id))).one()
