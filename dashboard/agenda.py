"""The meeting's running order: where the clock stands in the agenda, and what is decided when.

Times of day are compared without the date, so that a rehearsal on another day follows the
same agenda. The decision list and the presenter's steps come from the store, never from code.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from dashboard import queries
from dashboard.dates import roc_year
from dashboard.models import AgendaItem, Meeting, Proposal, ProposalLead, WorkGroup

TAIPEI = ZoneInfo("Asia/Taipei")
DECISION_KEY = "decision"  # AgendaItem.key of the item where the proposals are decided
CARRIED_TRACK = "carried"
DELIST_STATUSES = ("建議解除列管", "解除列管")  # carried proposals the meeting is asked to de-list
CLOCK_PATTERN = re.compile(r"^\s*([01]?[0-9]|2[0-3])[:：]([0-5][0-9])\s*$")


# --- the clock ------------------------------------------------------------------------------

def now_taipei(now: datetime | None = None) -> datetime:
    """The current time in Taipei (or `now` converted there; a naive `now` is taken as UTC)."""
    if now is None:
        return datetime.now(TAIPEI)
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo("UTC"))
    return now.astimezone(TAIPEI)


def parse_clock(text: str | None) -> time | None:
    """'15:12' -> 15:12; None for anything that is not a time of day."""
    match = CLOCK_PATTERN.match(text or "")
    if not match:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def format_clock(value: time) -> str:
    return f"{value:%H:%M}"


def weekday_label(value: date) -> str:
    return "星期" + "一二三四五六日"[value.weekday()]


# --- where the clock stands -----------------------------------------------------------------

def item_end(agenda: list[AgendaItem], index: int) -> time | None:
    """An item ends at its own end, else where the next one starts; the last marker never ends."""
    item = agenda[index]
    if item.end is not None:
        return item.end
    if index + 1 < len(agenda):
        return agenda[index + 1].start
    return None


def title_line(item: AgendaItem) -> str:
    """The title on one line (some titles hold a line break in the packet)."""
    return "　".join(part.strip() for part in item.title.splitlines() if part.strip())


@dataclass(frozen=True)
class AgendaStatus:
    phase: str  # before / running / between / ended
    current: AgendaItem | None
    next: AgendaItem | None
    minutes_left: int | None = None  # of the current item


def _minutes_between(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def status_at(agenda: list[AgendaItem], at: time) -> AgendaStatus:
    """The current and the next item at time of day `at`.

    Before the first item nothing is current; at or after an item that has no end (the closing
    marker 會議結束) the meeting has ended and that marker is reported as current.
    """
    at = at.replace(second=0, microsecond=0, tzinfo=None)
    if not agenda:
        return AgendaStatus("ended", None, None)
    if at < agenda[0].start:
        return AgendaStatus("before", None, agenda[0])
    for index, item in enumerate(agenda):
        end = item_end(agenda, index)
        following = agenda[index + 1] if index + 1 < len(agenda) else None
        if end is None and at >= item.start:
            return AgendaStatus("ended", item, None)
        if end is not None and item.start <= at < end:
            return AgendaStatus("running", item, following, _minutes_between(at, end))
        if end is not None and following is not None and end <= at < following.start:
            return AgendaStatus("between", None, following)
    return AgendaStatus("ended", None, None)


def decision_item(agenda: list[AgendaItem]) -> AgendaItem | None:
    return next((item for item in agenda if item.key == DECISION_KEY), None)


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

    @property
    def delisting(self) -> bool:
        return self.tracking_status in DELIST_STATUSES

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


def meeting_year(meeting: Meeting) -> int:
    """The ROC year a meeting decides on: 2023-08-08 -> 112."""
    return roc_year(meeting.date.year)


def _latest_meeting_year(session: Session) -> int | None:
    meeting = session.exec(select(Meeting).order_by(Meeting.date.desc())).first()
    return meeting_year(meeting) if meeting is not None else None


def _entries(session: Session, years: tuple[int, ...]) -> list[Entry]:
    """The proposals of `years` as the meeting sees them (a multi-year store holds many more)."""
    names = {g.id: g.name for g in session.exec(select(WorkGroup))}
    proposals = list(session.exec(select(Proposal).where(Proposal.year.in_(years)).order_by(Proposal.sort_order)))
    leads: dict[str, list[str]] = {}
    for lead in session.exec(select(ProposalLead).join(Proposal).where(Proposal.year.in_(years))
                             .order_by(ProposalLead.position)):
        leads.setdefault(lead.proposal_id, []).append(lead.unit)
    return [
        Entry(id=p.id, year=p.year, track=p.track, title=p.title, group_id=p.group_id, group=names[p.group_id],
              subgroup=names.get(p.subgroup_id), lead_units=tuple(leads.get(p.id, [])),
              tracking_status=p.tracking_status, progress_status=p.progress_status, description=p.description,
              reason=p.tracking_reason or (p.tracking_basis if p.track == CARRIED_TRACK
                                           or p.tracking_status in DELIST_STATUSES else None))
        for p in proposals
    ]


def _top_group_order(session: Session) -> list[tuple[str, str]]:
    """(group id, name) of the top-level groups in their official order."""
    return [(g.id, g.name) for g in queries.groups(session) if g.parent_id is None]


def decision_sections(session: Session, *, year: int | None = None) -> list[Section]:
    """What the meeting of ROC `year` decides, in order: the previous year's tracked proposals to
    de-list, then those to keep tracking, then the year's new proposals group by group.

    `year` defaults to the year of the latest meeting in the store; without a meeting there is
    nothing to decide. Proposals of other years (a store that spans many) are not on the list.
    """
    year = _latest_meeting_year(session) if year is None else year
    if year is None:
        return []
    entries = _entries(session, (year - 1, year))
    carried = [e for e in entries if e.track == CARRIED_TRACK and e.year == year - 1]
    new = [e for e in entries if e.track != CARRIED_TRACK and e.year == year]
    sections: list[Section] = []
    if carried:
        delist = tuple(e for e in carried if e.delisting)
        keep = tuple(e for e in carried if not e.delisting)
        part = f"{year - 1}年度列管合作方案"
        if delist:
            sections.append(Section("delist", part, "擬解除列管", f"{year - 1}年度合作方案擬解除列管", delist,
                                    f"{year - 1}年度擬解除列管"))
        if keep:
            sections.append(Section("continue", part, "擬持續列管", f"{year - 1}年度合作方案擬持續列管", keep,
                                    f"{year - 1}年度擬持續列管"))
    if new:
        part = f"{year}年度新增合作提案"
        for group_id, name in _top_group_order(session):
            mine = tuple(e for e in new if e.group_id == group_id)
            if mine:
                sections.append(Section(f"new-{group_id}", part, name, f"{part}｜{name}", mine, f"{year}年度新增"))
    return sections


def all_entries(sections: list[Section]) -> list[Entry]:
    return [entry for section in sections for entry in section.entries]


# --- the presenter's steps ------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    number: int  # 1-based, as shown on screen
    item: AgendaItem
    entry: Entry | None = None  # set on the steps of the decision item's proposals
    section: Section | None = None
    position: int | None = None  # 1-based within the section

    @property
    def params(self) -> dict[str, str]:
        """The query parameters of this step's own URL (besides present=1)."""
        if self.entry is not None:
            return {"item": self.entry.id}
        return {"step": str(self.number)}


