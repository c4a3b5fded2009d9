"""An uploaded update workbook (dashboard/documents/update_sheet.py) or CSV read back into a change set:
plan() checks everything and previews every change (proposal, field, old -> new) without writing;
apply() writes the plan as one version per proposal, attributed to the uploader, all or nothing.

Rows are matched by id. Each row carries the version it was downloaded at: a field someone else
changed since is a conflict when the row changes it too, while the row's other fields apply on
top of the newer version; a field the row leaves as it was downloaded is not a change, so the
same file uploaded twice changes nothing. The values are checked by the loader's rules through
editing.stage (the one validation), and every problem names the sheet, row and column.
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from sqlmodel import Session, select

from dashboard.documents import export, sheets
from dashboard.documents.update_sheet import BASE, DATA_SHEET, EDIT_FIELDS, ID, CellError, canonical, parse_cell
from dashboard.domain import editing, lookup, proposal_rules, proposal_yaml
from dashboard.domain.editing import EditError, StaleEdit
from dashboard.domain.permissions import Actor, PermissionDenied, may_edit
from dashboard.domain.problems import WHOLE_FILE, Problem
from dashboard.domain.text import text_problem
from dashboard.store.models import City, Proposal, ProposalVersion, WorkGroup

MAX_BYTES = 5 * 1024 * 1024  # a group's workbook is tens of KB
MAX_UNPACKED = 50 * 1024 * 1024  # an .xlsx is a zip: refuse one that unpacks to far more than a workbook
MAX_ROWS = 2000
REASON = "試算表更新：{name}"
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


@dataclass
class Table:
    sheet: str  # the sheet's name, or the CSV file's
    header: list[str]
    rows: list[list[Cell]]
    is_csv: bool


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

    @property
    def changes(self) -> list[tuple[str, str, str, str, str]]:
        """Every change as (編號, 提案名稱, 欄位, 原值, 新值), in the file's row order."""
        return [
            (r.proposal_id, r.title, editing.field_label(c["field"]), shown(c["old"]), shown(c["new"]))
            for r in self.rows
            for c in r.diff
        ]

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


def read_table(name: str, data: bytes, problems: list[Problem]) -> Table | None:
    """The data sheet (or the CSV) as a header and rows, or None with the reason in problems."""

    def fail(message: str) -> None:
        problems.append(Problem(name, WHOLE_FILE, "-", message))

    if len(data) > MAX_BYTES:
        return fail(
            f"檔案 {len(data) // 1024 // 1024} MB，超過上限 {MAX_BYTES // 1024 // 1024} MB；請上傳下載的更新試算表"
        )
    if name.lower().endswith(".csv"):
        return _read_csv(name, data, fail)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return fail("不是 .xlsx 活頁簿（或 .csv）；舊版 .xls 請在 Excel 或 LibreOffice 另存為 .xlsx 後再上傳")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                return fail("活頁簿解壓後過大，不像是更新試算表")
        book = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        return fail("無法讀取為 .xlsx 活頁簿（檔案損壞或不是 Excel 格式）")
    if DATA_SHEET not in book.sheetnames:
        return fail(
            f"找不到工作表「{DATA_SHEET}」；請使用儀表板下載的更新試算表（目前的工作表：{'、'.join(book.sheetnames)}）"
        )
    sheet = book[DATA_SHEET]
    if sheet.max_row > MAX_ROWS + 1:
        return fail(f"工作表「{DATA_SHEET}」有 {sheet.max_row} 列，超過上限 {MAX_ROWS} 列")
    lines = [[Cell(cell.row, cell.value, _is_formula(cell)) for cell in row] for row in sheet.iter_rows()]
    if not lines:
        return fail(f"工作表「{DATA_SHEET}」是空的")
    header = [_header_text(c.value) for c in lines[0]]
    return Table(DATA_SHEET, header, lines[1:], is_csv=False)


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
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        return fail(f"CSV 格式有誤：{error}")
    if not lines:
        return fail("CSV 是空的")
    if len(lines) > MAX_ROWS + 1:
        return fail(f"CSV 有 {len(lines)} 列，超過上限 {MAX_ROWS} 列")
    header = [_header_text(v) for v in lines[0]]
    rows = [[Cell(number, _csv_value(v)) for v in line] for number, line in enumerate(lines[1:], start=2)]
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
    if actor.name is None:
        raise PermissionDenied(f"{actor.label}不能上傳更新試算表：請先以議題組窗口或祕書處帳號登入。")
    result = Plan(file_name=name)
    table = read_table(name, data, result.problems)
    if table is None:
        return result
    columns = _columns(table, result.problems, name)
    if columns is None:
        return result
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
    if result.problems:
        result.rows = []
    return result


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
    for key in columns:  # a formula in any column read
        if cell(key).formula:
            problem(key, f"儲存格含公式「{_formula_text(value(key))}」；請直接輸入文字，不要用公式")
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
                f"此列依據第 {base} 版，之後{by_whom[key]}已修改此欄（目前為「{shown(document.get(key))}」）；"
                "為免覆蓋他人的修改，請重新下載試算表後再填",
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
        session.commit()
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
