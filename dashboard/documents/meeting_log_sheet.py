"""The meeting log in the update workbook and in CSV (dashboard/domain/meeting_log.py).

The workbook (update_sheet.py) gets a sheet 工作會議: one row per meeting of the scope's groups in the
cycle, with its number and version locked, and unlocked empty rows below for new meetings. Read back
(sheet_import.py), each row is a correction (cells changed), a removal (刪除 chosen) or, without a
number, a new meeting; a row whose meeting someone changed since the download is refused when it
changes a field they changed. The data/ CSV form (group_meetings.csv: date, group, name[, kind,
decided]) adds meetings and corrects their kind and decision, matched by group, date and name.

Every problem names the sheet (or file), row and column; nothing is written before the whole plan
is checked, and the changes are written as versions in the same transaction as the proposals'.
"""

import csv
import datetime as dt
import io
import itertools
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session, select

from dashboard.documents import sheets
from dashboard.domain import dates, group_terms, lookup, meeting_log, vocab
from dashboard.domain.permissions import Actor, PermissionDenied
from dashboard.domain.problems import WHOLE_FILE, Problem
from dashboard.domain.text import text_problem
from dashboard.store.db import begin_write
from dashboard.store.models import GroupMeeting, GroupMeetingVersion

SHEET = "工作會議"
NUMBER, BASE, GROUP, DATE, KIND, NAME, DECIDED, REMOVE = (
    "會議編號",
    "目前版本",
    "議題組",
    "日期",
    "會議類別",
    "會議名稱",
    "決議事項",
    "刪除",
)
HEADERS = (NUMBER, BASE, GROUP, DATE, KIND, NAME, DECIDED, REMOVE)
LOCKED = (NUMBER, BASE)
WIDTHS = {NUMBER: 9, BASE: 9, GROUP: 12, DATE: 12, KIND: 10, NAME: 24, DECIDED: 60, REMOVE: 7}
REMOVE_MARK = "刪除"
BLANK_ROWS = 30  # unlocked rows under the meetings, for new ones
MAX_ROWS = 2000
FIELD_OF = {DATE: "date", KIND: "kind", NAME: "name", DECIDED: "decided"}
CSV_COLUMNS = ("date", "group", "name")
CSV_OPTIONAL = ("kind", "decided")
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")


# --- writing ------------------------------------------------------------------------------------


def scope_groups(session: Session, cycle: int, group) -> list[group_terms.CycleGroup]:
    """The groups whose meetings a workbook of `group` (a CycleGroup, or None: every group) holds."""
    groups = meeting_log.log_groups(session, cycle)
    if group is None:
        return groups
    return [g for g in groups if group.id in (g.id, g.parent_id)]


def add_sheet(book, session: Session, *, cycle: int, group, help_sheet=None) -> None:
    """The sheet 工作會議 of the workbook `book`, for the scope's groups in `cycle`; how to fill it
    in at the end of `help_sheet`."""
    if help_sheet is not None:
        help_sheet.append([None])
        for line in HELP_LINES:
            help_sheet.append([line])
            help_sheet.cell(help_sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        help_sheet.cell(help_sheet.max_row - len(HELP_LINES) + 1, 1).font = Font(bold=True)
        help_sheet.page_setup.fitToHeight = 1  # the instructions stay on one printed page
    groups = scope_groups(session, cycle, group)
    names = [g.name for g in groups]
    entries = meeting_log.entries(session, cycle=cycle, group_ids=[g.id for g in groups])
    sheet = book.create_sheet(SHEET, index=1)  # after the proposals, before the instructions
    sheet.append(list(HEADERS))
    for e in entries:
        sheet.append([e.id, e.version, e.group, e.date, e.kind, e.name or None, e.decided or None, None])
    last = len(entries) + 1 + BLANK_ROWS
    for index, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[header]
    for row in sheet.iter_rows(min_row=1, max_row=last, max_col=len(HEADERS)):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header = HEADERS[cell.column - 1]
            if cell.row == 1:
                cell.font = Font(bold=True)
            if cell.row == 1 or header in LOCKED:
                cell.fill = LOCKED_FILL
            else:
                cell.protection = Protection(locked=False)
            if header == DATE and cell.row > 1:
                cell.number_format = "yyyy-mm-dd"
    lists = {GROUP: names, KIND: list(vocab.MEETING_KINDS), REMOVE: [REMOVE_MARK]}
    for header, choices in lists.items():
        if not choices:
            continue
        column = get_column_letter(HEADERS.index(header) + 1)
        rule = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="不在清單中",
            error=f"請從清單選擇：{'、'.join(choices)}",
        )
        rule.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(rule)
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = protection.formatCells = False
    protection.selectLockedCells = protection.selectUnlockedCells = False
    sheets.print_setup(sheet)


