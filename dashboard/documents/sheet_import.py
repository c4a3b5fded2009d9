"""An uploaded update workbook (dashboard/documents/update_sheet.py) or CSV read back into a change set:
plan() checks everything and previews every change (proposal, field, old -> new) without writing;
apply() writes the plan as one version per proposal, attributed to the uploader, all or nothing.

Rows are matched by id. Each row carries the version it was downloaded at: a field someone else
changed since is a conflict when the row changes it too (the rule of editing.three_way: nothing
of the file applies then, and the problem shows both texts), while the row's other fields apply on
top of the newer version; a field the row leaves as it was downloaded is not a change, so the
same file uploaded twice changes nothing. The values are checked by the loader's rules through
editing.stage (the one validation), and every problem names the sheet, row and column.
"""

import csv
import datetime as dt
import io
import itertools
import os
import posixpath
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from sqlmodel import Session, select

from dashboard.documents import export, meeting_log_sheet, sheets, statistics_sheet
from dashboard.documents.update_sheet import (
    BASE,
    DATA_SHEET,
    DATE_FIELDS,
    EDIT_FIELDS,
    ID,
    CellError,
    canonical,
    parse_cell,
)
from dashboard.domain import editing, lookup, meeting_log, proposal_rules, proposal_yaml
from dashboard.domain.editing import EditError, StaleEdit
from dashboard.domain.permissions import Actor, PermissionDenied, may_edit
from dashboard.domain.problems import WHOLE_FILE, Problem
from dashboard.domain.text import text_problem
from dashboard.store.models import City, Proposal, ProposalVersion, WorkGroup

MAX_BYTES = 5 * 1024 * 1024  # a group's workbook is tens of KB
# An .xlsx is a zip: refuse one that unpacks to far more than a workbook of MAX_ROWS long rows
# (about 4 MB), or holds a member that shrank more than text does (a "zip bomb").
MAX_UNPACKED = 20 * 1024 * 1024
MAX_MEMBERS = 200
MAX_RATIO, RATIO_FROM = 100, 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 64  # the workbook has 15; cells further right are not read
# What Excel shows for a formula that failed; a CSV saved from Excel holds them as text.
EXCEL_ERRORS = frozenset(
    ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!", "#GETTING_DATA")
)
REASON = "試算表更新：{name}"
LOG_SHEET = meeting_log_sheet.SHEET  # the 編號 of the meeting log's changes in Plan.changes
# Headers read back, besides the editable fields' labels: the workbook's, and the export's CSV
# (English keys in proposals.csv / proposal_texts.csv, Chinese in the proposal list's download).
ID_HEADERS = (ID, "id", editing.FIELD_LABELS["id"])
BASE_HEADERS = (BASE, "base_version")
FIELD_HEADERS = {
    f: {editing.FIELD_LABELS[f], f, export.DOWNLOAD_HEADERS.get(f, editing.FIELD_LABELS[f])} for f in EDIT_FIELDS
}


class SheetRefused(Exception):
    """The plan cannot be applied (it has problems, or the store changed since the preview)."""


@dataclass(frozen=True)
class Cell:
    row: int  # as the spreadsheet numbers it (the header is row 1)
    value: object
    formula: bool = False
    error: bool = False  # an error value (#N/A…) rather than what was typed
    column: int = 0  # from 0

    @property
    def address(self) -> str:
        """As Excel names it: D5."""
        return f"{get_column_letter(self.column + 1)}{self.row}"


@dataclass
class Table:
    sheet: str  # the sheet's name, or the CSV file's
    header: list[str]
    rows: list[list[Cell]]
    is_csv: bool
    merged: list[str] = field(default_factory=list)  # merged ranges of the data sheet, as D5:D7


@dataclass
class RowPlan:
    proposal_id: str
    title: str
    where: str  # sheet and row, as problems name them
    base_version: int  # the version in force when planned: the new version follows it
    changes: dict
    diff: list[dict] = field(default_factory=list)  # what the version records: field, old, new


