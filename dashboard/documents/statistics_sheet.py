"""The statistics in the update workbook (dashboard/domain/statistics.py): one sheet per table.

For each statistics table of the workbook's proposals (a proposal, a kind and a period) a sheet
laid out as the data/ CSV rows: mutual aid one row per pair of cities (請求支援縣市, 支援縣市, 火警,
救護, 轉報), other figures one row per figure (名稱, 明細/合計, 縣市, 對應縣市, 數值, 單位, 備註). The
proposal, the kind, the period and the version it was downloaded at are locked header cells above
the rows; the rows and the empty rows below them are open. For each proposal with statistics, and
each of its kinds, a sheet 「新一期」 whose period cells are open too: the lead types the new
period's start and end (or 截至 date) and its rows.

Read back (sheet_import.py), each sheet becomes the table's rows and goes through
statistics.prepare (rights: the proposal's group lead or the secretariat; the domain's checks);
the preview lists the changes cell by cell, a table saved by someone else since the download is
refused, and applying writes one version per changed table with statistics.save, in the same
transaction as the proposals'. A row with a problem is named by sheet, row and column.
"""

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session, select

from dashboard.documents import sheets
from dashboard.domain import statistics
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import Actor, PermissionDenied
from dashboard.domain.problems import Problem
from dashboard.domain.text import text_problem
from dashboard.store.models import City, Proposal, StatisticsVersion

MARK = "統計表"  # A1 of every statistics sheet: how the reader recognises them
NEW_MARK = "新一期"
PROPOSAL, START, END, AS_OF, BASE = "提案編號", "開始日", "結束日", "截至", "目前版本"
HEADER_ROW = 6  # the rows' column headers; the rows start below
FIRST_ROW = HEADER_ROW + 1
FROM, TO = statistics.ROW_ROLE, statistics.COLUMN_ROLE
AID_HEADERS = (FROM, TO, *statistics.OD_METRICS.values())
LABEL, KIND, CITY, COUNTERPART, VALUE, UNIT, NOTE = "名稱", "數值種類", "縣市", "對應縣市", "數值", "單位", "備註"
INDICATOR_HEADERS = (LABEL, KIND, CITY, COUNTERPART, VALUE, UNIT, NOTE)
KIND_LABELS = {"value": "明細", "total": "合計"}
HEADERS = {statistics.MUTUAL_AID: AID_HEADERS, statistics.INDICATORS: INDICATOR_HEADERS}
SHORT = {statistics.MUTUAL_AID: "支援", statistics.INDICATORS: "統計"}
BLANK_ROWS = {statistics.MUTUAL_AID: 20, statistics.INDICATORS: 20}
NEW_ROWS = {statistics.MUTUAL_AID: 56, statistics.INDICATORS: 40}  # 56: every pair of the 8 cities
MAX_ROWS = statistics.MAX_ROWS
MAX_NAME = 31  # Excel's limit on a sheet's name
NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\']")
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")
KIND_OF_LABEL = {label: kind for kind, label in statistics.TABLE_KINDS.items()}


# --- writing ------------------------------------------------------------------------------------


def _compact(day: dt.date | None) -> str:
    return f"{day.year - 1911}{day.month:02d}{day.day:02d}" if day else ""


def sheet_name(proposal_id: str, table_kind: str, period: statistics.Period | None, taken: set[str]) -> str:
    """A name Excel accepts (≤ 31 characters, none of []:*?/\\') and not yet taken: 支援 112-J17
    1120101-1120630, 統計 112-J24 截至1120716, 新一期 112-J17 支援."""
    if period is None:
        base = f"{NEW_MARK} {proposal_id} {SHORT[table_kind]}"
    else:
        span = "-".join(v for v in (_compact(period.start), _compact(period.end)) if v)
        if period.as_of:
            span = f"{span} 截至{_compact(period.as_of)}".strip()
        base = f"{SHORT[table_kind]} {proposal_id} {span or '未載明期間'}"
    base = NOT_IN_NAMES.sub("_", base)[:MAX_NAME].strip()
    name, number = base, 1
    while name.lower() in {t.lower() for t in taken}:
        number += 1
        suffix = f"({number})"
        name = base[: MAX_NAME - len(suffix)] + suffix
    taken.add(name)
    return name