HELP_LINES = (
    "工作會議（會議資料「貳、執行進度說明」）",
    f"・「{SHEET}」工作表每列一場會議：修改白色欄位即修正；「{REMOVE}」欄選「{REMOVE_MARK}」即刪除該場會議（保留於修改紀錄）。",
    f"・新增會議：在下方空白列填「{GROUP}」「{DATE}」（例如 2024-03-05）「{KIND}」，「{NAME}」「{DECIDED}」選填；不要填{NUMBER}。",
    f"・{KIND}可選：{'、'.join(vocab.MEETING_KINDS)}；{DECIDED}可多行（Alt+Enter 換行）。",
    f"・「{NUMBER}」「{BASE}」已鎖定；下載後若有人修改了同一場會議的同一欄位，上傳時該列會被拒絕，請重新下載。",
)


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogCell:
    value: object
    formula: bool = False
    error: bool = False


@dataclass(frozen=True)
class LogTable:
    """The 工作會議 sheet, or a group_meetings.csv, as rows of cells keyed by header."""

    sheet: str
    rows: tuple[tuple[int, dict], ...]  # (row number, {header: LogCell})
    is_csv: bool = False
    columns: tuple[str, ...] = ()  # a CSV's optional columns present


def is_log_csv(data: bytes) -> bool:
    """Whether a CSV is the data/ form of group_meetings.csv (its header names date, group and name)."""
    text = _decode(data)
    if text is None:
        return False
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    return set(CSV_COLUMNS) <= {h.strip() for h in header}


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp950"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_csv(name: str, data: bytes, problems: list[Problem]) -> LogTable | None:
    text = _decode(data)
    if text is None:
        problems.append(Problem(name, WHOLE_FILE, "-", "CSV 不是 UTF-8（或 Big5）編碼；請以「CSV UTF-8」另存"))
        return None
    try:
        lines = list(itertools.islice(csv.reader(io.StringIO(text, newline="")), MAX_ROWS + 2))
    except csv.Error as error:
        problems.append(Problem(name, WHOLE_FILE, "-", f"CSV 格式有誤：{error}"))
        return None
    if len(lines) > MAX_ROWS + 1:
        problems.append(Problem(name, WHOLE_FILE, "-", f"CSV 超過上限 {MAX_ROWS} 列"))
        return None
    header = [h.strip() for h in lines[0]]
    unknown = [h for h in header if h and h not in (*CSV_COLUMNS, *CSV_OPTIONAL)]
    if unknown:
        problems.append(
            Problem(
                name,
                "第 1 列（標題列）",
                "、".join(unknown),
                f"未知的欄位；可用：{','.join((*CSV_COLUMNS, *CSV_OPTIONAL))}",
            )
        )
        return None
    rows = tuple(
        (number, {h: LogCell(v if v.strip() else None) for h, v in zip(header, line) if h})
        for number, line in enumerate(lines[1:], start=2)
    )
    return LogTable(name, rows, is_csv=True, columns=tuple(c for c in CSV_OPTIONAL if c in header))