@dataclass
class Plan:
    file_name: str
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    log: meeting_log_sheet.LogPlan = field(default_factory=meeting_log_sheet.LogPlan)
    statistics: statistics_sheet.StatPlan = field(default_factory=statistics_sheet.StatPlan)

    @property
    def changes(self) -> list[tuple[str, str, str, str, str]]:
        """Every change as (編號, 提案名稱, 欄位, 原值, 新值), in the file's row order; then the
        meeting log's (工作會議, the meeting, …)."""
        return (
            [
                (r.proposal_id, r.title, editing.field_label(c["field"]), shown(c["old"]), shown(c["new"]))
                for r in self.rows
                for c in r.diff
            ]
            + self.log.changes()
            + self.statistics.changes()
        )

    @property
    def reason(self) -> str:
        return REASON.format(name=self.file_name)


def shown(value) -> str:
    """A document value as one readable text (the preview's old and new)."""
    if value is None or value == [] or value == "":
        return "（空白）"
    if isinstance(value, list):
        return "、".join(f"{v.get('unit')}（{v.get('city')}）" if isinstance(v, dict) else str(v) for v in value)
    return str(value)


# --- reading the file ---------------------------------------------------------------------------
# Everything about the file's size is checked before it is parsed: its bytes, its unpacked size
# and compression (from the zip's directory), and its rows (one streamed scan of the sheet's XML);
# then the data sheet is streamed (openpyxl's read-only mode) with a row and column cap. A hostile
# or mistaken file costs at most the limits above, never memory or minutes in proportion to what
# it claims to hold.


@dataclass(frozen=True)
class Upload:
    """A file read once: its data sheet (or CSV) as a table, or why it cannot be read. The page
    keeps it per uploaded file, so that reruns plan from it without parsing the file again."""

    name: str
    table: Table | None
    problems: tuple[Problem, ...] = ()
    log: meeting_log_sheet.LogTable | None = None  # the 工作會議 sheet, or a group_meetings.csv
    statistics: tuple = ()  # the statistics sheets (statistics_sheet.StatSheet)


def read_upload(name: str, data: bytes) -> Upload:
    """The file's table, or the reasons it is refused as a whole."""
    problems: list[Problem] = []
    if name.lower().endswith(".csv") and len(data) <= MAX_BYTES and meeting_log_sheet.is_log_csv(data):
        log = meeting_log_sheet.read_csv(name, data, problems)
        return Upload(name, None, tuple(problems), log)
    table = read_table(name, data, problems)
    log = meeting_log_sheet.read_sheet(data, problems, name) if table is not None and not table.is_csv else None
    stats = statistics_sheet.read_sheets(data, problems, name) if table is not None and not table.is_csv else ()
    return Upload(name, table, tuple(problems), log, stats)


def read_path(path: Path) -> Upload:
    """A file named on the command line, read as an upload: never more than MAX_BYTES + 1 bytes,
    and only a regular file (/dev/zero, a FIFO or a directory is refused without reading it)."""
    try:
        # O_NONBLOCK: opening a FIFO does not wait for a writer; fstat then says what was opened.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return _refused(path.name, "找不到檔案")
    except OSError as error:
        return _refused(path.name, f"無法讀取檔案（{error.strerror or error}）")
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        return _refused(
            path.name,
            "這是資料夾，不是檔案" if stat.S_ISDIR(mode) else "不是一般檔案（例如裝置或管線）；請指定下載的更新試算表",
        )
    with os.fdopen(handle, "rb") as file:
        data = file.read(MAX_BYTES + 1)
    return read_upload(path.name, data)


def _refused(name: str, message: str) -> Upload:
    return Upload(name, None, (Problem(name, WHOLE_FILE, "-", message),))


def read_table(name: str, data: bytes, problems: list[Problem]) -> Table | None:
    """The data sheet (or the CSV) as a header and rows, or None with the reason in problems."""

    def fail(message: str) -> None:
        problems.append(Problem(name, WHOLE_FILE, "-", message))

    if len(data) > MAX_BYTES:
        return fail(f"檔案超過上限 {MAX_BYTES // 1024 // 1024} MB；請上傳下載的更新試算表")
    if name.lower().endswith(".csv"):
        return _read_csv(name, data, fail)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return fail("不是 .xlsx 活頁簿（或 .csv）；舊版 .xls 請在 Excel 或 LibreOffice 另存為 .xlsx 後再上傳")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            too_big = _unpacked_problem(archive)
            if too_big:
                return fail(too_big)
            part = _sheet_part(archive, DATA_SHEET)
            scan = _scan_sheet(archive, part) if part else None
            if scan and scan.last_row > MAX_ROWS + 1:
                return fail(
                    f"工作表「{DATA_SHEET}」超過上限 {MAX_ROWS} 列（第 {scan.last_row} 列仍有資料）；"
                    "請只上傳一個議題組的試算表"
                )
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                return _read_sheet(book, scan, fail)
            finally:
                book.close()
    except Exception:  # openpyxl and zipfile raise many kinds for a damaged or foreign file
        return fail("無法讀取為 .xlsx 活頁簿（檔案損壞或不是 Excel 格式）")


