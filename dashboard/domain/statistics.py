"""Statistics as data: each proposal's tables per period, entered and corrected as versions.

A statistics table is a proposal, a table kind and a period (統計區間, or 截至 a date):

- MUTUAL_AID: the cross-border mutual aid, an origin-destination table with three metrics
  (火警, 救護, 轉報): from_city asked to_city for help;
- INDICATORS: the proposal's other figures (social-worker training flows, green tourism, referrals,
  inspections…), rows as data/indicators.csv has them.

The rows loaded from data/ are each table's version 0 (the first period, 112's figures); the
proposal's lead or the secretariat enters a new period, or corrects one, as a StatisticsVersion
holding the whole table (who, when, why, which cells old -> new). The versions are not curated
tables, so a `load` rebuilding data/ keeps them; the latest version of a table stands in for the
rows data/ has for the same period. Everything that reads mutual aid or indicators reads them here.
"""

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from dashboard.domain import dates
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import Actor, PermissionDenied, may_edit
from dashboard.domain.records import INT_MAX
from dashboard.domain.text import text_problem
from dashboard.store.db import begin_write
from dashboard.store.models import City, Indicator, MutualAid, Proposal, StatisticsVersion

MUTUAL_AID = "mutual_aid"
INDICATORS = "indicators"
TABLE_KINDS = {MUTUAL_AID: "跨區救災救護支援", INDICATORS: "統計數據"}
OD_METRICS = {"fire": "火警", "ambulance": "救護", "relay": "轉報"}
SOCIAL_WORKER_TRAINING = "social_worker_training"
ROW_ROLE, COLUMN_ROLE = "請求支援縣市", "支援縣市"
REASON_MAX_CHARS = 500
# A figure's note that says how the source misprinted its city (data/indicators.csv: 原表誤植為「苗粟縣」):
# the figure is entered under the right city, and the packet prints the source's name with the correction.
MISPRINT = re.compile(r"原表誤植為「([^」]+)」")
# A proposal's note that gives a figure table's caption as the source words it, where it is not the
# usual one (data/proposals/112-J17.yaml: 原表表名「新竹縣協請其他縣市來援之數量」): the packet prints it.
PRINTED_CAPTION = re.compile(r"原表表名「([^」]+)」")
INDICATOR_KINDS = ("value", "total")
MAX_ROWS = 2000  # an indicator table; an OD table has at most 56 pairs

Narrow = Callable  # (query, proposal-id column) -> query: the proposals a reader asks about


def everything(query, column):
    return query


class StaleStatistics(Exception):
    """The table was saved by someone else since the version the save was based on."""

    def __init__(self, table: str, base_version: int, newer: list[StatisticsVersion]):
        self.base_version = base_version
        self.current = newer[-1].version if newer else base_version
        who = "、".join(dict.fromkeys(v.recorded_by for v in newer)) or "其他人"
        super().__init__(
            f"{table}已由{who}更新為第 {self.current} 版（您的修改依據第 {base_version} 版），"
            "未儲存；請先檢視對方的數字，再決定是否重新送出。"
        )


# --- periods ---------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """統計區間 start–end and/or 截至 as_of; a table's period names it."""

    start: date | None = None
    end: date | None = None
    as_of: date | None = None

    @classmethod
    def of(cls, row) -> "Period":
        return cls(row.period_start, row.period_end, row.as_of)

    @classmethod
    def from_key(cls, key: str) -> "Period":
        span, _, as_of = key.partition("@")
        start, _, end = span.partition("~")
        return cls(*(date.fromisoformat(v) if v else None for v in (start, end, as_of)))

    @property
    def key(self) -> str:
        iso = [v.isoformat() if v else "" for v in (self.start, self.end, self.as_of)]
        return f"{iso[0]}~{iso[1]}@{iso[2]}"

    @property
    def token(self) -> str:
        """The key as a URL carries it: 2023-01-01~2023-06-30 (no as_of, no trailing @)."""
        return self.key.removesuffix("@")

    @classmethod
    def from_token(cls, token: str) -> "Period":
        return cls.from_key(token if "@" in token else token + "@")

    @property
    def label(self) -> str:
        """112年1月1日至112年6月30日 / 截至112年7月16日 / 112年6月5日起，截至112年7月16日."""
        if self.start and self.end:
            span = dates.roc_period(self.start, self.end)
        elif self.start:
            span = f"{dates.roc_date(self.start)}起"
        else:
            span = ""
        if self.as_of:
            return f"{span}，截至{dates.roc_date(self.as_of)}" if span else f"截至{dates.roc_date(self.as_of)}"
        return span or "未載明期間"

    @property
    def latest(self) -> date:
        """What orders periods: the last day they cover."""
        return self.end or self.as_of or self.start or date.min


