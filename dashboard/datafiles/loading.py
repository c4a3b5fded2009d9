"""Read the curated files in data/ and validate them into model objects.

Nothing is written here. Every problem found is collected with its file, record and field,
so that a clerk can fix all of them in one pass; `DataError` carries the whole list. The rules of a
proposal are the domain's (domain/proposal_rules.py), shared with every change made in the dashboard.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.datafiles.meeting_files import read_meetings
from dashboard.datafiles.outlines import check_outlines
from dashboard.datafiles.reading import read_csv, read_yaml, rel_path
from dashboard.domain import meeting_log, vocab
from dashboard.domain.problems import WHOLE_FILE, DataError, Problem
from dashboard.domain.proposal_rules import (
    ID_PATTERN,
    MEETING_MAX_CHARS,
    ProposalRows,
    check_lineage,
    proposal_record,
    proposal_rows,
    sort_proposals,
    too_long,
)
from dashboard.domain.records import MISSING, Record, shorten, unique
from dashboard.store.models import (
    AgendaItem,
    City,
    GroupMeeting,
    GroupTerm,
    Indicator,
    Meeting,
    MutualAid,
    Organiser,
    Proposal,
    ProposalCity,
    ProposalLead,
    ProposalType,
    WorkGroup,
)

__all__ = ["DataError", "Dataset", "Problem", "load_dataset"]

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # the store's Integer columns are 32-bit on PostgreSQL

# Columns a file may have or not: a meeting's kind (read from its name when absent) and what was decided.
OPTIONAL_COLUMNS = {"group_meetings.csv": ("kind", "decided")}
COLUMNS = {
    "cities.csv": ("code", "name", "name_en", "lon", "lat", "color", "sort_order", "card_order"),
    "groups.csv": ("id", "name", "parent", "host_agency", "kind", "sort_order"),
    "group_meetings.csv": ("date", "group", "name"),
    # optional: the groups as they stand from a cycle on (dashboard/domain/group_terms.py)
    "group_terms.csv": (
        "group",
        "year",
        "name",
        "parent",
        "host_agency",
        "sort_order",
        "added",
        "closed",
        "merged_into",
        "host_carried",
    ),
    "mutual_aid.csv": (
        "from_city",
        "item_no",
        "to_city",
        "fire",
        "ambulance",
        "relay",
        "period_start",
        "period_end",
        "proposal",
    ),
    "indicators.csv": (
        "proposal",
        "indicator",
        "label",
        "kind",
        "city",
        "counterpart_city",
        "value",
        "unit",
        "period_start",
        "period_end",
        "as_of",
        "note",
    ),
}


@dataclass
class Dataset:
    cities: list[City] = field(default_factory=list)
    groups: list[WorkGroup] = field(default_factory=list)
    group_terms: list[GroupTerm] = field(default_factory=list)
    group_meetings: list[GroupMeeting] = field(default_factory=list)
    # the optional columns group_meetings.csv has: an import into a store with edits takes only these
    group_meeting_columns: tuple[str, ...] = ()
    proposals: list[Proposal] = field(default_factory=list)
    leads: list[ProposalLead] = field(default_factory=list)
    types: list[ProposalType] = field(default_factory=list)
    proposal_cities: list[ProposalCity] = field(default_factory=list)
    mutual_aid: list[MutualAid] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    agenda: list[AgendaItem] = field(default_factory=list)
    organisers: list[Organiser] = field(default_factory=list)

    def add_proposal(self, rows: ProposalRows) -> None:
        self.proposals.append(rows.proposal)
        self.leads += rows.leads
        self.types += rows.types
        self.proposal_cities += rows.cities

    def batches(self) -> list[list]:
        """The objects, parents before children, so that each batch can be flushed in turn."""
        return [
            self.cities,
            self.groups,
            self.group_terms,
            self.group_meetings,
            self.proposals,
            self.leads,
            self.types,
            self.proposal_cities,
            self.mutual_aid,
            self.indicators,
            self.meetings,
            self.agenda,
            self.organisers,
        ]


def load_dataset(data_dir: Path) -> Dataset:
    """Parse and validate all of data/; raise DataError listing every problem."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        reason = "這裡應是資料夾，卻是檔案" if data_dir.exists() else "找不到資料夾"
        raise DataError([Problem(str(data_dir), "（資料夾）", "-", reason)])
    problems: list[Problem] = []
    ds = Dataset()
    ds.cities, city_by_name = _cities(data_dir, problems)
    ds.groups = _groups(data_dir, problems)
    group_ids = {g.id: g.name for g in ds.groups}
    if not city_by_name or not group_ids:
        raise DataError(problems)  # everything else refers to cities and groups: spare the echoes
    ds.group_terms = _group_terms(data_dir, problems, group_ids)
    ds.group_meetings, ds.group_meeting_columns = _group_meetings(data_dir, problems, group_ids)
    proposal_ids = _proposals(data_dir, problems, ds, city_by_name, {g.id: g for g in ds.groups})
    if not proposal_ids:
        raise DataError(problems)  # the figures all belong to proposals
    ds.mutual_aid = _mutual_aid(data_dir, problems, city_by_name, proposal_ids)
    ds.indicators = _indicators(data_dir, problems, city_by_name, proposal_ids)
    meetings = read_meetings(data_dir, problems, tuple(city_by_name))
    ds.meetings, ds.agenda, ds.organisers = meetings.meetings, meetings.agenda, meetings.organisers
    check_outlines(data_dir, problems, set(city_by_name))
    if problems:
        raise DataError(problems)
    return ds