def _unpacked_problem(archive: zipfile.ZipFile) -> str | None:
    """Why the archive unpacks to far more than an update workbook (a "zip bomb"), from its
    directory alone: the total size, and a member that shrank suspiciously well."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        return f"活頁簿含有 {len(members)} 個檔案，不像是更新試算表"
    total = sum(info.file_size for info in members)
    if total > MAX_UNPACKED:
        return (
            f"活頁簿解壓後約 {total // 1024 // 1024} MB，超過上限 {MAX_UNPACKED // 1024 // 1024} MB，"
            "不像是更新試算表；請上傳下載的更新試算表"
        )
    for info in members:
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return f"活頁簿中的「{info.filename}」壓縮比異常（解壓後 {info.file_size // 1024 // 1024} MB），不像是更新試算表"
    return None


def _read_sheet(book, scan: "SheetScan | None", fail) -> Table | None:
    if DATA_SHEET not in book.sheetnames:
        return fail(
            f"找不到工作表「{DATA_SHEET}」；請使用儀表板下載的更新試算表（目前的工作表：{'、'.join(book.sheetnames)}）"
        )
    if scan is None:  # openpyxl found the sheet where the package's relationships do not lead
        return fail("無法讀取為 .xlsx 活頁簿（檔案損壞或不是 Excel 格式）")
    sheet = book[DATA_SHEET]
    sheet.reset_dimensions()  # the size the file states is not trusted; the scan counted the rows
    rows = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS)
    lines = [[_cell(number, index, cell) for index, cell in enumerate(row)] for number, row in enumerate(rows, 1)]
    if not lines:
        return fail(f"工作表「{DATA_SHEET}」是空的")
    header = [_header_text(c.value) for c in lines[0]]
    return Table(DATA_SHEET, header, lines[1:], is_csv=False, merged=scan.merged)


def _cell(row: int, index: int, cell) -> Cell:
    error = cell.data_type == "e"
    return Cell(row, cell.value, _is_formula(cell), error=error, column=index)


SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
VALUE_TAGS = frozenset(SPREADSHEET_NS + tag for tag in ("v", "is", "f"))  # what a cell holds beyond its style


@dataclass(frozen=True)
class SheetScan:
    merged: list[str]  # merged ranges, as D5:D7 (read-only mode does not read them)
    last_row: int  # the last row holding a value: a row number, not a count of rows read


def _scan_sheet(archive: zipfile.ZipFile, part: str) -> SheetScan:
    """One streamed pass over the sheet's XML that keeps only its merged ranges and the number of
    its last row with a value, at a cost in proportion to its (bounded) size: openpyxl's reader would
    walk every row number up to the last one, so `<row r="99999999">` would cost minutes."""
    merged, last_row, number, parent = [], 0, 0, None
    with archive.open(part) as source:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == SPREADSHEET_NS + "sheetData":
                    parent = element
                continue
            if element.tag == SPREADSHEET_NS + "row":
                number = int(element.get("r") or number + 1)
                if any(child.tag in VALUE_TAGS for cell in element for child in cell):
                    last_row = number
                if parent is not None:
                    parent.remove(element)  # nothing read is kept
                if last_row > MAX_ROWS + 1:
                    break  # refused: the rest does not matter
            elif element.tag == SPREADSHEET_NS + "mergeCell" and element.get("ref"):
                merged.append(element.get("ref"))
    return SheetScan(merged, last_row)


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str | None:
    """The archive path of a sheet, as the package's relationships give it."""

    def target(rels_path: str, wanted) -> str | None:
        rels = ElementTree.fromstring(archive.read(rels_path))
        return next((r.get("Target") for r in rels.iter(PACKAGE_RELATIONSHIP) if wanted(r)), None)

    def resolved(base: str, path: str) -> str:
        return path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(base, path))

    workbook = target("_rels/.rels", lambda r: r.get("Type", "").endswith("/officeDocument"))
    if workbook is None:
        return None
    workbook = resolved("", workbook)
    folder, name = posixpath.split(workbook)
    sheet_id = next(
        (
            s.get(RELATIONSHIP_ID)
            for s in ElementTree.fromstring(archive.read(workbook)).iter(SPREADSHEET_NS + "sheet")
            if s.get("name") == title
        ),
        None,
    )
    sheet = target(posixpath.join(folder, "_rels", name + ".rels"), lambda r: r.get("Id") == sheet_id)
    return None if sheet is None else resolved(folder, sheet)


