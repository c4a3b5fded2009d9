"""Read the curated files in data/ and validate them into model objects.

Nothing is written here. Every problem found is collected with its file, record and field,
so that a clerk can fix all of them in one pass; `DataError` carries the whole list.
"""

import difflib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

from dashboard.datafiles.reading import check_yaml_text, read_csv, read_text, read_yaml, rel_path, text_problem
from dashboard.domain import cycles, vocab
from dashboard.domain.problems import WHOLE_FILE, DataError, Problem
from dashboard.store.models import (
    AgendaItem,
    City,
    GroupMeeting,
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

ID_PATTERN = re.compile(r"^[0-9]{3}-[A-Z]?[0-9]{2}$")
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # the store's Integer columns are 32-bit on PostgreSQL

COLUMNS = {
    "cities.csv": ("code", "name", "name_en", "lon", "lat", "color", "sort_order", "card_order"),
    "groups.csv": ("id", "name", "parent", "host_agency", "kind", "sort_order"),
    "group_meetings.csv": ("date", "group", "name"),
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
PROPOSAL_KEYS = (
    "id",
    "year",
    "track",
    "item_no",
    "previous",
    "group",
    "subgroup",
    "title",
    "card_title",
    "card_unit",
    "lead_units",
    "types",
    "cities_scope",
    "cities",
    "description",
    "approach",
    "benefits",
    "contact",
    "central_ministry",
    "progress",
    "tracking_status",
    "tracking_reason",
    "tracking_basis",
    "progress_status",
    "progress_basis",
    "notes",
)
LEAD_KEYS = ("unit", "city")
MEETING_KEYS = ("id", "name", "date", "start_time", "chair_org", "chair", "venue", "url", "agenda", "organisers")
AGENDA_KEYS = ("start", "end", "minutes", "title", "note", "key")


@dataclass
class Dataset:
    cities: list[City] = field(default_factory=list)
    groups: list[WorkGroup] = field(default_factory=list)
    group_meetings: list[GroupMeeting] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    leads: list[ProposalLead] = field(default_factory=list)
    types: list[ProposalType] = field(default_factory=list)
    proposal_cities: list[ProposalCity] = field(default_factory=list)
    mutual_aid: list[MutualAid] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    agenda: list[AgendaItem] = field(default_factory=list)
    organisers: list[Organiser] = field(default_factory=list)

    def add_proposal(self, rows: "ProposalRows") -> None:
        self.proposals.append(rows.proposal)
        self.leads += rows.leads
        self.types += rows.types
        self.proposal_cities += rows.cities

    def batches(self) -> list[list]:
        """The objects, parents before children, so that each batch can be flushed in turn."""
        return [
            self.cities,
            self.groups,
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


MISSING = object()
SCALARS = (str, int, float, date)  # what YAML gives for a plain value; sets, bytes and the like are not text


class Record:
    """One record of a source file, with typed accessors that report instead of raising."""

    def __init__(self, data: dict, file: str, label: str, problems: list[Problem]):
        self.data, self.file, self.label, self.problems = data, file, label, problems

    def problem(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.label, field_name, message))

    def only(self, allowed: tuple[str, ...]) -> None:
        """Report the keys nobody reads: a misspelt optional field would otherwise vanish silently."""
        for key in self.data:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"是不是「{near[0]}」？" if near else f"可用：{'、'.join(allowed)}"
                self.problem(str(key), f"未知的欄位；{hint}")

    def raw(self, name: str, required: bool = True) -> Any:
        value = self.data.get(name)
        if isinstance(value, str):
            if text_problem(value):
                return MISSING  # reported where the file was read; spare a second message
            value = value.strip()
        if value is None or value == "" or value == [] or value == {}:
            if required:
                self.problem(name, "必填欄位，不可空白")
            return MISSING
        return value

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.raw(name, required)
        if value is MISSING:
            return None
        if not isinstance(value, SCALARS):
            self.problem(name, "應為一段文字，不是清單或欄位對應")
            return None
        return str(value)

    def integer(self, name: str, required: bool = True, minimum: int | None = None) -> int | None:
        value = self.raw(name, required)
        if value is MISSING:
            return None
        try:
            number = int(str(value).replace(",", ""))
        except ValueError:
            self.problem(name, f"「{_shorten(value)}」不是整數")
            return None
        if minimum is not None and number < minimum:
            self.problem(name, f"數量不可為負數（目前為 {number}）" if minimum == 0 else f"須大於或等於 {minimum}")
            return None
        low = INT_MIN if minimum is None else minimum
        if not low <= number <= INT_MAX:
            self.problem(name, f"{number} 超出可接受的範圍（{low} 至 {INT_MAX}）")
            return None
        return number

    def count(self, name: str) -> int | None:
        return self.integer(name, minimum=0)

    def day(self, name: str, required: bool = True) -> date | None:
        value = self.raw(name, required)
        if value is MISSING:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.problem(name, f"日期「{value}」無效，請用西元 YYYY-MM-DD 格式（例如 2023-08-08）")
            return None

    def clock(self, name: str, required: bool = True) -> time | None:
        value = self.raw(name, required)
        if value is MISSING:
            return None
        try:
            return time.fromisoformat(str(value))
        except ValueError:
            self.problem(name, f"時間「{value}」無效，請用 HH:MM 格式（例如 14:30）")
            return None

    def choice(
        self,
        name: str,
        allowed,
        what: str,
        required: bool = True,
        labels: dict | None = None,
        where_listed: str | None = None,
    ) -> str | None:
        """A value from `allowed`; `labels` are shown beside the allowed values in the message."""
        value = self.text(name, required)
        if value is not None and value not in allowed:
            shown = [f"{k}（{labels[k]}）" if labels and k in labels else str(k) for k in allowed]
            if len(shown) > 12:  # a list too long to read: say where the values come from instead
                self.problem(name, f"未知的{what}「{_shorten(value)}」；請對照{where_listed or '可用的值'}")
            else:
                self.problem(name, f"未知的{what}「{_shorten(value)}」；可用：{'、'.join(shown)}")
            return None
        return value

    def items(self, name: str, required: bool = True) -> list:
        value = self.raw(name, required)
        if value is MISSING:
            return []
        if not isinstance(value, list):
            self.problem(name, "應為清單（每項一行，以「- 」開頭）")
            return []
        return value

    def texts(self, name: str, required: bool = True) -> list[str]:
        """A list of short texts, each once; other entries are reported."""
        texts = []
        for position, item in enumerate(self.items(name, required), start=1):
            if not isinstance(item, SCALARS):
                self.problem(name, f"第 {position} 項應為一段文字")
            else:
                texts.append(str(item))
        return list(dict.fromkeys(texts))

    def records(self, name: str, what: str, required: bool = True) -> list[tuple[int, dict]]:
        """A list of mappings, numbered from 1; other entries are reported."""
        found = []
        for position, item in enumerate(self.items(name, required), start=1):
            if isinstance(item, dict):
                found.append((position, item))
            else:
                self.problem(name, f"第 {position} 項應為{what}")
        return found


def _shorten(value, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _unique(items: list, key: Callable, file: str, what: str, problems: list[Problem], label: Callable) -> None:
    counts = Counter(key(item) for item in items)
    kind = "識別碼" if what in ("id", "code") else "名稱"
    for item in items:
        if key(item) is not None and counts[key(item)] > 1:
            problems.append(Problem(file, label(item), what, f"重複的{kind}「{key(item)}」"))


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
    ds.group_meetings = _group_meetings(data_dir, problems, group_ids)
    proposal_ids = _proposals(data_dir, problems, ds, city_by_name, {g.id: g for g in ds.groups})
    if not proposal_ids:
        raise DataError(problems)  # the figures all belong to proposals
    ds.mutual_aid = _mutual_aid(data_dir, problems, city_by_name, proposal_ids)
    ds.indicators = _indicators(data_dir, problems, city_by_name, proposal_ids)
    _meetings(data_dir, problems, ds)
    _geo(data_dir, problems, set(city_by_name))
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
    _unique(cities, lambda c: c.code, file, "code", problems, lambda c: c.name)
    _unique(cities, lambda c: c.name, file, "name", problems, lambda c: c.name)
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
                kind=r.choice("kind", ["topic", "development", "staff"], "組別類型"),
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
    _unique(groups, lambda g: g.id, file, "id", problems, lambda g: g.name or "?")
    _unique(groups, lambda g: g.name, file, "name", problems, lambda g: g.name or "?")
    return groups


def _group_meetings(root: Path, problems: list[Problem], group_ids: dict) -> list[GroupMeeting]:
    file = rel_path(root / "group_meetings.csv", root)
    meetings = []
    for label, row in read_csv(root / "group_meetings.csv", root, COLUMNS["group_meetings.csv"], problems) or []:
        r = Record(row, file, label, problems)
        meetings.append(
            GroupMeeting(
                date=r.day("date"), group_id=r.choice("group", group_ids, "組別", labels=group_ids), name=r.text("name")
            )
        )
    return meetings


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
        r = proposal_record(data, file, f"提案 {_shorten(data.get('id') or path.stem)}", problems)
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
    _sort_proposals(ds.proposals)
    _check_lineage(ds.proposals, seen, problems)
    return set(seen)


def _check_lineage(proposals: list[Proposal], files: dict[str, str], problems: list[Problem]) -> None:
    """`previous` names a proposal of the cycle before, and each proposal is continued at most once."""
    by_id = {p.id: p for p in proposals}
    continued: dict[str, str] = {}
    for p in proposals:
        if p.previous_id is None:
            continue
        label, before = f"提案 {p.id}", by_id.get(p.previous_id)
        if p.previous_id not in files:
            problems.append(
                Problem(
                    files[p.id], label, "previous", f"未知的提案編號「{p.previous_id}」；請對照 proposals/ 資料夾的檔名"
                )
            )
        elif p.track != vocab.CARRIED:
            problems.append(Problem(files[p.id], label, "previous", "只有列管案（track: carried）延續前一年度的提案"))
        elif before is not None and cycles.cycle_of(year=before.year, track=before.track) != p.year:
            problems.append(
                Problem(files[p.id], label, "previous", f"{p.previous_id} 不是 {p.year} 年度的提案，{p.id} 不能延續它")
            )
        elif p.previous_id in continued:
            problems.append(
                Problem(
                    files[p.id],
                    label,
                    "previous",
                    f"{p.previous_id} 已由 {continued[p.previous_id]} 延續，一案只能延續一次",
                )
            )
        else:
            continued[p.previous_id] = p.id


@dataclass
class ProposalRows:
    """One proposal document validated into its rows."""

    proposal: Proposal
    leads: list[ProposalLead]
    types: list[ProposalType]
    cities: list[ProposalCity]


def proposal_record(data: dict, file: str, label: str, problems: list[Problem]) -> Record:
    """The checks of a proposal document as a whole: texts a store can hold, no unknown keys."""
    check_yaml_text(data, file, label, problems)
    r = Record(data, file, label, problems)
    r.only(PROPOSAL_KEYS)
    return r


def proposal_rows(
    data: dict, *, file: str, problems: list[Problem], city_by_name: dict, groups: dict, record: Record | None = None
) -> ProposalRows | None:
    """Validate one proposal document (a data/proposals file, or a proposal after an edit): the
    one set of rules for the loader and for every change made in the dashboard. Problems are added
    to `problems`; None when the proposal row itself cannot be made. `record`, when given, is the
    document's proposal_record (the loader checks the file's id with it first)."""
    r = record or proposal_record(data, file, f"提案 {_shorten(data.get('id'))}", problems)
    pid = r.text("id")
    proposal = _proposal(r, pid, groups) if pid else None
    if proposal is None:
        return None
    rows = ProposalRows(proposal, [], [], [])
    for position, lead in r.records("lead_units", "提案單位（city 與 unit）"):
        lr = Record(lead, file, f"{r.label} 提案單位第 {position} 筆", problems)
        lr.only(LEAD_KEYS)
        city = lr.choice("city", city_by_name, "縣市")
        unit = lr.text("unit")
        if city and unit:
            rows.leads.append(ProposalLead(proposal_id=pid, position=position, unit=unit, city_code=city_by_name[city]))
    for kind in r.texts("types", required=proposal.cities_scope is not None):
        if kind not in vocab.PROPOSAL_TYPES:
            r.problem("types", f"未知的提案類型「{kind}」；可用：{'、'.join(vocab.PROPOSAL_TYPES)}")
        else:
            rows.types.append(ProposalType(proposal_id=pid, type=kind))
    cities = r.texts("cities", required=proposal.cities_scope is not None)
    for name in cities:
        if name not in city_by_name:
            r.problem("cities", f"未知的縣市「{name}」；請用正式名稱，例如「臺北市」")
        else:
            rows.cities.append(ProposalCity(proposal_id=pid, city_code=city_by_name[name]))
    if proposal.cities_scope == "all" and set(cities) != set(city_by_name):
        r.problem("cities", "合作縣市勾選「北臺八縣市」時，應列出全部八縣市")
    if proposal.cities_scope == "partial" and len(set(cities)) >= len(city_by_name):
        r.problem("cities", "勾選「部分縣市」時，不應列出全部八縣市")
    return rows


def _proposal(r: Record, pid: str, groups: dict) -> Proposal | None:
    top = {g: v.name for g, v in groups.items() if not v.parent_id}
    group = r.choice("group", top, "組別", labels=top)
    subgroup = r.text("subgroup", False)
    if subgroup is not None:
        if subgroup not in groups:
            r.problem("subgroup", f"未知的分組「{subgroup}」")
            subgroup = None
        elif groups[subgroup].parent_id != group:
            r.problem("subgroup", f"分組「{subgroup}」不屬於組別「{group}」")
    scope = r.choice("cities_scope", list(vocab.CITY_SCOPES), "合作縣市範圍", required=False)
    progress = r.text("progress", False)
    reason = r.text("tracking_reason", False)
    basis = r.text("progress_basis")
    if basis and basis not in (progress or "") + (reason or ""):
        r.problem("progress_basis", "依據句須逐字出現在「progress」或「tracking_reason」中")
    track = r.choice("track", list(vocab.TRACKS), "類別")
    year = r.integer("year", minimum=100)
    if track == vocab.CENTRAL and not r.text("central_ministry", False):
        r.problem("central_ministry", "請求中央協助的提案須填對應中央部會")
    previous = r.text("previous", False)
    if previous is not None and not ID_PATTERN.match(previous):
        r.problem("previous", f"提案編號「{_shorten(previous)}」格式應如 112-J01 或 111-01")
    elif previous is not None and previous == pid:
        r.problem("previous", "不可延續自己")
    fields = dict(
        id=pid,
        year=year,
        track=track,
        item_no=r.integer("item_no", minimum=1),
        sort_order=0,
        previous_id=previous,
        group_id=group,
        subgroup_id=subgroup,
        title=r.text("title"),
        card_title=r.text("card_title", False),
        card_unit=r.text("card_unit", False),
        cities_scope=scope,
        description=r.text("description", False),
        approach=r.text("approach", False),
        benefits=r.text("benefits", False),
        contact=r.text("contact", False),
        central_ministry=r.text("central_ministry", False),
        progress=progress,
        tracking_status=r.choice("tracking_status", vocab.TRACKING_STATUSES, "列管狀態"),
        tracking_reason=reason,
        tracking_basis=r.text("tracking_basis"),
        progress_status=r.choice("progress_status", vocab.PROGRESS_STATUSES, "進度狀態"),
        progress_basis=basis,
        notes=r.text("notes", False),
    )
    required = (
        "year",
        "track",
        "item_no",
        "group_id",
        "title",
        "tracking_status",
        "tracking_basis",
        "progress_status",
        "progress_basis",
    )
    if any(fields[name] is None for name in required):
        return None
    return Proposal(**fields)


def packet_key(proposal: Proposal) -> tuple:
    """Packet order, cycle by cycle: the carried-over proposals (111-01…, de-list table then keep
    table), then the year's central, then its joint proposals."""
    track_rank = {t: i for i, t in enumerate(vocab.TRACKS)}
    return (
        cycles.cycle_of(year=proposal.year, track=proposal.track),
        track_rank.get(proposal.track, len(track_rank)),
        proposal.id,
    )


def _sort_proposals(proposals: list[Proposal]) -> None:
    proposals.sort(key=packet_key)
    for order, p in enumerate(proposals, start=1):
        p.sort_order = order


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


MEETING_FILE = "meeting.yaml"  # a store of one meeting (one cycle)
MEETINGS_DIR = "meetings"  # a store of many: meetings/<id>.yaml, one file per meeting


def meeting_files(root: Path) -> list[Path]:
    """The meeting files of a data folder: meeting.yaml and/or meetings/*.yaml. Without any, the
    one meeting.yaml (so that its absence is reported as before)."""
    files = sorted((root / MEETINGS_DIR).glob("*.yaml"))
    single = root / MEETING_FILE
    return [single, *files] if single.exists() or not files else files


def _meetings(root: Path, problems: list[Problem], ds: Dataset) -> None:
    seen: dict[str, str] = {}
    for path in meeting_files(root):
        meeting = _meeting(root, path, problems, ds)
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


def _meeting(root: Path, path: Path, problems: list[Problem], ds: Dataset) -> Meeting | None:
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
    )
    ds.meetings.append(meeting)
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
        ds.agenda.append(
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
    if organisers is not MISSING and not isinstance(organisers, dict):
        r.problem("organisers", "應為各角色（如「主辦單位」）與其單位清單的對應")
    elif isinstance(organisers, dict):
        roles = Record(organisers, file, "會議 organisers", problems)
        for role in organisers:
            if not isinstance(role, str):
                roles.problem(str(role), "角色名稱應為文字，例如「主辦單位」")
                continue
            for position, name in enumerate(roles.texts(role), start=1):
                ds.organisers.append(Organiser(meeting_id=meeting.id, role=str(role), position=position, name=name))
    return meeting


def _geo(root: Path, problems: list[Problem], city_names: set[str]) -> None:
    """The county outlines the map draws: not stored, but a broken file would break the map page."""
    path = root / "geo" / "taiwan_counties.geojson"
    file = rel_path(path, root)
    text = read_text(path, file, problems)
    if text is None:
        return
    try:
        features = json.loads(text).get("features")
    except (ValueError, AttributeError, RecursionError) as error:
        where = f"第 {error.lineno} 行" if isinstance(error, json.JSONDecodeError) else WHOLE_FILE
        problems.append(Problem(file, where, "-", "不是有效的 GeoJSON（應為含 features 清單的 JSON 物件）"))
        return
    if not isinstance(features, list):
        problems.append(Problem(file, WHOLE_FILE, "features", "應為縣市界線的清單"))
        return
    region, malformed = set(), False
    for position, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not (
            isinstance(properties, dict)
            and isinstance(properties.get("name"), str)
            and isinstance(properties.get("region"), bool)
            and isinstance(geometry, dict)
            and geometry.get("type") in ("Polygon", "MultiPolygon")
            and isinstance(geometry.get("coordinates"), list)
        ):
            problems.append(
                Problem(
                    file,
                    f"第 {position} 個縣市",
                    "-",
                    "應有 properties（name、region）與 Polygon 或 MultiPolygon 的 geometry",
                )
            )
            malformed = True
        elif properties["region"]:
            region.add(properties["name"])
    if not malformed:
        for name in sorted(city_names - region):
            problems.append(Problem(file, WHOLE_FILE, "region", f"缺少「{name}」的界線（region 為 true 的縣市）"))