def read_sheet(data: bytes, problems: list[Problem], name: str) -> LogTable | None:
    """The 工作會議 sheet of an .xlsx already checked for size (sheet_import.read_table); None
    when the workbook has none (one downloaded before the log was in it)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        return None  # read_table has said why the file cannot be read
    try:
        if SHEET not in book.sheetnames:
            return None
        sheet = book[SHEET]
        sheet.reset_dimensions()
        lines = list(sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=len(HEADERS) + 8))
    finally:
        book.close()
    if len(lines) > MAX_ROWS + 1 and any(c.value is not None for c in lines[-1]):
        problems.append(Problem(name, f"工作表「{SHEET}」", "-", f"超過上限 {MAX_ROWS} 列"))
        return None
    if not lines:
        return None
    header = [str(c.value).strip() if c.value is not None else "" for c in lines[0]]
    missing = [h for h in (NUMBER, BASE, GROUP, DATE, KIND) if h not in header]
    if missing:
        problems.append(
            Problem(
                name,
                f"工作表「{SHEET}」第 1 列（標題列）",
                "、".join(missing),
                "缺少必要的欄位；請使用儀表板下載的更新試算表，不要刪除或改名標題列",
            )
        )
        return None
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = {}
        for h, cell in zip(header, line):
            if h in HEADERS:
                formula = cell.data_type == "f" or not isinstance(cell.value, str | int | float | dt.date | type(None))
                cells[h] = LogCell(cell.value, formula=formula, error=cell.data_type == "e")
        rows.append((number, cells))
    return LogTable(SHEET, tuple(rows))


# --- planning -----------------------------------------------------------------------------------


@dataclass
class LogOp:
    """One change of the log a row asks for."""

    op: str  # add / edit / remove
    where: str
    label: str  # the meeting, as the preview names it
    meeting_id: int | None = None
    group: str | None = None  # add: the group id
    values: dict = field(default_factory=dict)
    base_version: int | None = None
    diff: list[dict] = field(default_factory=list)
    group_column: str = GROUP  # where a refusal of the group (rights) is named: the CSV's is "group"


@dataclass
class LogPlan:
    ops: list[LogOp] = field(default_factory=list)

    def changes(self) -> list[tuple[str, str, str, str, str]]:
        """As the proposals' preview: (編號, 名稱, 欄位, 原值, 新值)."""
        found = []
        for op in self.ops:
            for c in op.diff:
                found.append(
                    (
                        SHEET,
                        op.label,
                        meeting_log.FIELD_LABELS.get(c["field"], c["field"]),
                        meeting_log.shown(c["field"], c["old"]),
                        meeting_log.shown(c["field"], c["new"]),
                    )
                )
        return found


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _number(value) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def plan(session: Session, *, actor: Actor, table: LogTable, file_name: str, problems: list[Problem]) -> LogPlan:
    """The table's changes of the log, checked and staged (then rolled back): nothing is written."""
    result = LogPlan()
    before = len(problems)
    every = list(group_terms.resolve_all(session, None).values())
    seen: dict[int, int] = {}
    for number, cells in table.rows:
        if all(_blank(c.value) for c in cells.values()):
            continue
        where = f"第 {number} 列" if table.is_csv else f"工作表「{table.sheet}」第 {number} 列"

        def problem(column: str, message: str, where=where) -> None:
            problems.append(Problem(file_name, where, column, message))

        bad = False
        for header, cell in cells.items():
            if cell.formula:
                problem(header, "儲存格含公式；請直接輸入內容，不要用公式")
                bad = True
            elif cell.error or (isinstance(cell.value, str) and cell.value.strip().startswith("#N/A")):
                problem(header, f"儲存格是錯誤值「{cell.value}」，不是填寫的內容；請改為正確的內容，或清空")
                bad = True
            elif isinstance(cell.value, str) and text_problem(cell.value):
                problem(header, text_problem(cell.value))
                bad = True
        if bad:
            continue
        op = (
            _csv_row(session, cells, table, every, where, problem)
            if table.is_csv
            else _sheet_row(session, cells, every, where, seen, number, problem)
        )
        if op is not None:
            result.ops.append(op)
    _stage(session, actor, result, file_name, problems, reason=None)
    if len(problems) > before:
        result.ops = []
    return result


def _group_id(value, every, problem) -> str | None:
    text = _text(value)
    gid = lookup.group_id(text, every) if text else None
    if gid is None:
        problem(GROUP, f"找不到議題組「{text}」" if text else "新增會議須填寫議題組")
    return gid