def _read_csv(name: str, data: bytes, fail) -> Table | None:
    for encoding in ("utf-8-sig", "cp950"):  # Excel on a Traditional Chinese Windows saves CSV as Big5
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return fail("CSV 不是 UTF-8（或 Big5）編碼；請以「CSV UTF-8」另存")
    try:
        lines = list(itertools.islice(csv.reader(io.StringIO(text, newline="")), MAX_ROWS + 2))
    except csv.Error as error:
        return fail(f"CSV 格式有誤：{error}")
    if not lines:
        return fail("CSV 是空的")
    if len(lines) > MAX_ROWS + 1:
        return fail(f"CSV 超過上限 {MAX_ROWS} 列")
    header = [_header_text(v) for v in lines[0]]
    rows = [
        [Cell(number, _csv_value(v), error=v.strip() in EXCEL_ERRORS, column=index) for index, v in enumerate(line)]
        for number, line in enumerate(lines[1:], start=2)
    ]
    return Table(name, header, rows, is_csv=True)


def _csv_value(text: str):
    # the export marks text that starts like a formula with a leading apostrophe (sheets.csv_safe)
    if text.startswith(sheets.CSV_TEXT_MARK) and sheets.looks_like_formula(text[1:]):
        return text[1:]
    return text if text != "" else None


def _header_text(value) -> str:
    return str(value).strip() if value is not None else ""


# --- planning -----------------------------------------------------------------------------------


def plan(session: Session, *, actor: Actor, name: str, data: bytes) -> Plan:
    """Read and check the file and preview its changes; writes nothing. Problems are in plan.problems."""
    _require_uploader(actor)
    return plan_upload(session, actor=actor, upload=read_upload(name, data))


def plan_upload(session: Session, *, actor: Actor, upload: Upload) -> Plan:
    """plan() of a file already read (read_upload, read_path)."""
    _require_uploader(actor)
    name, table = upload.name, upload.table
    result = Plan(file_name=name, problems=list(upload.problems))
    if table is None:
        _plan_log(session, actor, upload, result)
        return result
    columns = _columns(table, result.problems, name)
    if columns is None:
        return result
    _check_merged(table, columns, result.problems, name)
    if BASE not in columns and table.is_csv:
        result.notes.append(f"檔案沒有「{BASE}」欄，無法得知依據的版本：以資料庫目前的內容比較，請確認預覽中的原值。")
    context = _Context(session)
    seen: dict[str, int] = {}
    for cells in table.rows:
        if all(_blank(c.value) for c in cells):
            continue
        row = cells[0].row if cells else 0
        where = _where(name, table.sheet, row)
        planned = _plan_row(session, context, actor, columns, cells, (name, where), seen, result.problems)
        if planned is not None:
            result.rows.append(planned)
    _stage_all(session, actor, result)  # the rows read without a problem, so that one upload lists them all
    _plan_log(session, actor, upload, result)  # its problems too, so that one upload lists them all
    result.statistics = statistics_sheet.plan(
        session, actor=actor, found=upload.statistics, file_name=name, problems=result.problems
    )
    if result.problems:
        result.rows, result.log, result.statistics = [], meeting_log_sheet.LogPlan(), statistics_sheet.StatPlan()
    return result


def _plan_log(session: Session, actor: Actor, upload: Upload, result: Plan) -> None:
    """The meeting log's part of the plan (dashboard/documents/meeting_log_sheet.py)."""
    if upload.log is None:
        return
    if upload.log.is_csv:
        result.notes.append(
            "工作會議 CSV 沒有版本欄：依議題組、日期與會議名稱對應，以資料庫目前的內容比較；"
            "檔案中沒有的會議維持不變（刪除請用「工作會議紀錄」頁或更新試算表）。"
        )
    result.log = meeting_log_sheet.plan(
        session, actor=actor, table=upload.log, file_name=result.file_name, problems=result.problems
    )


