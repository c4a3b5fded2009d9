"""Data functions over the store: each takes a session, keyword-only arguments after it."""
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from dashboard import lookup, vocab
from dashboard.models import (
    AgendaItem, City, Decision, GroupMeeting, Indicator, Meeting, MutualAid, Organiser, Proposal,
    ProposalCity, ProposalLead, ProposalType, StoreBuild, WorkGroup,
)

PROPOSAL_COLUMNS = [
    "id", "year", "track", "track_label", "item_no", "group_id", "group", "subgroup_id", "subgroup",
    "title", "card_title", "lead_units", "lead_cities", "types", "cities", "cities_scope",
    "tracking_status", "progress_status", "central_ministry", "resolution", "search_text",
]


def store_version(session: Session) -> tuple:
    """Changes whenever the store's content changes; use it as a cache key."""
    return connection_version(session.connection())


# One round trip, no ORM: pages ask for the version on every script run.
_VERSION_QUERY = sa_select(sa_select(func.max(StoreBuild.id)).scalar_subquery(),
                           sa_select(func.max(Decision.id)).scalar_subquery())


def connection_version(connection: Connection) -> tuple:
    """store_version on a plain SQLAlchemy connection."""
    build, decisions = connection.execute(_VERSION_QUERY).one()
    return build or 0, decisions or 0


def cities(session: Session) -> list[City]:
    return list(session.exec(select(City).order_by(City.sort_order)))


def city_names(session: Session) -> dict[str, str]:
    return {c.code: c.name for c in cities(session)}


def groups(session: Session) -> list[WorkGroup]:
    return list(session.exec(select(WorkGroup).order_by(WorkGroup.sort_order)))


def latest_decisions(session: Session) -> dict[str, Decision]:
    """The decision in force for each proposal (the latest recorded)."""
    latest: dict[str, Decision] = {}
    for decision in session.exec(select(Decision).order_by(Decision.recorded_at, Decision.id)):
        latest[decision.proposal_id] = decision
    return latest


def proposals_frame(session: Session) -> pd.DataFrame:
    """One row per proposal, in packet order, with list columns for units, types and cities."""
    names = city_names(session)
    group_names = {g.id: g.name for g in groups(session)}
    leads: dict[str, list[ProposalLead]] = {}
    for lead in session.exec(select(ProposalLead).order_by(ProposalLead.position)):
        leads.setdefault(lead.proposal_id, []).append(lead)
    types: dict[str, list[str]] = {}
    for row in session.exec(select(ProposalType)):
        types.setdefault(row.proposal_id, []).append(row.type)
    order = {code: i for i, code in enumerate(names)}
    joined: dict[str, list[str]] = {}
    for row in session.exec(select(ProposalCity)):
        joined.setdefault(row.proposal_id, []).append(row.city_code)
    decisions = latest_decisions(session)
    records = []
    for p in session.exec(select(Proposal).order_by(Proposal.sort_order)):
        units = [lead.unit for lead in leads.get(p.id, [])]
        lead_cities = list(dict.fromkeys(names[lead.city_code] for lead in leads.get(p.id, [])))
        city_list = [names[c] for c in sorted(joined.get(p.id, []), key=order.get)]
        type_list = [t for t in vocab.PROPOSAL_TYPES if t in types.get(p.id, [])]
        decision = decisions.get(p.id)
        text = " ".join(filter(None, [p.id, p.title, p.card_title, p.card_unit, *units, p.description,
                                      p.approach, p.benefits, p.progress, p.tracking_reason,
                                      p.central_ministry, p.contact]))
        records.append({
            "id": p.id, "year": p.year, "track": p.track, "track_label": vocab.TRACKS[p.track],
            "item_no": p.item_no, "group_id": p.group_id, "group": group_names[p.group_id],
            "subgroup_id": p.subgroup_id, "subgroup": group_names.get(p.subgroup_id),
            "title": p.title, "card_title": p.card_title, "lead_units": units, "lead_cities": lead_cities,
            "types": type_list, "cities": city_list, "cities_scope": p.cities_scope,
            "tracking_status": p.tracking_status, "progress_status": p.progress_status,
            "central_ministry": p.central_ministry,
            "resolution": decision.resolution if decision else None,
            "search_text": normalise_search(text),
        })
    return pd.DataFrame.from_records(records, columns=PROPOSAL_COLUMNS)


def normalise_search(text: str) -> str:
    """Fold the variants people type: 台/臺, full-width letters and digits, case, spaces."""
    return lookup.fold(text)


@dataclass(frozen=True)
class ProposalFilter:
    years: tuple[int, ...] = ()
    tracks: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # group or sub-group ids
    tracking: tuple[str, ...] = ()
    progress: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    city: str | None = None  # official name
    city_role: str = "any"  # any / lead / joins
    text: str = ""