def _sheet_row(session, cells, every, where, seen, number, problem) -> LogOp | None:
    def value(header):
        cell = cells.get(header)
        return cell.value if cell else None

    raw_id = value(NUMBER)
    fields = {}
    for header, key in FIELD_OF.items():
        if header in cells:
            raw = value(header)
            fields[key] = raw if isinstance(raw, dt.date) else _text(raw)
    if _blank(raw_id):
        if not _blank(value(REMOVE)):
            problem(REMOVE, "新增的會議不能同時刪除")
            return None
        gid = _group_id(value(GROUP), every, problem)
        if gid is None:
            return None
        label = f"新增：{_text(value(GROUP))} {fields.get('name') or fields.get('kind') or ''}".strip()
        return LogOp("add", where, label, group=gid, values=fields)
    meeting_id = _number(raw_id)
    meeting = session.get(GroupMeeting, meeting_id) if meeting_id is not None else None
    if meeting is None or meeting.removed:
        problem(NUMBER, f"找不到第 {raw_id} 號會議（可能已被刪除）；請勿修改此欄，新增會議請留空")
        return None
    if meeting_id in seen:
        problem(NUMBER, f"第 {meeting_id} 號會議重複出現（第 {seen[meeting_id]} 列已有）")
        return None
    seen[meeting_id] = number
    current = meeting_log.current_version(session, meeting_id)
    base = _number(value(BASE))
    if base is None or base > current:
        problem(BASE, f"應為下載時的版本號，不是「{value(BASE) if value(BASE) is not None else ''}」；請勿修改此欄")
        return None
    group_name = next((g.name for g in every if g.id == meeting.group_id), meeting.group_id)
    cycle_names = {g.id: g.name for g in group_terms.resolve_all(session, dates.roc_year(meeting.date.year)).values()}
    group_name = cycle_names.get(meeting.group_id, group_name)
    label = meeting_log.label(meeting, group_name)
    if _text(value(GROUP)) and lookup.group_id(_text(value(GROUP)), every) != meeting.group_id:
        problem(GROUP, f"{label}屬於「{group_name}」，不能改為其他組；請刪除此列後在正確的組新增一列")
        return None
    if _text(value(REMOVE)) == REMOVE_MARK:
        return LogOp("remove", where, label, meeting_id=meeting_id, base_version=base)
    if not _blank(value(REMOVE)):
        problem(REMOVE, f"只能填「{REMOVE_MARK}」或留空")
        return None
    try:
        given = meeting_log.checked({k: v for k, v in fields.items() if not (k in ("date", "kind") and v == "")})
    except meeting_log.LogError as error:
        problem(_column_of(error), str(error))
        return None
    now = meeting_log.values_of(meeting)
    at_base, by_whom = _at_version(session, meeting_id, base, now)
    changes = {}
    for key, new in given.items():
        shown_new = new.isoformat() if isinstance(new, dt.date) else new
        if shown_new in (at_base.get(key), now.get(key)):
            continue  # as downloaded, or already what the store holds
        if key in by_whom:
            header = next(h for h, k in FIELD_OF.items() if k == key)
            problem(
                header,
                f"此列依據第 {base} 版，之後{by_whom[key]}已修改此欄（目前為「{meeting_log.shown(key, now[key])}」）；"
                "為免覆蓋他人的修改，請重新下載試算表後再填",
            )
            return None
        changes[key] = new
    if not changes:
        return None
    return LogOp("edit", where, label, meeting_id=meeting_id, values=changes, base_version=current)


def _at_version(session: Session, meeting_id: int, base: int, now: dict) -> tuple[dict, dict]:
    newer = session.exec(
        select(GroupMeetingVersion)
        .where(GroupMeetingVersion.meeting_id == meeting_id, GroupMeetingVersion.version > base)
        .order_by(GroupMeetingVersion.version)
    ).all()
    at_base, by_whom = dict(now), {}
    for version in reversed(newer):
        for change in version.changes:
            at_base[change["field"]] = change["old"]
    for version in newer:
        for change in version.changes:
            by_whom.setdefault(change["field"], f"{version.recorded_by}（第 {version.version} 版）")
    return at_base, by_whom