def _require_uploader(actor: Actor) -> None:
    if actor.name is None:
        raise PermissionDenied(f"{actor.label}不能上傳更新試算表：請先以議題組窗口或祕書處帳號登入。")


def _check_merged(table: Table, columns: dict, problems: list[Problem], name: str) -> None:
    """A merged range keeps its first cell's value only: merged over three rows, the other two rows
    would read as cleared. Refused in every column read back, naming the range."""
    read = {index: key for key, index in columns.items()}
    for ref in table.merged:
        first_column, first_row, last_column, last_row = range_boundaries(ref)
        for index in range(first_column - 1, last_column):
            if index in read:
                problems.append(
                    Problem(
                        name,
                        _where(name, table.sheet, first_row),
                        _label(read[index]),
                        f"儲存格 {ref} 已合併：合併後只有第一格有內容，第 {first_row + 1}–{last_row} 列的此欄會被當成清空；"
                        "請取消合併儲存格，每列各自填寫"
                        if last_row > first_row
                        else f"儲存格 {ref} 已合併；請取消合併儲存格，每格各自填寫",
                    )
                )


def _where(name: str, sheet: str, row: int) -> str:
    return f"工作表「{sheet}」第 {row} 列" if sheet != name else f"第 {row} 列"


def _columns(table: Table, problems: list[Problem], name: str) -> dict | None:
    """{ID/BASE/field key: column index}; None when a required column is missing."""
    columns, before = {}, len(problems)
    record = _where(name, table.sheet, 1) + "（標題列）"
    for index, header in enumerate(table.header):
        key = (
            ID
            if header in ID_HEADERS
            else BASE
            if header in BASE_HEADERS
            else next((f for f, names in FIELD_HEADERS.items() if header in names), None)
        )
        if key is None:
            continue  # context columns (年度, 提案名稱…) are not read back
        if key in columns:
            problems.append(
                Problem(name, record, header, f"欄位重複出現（第 {columns[key] + 1} 欄與第 {index + 1} 欄）")
            )
        columns[key] = index
    required = [ID] if table.is_csv else [ID, BASE]
    for key in required:
        if key not in columns:
            problems.append(
                Problem(name, record, key, "缺少必要的欄位；請使用儀表板下載的更新試算表，不要刪除或改名標題列")
            )
    if not any(f in columns for f in EDIT_FIELDS):
        problems.append(
            Problem(name, record, "-", "沒有任何可更新的欄位；可更新：" + "、".join(editing.EDITABLE.values()))
        )
    return None if len(problems) > before else columns


class _Context:
    """What every row is checked against, read once."""

    def __init__(self, session: Session):
        self.ids = list(session.exec(select(Proposal.id)))
        self.city_order = list(session.exec(select(City.name).order_by(City.sort_order)))
        self.group_names = {g.id: g.name for g in session.exec(select(WorkGroup))}