def _cities(root: Path, problems: list[Problem]) -> tuple[list[City], dict[str, str]]:
    """The valid cities, and name -> code of every named city (so one bad cell is reported once)."""
    file = rel_path(root / "cities.csv", root)
    cities = []
    rows = read_csv(root / "cities.csv", root, COLUMNS["cities.csv"], problems, rows_required=True) or []
    names = {row["name"].strip(): row["code"].strip() for _, row in rows if row.get("name") and row.get("code")}
    for label, row in rows:
        r = Record(row, file, label, problems)
        before = len(problems)
        city = City(
            code=r.text("code"),
            name=r.text("name"),
            name_en=r.text("name_en"),
            lon=_float(r, "lon", 118, 123),
            lat=_float(r, "lat", 21, 27),
            color=r.text("color"),
            sort_order=r.integer("sort_order"),
            card_order=r.integer("card_order"),
        )
        if len(problems) == before:
            cities.append(city)
    unique(cities, lambda c: c.code, file, "code", problems, lambda c: c.name)
    unique(cities, lambda c: c.name, file, "name", problems, lambda c: c.name)
    return cities, names


def _float(r: Record, name: str, low: float, high: float) -> float | None:
    value = r.raw(name)
    if value is MISSING:
        return None
    try:
        number = float(value)
    except ValueError:
        r.problem(name, f"「{value}」不是數字")
        return None
    if not low <= number <= high:
        r.problem(name, f"{number} 不在臺灣範圍內（{low}–{high}）")
    return number


def _groups(root: Path, problems: list[Problem]) -> list[WorkGroup]:
    file = rel_path(root / "groups.csv", root)
    groups = []
    for label, row in read_csv(root / "groups.csv", root, COLUMNS["groups.csv"], problems, rows_required=True) or []:
        r = Record(row, file, label, problems)
        gid = r.text("id")
        if gid and not SLUG_PATTERN.match(gid):
            r.problem("id", f"識別碼「{gid}」只能用小寫英文字母、數字與連字號")
        groups.append(
            WorkGroup(
                id=gid,
                name=r.text("name"),
                parent_id=r.text("parent", False),
                host_agency=r.text("host_agency", False),
                kind=r.choice("kind", vocab.GROUP_KINDS, "組別類型"),
                sort_order=r.integer("sort_order"),
            )
        )
    ids = {g.id for g in groups}
    with_children = {g.parent_id for g in groups if g.parent_id}
    for g in groups:
        if g.parent_id and g.parent_id not in ids:
            problems.append(Problem(file, g.name or "?", "parent", f"未知的上層組別「{g.parent_id}」"))
        if not g.host_agency and g.id not in with_children:
            problems.append(
                Problem(file, g.name or "?", "host_agency", "必填欄位，不可空白（沒有分組的組別須有主辦單位）")
            )
    unique(groups, lambda g: g.id, file, "id", problems, lambda g: g.name or "?")
    unique(groups, lambda g: g.name, file, "name", problems, lambda g: g.name or "?")
    return groups


FLAGS = {"1": True, "0": False, "": False}  # group_terms.csv's yes/no columns