def period_problems(period: Period, table_kind: str) -> list[str]:
    """Why `period` cannot name a new table of `table_kind`: mutual aid is counted over 統計區間,
    other figures over a 統計區間 or up to a date (截至)."""
    problems = []
    if table_kind == MUTUAL_AID and not (period.start and period.end):
        problems.append("統計區間：請填寫開始日與結束日")
    elif table_kind == INDICATORS and not ((period.start and period.end) or period.as_of):
        problems.append("統計期間：請填寫統計區間的開始日與結束日，或「截至」日期")
    if period.end and not period.start:
        problems.append("統計區間：有結束日時也須填寫開始日")
    if period.start and period.end and period.end < period.start:
        problems.append(f"統計區間：結束日 {dates.roc_date(period.end)} 早於開始日 {dates.roc_date(period.start)}")
    if period.start and period.as_of and period.as_of < period.start:
        problems.append(f"截至日期 {dates.roc_date(period.as_of)} 早於開始日 {dates.roc_date(period.start)}")
    return problems


# --- values ----------------------------------------------------------------------------------------


def blank(raw) -> bool:
    return raw is None or (isinstance(raw, float) and math.isnan(raw)) or (isinstance(raw, str) and not raw.strip())


def count_of(raw) -> tuple[int | None, str | None]:
    """A non-negative integer as typed in a cell (1,208, full-width digits, 3.0), or why it is not one."""
    if isinstance(raw, bool):
        return None, f"「{raw}」不是數字"
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            return None, f"「{raw:g}」須為整數"
        number = int(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "")
        try:
            number = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                return None, f"「{str(raw).strip()[:20]}」不是數字"
            if not value.is_integer():
                return None, f"「{str(raw).strip()[:20]}」須為整數"
            number = int(value)
    if number < 0:
        return None, f"「{number}」不可為負數"
    if number > INT_MAX:
        return None, f"「{number}」超過上限 {INT_MAX:,}"
    return number, None


# --- origin-destination tables ----------------------------------------------------------------------


def od_rows(
    grids: dict[str, dict[str, dict[str, object]]],
    *,
    cities: list[City],
    row_totals: dict[str, dict[str, object]] | None = None,
    column_totals: dict[str, dict[str, object]] | None = None,
) -> list[dict]:
    """A mutual-aid table from its grids as typed: for each metric of OD_METRICS, the cells by
    requesting city then supporting city (official names); blank = the pair is not reported. A pair
    with any metric filled is reported, its blank metrics as 0. Totals typed per row (requesting
    city) and column (supporting city) must equal the cells' sums. Raises EditError naming the
    metric, row and column of every problem."""
    names = [c.name for c in cities]
    code = {c.name: c.code for c in cities}
    problems: list[str] = []
    values: dict[tuple[str, str], dict[str, int]] = {}
    for metric, label in OD_METRICS.items():
        for pair, number in _grid_counts(grids.get(metric) or {}, names, label, problems, "跨區支援").items():
            values.setdefault(pair, {})[metric] = number
    for metric, label in OD_METRICS.items():
        counts = {pair: v[metric] for pair, v in values.items() if metric in v}
        _total_problems(
            counts,
            (row_totals or {}).get(metric),
            (column_totals or {}).get(metric),
            names,
            label,
            (ROW_ROLE, COLUMN_ROLE),
            problems,
        )
    if problems:
        raise EditError(problems)
    return [
        {"from_city": code[s], "to_city": code[t], **{m: values[(s, t)].get(m, 0) for m in OD_METRICS}}
        for s in names
        for t in names
        if (s, t) in values
    ]


def _grid_counts(
    grid: dict, names: list[str], label: str, problems: list[str], what: str
) -> dict[tuple[str, str], int]:
    """The filled cells of one 8×8 grid ({row city: {column city: typed}}) as counts; each bad cell
    is added to `problems` by label, row and column (the diagonal must stay blank: not `what`)."""
    counts: dict[tuple[str, str], int] = {}
    for source in grid:
        if source not in names:
            problems.append(f"{label}｜列「{source}」：不是八縣市之一；可用：{'、'.join(names)}")
    for i, source in enumerate(names, 1):
        row = grid.get(source) or {}
        for target in row:
            if target not in names:
                problems.append(f"{label}｜第 {i} 列（{source}）欄「{target}」：不是八縣市之一")
        for j, target in enumerate(names, 1):
            raw = row.get(target)
            if blank(raw):
                continue
            where = f"{label}｜第 {i} 列（{source}）第 {j} 欄（{target}）"
            if source == target:
                problems.append(f"{where}：同一縣市不是{what}，請留空")
                continue
            number, problem = count_of(raw)
            if problem:
                problems.append(f"{where}：{problem}，請填 0 或正整數")
                continue
            counts[(source, target)] = number
    return counts