def _plan_row(
    session,
    context: _Context,
    actor: Actor,
    columns: dict,
    cells: list[Cell],
    place: tuple[str, str],
    seen: dict,
    problems: list[Problem],
) -> RowPlan | None:
    name, where = place
    row = cells[0].row

    def cell(key) -> Cell:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else Cell(row, None)

    def value(key):
        return cell(key).value

    def problem(key, message):
        problems.append(Problem(name, where, _label(key), message))

    before = len(problems)
    for key in columns:  # a formula or an error value in any column read
        if cell(key).formula:
            problem(key, f"儲存格含公式「{_formula_text(value(key))}」；請直接輸入文字，不要用公式")
        elif cell(key).error:
            problem(
                key,
                f"儲存格 {cell(key).address} 是錯誤值「{value(key)}」，不是填寫的內容；請改為正確的文字，或清空",
            )
    if len(problems) > before:
        return None
    raw_id = value(ID)
    if _blank(raw_id):
        return problem(ID, "缺少編號；新增提案請用「新增提案」頁，不要在試算表加列")
    if not isinstance(raw_id, str | int):
        return problem(ID, f"編號應為文字，不是「{raw_id}」；請勿修改此欄")
    proposal_id = lookup.proposal_id(str(raw_id), context.ids)
    if proposal_id is None:
        return problem(ID, f"找不到提案「{raw_id}」")
    if proposal_id in seen:
        return problem(ID, f"提案 {proposal_id} 重複出現（第 {seen[proposal_id]} 列已有）；每案只能有一列")
    seen[proposal_id] = row
    proposal = session.get(Proposal, proposal_id)
    if not may_edit(actor, proposal):
        group = context.group_names.get(proposal.subgroup_id) or context.group_names.get(proposal.group_id)
        own = "、".join(context.group_names.get(g, g) for g in sorted(actor.groups)) or "（無）"
        return problem(ID, f"提案 {proposal_id} 屬於「{group}」；{actor.label}只能更新自己議題組（{own}）的提案")
    current = editing.current_version(session, proposal_id)
    base = _base_version(value(BASE), current, columns, problem)
    if base is None:
        return None
    document = proposal_yaml.proposal_document(session, proposal)
    at_base, changed_since, by_whom = _at_version(session, proposal_id, base, document)
    changes = {}
    for key in EDIT_FIELDS:
        if key not in columns:
            continue
        try:
            new = _read_value(key, value(key))
        except CellError as error:
            problem(key, str(error))
            continue
        if key == "lead_units" and new is not None:
            new, missing = _with_cities(new, document.get("lead_units") or [])
            if missing:
                problem(
                    key,
                    f"提案單位「{'、'.join(missing)}」沒有縣市；請寫成「單位（縣市）」，例如：新北市政府交通局（新北市）",
                )
                continue
        text = canonical(key, new, context.city_order)
        if text in (
            canonical(key, at_base.get(key), context.city_order),
            canonical(key, document.get(key), context.city_order),
        ):
            continue  # as downloaded, or already what the store holds
        if key in changed_since:
            problem(
                key,
                f"雙方都修改了此欄：此列依據第 {base} 版，之後{by_whom[key]}已把此欄改為「{shown(document.get(key))}」，"
                f"您填的是「{shown(new)}」。為免覆蓋他人的修改，整個檔案都未套用；請重新下載試算表，在新檔的此欄"
                "決定採用對方的內容、您的內容或合併兩者，連同其他欄位的修改再上傳（只有對方修改的欄位不會被覆蓋）",
            )
            continue
        changes[key] = new
    if len(problems) > before or not changes:
        return None
    return RowPlan(proposal_id, proposal.title, where, current, changes)


def _label(key: str) -> str:
    return key if key in (ID, BASE) else editing.field_label(key)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_formula(cell) -> bool:
    return cell.data_type == "f" or isinstance(cell.value, ArrayFormula | DataTableFormula)


def _formula_text(value) -> str:
    text = getattr(value, "text", None) or str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _base_version(raw, current: int, columns: dict, problem) -> int | None:
    if BASE not in columns:
        return current
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        return problem(BASE, f"應為下載時的版本號（整數），不是「{'' if raw is None else raw}」；請勿修改此欄")
    if raw > current:
        return problem(BASE, f"第 {raw} 版不存在（目前為第 {current} 版）；請勿修改此欄")
    return raw