def filter_proposals(frame: pd.DataFrame, *, spec: ProposalFilter) -> pd.DataFrame:
    """Rows of a proposals_frame that match every set criterion."""
    mask = pd.Series(True, index=frame.index)
    if spec.years:
        mask &= frame["year"].isin(spec.years)
    if spec.tracks:
        mask &= frame["track"].isin(spec.tracks)
    if spec.groups:
        mask &= frame["group_id"].isin(spec.groups) | frame["subgroup_id"].isin(spec.groups)
    if spec.tracking:
        mask &= frame["tracking_status"].isin(spec.tracking)
    if spec.progress:
        mask &= frame["progress_status"].isin(spec.progress)
    if spec.types:
        wanted = set(spec.types)
        mask &= frame["types"].map(lambda values: bool(wanted.intersection(values)))
    if spec.city:
        leads = frame["lead_cities"].map(lambda values: spec.city in values)
        joins = frame["cities"].map(lambda values: spec.city in values)
        mask &= {"lead": leads, "joins": joins}.get(spec.city_role, leads | joins)
    if spec.text.strip():
        for word in spec.text.split():
            mask &= frame["search_text"].str.contains(normalise_search(word), regex=False)
    return frame[mask]


def status_counts(frame: pd.DataFrame, *, axis: str = "progress_status") -> pd.DataFrame:
    """Counts by top-level group and status, every status of the vocabulary present as a column."""
    statuses = vocab.PROGRESS_STATUSES if axis == "progress_status" else vocab.TRACKING_STATUSES
    table = frame.groupby(["group_id", "group", axis], sort=False).size().unstack(axis, fill_value=0)
    return table.reindex(columns=statuses, fill_value=0).reset_index()


@dataclass
class Card:
    proposal: Proposal
    group: WorkGroup
    subgroup: WorkGroup | None
    leads: list[tuple[str, str]]  # (unit, city name)
    types: list[str]
    cities: list[str]
    card_cities: list[City]  # the eight, in the paper card's grid order
    indicators: list[Indicator]
    mutual_aid: list[MutualAid]
    decisions: list[Decision] = field(default_factory=list)  # oldest first

    @property
    def decision(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None


def proposal_card(session: Session, *, proposal_id: str) -> Card | None:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        return None
    names = city_names(session)
    leads = session.exec(select(ProposalLead).where(ProposalLead.proposal_id == proposal_id)
                         .order_by(ProposalLead.position))
    joined = {row.city_code for row in session.exec(select(ProposalCity).where(ProposalCity.proposal_id == proposal_id))}
    types = {row.type for row in session.exec(select(ProposalType).where(ProposalType.proposal_id == proposal_id))}
    all_cities = cities(session)
    return Card(
        proposal=proposal,
        group=session.get(WorkGroup, proposal.group_id),
        subgroup=session.get(WorkGroup, proposal.subgroup_id) if proposal.subgroup_id else None,
        leads=[(lead.unit, names[lead.city_code]) for lead in leads],
        types=[t for t in vocab.PROPOSAL_TYPES if t in types],
        cities=[c.name for c in all_cities if c.code in joined],
        card_cities=sorted(all_cities, key=lambda c: c.card_order),
        indicators=list(session.exec(select(Indicator).where(Indicator.proposal_id == proposal_id).order_by(Indicator.id))),
        mutual_aid=list(session.exec(select(MutualAid).where(MutualAid.proposal_id == proposal_id).order_by(MutualAid.id))),
        decisions=list(session.exec(select(Decision).where(Decision.proposal_id == proposal_id)
                                    .order_by(Decision.recorded_at, Decision.id))),
    )


def group_meetings(session: Session, *, group_ids: list[str] | None = None) -> pd.DataFrame:
    names = {g.id: g.name for g in groups(session)}
    query = select(GroupMeeting).order_by(GroupMeeting.date, GroupMeeting.id)
    if group_ids:
        query = query.where(GroupMeeting.group_id.in_(group_ids))
    rows = [{"date": m.date, "group_id": m.group_id, "group": names[m.group_id], "name": m.name}
            for m in session.exec(query)]
    return pd.DataFrame(rows, columns=["date", "group_id", "group", "name"])


def mutual_aid_frame(session: Session) -> pd.DataFrame:
    """One row per (requesting city → supporting city), with names and a total."""
    names = city_names(session)
    rows = [{"from_code": m.from_city, "to_code": m.to_city, "from_city": names[m.from_city],
             "to_city": names[m.to_city], "fire": m.fire, "ambulance": m.ambulance, "relay": m.relay,
             "total": m.fire + m.ambulance + m.relay, "period_start": m.period_start,
             "period_end": m.period_end}
            for m in session.exec(select(MutualAid).order_by(MutualAid.id))]
    return pd.DataFrame(rows, columns=["from_code", "to_code", "from_city", "to_city", "fire", "ambulance",
                                       "relay", "total", "period_start", "period_end"])


def indicators_frame(session: Session, *, proposal_id: str | None = None) -> pd.DataFrame:
    names = city_names(session)
    query = select(Indicator).order_by(Indicator.id)
    if proposal_id:
        query = query.where(Indicator.proposal_id == proposal_id)
    rows = [{"proposal_id": i.proposal_id, "indicator": i.indicator, "label": i.label, "kind": i.kind,
             "city": names.get(i.city_code), "counterpart_city": names.get(i.counterpart_code),
             "value": i.value, "unit": i.unit, "period_start": i.period_start, "period_end": i.period_end,
             "as_of": i.as_of, "note": i.note}
            for i in session.exec(query)]
    return pd.DataFrame(rows, columns=["proposal_id", "indicator", "label", "kind", "city", "counterpart_city",
                                       "value", "unit", "period_start", "period_end", "as_of", "note"])


@dataclass
class MeetingInfo:
    meeting: Meeting
    agenda: list[AgendaItem]
    organisers: dict[str, list[str]]


def meeting_info(session: Session) -> MeetingInfo | None:
    meeting = session.exec(select(Meeting).order_by(Meeting.date.desc())).first()
    if meeting is None:
        return None
    agenda = list(session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                               .order_by(AgendaItem.position)))
    organisers: dict[str, list[str]] = {}
    for row in session.exec(select(Organiser).where(Organiser.meeting_id == meeting.id)
                            .order_by(Organiser.role, Organiser.position)):
        organisers.setdefault(row.role, []).append(row.name)
    return MeetingInfo(meeting=meeting, agenda=agenda, organisers=organisers)