def _total_problems(
    counts: dict[tuple[str, str], int],
    row_totals: dict | None,
    column_totals: dict | None,
    names: list[str],
    label: str,
    roles: tuple[str, str],
    problems: list[str],
) -> dict[tuple[int, str], int]:
    """Check the totals typed per row (index 0) and column (index 1) against the counts; each
    problem added to `problems` names the label, city and its role. The typed totals, by (index, city)."""
    typed_totals: dict[tuple[int, str], int] = {}
    for totals, index in ((row_totals, 0), (column_totals, 1)):
        for city, raw in (totals or {}).items():
            if blank(raw):
                continue
            where = f"{label}｜{city}（{roles[index]}）的{'列' if index == 0 else '欄'}合計"
            if city not in names:
                problems.append(f"{label}｜合計的「{city}」不是八縣市之一")
                continue
            typed, problem = count_of(raw)
            if problem:
                problems.append(f"{where}：{problem}")
                continue
            summed = sum(v for pair, v in counts.items() if pair[index] == city)
            if typed != summed:
                problems.append(f"{where}：填寫 {typed:,}，但各格相加為 {summed:,}")
            typed_totals[(index, city)] = typed
    return typed_totals


def od_grids(rows: list[dict], cities: list[City]) -> dict[str, dict[str, dict[str, int | None]]]:
    """The grids of a mutual-aid table (od_rows' input): None where the pair is not reported."""
    name = {c.code: c.name for c in cities}
    grids = {m: {c.name: {t.name: None for t in cities} for c in cities} for m in OD_METRICS}
    for row in rows:
        for metric in OD_METRICS:
            grids[metric][name[row["from_city"]]][name[row["to_city"]]] = row[metric]
    return grids


# --- indicator tables -------------------------------------------------------------------------------


def indicator_problems(rows: list[dict], *, cities: list[City], where: Callable[[int], str]) -> list[str]:
    """Why rows ({indicator, label, kind, city_code, counterpart_code, value, unit, note}) cannot be an
    indicators table: the loader's rules, each problem at where(row index)."""
    problems = []
    codes = {c.code for c in cities}
    for index, row in enumerate(rows):
        at = where(index)
        for key, label in (("indicator", "指標代碼"), ("label", "名稱"), ("unit", "單位")):
            value = row.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{at}｜{label}：必填")
            elif text_problem(value):
                problems.append(f"{at}｜{label}：{text_problem(value)}")
        if row.get("kind") not in INDICATOR_KINDS:
            problems.append(f"{at}｜數值種類：「{row.get('kind')}」應為 value（明細）或 total（合計）")
        for key in ("city_code", "counterpart_code"):
            if row.get(key) is not None and row[key] not in codes:
                problems.append(f"{at}｜縣市：「{row[key]}」不是八縣市之一")
        if (
            row.get("indicator") == SOCIAL_WORKER_TRAINING
            and row.get("kind") == "value"
            and not (row.get("city_code") and row.get("counterpart_code"))
        ):
            problems.append(f"{at}｜縣市：社工跨市受訓須填寫社工所屬縣市（city）與開課縣市（counterpart_city）")
        if not isinstance(row.get("value"), int) or isinstance(row.get("value"), bool) or row["value"] < 0:
            problems.append(f"{at}｜數值：須為 0 或正整數")
        note = row.get("note")
        if note is not None and (not isinstance(note, str) or text_problem(note)):
            problems.append(f"{at}｜備註：{text_problem(note) if isinstance(note, str) else '應為文字'}")
    if problems:
        return problems
    for index, total in enumerate(rows):
        if total["kind"] != "total":
            continue
        parts = [
            r["value"]
            for r in rows
            if r["kind"] == "value"
            and r["indicator"] == total["indicator"]
            and (total["city_code"] is None or r["city_code"] == total["city_code"])
            and (total["counterpart_code"] is None or r["counterpart_code"] == total["counterpart_code"])
        ]
        if parts and sum(parts) != total["value"]:
            problems.append(f"{where(index)}｜數值：合計 {total['value']:,} 與明細加總 {sum(parts):,} 不符")
    return problems


# --- social-worker training flows and indicator rows as the page enters them --------------------------

SOCIAL_WORKER_LABEL = "社工跨市受訓"
SOCIAL_WORKER_ROLES = ("社工所屬縣市", "開課縣市")
_SOCIAL_WORKER_DEFAULTS = {
    "label": "參與他縣市課程之社工師（員）",
    "unit": "位",
    "note": "縣市為社工所屬縣市，對方為開課縣市",
}