def _read_value(key: str, raw):
    """A cell's value as a document value; CellError for a value of the wrong kind."""
    if isinstance(raw, bool):
        raise CellError(f"應為文字，不是{'TRUE' if raw else 'FALSE'}（邏輯值）")
    if key in DATE_FIELDS and isinstance(raw, dt.date):  # a day typed as Excel's date
        if isinstance(raw, dt.datetime) and raw.time() != dt.time():
            raise CellError("應為日期，不是日期與時間；請填西元 YYYY-MM-DD")
        return raw.isoformat()[:10]
    if isinstance(raw, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise CellError("應為文字，不是日期或時間；請把儲存格格式設為「文字」後重新輸入")
    if isinstance(raw, float):
        raw = str(int(raw)) if raw.is_integer() else str(raw)
    elif isinstance(raw, int):
        raw = str(raw)
    elif raw is not None and not isinstance(raw, str):
        raise CellError(f"無法讀取的內容「{raw}」")
    if raw is not None and text_problem(raw):
        raise CellError(text_problem(raw))
    return parse_cell(key, raw or "")  # statuses and the rest: the loader's rules, through editing.stage


def _with_cities(leads: list[tuple], current: list[dict]) -> tuple[list[dict], list[str]]:
    """Lead units as documents; a unit named without its city keeps the city it has now (the export's
    CSV lists the units only). Returns the units and those whose city is unknown."""
    known = {lead.get("unit"): lead.get("city") for lead in current}
    units, missing = [], []
    for unit, city in leads:
        city = city or known.get(unit)
        if city is None:
            missing.append(unit)
        units.append({"unit": unit, "city": city})
    return units, missing


def _at_version(session: Session, proposal_id: str, base: int, document: dict) -> tuple[dict, set, dict]:
    """The document as it was at version `base`, the fields changed since, and who changed each."""
    newer = session.exec(
        select(ProposalVersion)
        .where(ProposalVersion.proposal_id == proposal_id, ProposalVersion.version > base)
        .order_by(ProposalVersion.version)
    ).all()
    at_base, by_whom = dict(document), {}
    for version in reversed(newer):  # newest first: the oldest version's "old" is the value at base
        for change in version.changes:
            at_base[change["field"]] = change["old"]
    for version in newer:
        for change in version.changes:
            by_whom.setdefault(change["field"], f"{version.recorded_by}（第 {version.version} 版）")
    return at_base, set(by_whom), by_whom


def _stage_all(session: Session, actor: Actor, result: Plan) -> None:
    """Stage each row's changes (editing.stage: the loader's rules) to learn what its version would
    record, then roll back: nothing is written. Problems name the row and column."""
    staged = []
    for planned in result.rows:
        try:
            version = editing.stage(
                session,
                actor=actor,
                proposal_id=planned.proposal_id,
                changes=planned.changes,
                base_version=planned.base_version,
                reason=result.reason,
            )
            if version is not None:
                planned.diff = [dict(c) for c in version.changes]
                staged.append(planned)
        except EditError as error:
            result.problems += [_row_problem(result.file_name, planned, p) for p in error.problems]
        except (StaleEdit, PermissionDenied) as error:
            result.problems.append(Problem(result.file_name, planned.where, ID, str(error)))
        finally:
            session.rollback()
    result.rows = staged


def _row_problem(name: str, planned: RowPlan, problem) -> Problem:
    if not isinstance(problem, Problem):
        return Problem(name, planned.where, ID, str(problem))
    key = problem.field
    if problem.part == proposal_rules.LEADS:
        key = "lead_units"
    return Problem(name, planned.where, editing.field_label(key), problem.message)


# --- applying -----------------------------------------------------------------------------------


def apply(session: Session, *, actor: Actor, plan: Plan) -> list[ProposalVersion]:
    """Write the previewed plan: one version per proposal, by `actor`, with the file's name as the
    reason; all in one transaction. Refused (SheetRefused) when the plan has problems or a proposal
    changed since the preview; nothing is written then."""
    if plan.problems:
        raise SheetRefused(f"「{plan.file_name}」有 {len(plan.problems)} 個問題，未套用任何變更。")
    versions = []
    try:
        for planned in plan.rows:
            version = editing.stage(
                session,
                actor=actor,
                proposal_id=planned.proposal_id,
                changes=planned.changes,
                base_version=planned.base_version,
                reason=plan.reason,
            )
            if version is None or [dict(c) for c in version.changes] != planned.diff:
                raise SheetRefused(f"提案 {planned.proposal_id} 在預覽後已有變動，未套用任何變更；請重新上傳檢查。")
            versions.append(version)
        meeting_log_sheet.apply(session, actor=actor, log=plan.log, reason=plan.reason)
        statistics_sheet.apply(session, actor=actor, stats=plan.statistics, reason=plan.reason)
        session.commit()
    except (
        meeting_log_sheet.LogChanged,
        meeting_log.LogError,
        PermissionDenied,
        statistics_sheet.StatisticsChanged,
    ) as error:
        session.rollback()
        raise SheetRefused(f"{error}（未套用任何變更；請重新上傳檢查。）") from error
    except StaleEdit as error:
        session.rollback()
        raise SheetRefused(
            f"預覽後已有人更新提案 {error.proposal_id}（目前第 {error.current} 版），未套用任何變更；請重新上傳檢查。"
        ) from error
    except Exception:
        session.rollback()
        raise
    for version in versions:
        session.refresh(version)
    return versions
