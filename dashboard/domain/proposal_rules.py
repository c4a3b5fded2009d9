"""The rules of a proposal document: the one set for the loader and for every change made in the
dashboard (edits, new proposals, carried rows of a new cycle), and the packet order."""

import re
from dataclasses import dataclass

from dashboard.domain import cycles, vocab
from dashboard.domain.problems import Problem
from dashboard.domain.records import Record, shorten
from dashboard.domain.text import check_yaml_text
from dashboard.store.models import Proposal, ProposalCity, ProposalLead, ProposalType

ID_PATTERN = re.compile(r"^[0-9]{3}-[A-Z]?[0-9]{2}$")
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
    "card_position",
    "card_heading",
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
    "recommendation_date",
    "tracking_basis",
    "progress_status",
    "progress_basis",
    "notes",
    "risk",
    "risk_reason",
)
# Every document key as users read it (forms, messages and history rows name fields by these).
FIELD_LABELS = {
    "id": "提案編號",
    "year": "年度",
    "track": "類別",
    "item_no": "項次",
    "group": "議題組",
    "subgroup": "分組",
    "previous": "延續自",
    "title": "提案名稱",
    "card_title": "提案單上的名稱",
    "card_unit": "提案單位（提案單）",
    "card_position": "提案單裝訂順序",
    "card_heading": "提案單標題",
    "cities_scope": "合作縣市範圍",
    "description": "說明",
    "approach": "具體作法",
    "benefits": "合作效益",
    "central_ministry": "對應中央部會",
    "tracking_basis": "列管狀態依據",
    "recommendation_date": "議題組會議日期",
    "notes": "備註",
    "progress": "進度說明",
    "progress_status": "進度狀態",
    "progress_basis": "進度狀態依據",
    "tracking_status": "列管狀態",
    "tracking_reason": "列管原因",
    "contact": "聯絡人",
    "lead_units": "提案單位",
    "cities": "合作縣市",
    "types": "提案類型",
    "risk": "風險燈號",
    "risk_reason": "風險燈號原因",
}
# The most characters each text field may hold: a title fits the presenter's screen and the card's
# heading, a contact a few lines; the card's long texts a few pages. The 112 cards use at most 50
# (title), 26 (card title), 53 (contact), 825 (具體作法) and 444 (說明): each limit leaves ample room.
MAX_CHARS = {
    "title": 120,
    "card_title": 120,
    "card_unit": 100,
    "card_heading": 120,
    "description": 3000,
    "approach": 3000,
    "benefits": 3000,
    "contact": 300,
    "central_ministry": 100,
    "progress": 3000,
    "tracking_reason": 1000,
    "tracking_basis": 1000,
    "progress_basis": 1000,
    "notes": 1000,
    "risk_reason": 1000,
}
# The working groups' meeting log (dashboard/domain/meeting_log.py): a meeting's name and what was
# decided (the longest name of 112 is 18 characters).
MEETING_MAX_CHARS = {"name": 100, "decided": 2000}
UNIT_MAX_CHARS = 100  # a lead unit's name (提案單位 → 單位)
LEADS = "lead_units"  # the list field of a proposal's lead units; Problem.part of their problems
LEAD_KEYS = ("unit", "city")


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
    for field, limit in MAX_CHARS.items():
        value = data.get(field)
        if isinstance(value, str) and len(value.strip()) > limit:
            r.problem(field, too_long(FIELD_LABELS[field], limit, len(value.strip())))
    return r


def at_limit(values: dict) -> list[str]:
    """What to tell the typist of texts filled to their limit: a form's field stops taking characters
    there, and a paste into it keeps only its first part without a word, so the end may be missing.
    A text longer than its limit was not cut (it is refused, naming the field): not said of it."""
    return [
        f"「{FIELD_LABELS[field]}」已達上限 {limit} 字：貼上的內容若較長，超出的部分未收錄，請確認結尾完整。"
        for field, limit in MAX_CHARS.items()
        if isinstance(values.get(field), str) and len(values[field]) >= limit >= len(values[field].strip())
    ]


def too_long(label: str, limit: int, given: int) -> str:
    """The refusal of a text over its limit, naming the field, its limit and the length given."""
    return f"{label}最多 {limit} 字，目前為 {given} 字；請縮短後再儲存"


def lead_label(position: int) -> str:
    """How the clerk counts a lead unit: 提案單位第 2 筆."""
    return f"提案單位第 {position} 筆"