def is_social_worker(row: dict) -> bool:
    return row.get("indicator") == SOCIAL_WORKER_TRAINING


def social_worker_grid(rows: list[dict], cities: list[City]) -> tuple[dict, dict, dict, int | None]:
    """(cells, row totals, column totals, grand total) of a table's social-worker rows, as
    social_worker_rows takes them: rows = home city, columns = host city, None where not reported."""
    name = {c.code: c.name for c in cities}
    cells = {c.name: {t.name: None for t in cities} for c in cities}
    row_totals, column_totals, grand = {}, {}, None
    for r in rows:
        if not is_social_worker(r):
            continue
        home, host = name.get(r.get("city_code")), name.get(r.get("counterpart_code"))
        if r["kind"] == "value" and home and host:
            cells[home][host] = r["value"]
        elif r["kind"] == "total" and home and not host:
            row_totals[home] = r["value"]
        elif r["kind"] == "total" and host and not home:
            column_totals[host] = r["value"]
        elif r["kind"] == "total" and not home and not host:
            grand = r["value"]
    return cells, row_totals, column_totals, grand


def social_worker_rows(
    grid: dict[str, dict[str, object]],
    *,
    cities: list[City],
    row_totals: dict[str, object] | None = None,
    column_totals: dict[str, object] | None = None,
    grand_total: object = None,
    like: list[dict] = (),
) -> list[dict]:
    """Social-worker training rows (indicators.csv's: value rows home city → host city, total rows
    for each typed total) from an 8×8 grid as typed: rows = the workers' home city, columns = the
    course's host city; blank = not reported. Typed totals must equal the cells' sums. The label,
    unit and notes are those of `like` (the rows they replace), else 112's. Raises EditError naming
    the row and column of every problem."""
    names = [c.name for c in cities]
    code = {c.name: c.code for c in cities}
    problems: list[str] = []
    counts = _grid_counts(grid, names, SOCIAL_WORKER_LABEL, problems, "跨市受訓")
    typed = _total_problems(
        counts, row_totals, column_totals, names, SOCIAL_WORKER_LABEL, SOCIAL_WORKER_ROLES, problems
    )
    grand = None
    if not blank(grand_total):
        grand, problem = count_of(grand_total)
        if problem:
            problems.append(f"{SOCIAL_WORKER_LABEL}｜總計：{problem}")
        elif grand != sum(counts.values()):
            problems.append(f"{SOCIAL_WORKER_LABEL}｜總計：填寫 {grand:,}，但各格相加為 {sum(counts.values()):,}")
    if problems:
        raise EditError(problems)
    former = [r for r in like if is_social_worker(r)]
    first = next((r for r in former if r["kind"] == "value"), former[0] if former else _SOCIAL_WORKER_DEFAULTS)
    label, unit = first["label"], first["unit"]
    value_note = first.get("note") if first in former and first.get("kind") == "value" else None
    if not former:
        value_note = _SOCIAL_WORKER_DEFAULTS["note"]
    notes = {(r.get("city_code"), r.get("counterpart_code")): r.get("note") for r in former if r["kind"] == "total"}

    def row(kind, home, host, value, note):
        return {
            "indicator": SOCIAL_WORKER_TRAINING,
            "label": label,
            "kind": kind,
            "city_code": home,
            "counterpart_code": host,
            "value": value,
            "unit": unit,
            "note": note,
        }

    rows = [
        row("value", code[s], code[t], counts[(s, t)], value_note) for s in names for t in names if (s, t) in counts
    ]
    for (index, city), value in sorted(typed.items(), key=lambda item: (item[0][0], names.index(item[0][1]))):
        home, host = (code[city], None) if index == 0 else (None, code[city])
        rows.append(row("total", home, host, value, notes.get((home, host))))
    if grand is not None:
        rows.append(row("total", None, None, grand, notes.get((None, None))))
    return rows


INDICATOR_COLUMNS = {
    "label": "名稱",
    "city": "縣市",
    "counterpart": "對方縣市",
    "value": "數值",
    "unit": "單位",
    "total": "合計",
    "note": "備註",
}


def indicator_entries(rows: list[dict], cities: list[City]) -> list[dict]:
    """A table's rows other than social-worker flows as the page's editor shows them (INDICATOR_COLUMNS)."""
    name = {c.code: c.name for c in cities}
    return [
        {
            "label": r["label"],
            "city": name.get(r.get("city_code")),
            "counterpart": name.get(r.get("counterpart_code")),
            "value": r["value"],
            "unit": r["unit"],
            "total": r["kind"] == "total",
            "note": r.get("note"),
        }
        for r in rows
        if not is_social_worker(r)
    ]