def _group_terms(root: Path, problems: list[Problem], group_ids: dict) -> list[GroupTerm]:
    """The optional group_terms.csv: each row a group as it stands from `year` on."""
    path = root / "group_terms.csv"
    if not path.exists():
        return []
    file = rel_path(path, root)
    terms = []
    for label, row in read_csv(path, root, COLUMNS["group_terms.csv"], problems) or []:
        r = Record(row, file, label, problems)
        before = len(problems)
        references = {name: r.text(name, name == "group") for name in ("group", "parent", "merged_into")}
        for name, value in references.items():
            if value is not None and value not in group_ids:
                r.problem(name, f"未知的組別「{value}」（須為 groups.csv 的 id）")
        flags = {}
        for name in ("added", "closed", "host_carried"):
            value = (row.get(name) or "").strip()
            if value not in FLAGS:
                r.problem(name, f"應為 1（是）或 0／空白（否），不是「{value}」")
            flags[name] = FLAGS.get(value, False)
        term = GroupTerm(
            group_id=references["group"],
            year=r.integer("year", minimum=1),
            name=r.text("name"),
            parent_id=references["parent"],
            host_agency=r.text("host_agency", False),
            sort_order=r.integer("sort_order"),
            merged_into=references["merged_into"],
            **flags,
        )
        if len(problems) == before:
            terms.append(term)
    unique(terms, lambda t: (t.group_id, t.year), file, "year", problems, lambda t: f"{t.group_id} {t.year}")
    return terms


def _group_meetings(root: Path, problems: list[Problem], group_ids: dict) -> tuple[list[GroupMeeting], tuple[str, ...]]:
    file = rel_path(root / "group_meetings.csv", root)
    meetings, columns = [], set()
    rows = read_csv(
        root / "group_meetings.csv",
        root,
        COLUMNS["group_meetings.csv"],
        problems,
        optional=OPTIONAL_COLUMNS["group_meetings.csv"],
    )
    for label, row in rows or []:
        columns |= set(row) & set(OPTIONAL_COLUMNS["group_meetings.csv"])
        r = Record(row, file, label, problems)
        given_kind = (row.get("kind") or "").strip()
        name = r.text("name", required=not given_kind) or ""  # a meeting with its kind may have no name
        kind = given_kind or meeting_log.infer_kind(name)
        if kind not in vocab.MEETING_KINDS:
            r.problem("kind", f"未知的會議類別「{kind}」；可用：{'、'.join(vocab.MEETING_KINDS)}")
        decided = (row.get("decided") or "").replace("\r\n", "\n").strip()
        limit = MEETING_MAX_CHARS["decided"]
        if len(decided) > limit:
            r.problem("decided", too_long(meeting_log.FIELD_LABELS["decided"], limit, len(decided)))
        meetings.append(
            GroupMeeting(
                date=r.day("date"),
                group_id=r.choice("group", group_ids, "組別", labels=group_ids),
                name=name,
                kind=kind,
                decided=decided or None,
            )
        )
    return meetings, tuple(c for c in OPTIONAL_COLUMNS["group_meetings.csv"] if c in columns)


def _proposals(root: Path, problems: list[Problem], ds: Dataset, city_by_name: dict, groups: dict) -> set[str]:
    """Fill ds with the valid proposals; return every id found, valid or not, for references."""
    folder = root / "proposals"
    files = sorted(folder.glob("*.yaml"))
    for stray in sorted(folder.glob("*.yml")):
        problems.append(Problem(rel_path(stray, root), WHOLE_FILE, "-", "副檔名應為 .yaml，否則不會讀入"))
    if not files:
        problems.append(Problem(rel_path(folder, root) + "/", "（資料夾）", "-", "找不到任何提案檔（*.yaml）"))
    seen: dict[str, str] = {}
    for path in files:
        file = rel_path(path, root)
        data = read_yaml(path, root, problems)
        if data is None:
            seen.setdefault(path.stem, file)  # already reported; spare the records that refer to it
            continue
        r = proposal_record(data, file, f"提案 {shorten(data.get('id') or path.stem)}", problems)
        pid = r.text("id")
        if pid is None:
            seen.setdefault(path.stem, file)  # reported; spare the records that refer to it
            continue
        if pid in seen:
            r.problem("id", f"重複的提案編號「{pid}」（已用於 {seen[pid]}）")
            continue
        seen[pid] = file
        if not ID_PATTERN.match(pid):
            r.problem("id", f"提案編號「{pid}」格式應如 112-J01 或 111-01")
        elif path.stem != pid:
            r.problem("id", f"檔名應與提案編號相同（{pid}.yaml）")
        rows = proposal_rows(data, file=file, problems=problems, city_by_name=city_by_name, groups=groups, record=r)
        if rows is not None:
            ds.add_proposal(rows)
    sort_proposals(ds.proposals)
    check_lineage(ds.proposals, seen, problems)
    return set(seen)