def proposal_rows(
    data: dict, *, file: str, problems: list[Problem], city_by_name: dict, groups: dict, record: Record | None = None
) -> ProposalRows | None:
    """Validate one proposal document (a data/proposals file, or a proposal after an edit): the
    one set of rules for the loader and for every change made in the dashboard. Problems are added
    to `problems`; None when the proposal row itself cannot be made. `record`, when given, is the
    document's proposal_record (the loader checks the file's id with it first)."""
    r = record or proposal_record(data, file, f"提案 {shorten(data.get('id'))}", problems)
    pid = r.text("id")
    proposal = _proposal(r, pid, groups) if pid else None
    if proposal is None:
        return None
    rows = ProposalRows(proposal, [], [], [])
    for position, lead in r.records("lead_units", "提案單位（city 與 unit）"):
        lr = Record(lead, file, f"{r.label} {lead_label(position)}", problems, LEADS, position)
        lr.only(LEAD_KEYS)
        city = lr.choice("city", city_by_name, "縣市")
        unit = lr.text("unit")
        if unit and len(unit) > UNIT_MAX_CHARS:
            lr.problem("unit", too_long("單位名稱", UNIT_MAX_CHARS, len(unit)))
            unit = None
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
    if proposal.cities_scope == vocab.ALL_CITIES and set(cities) != set(city_by_name):
        r.problem("cities", "合作縣市勾選「北臺八縣市」時，應列出全部八縣市")
    if proposal.cities_scope == vocab.SOME_CITIES and len(set(cities)) >= len(city_by_name):
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
    basis = r.text("progress_basis", progress is not None)  # without a progress text, nothing to quote
    if basis and basis not in (progress or "") + (reason or ""):
        r.problem("progress_basis", "依據句須逐字出現在「progress」或「tracking_reason」中")
    track = r.choice("track", list(vocab.TRACKS), "類別")
    year = r.integer("year", minimum=100)
    if track == vocab.CENTRAL and not r.text("central_ministry", False):
        r.problem("central_ministry", "請求中央協助的提案須填對應中央部會")
    previous = r.text("previous", False)
    if previous is not None and not ID_PATTERN.match(previous):
        r.problem("previous", f"提案編號「{shorten(previous)}」格式應如 112-J01 或 111-01")
    elif previous is not None and previous == pid:
        r.problem("previous", "不可延續自己")
    risk, risk_reason = _risk(r)
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
        card_position=r.integer("card_position", False, minimum=1),
        card_heading=r.text("card_heading", False),
        cities_scope=scope,
        description=r.text("description", False),
        approach=r.text("approach", False),
        benefits=r.text("benefits", False),
        contact=r.text("contact", False),
        central_ministry=r.text("central_ministry", False),
        progress=progress,
        tracking_status=(status := r.choice("tracking_status", vocab.TRACKING_STATUSES, "列管狀態")),
        tracking_reason=reason,
        recommendation_date=_recommendation_date(r, status),
        tracking_basis=r.text("tracking_basis", False) or "",  # the column predates optional bases
        progress_status=r.choice("progress_status", vocab.PROGRESS_STATUSES, "進度狀態"),
        progress_basis=basis or "",
        notes=r.text("notes", False),
        risk=risk,
        risk_reason=risk_reason,
    )
    required = (
        "year",
        "track",
        "item_no",
        "group_id",
        "title",
        "tracking_status",
        "progress_status",
    )
    if any(fields[name] is None for name in required):
        return None
    return Proposal(**fields)


def _recommendation_date(r: Record, status: str | None):
    """The date of the working-group meeting that agreed the recommendation: a real day, and only
    beside a recommendation (the store checks it against the cycle's meeting: editing.py)."""
    day = r.day("recommendation_date", False)
    if day is not None and status is not None and vocab.recommendation(status) is None:
        r.problem(
            "recommendation_date",
            f"列管狀態「{status}」{vocab.NO_RECOMMENDATION}，不需填議題組會議日期；"
            f"請先選{'或'.join(vocab.RECOMMENDATIONS.values())}，或清除日期",
        )
    return day


def _risk(r: Record) -> tuple[str | None, str | None]:
    """The risk light and its reason: one of vocab.RISKS or none (未評估); 紅 needs a reason, and a
    reason needs a light (clearing the light clears its reason too)."""
    risk = r.choice("risk", vocab.RISKS, FIELD_LABELS["risk"], required=False)
    reason = r.text("risk_reason", False)
    if risk in vocab.RISK_NEEDS_REASON and not reason:
        r.problem(
            "risk_reason",
            f"風險燈號為「{vocab.risk_label(risk)}」時須填寫{FIELD_LABELS['risk_reason']}，說明需要副首長協調的事項",
        )
    elif reason and risk is None and r.data.get("risk") in (None, ""):
        r.problem(
            "risk_reason",
            f"未設定風險燈號（{vocab.RISK_UNSET}）時不填{FIELD_LABELS['risk_reason']}；請選擇燈號，或一併清除原因",
        )
    return risk, reason


def packet_key(proposal: Proposal) -> tuple:
    """Packet order, cycle by cycle: the carried-over proposals (111-01…, de-list table then keep
    table), then the year's central, then its joint proposals."""
    track_rank = {t: i for i, t in enumerate(vocab.TRACKS)}
    return (
        cycles.cycle_of(year=proposal.year, track=proposal.track),
        track_rank.get(proposal.track, len(track_rank)),
        proposal.id,
    )


def sort_proposals(proposals: list[Proposal]) -> None:
    proposals.sort(key=packet_key)
    for order, p in enumerate(proposals, start=1):
        p.sort_order = order


def check_lineage(proposals: list[Proposal], files: dict[str, str], problems: list[Problem]) -> None:
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