def indicator_rows_from_entries(entries: list[dict], *, cities: list[City], like: list[dict] = ()) -> list[dict]:
    """Indicator rows from the editor's entries (INDICATOR_COLUMNS; 合計 ticked: a total row, checked
    against the rows it sums; a row left wholly blank is skipped), checked by indicator_problems: each problem names the editor's row (第 n 列) and
    column. A row keeps the indicator of the same label in `like`; a new label is its own."""
    code = {c.name: c.code for c in cities}
    known = {r["label"]: r["indicator"] for r in like if not is_social_worker(r)}
    rows, positions, problems = [], [], []
    for index, entry in enumerate(entries):
        if all(blank(entry.get(key)) for key in INDICATOR_COLUMNS if key != "total"):
            continue
        at = f"第 {index + 1} 列"
        text = {key: str(entry[key]).strip() if not blank(entry.get(key)) else None for key in INDICATOR_COLUMNS}
        cities_of = {}
        for key in ("city", "counterpart"):
            cities_of[key] = code.get(text[key]) if text[key] else None
            if text[key] and text[key] not in code:
                problems.append(f"{at}｜{INDICATOR_COLUMNS[key]}：「{text[key]}」不是八縣市之一")
        value = entry.get("value")
        if blank(value):
            problems.append(f"{at}｜數值：必填，請填 0 或正整數")
        else:
            value, problem = count_of(value)
            if problem:
                problems.append(f"{at}｜數值：{problem}，請填 0 或正整數")
        rows.append(
            {
                "indicator": known.get(text["label"]) or text["label"] or "",
                "label": text["label"] or "",
                "kind": "total" if str(entry.get("total")) == "True" else "value",  # a bool, numpy's or pandas'
                "city_code": cities_of["city"],
                "counterpart_code": cities_of["counterpart"],
                "value": value if isinstance(value, int) else -1,
                "unit": text["unit"] or "",
                "note": text["note"],
            }
        )
        positions.append(index)
    checked = [
        p
        for p in indicator_problems(rows, cities=cities, where=lambda i: f"第 {positions[i] + 1} 列")
        if "｜數值：" not in p or "合計" in p
    ]
    problems = sorted(problems + checked, key=lambda p: int(p.split(" ")[1]))
    if problems:
        raise EditError(problems)
    if not rows:
        raise EditError(["統計表沒有任何數字；請至少填寫一列"])
    return rows


def save_indicator_part(
    session: Session,
    *,
    actor: Actor,
    proposal_id: str,
    period: Period,
    rows: list[dict],
    social_workers: bool,
    new: bool,
    base_version: int,
    reason: str | None = None,
) -> StatisticsVersion | None:
    """Save one part of a proposal's indicator table for `period` (its social-worker flows, or its
    other rows; both checked already: social_worker_rows / indicator_rows_from_entries), keeping the
    other part as it stands, as one version (save). A `new` period must not be one already entered."""
    require_enter(actor, _proposal(session, proposal_id))
    standing = table(session, proposal_id, INDICATORS, period)
    problems = period_problems(period, INDICATORS) if new else []
    if new and standing:
        problems.append(f"統計期間{period.label}已有統計數據；要更正該期數字，請選擇該統計區間")
    if problems:
        raise EditError(problems)
    others = [r for r in (standing.rows if standing else []) if is_social_worker(r) != social_workers]
    return save(
        session,
        actor=actor,
        proposal_id=proposal_id,
        table_kind=INDICATORS,
        period=period,
        rows=[*others, *rows] if social_workers else [*rows, *others],
        base_version=base_version,
        reason=reason,
        checked=True,
    )


def _proposal(session: Session, proposal_id: str) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise EditError([f"找不到提案「{proposal_id}」。"])
    return proposal


# --- reading ---------------------------------------------------------------------------------------


def _aid_row(m: MutualAid) -> dict:
    return {"from_city": m.from_city, "to_city": m.to_city, **{k: getattr(m, k) for k in OD_METRICS}}


def _indicator_row(i: Indicator) -> dict:
    return {
        "indicator": i.indicator,
        "label": i.label,
        "kind": i.kind,
        "city_code": i.city_code,
        "counterpart_code": i.counterpart_code,
        "value": i.value,
        "unit": i.unit,
        "note": i.note,
    }


@dataclass(frozen=True)
class Table:
    """A statistics table as it stands: its rows and the version in force (0: as loaded from data/)."""

    proposal_id: str
    table_kind: str
    period: Period
    rows: list[dict]
    version: int
    recorded_by: str | None = None  # the latest version's
    recorded_at: object = None
    from_data: bool = False  # data/ has rows for this period

    @property
    def title(self) -> str:
        return f"提案 {self.proposal_id} {TABLE_KINDS[self.table_kind]}（{self.period.label}）"


