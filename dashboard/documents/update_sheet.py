"""The update workbook a group lead downloads: one row per proposal of their group (and its
sub-groups) in a cycle, the fields of the card's edit form (editing.EDITABLE) to fill in, and the
version each row was written from, so that an upload based on an old download is caught
(dashboard/documents/sheet_import.py reads it back).

The id and context columns are locked by sheet protection (no password: it guards against slips,
not against anyone) while the editable cells stay unlocked; statuses are drop-down lists of
dashboard/domain/vocab.py; typed text never becomes a formula and the sheet prints on A4 (sheets.py).
How a value is written in a cell, and read back, is defined here once (cell_text / parse_cell).
"""

import re
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session, or_, select

from dashboard.documents import meeting_log_sheet, sheets, statistics_sheet
from dashboard.domain import cycles, dates, editing, group_terms, proposal_yaml, vocab
from dashboard.store.models import Proposal

DATA_SHEET = "提案更新"
HELP_SHEET = "說明"
ID, BASE = "編號", "目前版本"
# Read-only context: what a lead needs to recognise the row, with the title (the first field); not
# read back (only ID and BASE are). A workbook of before the title was editable has a locked 提案名稱
# here: read back as the title, unchanged.
CONTEXT = (ID, "年度", "類別", "議題組", BASE)
EDIT_FIELDS = tuple(editing.EDITABLE)
HEADERS = (*CONTEXT, *(editing.FIELD_LABELS[f] for f in EDIT_FIELDS))
# Column widths in characters: the context's, then each kind of field's (a few fields their own).
WIDTHS = {ID: 8, "年度": 5, "類別": 10, "議題組": 8, BASE: 8}
KIND_WIDTHS = {
    editing.LINE: 20,
    editing.LINES: 20,
    editing.CHOICE: 12,
    editing.LIST: 14,
    editing.LEADS: 18,
    editing.DATE: 12,
}
FIELD_WIDTHS = {
    "title": 20,
    "card_title": 16,
    "progress": 36,
    "tracking_status": 16,
    "recommendation_date": 12,
    "contact": 14,
    "risk": 8,
    "risk_reason": 20,
    "description": 28,
    "approach": 28,
    "benefits": 28,
    "central_ministry": 14,
}
CHOICES = {f.key: editing.CHOICES[f.key] for f in editing.EDITABLE_FIELDS if f.kind == editing.CHOICE}
LIST_FIELDS = tuple(f.key for f in editing.EDITABLE_FIELDS if f.kind == editing.LIST)
DATE_FIELDS = tuple(
    f.key for f in editing.EDITABLE_FIELDS if f.kind == editing.DATE
)  # a day: YYYY-MM-DD text, a date cell read as the day
LIST_SPLIT = re.compile(r"[、,，;；\n]")  # how a list may be typed; written with 、
LEAD_SPLIT = re.compile(r"[\n;；]")  # one lead unit a line, written 單位（縣市）
LEAD_PATTERN = re.compile(r"^(.+?)\s*[（(]\s*([^（）()]+?)\s*[）)]$")
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")  # grey: cannot be changed
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)  # every cell framed, on screen and on paper
PAGES_WIDE = 3  # the sheet is printed this many pages wide (at about 80 %), not shrunk onto one (about 35 %)


class CellError(ValueError):
    """A cell value that cannot be read as the field's value; the message is in Chinese."""


def cell_text(field: str, value) -> str:
    """A document value as its cell shows it: lists joined with 、, lead units one a line."""
    if value is None or value == []:
        return ""
    if field == "lead_units":
        return "\n".join(f"{lead.get('unit')}（{lead.get('city')}）" for lead in value)
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    return str(value).replace("\r\n", "\n").strip()


def parse_cell(field: str, text: str):
    """A cell's text as the document value editing.edit takes (None clears). Lead units come back as
    (unit, city) pairs, city None where the cell names the unit only (an export CSV does)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return None
    if field in LIST_FIELDS:
        return [item.strip() for item in LIST_SPLIT.split(text) if item.strip()]
    if field == "lead_units":
        leads = []
        for line in (part.strip() for part in LEAD_SPLIT.split(text)):
            if line:
                match = LEAD_PATTERN.match(line)
                leads.append((match.group(1).strip(), match.group(2).strip()) if match else (line, None))
        return leads
    return text


def canonical(field: str, value, city_order: list[str]) -> str:
    """The cell text of a value in the card's order, for comparing what a cell says with the store."""
    if isinstance(value, list) and field == "cities":
        value = sorted(dict.fromkeys(value), key=lambda c: city_order.index(c) if c in city_order else len(city_order))
    elif isinstance(value, list) and field == "types":
        value = proposal_yaml.in_card_order(list(dict.fromkeys(value)))
    return cell_text(field, value)