def _csv_row(session, cells, table: LogTable, every, where, problem) -> LogOp | None:
    def text(column):
        cell = cells.get(column)
        return _text(cell.value) if cell else ""

    gid = lookup.group_id(text("group"), every) if text("group") else None
    if gid is None:
        problem("group", f"找不到議題組「{text('group')}」" if text("group") else "缺少議題組")
        return None
    try:
        day = meeting_log.parse_date(text("date"))
    except meeting_log.LogError as error:
        problem("date", str(error))
        return None
    name = text("name")
    stored = session.exec(
        select(GroupMeeting).where(
            GroupMeeting.group_id == gid,
            GroupMeeting.date == day,
            GroupMeeting.name == name,
            GroupMeeting.removed == False,  # noqa: E712
        )
    ).first()
    values = {column: text(column) for column in table.columns}
    group_name = next((g.name for g in every if g.id == gid), gid)
    if stored is None:
        values = {"date": day, "name": name, **values}
        if not values.get("kind"):
            values["kind"] = meeting_log.infer_kind(name)
        label = f"新增：{group_name} {dates.roc_date(day)} {name}".strip()
        return LogOp("add", where, label, group=gid, values=values, group_column="group")
    now = meeting_log.values_of(stored)
    changes = {k: v for k, v in values.items() if not (k == "kind" and not v) and v != now.get(k)}
    if not changes:
        return None
    current = meeting_log.current_version(session, stored.id)
    return LogOp(
        "edit", where, meeting_log.label(stored, group_name), meeting_id=stored.id, values=changes, base_version=current
    )


def _column_of(error: Exception) -> str:
    message = str(error)
    for header, key in FIELD_OF.items():
        if message.find(meeting_log.FIELD_LABELS[key]) >= 0:
            return header
    return "-"


def _stage(session: Session, actor: Actor, result: LogPlan, file_name: str, problems: list[Problem], reason) -> list:
    """Stage every op in order (the domain's checks), recording each one's diff; roll back after."""
    versions = []
    try:
        for op in result.ops:
            try:
                version = _run(session, actor, op, reason)
            except meeting_log.StaleMeetingLog as error:
                problems.append(Problem(file_name, op.where, NUMBER, str(error)))
                continue
            except PermissionDenied as error:
                problems.append(Problem(file_name, op.where, op.group_column, str(error)))
                continue
            except meeting_log.LogError as error:
                problems.append(Problem(file_name, op.where, _column_of(error), str(error)))
                continue
            if version is not None:
                op.diff = [dict(c) for c in version.changes]
                versions.append(version)
        result.ops = [op for op in result.ops if op.diff]
    finally:
        session.rollback()
    return versions


def _run(session: Session, actor: Actor, op: LogOp, reason):
    if op.op == "add":
        return meeting_log.stage_add(session, actor=actor, group_id=op.group, values=op.values, reason=reason)
    if op.op == "remove":
        return meeting_log.stage_remove(
            session, actor=actor, meeting_id=op.meeting_id, base_version=op.base_version, reason=reason
        )
    return meeting_log.stage_edit(
        session, actor=actor, meeting_id=op.meeting_id, changes=op.values, base_version=op.base_version, reason=reason
    )


class LogChanged(Exception):
    """A meeting changed between the preview and applying it; the message names it."""


def apply(session: Session, *, actor: Actor, log: LogPlan, reason: str) -> list[GroupMeetingVersion]:
    """Stage the previewed ops for good (the caller commits); LogChanged when one no longer gives the
    diff previewed, StaleMeetingLog when someone saved the meeting meanwhile."""
    versions = []
    if log.ops:
        begin_write(session)  # a workbook of meetings only: no proposal's save took the lock
    for op in log.ops:
        version = _run(session, actor, op, reason)
        if version is None or [dict(c) for c in version.changes] != op.diff:
            raise LogChanged(f"{op.label}在預覽後已有變動，未套用任何變更；請重新上傳檢查。")
        versions.append(version)
    return versions