def _latest_versions(session: Session, table_kind: str, narrow: Narrow) -> dict[tuple[str, str], StatisticsVersion]:
    query = narrow(
        select(StatisticsVersion).where(StatisticsVersion.table_kind == table_kind), StatisticsVersion.proposal_id
    )
    latest: dict[tuple[str, str], StatisticsVersion] = {}
    for v in session.exec(query.order_by(StatisticsVersion.version)):
        latest[(v.proposal_id, v.period_key)] = v
    return latest


def tables(session: Session, table_kind: str, *, narrow: Narrow = everything) -> list[Table]:
    """Every table of `table_kind` of the proposals `narrow` keeps: data/'s in load order (each
    replaced by its latest version, if any), then the periods entered since, oldest first."""
    curated_model = MutualAid if table_kind == MUTUAL_AID else Indicator
    curated: dict[tuple[str, str], list] = {}
    for row in session.exec(narrow(select(curated_model), curated_model.proposal_id).order_by(curated_model.id)):
        period = Period(row.period_start, row.period_end, getattr(row, "as_of", None))
        curated.setdefault((row.proposal_id, period.key), []).append(row)
    latest = _latest_versions(session, table_kind, narrow)
    to_row = _aid_row if table_kind == MUTUAL_AID else _indicator_row
    result = []
    for (proposal_id, key), rows in curated.items():
        version = latest.pop((proposal_id, key), None)
        result.append(
            _from_version(version, from_data=True)
            if version
            else Table(proposal_id, table_kind, Period.from_key(key), [to_row(r) for r in rows], 0, from_data=True)
        )
    added = sorted(latest.values(), key=lambda v: (Period.from_key(v.period_key).latest, v.proposal_id))
    result.extend(_from_version(v, from_data=False) for v in added)
    return result


def _from_version(v: StatisticsVersion, *, from_data: bool) -> Table:
    return Table(
        v.proposal_id,
        v.table_kind,
        Period.from_key(v.period_key),
        list(v.rows),
        v.version,
        v.recorded_by,
        v.recorded_at,
        from_data,
    )


def table(session: Session, proposal_id: str, table_kind: str, period: Period) -> Table | None:
    """One table as it stands, or None when the proposal has none for that period."""
    return next(
        (t for t in proposal_tables(session, proposal_id, table_kind) if t.period == period),
        None,
    )


def proposal_tables(session: Session, proposal_id: str, table_kind: str) -> list[Table]:
    return tables(session, table_kind, narrow=lambda query, column: query.where(column == proposal_id))


def mutual_aid_rows(session: Session, *, narrow: Narrow = everything, period_key: str | None = None) -> list[MutualAid]:
    """The mutual aid in force as MutualAid rows (those of entered periods not in the store's
    table: no id), data/'s order first; only one period's with `period_key`."""
    rows = []
    for t in tables(session, MUTUAL_AID, narrow=narrow):
        if period_key is not None and t.period.key != period_key:
            continue
        items: dict[str, int] = {}
        for r in t.rows:
            items[r["from_city"]] = items.get(r["from_city"], 0) + 1
            rows.append(
                MutualAid(
                    **r,
                    item_no=items[r["from_city"]],
                    period_start=t.period.start,
                    period_end=t.period.end,
                    proposal_id=t.proposal_id,
                )
            )
    return rows


def indicator_rows(
    session: Session, *, narrow: Narrow = everything, indicator: str | None = None, kind: str | None = None
) -> list[Indicator]:
    """The indicators in force as Indicator rows, as mutual_aid_rows."""
    rows = []
    for t in tables(session, INDICATORS, narrow=narrow):
        for r in t.rows:
            if (indicator is None or r["indicator"] == indicator) and (kind is None or r["kind"] == kind):
                rows.append(
                    Indicator(
                        **r,
                        proposal_id=t.proposal_id,
                        period_start=t.period.start,
                        period_end=t.period.end,
                        as_of=t.period.as_of,
                    )
                )
    return rows


def history(session: Session, proposal_id: str, table_kind: str, period: Period) -> list[StatisticsVersion]:
    """Every version of one table, newest first."""
    return list(
        session.exec(
            select(StatisticsVersion)
            .where(
                StatisticsVersion.proposal_id == proposal_id,
                StatisticsVersion.table_kind == table_kind,
                StatisticsVersion.period_key == period.key,
            )
            .order_by(StatisticsVersion.version.desc())
        )
    )


def proposal_history(session: Session, proposal_id: str) -> list[StatisticsVersion]:
    """Every entry and correction of the proposal's statistics, newest first."""
    return list(
        session.exec(
            select(StatisticsVersion)
            .where(StatisticsVersion.proposal_id == proposal_id)
            .order_by(StatisticsVersion.recorded_at.desc(), StatisticsVersion.id.desc())
        )
    )