@dataclass(frozen=True)
class Headline:
    total: int
    carried: int
    carried_delist: int
    carried_keep: int
    new: int
    central: int
    joint: int
    tracked: int  # still followed after this meeting if every recommendation is adopted
    meeting_date: date | None


def headline(session: Session, *, frame: pd.DataFrame | None = None) -> Headline:
    frame = proposals_frame(session) if frame is None else frame
    carried = frame[frame["track"] == "carried"]
    new = frame[frame["track"] != "carried"]
    info = meeting_info(session)
    return Headline(
        total=len(frame), carried=len(carried),
        carried_delist=int((carried["tracking_status"] == "建議解除列管").sum()),
        carried_keep=int((carried["tracking_status"] == "持續列管").sum()),
        new=len(new), central=int((frame["track"] == "central").sum()),
        joint=int((frame["track"] == "joint").sum()),
        tracked=int(frame["tracking_status"].isin(["列管中", "持續列管"]).sum()),
        meeting_date=info.meeting.date if info else None,
    )


# --- Page helpers (issue 3): plain functions over frames, so the pages stay thin ---------------

UNDECIDED = vocab.UNDECIDED


def filter_by_decision(frame: pd.DataFrame, *, wanted: tuple[str, ...]) -> pd.DataFrame:
    """Rows whose resolution in force is one of `wanted`; UNDECIDED matches rows without one."""
    if not wanted:
        return frame
    resolution = frame["resolution"]
    mask = resolution.isin([w for w in wanted if w != UNDECIDED])
    if UNDECIDED in wanted:
        mask |= resolution.isna()
    return frame[mask]


@dataclass(frozen=True)
class Neighbours:
    previous: str | None
    next: str | None
    position: int | None  # 1-based, None when the id is not among the ids
    total: int


def neighbours(ids: list[str], *, current: str) -> Neighbours:
    """The ids before and after `current` in an ordered list (e.g. the filtered proposal list)."""
    if current not in ids:
        return Neighbours(None, None, None, len(ids))
    i = ids.index(current)
    return Neighbours(ids[i - 1] if i > 0 else None, ids[i + 1] if i + 1 < len(ids) else None, i + 1, len(ids))


@dataclass(frozen=True)
class Overview:
    """The home page's headline counts beyond `Headline`."""
    decided: int
    undecided: int
    by_resolution: dict[str, int]


def overview(frame: pd.DataFrame) -> Overview:
    resolution = frame["resolution"].dropna()
    counts = resolution.value_counts()
    return Overview(decided=len(resolution), undecided=len(frame) - len(resolution),
                    by_resolution={r: int(counts.get(r, 0)) for r in vocab.RESOLUTIONS if counts.get(r, 0)})


