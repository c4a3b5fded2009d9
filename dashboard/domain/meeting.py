"""The vice-mayors' meeting as the store holds it: its details and agenda, the list of proposals
it decides, and the decision in force for each. The meeting page, the presenter view and the
minutes all read it from here (meeting_data); nothing here knows about the clock or the screen.

The meeting year is the ROC year of the meeting's date; the carried-over proposals are those of
the year before. Neither is ever written in code.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session, select

from dashboard.domain import cycles, decisions, group_terms, vocab
from dashboard.domain.dates import roc_date, roc_year
from dashboard.store.models import AgendaItem, Decision, Meeting, Organiser, Proposal, ProposalLead

# --- the meeting ----------------------------------------------------------------------------


@dataclass
class MeetingInfo:
    meeting: Meeting
    agenda: list[AgendaItem]
    organisers: dict[str, list[str]]


def latest_meeting(session: Session) -> Meeting | None:
    return session.exec(select(Meeting).order_by(Meeting.date.desc())).first()


def meeting_info(session: Session, *, cycle: int | None = None) -> MeetingInfo | None:
    """The meeting of `cycle` with its agenda and organisers; None when that cycle has no
    meeting. Without `cycle`, the latest meeting (the current cycle's, once it has one)."""
    meeting = latest_meeting(session) if cycle is None else cycles.meeting_of(session, cycle)
    if meeting is None:
        return None
    items = list(
        session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position))
    )
    organisers: dict[str, list[str]] = {}
    for row in session.exec(
        select(Organiser).where(Organiser.meeting_id == meeting.id).order_by(Organiser.role, Organiser.position)
    ):
        organisers.setdefault(row.role, []).append(row.name)
    return MeetingInfo(meeting=meeting, agenda=items, organisers=organisers)


def meeting_year(meeting: Meeting) -> cycles.Cycle:
    """The ROC year a meeting decides on: 2023-08-08 -> 112."""
    return cycles.Cycle(roc_year(meeting.date.year))


# --- the list to decide ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One proposal as the meeting sees it."""

    id: str
    year: int
    track: str
    title: str
    group_id: str
    group: str
    subgroup: str | None
    lead_units: tuple[str, ...]
    tracking_status: str
    reason: str | None  # why de-list / keep tracking (carried proposals, or a proposed de-listing)
    description: str | None = None  # 說明 of a new proposal
    progress_status: str = ""
    recommendation_date: date | None = None  # the working-group meeting that agreed the recommendation

    @property
    def delisting(self) -> bool:
        return self.tracking_status in vocab.DELIST_STATUSES

    @property
    def recommendation(self) -> str:
        """The group's recommendation as said everywhere: 擬解除列管, 擬持續列管 or 尚未提出建議,
        with the day of the working-group meeting that agreed it."""
        label = vocab.recommendation_label(self.tracking_status)
        agreed = self.recommendation_date and vocab.recommendation(self.tracking_status)
        return f"{label}（{roc_date(self.recommendation_date)}議題組會議）" if agreed else label

    @property
    def carried(self) -> bool:
        return self.track == vocab.CARRIED

    @property
    def reason_label(self) -> str:
        return vocab.reason_label(self.tracking_status)

    @property
    def group_label(self) -> str:
        return f"{self.group}－{self.subgroup}" if self.subgroup else self.group


@dataclass(frozen=True)
class Section:
    key: str  # delist / continue / new-<group id>
    part: str  # the heading the section sits under
    label: str  # short name within the part
    title: str
    entries: tuple[Entry, ...]
    category: str  # its kind in one list of the whole meeting, beside the group: 112年度新增


def _entries(session: Session, years: tuple[int, ...], cycle: int) -> list[Entry]:
    """The proposals of `years` as the meeting of `cycle` sees them (a multi-year store holds many
    more), their groups named as in that cycle."""
    names = {g.id: g.name for g in group_terms.resolve_all(session, cycle).values()}
    proposals = list(session.exec(select(Proposal).where(Proposal.year.in_(years)).order_by(Proposal.sort_order)))
    leads: dict[str, list[str]] = {}
    for lead in session.exec(
        select(ProposalLead).join(Proposal).where(Proposal.year.in_(years)).order_by(ProposalLead.position)
    ):
        leads.setdefault(lead.proposal_id, []).append(lead.unit)
    return [
        Entry(
            id=p.id,
            year=p.year,
            track=p.track,
            title=p.title,
            group_id=p.group_id,
            group=names.get(p.group_id, p.group_id),
            subgroup=names.get(p.subgroup_id),
            lead_units=tuple(leads.get(p.id, [])),
            tracking_status=p.tracking_status,
            progress_status=p.progress_status,
            description=p.description,
            reason=_reason(p),
            recommendation_date=p.recommendation_date,
        )
        for p in proposals
    ]


def _reason(p: Proposal) -> str | None:
    """Why de-list or keep tracking: the reason written, or for a new proposal the source
    packet's de-listing sentence. Never a carried row's basis, which new-year wrote."""
    if p.tracking_reason:
        return p.tracking_reason
    return p.tracking_basis if p.track != vocab.CARRIED and p.tracking_status in vocab.DELIST_STATUSES else None