# --- writing ---------------------------------------------------------------------------------------


def may_enter(actor: Actor, proposal: Proposal) -> bool:
    """The proposal's lead (its group's or sub-group's) or the secretariat enter its statistics."""
    return may_edit(actor, proposal)


def require_enter(actor: Actor, proposal: Proposal) -> None:
    if not may_enter(actor, proposal):
        raise PermissionDenied(f"{actor.label}不能登錄提案 {proposal.id} 的統計：只有該議題組的窗口或祕書處可以登錄。")


@dataclass(frozen=True)
class Prepared:
    """A save checked and not written: the table as it stands (None: a new period) and the changes."""

    proposal_id: str
    table_kind: str
    period: Period
    rows: list[dict]
    standing: Table | None
    changes: list[dict]

    @property
    def current(self) -> int:
        return self.standing.version if self.standing else 0

    @property
    def title(self) -> str:
        return (self.standing or Table(self.proposal_id, self.table_kind, self.period, [], 0)).title


def prepare(
    session: Session,
    *,
    actor: Actor,
    proposal_id: str,
    table_kind: str,
    period: Period,
    rows: list[dict],
    checked: bool = False,
) -> Prepared:
    """Check a save without writing: PermissionDenied, or EditError naming each problem. Rows are
    validated unless `checked` (od_rows did)."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise EditError([f"找不到提案「{proposal_id}」。"])
    require_enter(actor, proposal)
    if table_kind not in TABLE_KINDS:
        raise EditError([f"未知的統計表種類「{table_kind}」；可用：{'、'.join(TABLE_KINDS.values())}"])
    cities = list(session.exec(select(City).order_by(City.sort_order)))
    standing = table(session, proposal_id, table_kind, period)
    problems = [] if standing else period_problems(period, table_kind)
    if not rows:
        problems.append("統計表沒有任何數字；請至少填寫一格")
    if len(rows) > MAX_ROWS:
        problems.append(f"統計表超過 {MAX_ROWS} 列")
    if not checked and table_kind == INDICATORS:
        problems += indicator_problems(rows, cities=cities, where=lambda i: f"第 {i + 1} 列")
    if not checked and table_kind == MUTUAL_AID:
        problems += _aid_row_problems(rows, cities)
    if table_kind == MUTUAL_AID and not standing and period.start and period.end:
        problems += _overlaps(session, proposal_id, period)
    if problems:
        raise EditError(problems)
    names = {c.code: c.name for c in cities}
    changes = diff(table_kind, standing.rows if standing else [], rows, names)
    return Prepared(proposal_id, table_kind, period, rows, standing, changes)


def save(
    session: Session,
    *,
    actor: Actor,
    proposal_id: str,
    table_kind: str,
    period: Period,
    rows: list[dict],
    base_version: int,
    reason: str | None = None,
    kind: str | None = None,
    checked: bool = False,
    commit: bool = True,
) -> StatisticsVersion | None:
    """The table of (proposal, kind, period) becomes `rows`, as one new version; None when it
    already holds them. `base_version` is the version the rows were based on (0 for a new period,
    or data/'s rows). Raises PermissionDenied, EditError (what is wrong and where) or
    StaleStatistics; nothing is written then. Without `commit` the caller commits (or rolls back)."""
    session.flush()
    begin_write(session)
    session.expire_all()
    reason = _valid_reason(reason)
    ready = prepare(
        session, actor=actor, proposal_id=proposal_id, table_kind=table_kind, period=period, rows=rows, checked=checked
    )
    current = ready.current
    if base_version < 0 or base_version > current:
        raise EditError([f"{ready.title}沒有第 {base_version} 版可作為依據；目前為第 {current} 版。"])
    if base_version != current:
        newer = [v for v in history(session, proposal_id, table_kind, period)[::-1] if v.version > base_version]
        for v in newer:
            session.expunge(v)
        raise StaleStatistics(ready.title, base_version, newer)
    if ready.standing and not ready.changes:
        return None
    version = StatisticsVersion(
        proposal_id=proposal_id,
        table_kind=table_kind,
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
        as_of=period.as_of,
        version=current + 1,
        rows=rows,
        changes=ready.changes,
        reason=reason,
        kind=kind or ("edit" if ready.standing else "create"),
        recorded_at=dates.aware_utc(),
        recorded_by=actor.name,
    )
    session.add(version)
    if commit:
        session.commit()
        session.refresh(version)
    else:
        session.flush()
    return version


def add_mutual_aid_period(
    session: Session,
    *,
    actor: Actor,
    proposal_id: str,
    period: Period,
    grids: dict,
    row_totals: dict | None = None,
    column_totals: dict | None = None,
    base_version: int = 0,
    reason: str | None = None,
) -> StatisticsVersion | None:
    """A mutual-aid table entered as grids (od_rows), with the totals typed beside them."""
    cities = list(session.exec(select(City).order_by(City.sort_order)))
    problems = period_problems(period, MUTUAL_AID)
    try:
        rows = od_rows(grids, cities=cities, row_totals=row_totals, column_totals=column_totals)
    except EditError as error:
        problems += [str(p) for p in error.problems]
        rows = []
    if problems:
        raise EditError(problems)
    return save(
        session,
        actor=actor,
        proposal_id=proposal_id,
        table_kind=MUTUAL_AID,
        period=period,
        rows=rows,
        base_version=base_version,
        reason=reason,
        checked=True,
    )


def _aid_row_problems(rows: list[dict], cities: list[City]) -> list[str]:
    codes = {c.code for c in cities}
    problems, seen = [], set()
    for i, row in enumerate(rows, 1):
        pair = (row.get("from_city"), row.get("to_city"))
        if not set(pair) <= codes:
            problems.append(f"第 {i} 列：縣市不是八縣市之一")
        elif pair[0] == pair[1]:
            problems.append(f"第 {i} 列：支援縣市不可與請求縣市相同")
        elif pair in seen:
            problems.append(f"第 {i} 列：同一對縣市重複")
        seen.add(pair)
        for metric, label in OD_METRICS.items():
            value = row.get(metric)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= INT_MAX:
                problems.append(f"第 {i} 列｜{label}：須為 0 或正整數")
    return problems


def _overlaps(session: Session, proposal_id: str, period: Period) -> list[str]:
    """A new mutual-aid period must not overlap the proposal's others (a typo would count twice)."""
    return [
        f"統計區間與已登錄的 {t.period.label} 重疊；要更正該期數字，請選擇該統計區間"
        for t in proposal_tables(session, proposal_id, MUTUAL_AID)
        if t.period.start and t.period.end and t.period.start <= period.end and period.start <= t.period.end
    ]


def _valid_reason(reason: str | None) -> str | None:
    reason = (reason or "").strip() or None
    if reason and text_problem(reason):
        raise EditError([f"修改原因{text_problem(reason)}。"])
    if reason and len(reason) > REASON_MAX_CHARS:
        raise EditError([f"修改原因不可超過 {REASON_MAX_CHARS} 字（目前 {len(reason)} 字）。"])
    return reason


def diff(table_kind: str, old: list[dict], new: list[dict], names: dict[str, str]) -> list[dict]:
    """What a version changes, cell by cell: [{field, old, new}] with the fields as users read them."""

    def cells(rows):
        result = {}
        for r in rows:
            if table_kind == MUTUAL_AID:
                pair = f"{names.get(r['from_city'], r['from_city'])}→{names.get(r['to_city'], r['to_city'])}"
                for metric, label in OD_METRICS.items():
                    result[f"{pair} {label}"] = r[metric]
            else:
                place = names.get(r.get("city_code"), "") + (
                    f"→{names.get(r['counterpart_code'], r['counterpart_code'])}" if r.get("counterpart_code") else ""
                )
                field = f"{r['label']}｜{'合計' if r['kind'] == 'total' else '明細'}" + (f"｜{place}" if place else "")
                text = f"{r['value']:,} {r['unit']}" + (f"（{r['note']}）" if r.get("note") else "")
                while field in result:  # two rows alike but for their note
                    field += "＋"
                result[field] = text
        return result

    before, after = cells(old), cells(new)
    return [
        {"field": field, "old": before.get(field), "new": after.get(field)}
        for field in [*before, *(f for f in after if f not in before)]
        if before.get(field) != after.get(field)
    ]


def periods(frame_periods: Iterable[Period]) -> list[Period]:
    """Distinct periods, latest first."""
    return sorted(set(frame_periods), key=lambda p: (p.latest, p.start or date.min), reverse=True)


def latest_only(frame):
    """The rows of a frame with a `period_key` column (queries' statistics frames) of its latest
    period: a year's summaries and packet show the cycle's latest figures, not a sum over periods."""
    if frame.empty:
        return frame
    latest = periods(Period.from_key(k) for k in dict.fromkeys(frame["period_key"]))[0]
    return frame[frame["period_key"] == latest.key]


def misprinted_as(note: str | None) -> str | None:
    """The name the source printed in place of the figure's city, from its note; None when it has none."""
    match = MISPRINT.search(note or "")
    return match.group(1) if match else None


def printed_captions(notes: str | None) -> list[str]:
    """The captions a proposal's note says the source prints (PRINTED_CAPTION), in its order."""
    return PRINTED_CAPTION.findall(notes or "")