@dataclass(frozen=True)
class Scope:
    """Which proposals a workbook holds: a cycle, and a group (None: every group)."""

    cycle: int
    group: group_terms.CycleGroup | None  # as it stands in the cycle

    @property
    def label(self) -> str:
        return f"{self.group.name if self.group else '全部議題組'} {self.cycle}年度"


def proposals_in(session: Session, *, scope: Scope) -> list[Proposal]:
    """The proposals of the cycle in the group or its sub-groups (a sub-group: its own), in packet order."""
    query = select(Proposal).where(cycles.in_cycle(scope.cycle)).order_by(Proposal.sort_order)
    if scope.group is not None:
        query = query.where(or_(Proposal.group_id == scope.group.id, Proposal.subgroup_id == scope.group.id))
    return list(session.exec(query))


def workbook(session: Session, *, scope: Scope) -> bytes:
    """The update workbook of `scope` as .xlsx bytes."""
    names = {g.id: g.name for g in group_terms.resolve_all(session, scope.cycle).values()}  # as named in the cycle
    rows = []
    proposals = proposals_in(session, scope=scope)
    for proposal in proposals:
        document = proposal_yaml.proposal_document(session, proposal)
        context = [
            proposal.id,
            proposal.year,
            vocab.track_label(proposal.track, year=proposal.year),
            names.get(proposal.subgroup_id) or names.get(proposal.group_id, ""),
            editing.current_version(session, proposal.id),
        ]
        rows.append(context + [cell_text(f, document.get(f)) or None for f in EDIT_FIELDS])
    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    _fill_data(data, rows)
    _fill_help(book.create_sheet(HELP_SHEET), scope, len(rows))
    meeting_log_sheet.add_sheet(book, session, cycle=scope.cycle, group=scope.group, help_sheet=book[HELP_SHEET])
    statistics_sheet.add_sheets(book, session, proposals=proposals, help_sheet=book[HELP_SHEET])
    return sheets.to_bytes(book, title=f"{scope.label} 提案更新試算表")


def _fill_data(sheet, rows: list[list]) -> None:
    sheet.append(list(HEADERS))
    for values in rows:
        sheet.append(values)
    for index, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (
            _width(EDIT_FIELDS[index - len(CONTEXT) - 1]) if index > len(CONTEXT) else WIDTHS[header]
        )
    editable_from = len(CONTEXT) + 1
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = GRID
            if cell.row == 1:
                cell.font = Font(bold=True)
            if cell.row == 1 or cell.column < editable_from:
                cell.fill = LOCKED_FILL
            else:
                cell.protection = Protection(locked=False)
    last = max(2, len(rows) + 1)
    for field, choices in CHOICES.items():
        column = get_column_letter(len(CONTEXT) + 1 + EDIT_FIELDS.index(field))
        rule = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="不在清單中",
            error=f"請從清單選擇：{'、'.join(choices)}",
            showInputMessage=True,
            promptTitle=editing.FIELD_LABELS[field],
            prompt="請從清單選擇",
        )
        rule.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(rule)
    for field in editing.EDITABLE_FIELDS:  # Excel and LibreOffice say the limit on entry, and refuse past it
        if field.limit is None:
            continue
        column = get_column_letter(len(CONTEXT) + 1 + EDIT_FIELDS.index(field.key))
        rule = DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(field.limit),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="超過字數上限",
            error=f"「{field.label}」最多 {field.limit} 字；超過的部分請刪減後再輸入。",
            showInputMessage=True,
            promptTitle=field.label,
            prompt=f"最多 {field.limit} 字" + ("，可多行（Alt+Enter 換行）" if field.kind == editing.LINES else ""),
        )
        rule.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(rule)
    # Locked cells guard the id and version (no password: see the 說明 sheet); widths, heights and
    # filters stay free to change.
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = protection.formatCells = False
    protection.autoFilter = False
    protection.selectLockedCells = protection.selectUnlockedCells = False
    sheets.print_setup(sheet)
    # Twenty-odd columns do not fit one page at a readable size: PAGES_WIDE pages side by side, a
    # band of rows across them before the next band, each page repeating the header row and 編號.
    sheet.page_setup.fitToWidth = PAGES_WIDE
    sheet.page_setup.pageOrder = "overThenDown"
    sheet.print_title_cols = "A:A"