def _mutual_aid(root: Path, problems: list[Problem], city_by_name: dict, proposal_ids: set) -> list[MutualAid]:
    file = rel_path(root / "mutual_aid.csv", root)
    rows = []
    for label, row in read_csv(root / "mutual_aid.csv", root, COLUMNS["mutual_aid.csv"], problems) or []:
        r = Record(row, file, label, problems)
        start, end = r.day("period_start"), r.day("period_end")
        if start and end and end < start:
            r.problem("period_end", "統計區間結束日早於開始日")
        from_city = r.choice("from_city", city_by_name, "縣市")
        to_city = r.choice("to_city", city_by_name, "縣市")
        if from_city and from_city == to_city:
            r.problem("to_city", "支援縣市不可與請求縣市相同")
        values = dict(
            item_no=r.integer("item_no", minimum=1),
            fire=r.count("fire"),
            ambulance=r.count("ambulance"),
            relay=r.count("relay"),
            proposal_id=r.choice("proposal", proposal_ids, "提案編號", where_listed="proposals/ 資料夾的檔名"),
        )
        if None in (from_city, to_city, start, end) or None in values.values():
            continue
        rows.append(
            MutualAid(
                from_city=city_by_name[from_city],
                to_city=city_by_name[to_city],
                period_start=start,
                period_end=end,
                **values,
            )
        )
    seen = Counter((m.from_city, m.to_city, m.period_start) for m in rows)
    for m in rows:
        if seen[(m.from_city, m.to_city, m.period_start)] > 1:
            problems.append(Problem(file, f"{m.from_city}→{m.to_city}", "to_city", "同一區間內同一對縣市重複"))
    return rows


def _indicators(root: Path, problems: list[Problem], city_by_name: dict, proposal_ids: set) -> list[Indicator]:
    file = rel_path(root / "indicators.csv", root)
    rows = []
    for label, row in read_csv(root / "indicators.csv", root, COLUMNS["indicators.csv"], problems) or []:
        r = Record(row, file, label, problems)
        city = r.choice("city", city_by_name, "縣市", required=False)
        counterpart = r.choice("counterpart_city", city_by_name, "縣市", required=False)
        item = Indicator(
            proposal_id=r.choice("proposal", proposal_ids, "提案編號", where_listed="proposals/ 資料夾的檔名"),
            indicator=r.text("indicator"),
            label=r.text("label"),
            kind=r.choice("kind", ["value", "total"], "數值種類"),
            city_code=city_by_name.get(city),
            counterpart_code=city_by_name.get(counterpart),
            value=r.count("value"),
            unit=r.text("unit"),
            period_start=r.day("period_start", False),
            period_end=r.day("period_end", False),
            as_of=r.day("as_of", False),
            note=r.text("note", False),
        )
        if None not in (item.proposal_id, item.indicator, item.label, item.kind, item.value, item.unit):
            rows.append(item)
    _check_totals(rows, file, problems)
    return rows


def _check_totals(rows: list[Indicator], file: str, problems: list[Problem]) -> None:
    """A stated total must equal the sum of the detail rows it covers."""
    for total in (row for row in rows if row.kind == "total"):
        parts = [
            row
            for row in rows
            if row.kind == "value"
            and row.indicator == total.indicator
            and row.proposal_id == total.proposal_id
            and (total.city_code is None or row.city_code == total.city_code)
            and (total.counterpart_code is None or row.counterpart_code == total.counterpart_code)
        ]
        if parts and sum(p.value for p in parts) != total.value:
            problems.append(
                Problem(
                    file,
                    f"{total.proposal_id} {total.indicator}",
                    "value",
                    f"合計 {total.value} 與明細加總 {sum(p.value for p in parts)} 不符",
                )
            )