def add_sheets(book, session: Session, *, proposals: list[Proposal], help_sheet=None) -> None:
    """The statistics sheets of `proposals` in `book`, before `help_sheet` (how to fill them in at its end)."""
    ids = [p.id for p in proposals]
    if not ids:
        return
    cities = list(session.exec(select(City).order_by(City.sort_order)))
    names = {c.code: c.name for c in cities}
    order = {pid: i for i, pid in enumerate(ids)}
    taken = set(book.sheetnames)
    position = book.index(help_sheet) if help_sheet is not None else len(book.sheetnames)
    found = []
    for table_kind in statistics.TABLE_KINDS:
        found += statistics.tables(session, table_kind, narrow=lambda query, column: query.where(column.in_(ids)))
    found.sort(key=lambda t: (order[t.proposal_id], list(statistics.TABLE_KINDS).index(t.table_kind), t.period.latest))
    for proposal_id in dict.fromkeys(t.proposal_id for t in found):  # each proposal's tables, then its 新一期
        own = [t for t in found if t.proposal_id == proposal_id]
        for t in own:
            sheet = book.create_sheet(sheet_name(t.proposal_id, t.table_kind, t.period, taken), index=position)
            position += 1
            _fill(sheet, t.proposal_id, t.table_kind, t.period, t.version, _cells(t.table_kind, t.rows, names), cities)
        for table_kind in dict.fromkeys(t.table_kind for t in own):
            sheet = book.create_sheet(sheet_name(proposal_id, table_kind, None, taken), index=position)
            position += 1
            _fill(sheet, proposal_id, table_kind, None, 0, [], cities)
    if help_sheet is not None and found:
        help_sheet.append([None])
        for line in HELP_LINES:
            help_sheet.append([line])
            help_sheet.cell(help_sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        help_sheet.cell(help_sheet.max_row - len(HELP_LINES) + 1, 1).font = Font(bold=True)


def _cells(table_kind: str, rows: list[dict], names: dict[str, str]) -> list[list]:
    if table_kind == statistics.MUTUAL_AID:
        return [
            [names.get(r["from_city"]), names.get(r["to_city"]), *(r[m] for m in statistics.OD_METRICS)] for r in rows
        ]
    return [
        [
            r["label"],
            KIND_LABELS.get(r["kind"], r["kind"]),
            names.get(r.get("city_code")),
            names.get(r.get("counterpart_code")),
            r["value"],
            r["unit"],
            r.get("note") or None,
        ]
        for r in rows
    ]


def _fill(sheet, proposal_id, table_kind, period, version, rows, cities) -> None:
    new = period is None
    headers = HEADERS[table_kind]
    sheet["A1"], sheet["B1"] = MARK, statistics.TABLE_KINDS[table_kind]
    if new:
        sheet["C1"] = NEW_MARK
    sheet["A2"], sheet["B2"] = PROPOSAL, proposal_id
    sheet["A3"], sheet["C3"] = START, END
    open_days = "BD" if table_kind == statistics.MUTUAL_AID else "BDF"  # mutual aid: over 統計區間 only
    if table_kind == statistics.INDICATORS or (period and period.as_of):
        sheet["E3"] = AS_OF
    for column, day in zip("BDF", (period.start, period.end, period.as_of) if period else (None,) * 3, strict=True):
        cell = sheet[f"{column}3"]
        cell.value = day
        cell.number_format = "yyyy-mm-dd"
        if new and column in open_days:
            cell.protection = Protection(locked=False)
    sheet["A4"], sheet["B4"] = BASE, version
    if period is not None:
        sheet["C4"], sheet["D4"] = "統計區間", period.label  # as the dashboard shows it (民國); not read back
    sheet["A5"] = (
        f"新一期：請在第 3 列填寫統計區間（開始日、結束日，例如 2024-01-01{'' if table_kind == statistics.MUTUAL_AID else '；或只填截至日期'}），"
        f"再從第 {FIRST_ROW} 列起填寫數字。"
        if new
        else f"灰色儲存格已鎖定；修改第 {FIRST_ROW} 列起的數字即更正這一期，下方空白列可新增。"
    )
    for index, header in enumerate(headers, start=1):
        sheet.cell(HEADER_ROW, index, header)
    for number, values in enumerate(rows, start=FIRST_ROW):
        for index, value in enumerate(values, start=1):
            sheet.cell(number, index, value)
    last = FIRST_ROW + len(rows) + (NEW_ROWS if new else BLANK_ROWS)[table_kind] - 1
    for row in sheet.iter_rows(min_row=1, max_row=last, max_col=max(len(headers), 6)):
        for cell in row:
            cell.alignment = Alignment(wrap_text=cell.row >= FIRST_ROW, vertical="top")
            if cell.row < FIRST_ROW:
                if not (new and cell.row == 3 and get_column_letter(cell.column) in open_days):
                    cell.fill = LOCKED_FILL  # grey: locked (the 新一期 sheet's period cells stay white)
                if cell.row == HEADER_ROW or (cell.column in (1, 3, 5) and cell.row <= 4):
                    cell.font = Font(bold=True)
            elif cell.column <= len(headers):
                cell.protection = Protection(locked=False)
    widths = [12, 12, 10, 12, 10, 12, 24] if table_kind == statistics.INDICATORS else [14, 14, 10, 12, 10, 12]
    if table_kind == statistics.INDICATORS:
        widths[0] = 24
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    city_names = '"' + ",".join(c.name for c in cities) + '"'
    lists = {FROM: city_names, TO: city_names, CITY: city_names, COUNTERPART: city_names}
    lists[KIND] = '"' + ",".join(KIND_LABELS.values()) + '"'
    for index, header in enumerate(headers, start=1):
        column = get_column_letter(index)
        if header in lists:
            rule = DataValidation(type="list", formula1=lists[header], allow_blank=True, showErrorMessage=True)
            rule.errorTitle, rule.error = "不在清單中", "請從清單選擇"
        elif header in (*statistics.OD_METRICS.values(), VALUE):
            rule = DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True
            )
            rule.errorTitle, rule.error = "須為整數", "請填 0 或正整數"
        else:
            continue
        rule.add(f"{column}{FIRST_ROW}:{column}{last}")
        sheet.add_data_validation(rule)
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = protection.formatCells = False
    protection.selectLockedCells = protection.selectUnlockedCells = False
    sheets.print_setup(sheet, header_rows=HEADER_ROW)
    sheet.merge_cells(f"A5:{get_column_letter(len(headers))}5")  # the note across the table (not read back)
    sheet["A5"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[5].height = 3 * sheets.LINE_HEIGHT_PT
    printed = FIRST_ROW + max(len(rows), 1) - 1 + (10 if new else 0)  # not the empty rows (a new period: 10)
    sheet.print_area = f"A1:{get_column_letter(len(headers))}{printed}"


HELP_LINES = (
    "統計數據（每案每期一表）",
    "・每個統計表一張工作表（名稱如「支援 112-J17 1120101-1120630」「統計 112-J24 截至1120716」）：提案、統計區間與目前版本已鎖定；"
    f"修改第 {FIRST_ROW} 列起的數字即更正該期，清空整列即刪除該列，下方空白列可新增。",
    f"・跨區救災救護支援每列一對縣市：{FROM}、{TO}、火警、救護、轉報（空白以 0 計）；其他統計每列一項："
    f"{LABEL}、{KIND}（明細或合計）、{CITY}、{COUNTERPART}（選填）、{VALUE}、{UNIT}、{NOTE}（選填）；合計須等於明細相加。",
    "・登錄新的一期：在該案的「新一期」工作表第 3 列填開始日與結束日（例如 2024-01-01；其他統計也可只填截至日期），再填數字。",
    "・只有該案議題組的窗口或祕書處可以登錄；下載後若有人更新了同一表，上傳時該表會被拒絕，請重新下載。",
)


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatCell:
    value: object
    formula: bool = False
    error: bool = False


@dataclass(frozen=True)
class StatSheet:
    """One statistics sheet read back: its header cells and rows of cells keyed by column header."""

    sheet: str
    head: dict  # A1..F4 as {"B2": StatCell}
    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[StatCell, ...]], ...]