def _top_group_order(session: Session, cycle: int) -> list[tuple[str, str]]:
    """(group id, name) of the top-level groups of `cycle` in their official order."""
    return [(g.id, g.name) for g in group_terms.groups_in_cycle(session, cycle) if not g.parent_id]


# The sections of the carried-over rows by the group's recommendation (vocab.recommendation_label).
CARRIED_SECTIONS = {
    "delist": vocab.RECOMMEND_DELIST,
    "continue": vocab.RECOMMEND_KEEP,
    "pending": vocab.NO_RECOMMENDATION,
}


def decision_sections(session: Session, *, cycle: int | None = None) -> list[Section]:
    """What the meeting of `cycle` decides, in order: the previous cycle's tracked proposals to
    de-list, then those to keep tracking, then the cycle's new proposals group by group.

    `cycle` defaults to the cycle of the latest meeting in the store; without a meeting there is
    nothing to decide. Proposals of other cycles (a store that spans many) are not on the list.
    """
    if cycle is None:
        meeting = latest_meeting(session)
        if meeting is None:
            return []
        cycle = meeting_year(meeting)
    year = cycles.Cycle(cycle)  # the own year of the cycle's new proposals
    before = year.previous  # and of its carried-over rows
    entries = _entries(session, (before, year), year)
    carried = [e for e in entries if e.carried and e.year == before]
    new = [e for e in entries if not e.carried and e.year == year]
    sections: list[Section] = []
    if carried:
        part = f"{before}年度列管合作方案"
        for key, said in CARRIED_SECTIONS.items():
            mine = tuple(e for e in carried if vocab.recommendation_label(e.tracking_status) == said)
            if mine:
                sections.append(Section(key, part, said, f"{before}年度合作方案{said}", mine, f"{before}年度{said}"))
    if new:
        part = f"{year}年度新增合作提案"
        for group_id, name in _top_group_order(session, year):
            mine = tuple(e for e in new if e.group_id == group_id)
            if mine:
                sections.append(Section(f"new-{group_id}", part, name, f"{part}｜{name}", mine, f"{year}年度新增"))
    return sections


def all_entries(sections: list[Section]) -> list[Entry]:
    return [entry for section in sections for entry in section.entries]


# --- the decision in force ------------------------------------------------------------------


def in_force(history: Iterable[Decision]) -> dict[str, Decision]:
    """The decision in force per proposal: the latest recorded, `history` being oldest first."""
    return {d.proposal_id: d for d in history}  # the last one wins


def decisions_in_force(session: Session, *, proposal_ids: list[str] | None = None) -> dict[str, Decision]:
    """The decision in force per proposal (of `proposal_ids` only, when given)."""
    return in_force(decisions.history(session, proposal_ids=proposal_ids))


def resolution_counts(decided: dict[str, Decision], proposal_ids: list[str]) -> Counter:
    """How many of proposal_ids carry each resolution; the undecided count under vocab.UNDECIDED."""
    counts = Counter({r: 0 for r in [*vocab.RESOLUTIONS, vocab.UNDECIDED]})
    for pid in proposal_ids:
        counts[decided[pid].resolution if pid in decided else vocab.UNDECIDED] += 1
    return counts


# The decision first: on a narrow screen the later columns scroll.
DECISION_LIST_COLUMNS = ["編號", "決議", "提案名稱", "分類", "議題組", "主辦單位", "備註", "記錄時間"]


def decision_list_frame(sections: list[Section], decided: dict[str, Decision]) -> pd.DataFrame:
    """The decision list, in order, as one table with the decision in force (text only);
    分類 and 議題組 tell the sections apart."""
    rows = []
    for section in sections:
        for entry in section.entries:
            d = decided.get(entry.id)
            rows.append(
                {
                    "編號": entry.id,
                    "分類": section.category,
                    "議題組": entry.group_label,
                    "提案名稱": entry.title,
                    "主辦單位": "、".join(entry.lead_units),
                    "決議": d.resolution if d else vocab.UNDECIDED,
                    "備註": (d.note or "") if d else "",
                    "記錄時間": decisions.recorded_label(d) if d else "",
                }
            )
    return pd.DataFrame(rows, columns=DECISION_LIST_COLUMNS)


# --- everything the meeting's screens and documents read ------------------------------------


@dataclass(frozen=True)
class MeetingData:
    """The latest meeting, its decision list and the decisions in force (shared: read-only)."""

    info: MeetingInfo
    sections: list[Section]  # the meeting's decision list, in order
    entries: list[Entry]  # the same proposals in one list
    decided: dict[str, Decision]  # proposal id -> the Decision in force
    history: list[Decision]  # every recorded change of these proposals, oldest first

    @property
    def year(self) -> int:
        return meeting_year(self.info.meeting)

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.entries]


def meeting_data(session: Session, *, cycle: int | None = None) -> MeetingData | None:
    """The data of `cycle`'s meeting (default: the latest meeting); None when there is none.
    Only the meeting's own proposals, not the whole store."""
    info = meeting_info(session, cycle=cycle)
    if info is None:
        return None
    sections = decision_sections(session, cycle=meeting_year(info.meeting))
    entries = all_entries(sections)
    history = decisions.history(session, proposal_ids=[e.id for e in entries])
    return MeetingData(info=info, sections=sections, entries=entries, decided=in_force(history), history=history)