WAITING = [
    # (label, explanation, criteria for filter_proposals / filter_by_decision)
    ("待中央回應", "已向中央反映，尚待部會回應", {"progress": ("待中央回應",)}),
    ("建議解除列管，待會議決議", "各組建議解除列管，尚待副首長會議決議",
     {"tracking": ("建議解除列管",), "decision": (UNDECIDED,)}),
    ("持續列管", "111年度列管案中建議持續追蹤者", {"tracking": ("持續列管",)}),
    ("規劃中", "尚未進入執行階段", {"progress": ("規劃中",)}),
]


def waiting(frame: pd.DataFrame) -> list[tuple[str, str, dict, pd.DataFrame]]:
    """What still needs someone's attention: (label, explanation, criteria, rows) per category."""
    result = []
    for label, explanation, criteria in WAITING:
        spec = ProposalFilter(tracking=criteria.get("tracking", ()), progress=criteria.get("progress", ()))
        rows = filter_by_decision(filter_proposals(frame, spec=spec), wanted=criteria.get("decision", ()))
        result.append((label, explanation, criteria, rows))
    return result


CITY_ROLES = {"lead": "主辦", "joins": "參與合作", "both": "主辦並參與"}


def city_involvement(frame: pd.DataFrame, *, city: str) -> pd.DataFrame:
    """The proposals a city leads or joins, with a `role` column (CITY_ROLES values)."""
    leads = frame["lead_cities"].map(lambda values: city in values)
    joins = frame["cities"].map(lambda values: city in values)
    rows = frame[leads | joins]
    role = pd.Series(CITY_ROLES["joins"], index=rows.index)
    role[leads[rows.index] & joins[rows.index]] = CITY_ROLES["both"]
    role[leads[rows.index] & ~joins[rows.index]] = CITY_ROLES["lead"]
    return rows.assign(role=role)


AID_KINDS = {"fire": "火災支援", "ambulance": "救護支援", "relay": "119轉報"}


def mutual_aid_totals(aid: pd.DataFrame, *, city: str) -> pd.DataFrame:
    """A city's mutual-aid sums: asked of others (it requested) and given to others (it supported).

    Index: 向他縣市請求支援 / 支援他縣市; columns: fire, ambulance, relay, total.
    """
    columns = list(AID_KINDS) + ["total"]
    asked = aid.loc[aid["from_city"] == city, columns].sum()
    gave = aid.loc[aid["to_city"] == city, columns].sum()
    return pd.DataFrame([asked, gave], index=["向他縣市請求支援", "支援他縣市"]).astype(int)


def group_family(all_groups: list[WorkGroup], *, group_id: str) -> list[WorkGroup]:
    """The group and its sub-groups (in sort order); empty when the id is unknown."""
    return [g for g in all_groups if g.id == group_id or g.parent_id == group_id]


def host_agencies(all_groups: list[WorkGroup], *, group_id: str) -> list[tuple[str, str]]:
    """(group name, host agency) for a group; a parent without its own host lists its sub-groups'."""
    family = group_family(all_groups, group_id=group_id)
    return [(g.name, g.host_agency) for g in family if g.host_agency]


def groups_table(all_groups: list[WorkGroup], frame: pd.DataFrame, meetings: pd.DataFrame) -> pd.DataFrame:
    """One row per group and sub-group: name, parent, host, number of proposals and meetings."""
    proposal_counts = pd.concat([frame["group_id"], frame["subgroup_id"].dropna()]).value_counts()
    meeting_counts = meetings["group_id"].value_counts()
    names = {g.id: g.name for g in all_groups}
    rows = []
    for g in all_groups:
        family = [x.id for x in group_family(all_groups, group_id=g.id)]
        rows.append({"id": g.id, "name": g.name, "parent": names.get(g.parent_id), "host_agency": g.host_agency,
                     "proposals": int(proposal_counts.get(g.id, 0)),
                     "meetings": int(meeting_counts.reindex(family).fillna(0).sum())})
    return pd.DataFrame(rows, columns=["id", "name", "parent", "host_agency", "proposals", "meetings"])


SOCIAL_WORKER_TRAINING = "social_worker_training"


def social_worker_training_frame(session: Session) -> pd.DataFrame:
    """Social workers who attended another city's course: one row per (home city → host city)."""
    names = city_names(session)
    query = (select(Indicator).where(Indicator.indicator == SOCIAL_WORKER_TRAINING, Indicator.kind == "value")
             .order_by(Indicator.id))
    rows = [{"from_code": i.city_code, "to_code": i.counterpart_code, "from_city": names[i.city_code],
             "to_city": names[i.counterpart_code], "count": i.value, "period_start": i.period_start,
             "period_end": i.period_end}
            for i in session.exec(query)]
    return pd.DataFrame(rows, columns=["from_code", "to_code", "from_city", "to_city", "count",
                                       "period_start", "period_end"])