def _stat_cell(cell) -> StatCell:
    formula = cell.data_type == "f" or not isinstance(cell.value, str | int | float | dt.date | type(None))
    return StatCell(cell.value, formula=formula, error=cell.data_type == "e")


def read_sheets(data: bytes, problems: list[Problem], name: str) -> tuple[StatSheet, ...]:
    """The statistics sheets of an .xlsx already checked for size (sheet_import.read_table)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        return ()  # read_table has said why the file cannot be read
    found = []
    try:
        for title in book.sheetnames:
            sheet = book[title]
            if not hasattr(sheet, "iter_rows"):
                continue
            sheet.reset_dimensions()
            lines = list(sheet.iter_rows(max_row=MAX_ROWS + HEADER_ROW + 1, max_col=12))
            if not lines or not lines[0] or lines[0][0].value != MARK:
                continue
            if len(lines) > MAX_ROWS + HEADER_ROW and any(c.value is not None for c in lines[-1]):
                problems.append(Problem(name, f"工作表「{title}」", "-", f"超過上限 {MAX_ROWS} 列"))
                continue
            head = {}
            for line in lines[:4]:
                for cell in line[:6]:
                    if hasattr(cell, "coordinate"):
                        head[cell.coordinate] = _stat_cell(cell)
            header = lines[HEADER_ROW - 1] if len(lines) >= HEADER_ROW else ()
            columns = tuple(str(c.value).strip() if c.value is not None else "" for c in header)
            rows = tuple(
                (number, tuple(_stat_cell(c) for c in line[: len(columns)]))
                for number, line in enumerate(lines[FIRST_ROW - 1 :], start=FIRST_ROW)
            )
            found.append(StatSheet(title, head, columns, rows))
    finally:
        book.close()
    return tuple(found)


# --- planning -----------------------------------------------------------------------------------


@dataclass
class TablePlan:
    prepared: statistics.Prepared
    sheet: str

    @property
    def base_version(self) -> int:
        return self.prepared.current


@dataclass
class StatPlan:
    tables: list[TablePlan] = field(default_factory=list)  # only those that change something

    def changes(self) -> list[tuple[str, str, str, str, str]]:
        """As the proposals' preview: (編號, 統計表, 欄位, 原值, 新值)."""
        return [
            (t.prepared.proposal_id, t.prepared.title, c["field"], _shown(c["old"]), _shown(c["new"]))
            for t in self.tables
            for c in t.prepared.changes
        ]

    @property
    def titles(self) -> set[str]:
        return {t.prepared.title for t in self.tables}


