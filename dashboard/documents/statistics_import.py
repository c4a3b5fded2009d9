"""A new period's statistics read from the data/ CSV forms (mutual_aid.csv, indicators.csv), as
`import-sheet` takes them: every row checked with data/'s rules (a problem names the file, line and
column), the rows grouped into tables by proposal and period, each table's changes previewed cell by
cell, and applied all or nothing as one version per table (dashboard/domain/statistics.py).

A table the store holds already (data/'s period, or one entered before) is corrected: the CSV has no
version column, so the preview compares with the table as it stands and applying refuses a table
saved by someone else in between.
"""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from dashboard.datafiles.loading import COLUMNS
from dashboard.documents.sheet_import import Upload, shown
from dashboard.domain import statistics
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import Actor, PermissionDenied
from dashboard.domain.problems import Problem
from dashboard.domain.records import Record
from dashboard.store.models import City, StatisticsVersion

FORMS = {
    statistics.MUTUAL_AID: ("mutual_aid.csv", COLUMNS["mutual_aid.csv"]),
    statistics.INDICATORS: ("indicators.csv", COLUMNS["indicators.csv"]),
}
REASON = "統計匯入：{name}"


class StatisticsRefused(Exception):
    """The plan cannot be applied (problems, or a table saved by someone else since the preview)."""


def form_of(upload: Upload) -> str | None:
    """statistics.MUTUAL_AID or INDICATORS when the upload is a CSV with that data/ file's header."""
    table = upload.table
    if table is None or not table.is_csv:
        return None
    header = {h for h in table.header if h}
    return next((kind for kind, (_, columns) in FORMS.items() if header == set(columns)), None)


@dataclass
class TablePlan:
    prepared: statistics.Prepared
    lines: str  # the CSV lines it comes from: 第 2–9 行

    @property
    def base_version(self) -> int:
        return self.prepared.current


@dataclass
class Plan:
    file_name: str
    table_kind: str
    tables: list[TablePlan] = field(default_factory=list)  # only those that change something
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return REASON.format(name=self.file_name)

    @property
    def changes(self) -> list[tuple[str, str, str, str]]:
        """Every change as (表, 欄位, 原值, 新值), in the file's order."""
        return [
            (t.prepared.title, c["field"], shown(c["old"]), shown(c["new"]))
            for t in self.tables
            for c in t.prepared.changes
        ]


def plan(session: Session, *, actor: Actor, upload: Upload) -> Plan:
    """Read and check a statistics CSV and preview what it changes; writes nothing."""
    table_kind = form_of(upload)
    file_name, _ = FORMS[table_kind]
    result = Plan(
        upload.name,
        table_kind,
        notes=["CSV 沒有版本欄，以資料庫目前的統計表比較；套用前若有人修改同一表，該次匯入會被拒絕。"],
    )
    cities = list(session.exec(select(City).order_by(City.sort_order)))
    by_name = {c.name: c.code for c in cities}
    problems: list[Problem] = []
    groups: dict[tuple[str, statistics.Period], list[tuple[int, dict]]] = {}
    for row in upload.table.rows:
        line = row[0].row if row else 0
        data = {name: cell.value for name, cell in zip(upload.table.header, row, strict=False) if name}
        for name, cell in zip(upload.table.header, row, strict=False):
            if cell.error:
                problems.append(Problem(upload.name, f"第 {line} 行", name, f"錯誤值「{cell.value}」"))
        if all(statistics.blank(v) for v in data.values()):
            continue
        r = Record(data, upload.name, f"第 {line} 行", problems)
        parsed = _mutual_aid_row(r, by_name) if table_kind == statistics.MUTUAL_AID else _indicator_row(r, by_name)
        if parsed is not None:
            proposal, period, values = parsed
            groups.setdefault((proposal, period), []).append((line, values))
    for (proposal_id, period), rows in groups.items():
        lines = f"第 {rows[0][0]}–{rows[-1][0]} 行" if len(rows) > 1 else f"第 {rows[0][0]} 行"
        where = f"提案 {proposal_id}（{period.label}，{lines}）"
        values = [v for _, v in rows]
        if table_kind == statistics.INDICATORS:
            found = statistics.indicator_problems(
                values, cities=cities, where=lambda i, rows=rows: f"第 {rows[i][0]} 行"
            )
            if found:
                problems += [Problem(upload.name, where, "-", p) for p in found]
                continue
        try:
            prepared = statistics.prepare(
                session,
                actor=actor,
                proposal_id=proposal_id,
                table_kind=table_kind,
                period=period,
                rows=values,
                checked=table_kind == statistics.INDICATORS,
            )
        except PermissionDenied as error:
            problems.append(Problem(upload.name, where, "proposal", str(error)))
            continue
        except EditError as error:
            problems += [Problem(upload.name, where, "-", str(p)) for p in error.problems]
            continue
        if prepared.changes:
            result.tables.append(TablePlan(prepared, lines))
    if not groups and not problems:
        problems.append(Problem(upload.name, "（檔案）", "-", f"沒有任何資料列；格式同 data/{file_name}"))
    result.problems = problems
    return result


def _mutual_aid_row(r: Record, by_name: dict) -> tuple[str, statistics.Period, dict] | None:
    start, end = r.day("period_start"), r.day("period_end")
    from_city = r.choice("from_city", by_name, "縣市")
    to_city = r.choice("to_city", by_name, "縣市")
    if from_city and from_city == to_city:
        r.problem("to_city", "支援縣市不可與請求縣市相同")
        return None
    r.integer("item_no", required=False, minimum=1)  # recounted in the store; checked as data/ does
    counts = {metric: r.count(metric) for metric in statistics.OD_METRICS}
    proposal = r.text("proposal")
    if None in (start, end, from_city, to_city, proposal) or None in counts.values():
        return None
    row = {"from_city": by_name[from_city], "to_city": by_name[to_city], **counts}
    return proposal, statistics.Period(start, end), row


def _indicator_row(r: Record, by_name: dict) -> tuple[str, statistics.Period, dict] | None:
    city = r.choice("city", by_name, "縣市", required=False)
    counterpart = r.choice("counterpart_city", by_name, "縣市", required=False)
    row = {
        "indicator": r.text("indicator"),
        "label": r.text("label"),
        "kind": r.choice("kind", statistics.INDICATOR_KINDS, "數值種類"),
        "city_code": by_name.get(city),
        "counterpart_code": by_name.get(counterpart),
        "value": r.count("value"),
        "unit": r.text("unit"),
        "note": r.text("note", False),
    }
    period = statistics.Period(r.day("period_start", False), r.day("period_end", False), r.day("as_of", False))
    proposal = r.text("proposal")
    if proposal is None or None in (row["indicator"], row["label"], row["kind"], row["value"], row["unit"]):
        return None
    return proposal, period, row


def apply(session: Session, *, actor: Actor, plan: Plan) -> list[StatisticsVersion]:
    """Write the planned tables, one version each, all or nothing."""
    if plan.problems:
        raise StatisticsRefused("檔案有問題，未套用。")
    versions = []
    try:
        for t in plan.tables:
            p = t.prepared
            version = statistics.save(
                session,
                actor=actor,
                proposal_id=p.proposal_id,
                table_kind=p.table_kind,
                period=p.period,
                rows=p.rows,
                base_version=t.base_version,
                reason=plan.reason,
                kind="import",
                commit=False,
            )
            if version is not None:
                versions.append(version)
    except (statistics.StaleStatistics, EditError, PermissionDenied) as error:
        session.rollback()
        raise StatisticsRefused(f"{error}（整個檔案未套用，請重新預覽）") from error
    session.commit()
    return versions