def _fill_help(sheet, scope: Scope, count: int) -> None:
    today = dates.now_taipei().date()
    lines = [
        f"北臺合作提案進度更新：{scope.label}（{count} 案）",
        f"下載日期：{dates.roc_date(today)}",
        "",
        "怎麼填",
        f"1. 在「{DATA_SHEET}」工作表修改白色的欄位；灰色欄位（{'、'.join(CONTEXT)}）已鎖定，請勿更動。",
        "2. 「進度狀態」「列管狀態（建議）」與「風險燈號」請從下拉清單選擇。文字欄位各有字數上限（見下方欄位說明），"
        "輸入超過時 Excel 會拒絕；貼上的內容不受此檢查，上傳時仍會逐欄檢查並指出超過的欄位。"
        "需要換行時，Excel 按 Alt+Enter（LibreOffice 按 Ctrl+Enter）。",
        "3. 「合作縣市」「提案類型」可填多項，以「、」分隔（例如：臺北市、新北市）；縣市請用正式名稱（臺北市，不是台北市）。",
        "4. 「提案單位」一行一個單位，寫成「單位（縣市）」，例如：新北市政府交通局（新北市）。",
        "5. 「進度狀態依據」須逐字出現在「進度說明」或「列管原因」中（可從中複製一句貼上）。",
        "6. 清空一格表示刪除該欄的內容；必填欄位（例如進度狀態）不可清空。",
        "7. 存檔後在儀表板「試算表更新」頁上傳（或由祕書處以 import-sheet 指令匯入）。上傳後先列出每一項變更"
        "（提案、欄位、原值 → 新值），確認後才套用；有任何問題時全部不套用，並指出工作表、列與欄位。",
        "",
        "注意",
        f"・「{BASE}」是下載時各案的版本。下載後若有人在儀表板修改了同一欄位，上傳時該列會被拒絕，"
        "請重新下載後再填；修改其他欄位則照常套用。",
        "・同一個檔案上傳兩次，第二次不會有任何變更。",
        "・請勿在儲存格中輸入公式；以 = + - @ 開頭的文字會被當成文字保存。",
        "・請保持 .xlsx 格式（Excel 或 LibreOffice 皆可）；也可上傳由本檔另存的 CSV（UTF-8）。",
        "・工作表保護未設密碼，只為避免誤改編號與版本；請勿解除保護後修改灰色欄位。",
        "",
        "欄位說明",
        *(f"・{editing.FIELD_LABELS[f]}：{_field_help(f)}" for f in EDIT_FIELDS),
    ]
    sheet.column_dimensions["A"].width = 110
    for line in lines:
        sheet.append([line or None])
    sheet["A1"].font = Font(bold=True, size=14)
    for row in sheet.iter_rows(min_row=2):
        cell = row[0]
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if cell.value in ("怎麼填", "注意", "欄位說明"):
            cell.font = Font(bold=True)
    sheets.print_setup(sheet)
    sheet.print_title_rows = None  # one page of prose: no header row to repeat
    sheet.page_setup.fitToHeight = 1  # the field list grows with the table of fields: still one page
    sheet.freeze_panes = None
    sheet.page_setup.fitToHeight = 1  # on one page, however many fields it explains


def _width(key: str) -> int:
    return FIELD_WIDTHS.get(key) or KIND_WIDTHS[editing.EDITABLE_BY_KEY[key].kind]


FIELD_HELP = {
    "title": "議程、會議資料表格與簡報上的名稱",
    "card_title": "紙本提案單上的名稱，與提案名稱不同時才填",
    "description": "提案單的「說明」",
    "approach": "提案單的「具體作法」",
    "benefits": "提案單的「合作效益」",
    "central_ministry": "請求中央協助的提案必填",
    "progress": "辦理情形",
    "progress_basis": "說明進度狀態從何而來的一句話",
    "tracking_reason": "解除或持續列管的原因",
    "recommendation_date": "同意此建議的議題組會議日期，西元 YYYY-MM-DD（須在副首長會議之前）",
    "contact": "聯絡人姓名與電話",
    "cities": "合作的縣市，以「、」分隔",
    "risk_reason": "燈號的原因；燈號為紅時必填（需要副首長協調的事項）",
}


def _field_help(key: str) -> str:
    field = editing.EDITABLE_BY_KEY[key]
    if key == "risk":
        meanings = "、".join(f"{light}＝{meaning}" for light, meaning in vocab.RISK_MEANINGS.items())
        return f"每季由議題組窗口評估，可選：{meanings}；清空為「{vocab.RISK_UNSET}」"
    if field.kind in (editing.CHOICE, editing.LIST) and key in editing.CHOICES:
        return ("可選：" if field.kind == editing.CHOICE else "可填：") + "、".join(editing.CHOICES[key])
    if field.kind == editing.LEADS:
        return "單位（縣市），一行一個"
    parts = [FIELD_HELP.get(key, "")]
    if field.kind == editing.LINES:
        parts.append("可多行")
    if field.limit:
        parts.append(f"最多 {field.limit} 字")
    return "，".join(p for p in parts if p)