def _shown(value) -> str:
    return "（空白）" if value is None or value == "" else str(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_day(value) -> tuple[dt.date | None, str | None]:
    """A date cell, or a typed date: 2024-01-31, 2024/1/31, 113/1/31 (民國); blank is None."""
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    text = unicodedata.normalize("NFKC", _text(value))
    if not text:
        return None, None
    parts = re.split(r"[-/.年月日]", text.rstrip("日"))
    try:
        year, month, day = (int(p) for p in parts)
        return dt.date(year + 1911 if year < 1911 else year, month, day), None
    except (ValueError, TypeError):
        return None, f"「{text[:20]}」不是日期；請填如 2024-01-31"


def plan(
    session: Session, *, actor: Actor, found: tuple[StatSheet, ...], file_name: str, problems: list[Problem]
) -> StatPlan:
    """The sheets' tables, checked through statistics.prepare (nothing is written), their changes
    previewed cell by cell; a table saved by someone else since the download is refused."""
    result = StatPlan()
    if not found:
        return result
    before = len(problems)
    cities = list(session.exec(select(City).order_by(City.sort_order)))
    by_name = {c.name: c.code for c in cities}
    seen: dict[tuple, str] = {}
    for stat in found:
        planned = _plan_sheet(session, actor, stat, file_name, problems, by_name, cities, seen)
        if planned is not None:
            result.tables.append(planned)
    if len(problems) > before:
        result.tables = []
    return result


def _plan_sheet(session, actor, stat: StatSheet, file_name, problems, by_name, cities, seen) -> TablePlan | None:
    def problem(row: int, column: str, message: str) -> None:
        problems.append(Problem(file_name, f"工作表「{stat.sheet}」第 {row} 列", column, message))

    def head(coordinate):
        return stat.head.get(coordinate, StatCell(None))

    bad = False
    for coordinate, cell in stat.head.items():
        if cell.formula or cell.error:
            problem(int(coordinate[1:]), "-", "儲存格含公式或錯誤值；請直接輸入內容")
            bad = True
    table_kind = KIND_OF_LABEL.get(_text(head("B1").value))
    if table_kind is None:
        problem(1, "-", f"統計表種類「{_text(head('B1').value)}」不明；請使用儀表板下載的更新試算表")
        return None
    new = _text(head("C1").value) == NEW_MARK
    proposal_id = _text(head("B2").value)
    days = {}
    for column, header in (("B", START), ("D", END), ("F", AS_OF)):
        days[header], message = parse_day(head(f"{column}3").value)
        if message:
            problem(3, header, message)
            bad = True
    base_raw = head("B4").value
    base = int(base_raw) if isinstance(base_raw, int | float) and float(base_raw).is_integer() else None
    if base is None or base < 0:
        problem(4, BASE, f"應為下載時的版本號，不是「{_text(base_raw)}」；請勿修改此欄")
        bad = True
    expected = HEADERS[table_kind]
    if tuple(stat.columns[: len(expected)]) != expected:
        problem(HEADER_ROW, "-", f"標題列應為：{'、'.join(expected)}；請不要刪除、移動或改名標題列")
        return None
    rows, lines = [], []
    for number, cells in stat.rows:
        values = dict(zip(expected, cells, strict=False))
        if all(statistics.blank(c.value) for c in values.values()):
            continue
        row = _read_row(table_kind, values, number, problem, by_name)
        if row is None:
            bad = True
        else:
            rows.append(row)
            lines.append(number)
    period = statistics.Period(days[START], days[END], days[AS_OF])
    if new and not rows and not bad and period == statistics.Period():
        return None  # the 新一期 sheet left empty
    if new and period == statistics.Period():
        problem(
            3,
            START,
            "新的一期請填寫統計區間的開始日與結束日" + ("" if table_kind == statistics.MUTUAL_AID else "，或截至日期"),
        )
        bad = True
    if bad:
        return None
    if table_kind == statistics.MUTUAL_AID:
        pairs: dict[tuple, int] = {}
        for row, number in zip(rows, lines, strict=True):
            pair = (row["from_city"], row["to_city"])
            if pair in pairs:
                problem(number, TO, f"同一對縣市重複（第 {pairs[pair]} 列已有）")
                bad = True
            pairs[pair] = number
    else:
        codes = _indicator_codes(session, proposal_id)
        for row in rows:
            row["indicator"] = codes.get(row["label"], row["label"])
        for message in statistics.indicator_problems(rows, cities=cities, where=lambda i: f"第 {lines[i]} 列"):
            at, _, rest = message.partition("｜")
            row_number = int(re.sub(r"\D", "", at) or FIRST_ROW)
            problem(row_number, VALUE if rest.startswith("數值") else "-", rest or message)
            bad = True
    key = (proposal_id, table_kind, period)
    if key in seen:
        problem(3, START, f"與工作表「{seen[key]}」是同一案同一統計區間；請只填一張")
        return None
    seen[key] = stat.sheet
    if bad:
        return None
    try:
        prepared = statistics.prepare(
            session,
            actor=actor,
            proposal_id=proposal_id,
            table_kind=table_kind,
            period=period,
            rows=rows,
            checked=table_kind == statistics.INDICATORS,
        )
    except PermissionDenied as error:
        if not _unchanged(session, proposal_id, table_kind, period, rows, cities):
            problem(2, PROPOSAL, str(error))  # an unchanged table of another group's is no change
        return None
    except EditError as error:
        for p in error.problems:
            problem(3 if "統計區間" in str(p) or "截至" in str(p) else FIRST_ROW, "-", str(p))
        return None
    if not prepared.changes:
        return None  # as the store holds it: the same file twice changes nothing
    if new and prepared.standing is not None:
        problem(
            3,
            START,
            f"提案 {proposal_id} 已有 {period.label} 的統計表；要更正該期請修改該期的工作表（或重新下載試算表）",
        )
        return None
    if base is not None and base != prepared.current:
        newer = [v for v in statistics.history(session, proposal_id, table_kind, period)[::-1] if v.version > base]
        problem(4, BASE, str(statistics.StaleStatistics(prepared.title, base, newer)))
        return None
    return TablePlan(prepared, stat.sheet)


def _unchanged(session, proposal_id, table_kind, period, rows, cities) -> bool:
    standing = statistics.table(session, proposal_id, table_kind, period)
    names = {c.code: c.name for c in cities}
    return standing is not None and not statistics.diff(table_kind, standing.rows, rows, names)


def _read_row(table_kind: str, values: dict, number: int, problem, by_name: dict) -> dict | None:
    bad = False
    for header, cell in values.items():
        if cell.formula or cell.error:
            problem(number, header, "儲存格含公式或錯誤值；請直接輸入內容，不要用公式")
            bad = True
        elif isinstance(cell.value, str) and text_problem(cell.value):
            problem(number, header, text_problem(cell.value))
            bad = True
    if bad:
        return None

    def city(header, required):
        text = _text(values[header].value) if header in values else ""
        if not text:
            if required:
                problem(number, header, "必填；請從清單選擇縣市")
            return None, not required
        code = by_name.get(text.replace("台", "臺"))
        if code is None:
            problem(number, header, f"「{text[:20]}」不是八縣市之一；可用：{'、'.join(by_name)}")
            return None, False
        return code, True

    def count(header, required):
        raw = values[header].value if header in values else None
        if statistics.blank(raw):
            if required:
                problem(number, header, "必填；請填 0 或正整數")
                return None, False
            return 0, True
        value, message = statistics.count_of(raw)
        if message:
            problem(number, header, f"{message}，請填 0 或正整數")
            return None, False
        return value, True

    if table_kind == statistics.MUTUAL_AID:
        (source, ok1), (target, ok2) = city(FROM, True), city(TO, True)
        counts = {metric: count(label, False) for metric, label in statistics.OD_METRICS.items()}
        if not (ok1 and ok2 and all(ok for _, ok in counts.values())):
            return None
        if source == target:
            problem(number, TO, "支援縣市不可與請求支援縣市相同")
            return None
        return {"from_city": source, "to_city": target, **{m: v for m, (v, _) in counts.items()}}
    texts = {h: _text(values[h].value) if h in values else "" for h in (LABEL, KIND, UNIT, NOTE)}
    ok = True
    for header in (LABEL, UNIT):
        if not texts[header]:
            problem(number, header, "必填")
            ok = False
    kind = {**{v: k for k, v in KIND_LABELS.items()}, **{k: k for k in KIND_LABELS}}.get(texts[KIND])
    if kind is None:
        problem(number, KIND, f"「{texts[KIND][:20]}」應為{'或'.join(KIND_LABELS.values())}")
        ok = False
    (city_code, ok1), (counterpart, ok2) = city(CITY, False), city(COUNTERPART, False)
    value, ok3 = count(VALUE, True)
    if not (ok and ok1 and ok2 and ok3):
        return None
    return {
        "indicator": None,
        "label": texts[LABEL],
        "kind": kind,
        "city_code": city_code,
        "counterpart_code": counterpart,
        "value": value,
        "unit": texts[UNIT],
        "note": texts[NOTE] or None,
    }


def _indicator_codes(session: Session, proposal_id: str) -> dict[str, str]:
    """名稱 -> the indicator it is in the proposal's tables (a new 名稱 is its own indicator)."""
    codes: dict[str, str] = {}
    for t in statistics.proposal_tables(session, proposal_id, statistics.INDICATORS):
        for r in t.rows:
            codes.setdefault(r["label"], r["indicator"])
    return codes


# --- applying -----------------------------------------------------------------------------------


class StatisticsChanged(Exception):
    """A table changed between the preview and applying it; the message names it."""


def apply(session: Session, *, actor: Actor, stats: StatPlan, reason: str) -> list[StatisticsVersion]:
    """Save the previewed tables, one version each, in the caller's transaction (it commits)."""
    versions = []
    for t in stats.tables:
        p = t.prepared
        try:
            version = statistics.save(
                session,
                actor=actor,
                proposal_id=p.proposal_id,
                table_kind=p.table_kind,
                period=p.period,
                rows=p.rows,
                base_version=t.base_version,
                reason=reason,
                kind="import",
                checked=p.table_kind == statistics.INDICATORS,
                commit=False,
            )
        except (statistics.StaleStatistics, EditError, PermissionDenied) as error:
            raise StatisticsChanged(f"{p.title}：{error}") from error
        if version is None or [dict(c) for c in version.changes] != p.changes:
            raise StatisticsChanged(f"{p.title}在預覽後已有變動")
        versions.append(version)
    return versions