def presenter_steps(agenda: list[AgendaItem], sections: list[Section]) -> list[Step]:
    """Every agenda item, and after the decision item's overview each proposal in turn."""
    steps: list[Step] = []
    for item in agenda:
        steps.append(Step(len(steps) + 1, item))
        if item.key == DECISION_KEY:
            for section in sections:
                for position, entry in enumerate(section.entries, start=1):
                    steps.append(Step(len(steps) + 1, item, entry, section, position))
    return steps


SHOWN_MAX_CHARS = 40


def shown_value(text: str) -> str:
    """A value from the URL as quoted in a message: one line, cut short."""
    text = " ".join(str(text).split())
    return text if len(text) <= SHOWN_MAX_CHARS else text[:SHOWN_MAX_CHARS] + "…"


class StepNotFound(LookupError):
    """The URL names a step or a proposal the presenter does not have. `template` is the Chinese
    message with `{value}` where the value goes, so that a page can set the value apart."""

    def __init__(self, template: str, value: str):
        self.template, self.value = template, shown_value(value)
        super().__init__(template.format(value=f"「{self.value}」"))


def match_id(ids, text: str | None) -> str | None:
    """The id among `ids` that `text` names, ignoring case and surrounding spaces (112-j03)."""
    wanted = (text or "").strip().casefold()
    return next((i for i in ids if i.casefold() == wanted), None) if wanted else None


def find_step(steps: list[Step], *, step: str | None = None, item: str | None = None,
              fallback: AgendaItem | None = None) -> Step | None:
    """The step a URL names: `item` (a proposal id, any case) first, then `step` (its number);
    without either, the step of `fallback` (the item running now), else the first.

    Raises StepNotFound when a given `item` or `step` names nothing: a mistyped link must say so
    rather than open another step. None when there are no steps at all.
    """
    if not steps:
        return None
    if item is not None:
        by_id = {s.entry.id: s for s in steps if s.entry is not None}
        found = match_id(by_id, item)
        if found is None:
            raise StepNotFound("網址中的提案編號（item）{value}不在本次會議的決議清單中。", item)
        return by_id[found]
    if step is not None:
        text = step.strip()
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= len(steps)):
            raise StepNotFound(f"網址中的步驟（step）{{value}}不存在：簡報共 {len(steps)} 步，請用 1 到 {len(steps)}。",
                               step)
        return steps[int(text) - 1]
    if fallback is not None:
        found = next((s for s in steps if s.entry is None and s.item.position == fallback.position), None)
        if found:
            return found
    return steps[0]


def jump_targets(steps: list[Step]) -> dict[str, Step]:
    """Every place the presenter can jump to, by its label in the jump list, in running order:
    each agenda item, each section of the decision list (its first proposal), each proposal."""
    targets: dict[str, Step] = {}
    for s in steps:
        if s.entry is None:
            targets[f"議程 {s.item.position}　{title_line(s.item)}"] = s
            continue
        if s.position == 1:
            targets[f"{s.section.title}（{len(s.section.entries)} 案）"] = s
        targets[f"{s.entry.id}　{s.entry.title}"] = s
    return targets
