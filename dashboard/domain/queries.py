"""Store queries: each function takes a session, keyword-only arguments after it, and reads the store.

Whatever belongs to a yearly cycle (dashboard/domain/cycles.py) takes `cycle=`: None (the default) is
the current cycle, ALL_CYCLES the whole store (exports).

Pure helpers over the frames these return live in dashboard/domain/frames.py; the meeting (its details,
decision list and the decisions in force) in dashboard/domain/meeting.py.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import pandas as pd
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from dashboard.domain import accounts, cycles, frames, group_terms, meeting, meeting_log, statistics, vocab
from dashboard.domain.dates import roc_year
from dashboard.store.models import (
    Account,
    City,
    Decision,
    GroupMeeting,
    GroupMeetingVersion,
    GroupVersion,
    Indicator,
    MeetingRecord,
    MutualAid,
    Proposal,
    ProposalCity,
    ProposalLead,
    ProposalType,
    ProposalVersion,
    StatisticsVersion,
    StoreBuild,
)

PROPOSAL_COLUMNS = [
    "id",
    "year",
    "track",
    "track_label",
    "item_no",
    "group_id",
    "group",
    "subgroup_id",
    "subgroup",
    "title",
    "card_title",
    "lead_units",
    "lead_cities",
    "types",
    "cities",
    "cities_scope",
    "tracking_status",
    "progress_status",
    "central_ministry",
    "resolution",
    "search_text",
    "risk",
]


class StoreStamp(NamedTuple):
    """What store_stamp returns: a tuple (a cache key) whose parts have names."""

    build: int  # the latest (re)build of the curated tables
    last_decision: int  # the highest id of each append-only table
    last_record: int
    last_proposal_version: int
    last_group_version: int
    last_meeting_log_version: int
    last_statistics_version: int
    decisions: int  # the rows of each append-only table
    records: int
    proposal_versions: int
    group_versions: int
    meeting_log_versions: int
    statistics_versions: int
    # Enabled accounts that sign in with a password: whether pages offer the password form. Part
    # of the version so that a page run learns it in the same round trip; accounts change rarely.
    password_accounts: int


def store_stamp(session: Session) -> StoreStamp:
    """Changes whenever the store's content changes; use it as a cache key."""
    return connection_stamp(session.connection())


# One round trip, no ORM: pages ask for the version on every script run. Rebuilds, decisions,
# meeting records and proposal versions (every edit of a proposal adds one) are append-only. Counts
# as well as the highest ids: on PostgreSQL ids are handed out at insert but become visible at
# commit, so a row with a lower id can appear after a higher one (two sessions, or two replicas,
# saving at once); the highest id would not change then, the count does.
_APPEND_ONLY = (Decision, MeetingRecord, ProposalVersion, GroupVersion, GroupMeetingVersion, StatisticsVersion)
_STAMP_QUERY = sa_select(
    sa_select(func.max(StoreBuild.id)).scalar_subquery(),
    *(sa_select(func.max(t.id)).scalar_subquery() for t in _APPEND_ONLY),
    *(sa_select(func.count(t.id)).scalar_subquery() for t in _APPEND_ONLY),
    sa_select(func.count()).select_from(Account).where(accounts.SIGNS_IN_WITH_PASSWORD).scalar_subquery(),
)


def connection_stamp(connection: Connection) -> StoreStamp:
    """store_stamp on a plain SQLAlchemy connection."""
    return StoreStamp(*(value or 0 for value in connection.execute(_STAMP_QUERY).one()))


ALL_CYCLES = "all"  # cycle= for every cycle the store holds


def chosen_cycle(session: Session, cycle: int | str | None) -> int | str | None:
    """The cycle `cycle=` names: the current one for None; ALL_CYCLES as it is."""
    return cycles.current_cycle(session) if cycle is None else cycle


def _cycle_narrow(cycle):
    """_in_cycle as a statistics.Narrow: the reader applies it to each table it reads."""
    return lambda query, column: _in_cycle(query, column, cycle)


def _in_cycle(query, column, cycle):
    """`query` narrowed to the proposals (by `column`, a proposal id) of `cycle`."""
    if cycle is None or cycle == ALL_CYCLES:
        return query
    return query.where(column.in_(select(Proposal.id).where(cycles.in_cycle(cycle))))


def cities(session: Session) -> list[City]:
    return list(session.exec(select(City).order_by(City.sort_order)))


def proposal_ids(session: Session) -> set[str]:
    """The id of every proposal of every cycle."""
    return set(session.exec(select(Proposal.id)))


def proposal_titles(session: Session, proposal_ids) -> dict[str, str]:
    """id -> title of those of `proposal_ids` that exist, in the order given."""
    titles = dict(session.exec(select(Proposal.id, Proposal.title).where(Proposal.id.in_(list(proposal_ids)))).all())
    return {pid: titles[pid] for pid in proposal_ids if pid in titles}


def city_names(session: Session) -> dict[str, str]:
    return {c.code: c.name for c in cities(session)}


def groups(session: Session, *, cycle: int | None = None, closed: bool = False) -> list[group_terms.CycleGroup]:
    """The working groups of `cycle` (the current one by default) as they stand then, in display
    order: the open ones; with `closed`, those closed by then as well (dashboard/domain/group_terms.py)."""
    return group_terms.groups_in_cycle(session, chosen_cycle(session, cycle), closed=closed)


def group_names(session: Session, cycle: int | None) -> dict[str, str]:
    """id -> name in `cycle` of every group the cycle knows, closed ones included."""
    return {g.id: g.name for g in groups(session, cycle=cycle, closed=True)}


def proposal(session: Session, proposal_id: str) -> Proposal | None:
    return session.get(Proposal, proposal_id)


def proposals_frame(session: Session, *, cycle: int | str | None = None) -> pd.DataFrame:
    """One row per proposal of `cycle`, in packet order, with list columns for units, types and cities."""
    cycle = chosen_cycle(session, cycle)
    names = city_names(session)
    by_cycle: dict[int, dict[str, str]] = {}  # the names of a proposal's groups are those of its cycle
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
    decisions = meeting.decisions_in_force(session)
    records = []
    for p in session.exec(_in_cycle(select(Proposal), Proposal.id, cycle).order_by(Proposal.sort_order)):
        units = [lead.unit for lead in leads.get(p.id, [])]
        lead_cities = list(dict.fromkeys(names[lead.city_code] for lead in leads.get(p.id, [])))
        city_list = [names[c] for c in sorted(joined.get(p.id, []), key=order.get)]
        type_list = [t for t in vocab.PROPOSAL_TYPES if t in types.get(p.id, [])]
        decision = decisions.get(p.id)
        own_cycle = cycles.cycle_of(year=p.year, track=p.track)
        if own_cycle not in by_cycle:
            by_cycle[own_cycle] = group_names(session, own_cycle)
        group_name = by_cycle[own_cycle]
        text = " ".join(
            filter(
                None,
                [
                    p.id,
                    p.title,
                    p.card_title,
                    p.card_unit,
                    *units,
                    p.description,
                    p.approach,
                    p.benefits,
                    p.progress,
                    p.tracking_reason,
                    p.central_ministry,
                    p.contact,
                ],
            )
        )
        records.append(
            {
                "id": p.id,
                "year": p.year,
                "track": p.track,
                "track_label": vocab.track_label(p.track, year=p.year),
                "item_no": p.item_no,
                "group_id": p.group_id,
                "group": group_name[p.group_id],
                "subgroup_id": p.subgroup_id,
                "subgroup": group_name.get(p.subgroup_id),
                "title": p.title,
                "card_title": p.card_title,
                "lead_units": units,
                "lead_cities": lead_cities,
                "types": type_list,
                "cities": city_list,
                "cities_scope": p.cities_scope,
                "tracking_status": p.tracking_status,
                "progress_status": p.progress_status,
                "central_ministry": p.central_ministry,
                "resolution": decision.resolution if decision else None,
                "search_text": frames.normalise_search(text),
                "risk": p.risk or vocab.RISK_UNSET,
            }
        )
    return pd.DataFrame.from_records(records, columns=PROPOSAL_COLUMNS)


@dataclass
class Card:
    proposal: Proposal
    group: group_terms.CycleGroup  # as named in the proposal's cycle
    subgroup: group_terms.CycleGroup | None
    leads: list[tuple[str, str]]  # (unit, city name)
    types: list[str]
    cities: list[str]
    card_cities: list[City]  # the eight, in the paper card's grid order
    indicators: list[Indicator]
    mutual_aid: list[MutualAid]
    decisions: list[Decision] = field(default_factory=list)  # oldest first
    continues: str | None = None  # the proposal of the cycle before that this one carries over
    continued_as: list[str] = field(default_factory=list)  # its carried-over rows in later cycles

    @property
    def cycle(self) -> int:
        """The cycle (meeting year) the proposal is decided in."""
        return cycles.cycle_of(year=self.proposal.year, track=self.proposal.track)

    @property
    def decision(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None


def proposal_card(session: Session, *, proposal_id: str) -> Card | None:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        return None
    names = city_names(session)
    leads = session.exec(
        select(ProposalLead).where(ProposalLead.proposal_id == proposal_id).order_by(ProposalLead.position)
    )
    joined = {
        row.city_code for row in session.exec(select(ProposalCity).where(ProposalCity.proposal_id == proposal_id))
    }
    types = {row.type for row in session.exec(select(ProposalType).where(ProposalType.proposal_id == proposal_id))}
    all_cities = cities(session)
    in_cycle = group_terms.resolve_all(session, cycles.cycle_of(year=proposal.year, track=proposal.track))
    return Card(
        proposal=proposal,
        group=in_cycle[proposal.group_id],
        subgroup=in_cycle.get(proposal.subgroup_id) if proposal.subgroup_id else None,
        leads=[(lead.unit, names[lead.city_code]) for lead in leads],
        types=[t for t in vocab.PROPOSAL_TYPES if t in types],
        cities=[c.name for c in all_cities if c.code in joined],
        card_cities=sorted(all_cities, key=lambda c: c.card_order),
        indicators=statistics.indicator_rows(session, narrow=_one_proposal(proposal_id)),
        mutual_aid=statistics.mutual_aid_rows(session, narrow=_one_proposal(proposal_id)),
        decisions=list(
            session.exec(
                select(Decision).where(Decision.proposal_id == proposal_id).order_by(Decision.recorded_at, Decision.id)
            )
        ),
        **lineage(session, proposal),
    )


def _one_proposal(proposal_id: str):
    return lambda query, column: query.where(column == proposal_id)


def lineage(session: Session, proposal: Proposal) -> dict:
    """{continues, continued_as}: the proposal's carried-over links across cycles (Proposal.previous_id)."""
    later = session.exec(select(Proposal.id).where(Proposal.previous_id == proposal.id).order_by(Proposal.sort_order))
    return {"continues": proposal.previous_id, "continued_as": list(later)}


def group_meetings(
    session: Session, *, group_ids: list[str] | None = None, cycle: int | str | None = None
) -> pd.DataFrame:
    """The working-group meetings of `cycle`: those held in that ROC year."""
    cycle = chosen_cycle(session, cycle)
    by_year: dict[int, dict[str, str]] = {}  # a meeting's group is named as in the cycle of its year
    query = select(GroupMeeting).where(GroupMeeting.removed == False).order_by(GroupMeeting.date, GroupMeeting.id)  # noqa: E712
    if group_ids:
        query = query.where(GroupMeeting.group_id.in_(group_ids))
    rows = []
    for m in session.exec(query):
        year = roc_year(m.date.year)
        if cycle in (None, ALL_CYCLES) or year == cycle:
            if year not in by_year:
                by_year[year] = group_names(session, year)
            name = by_year[year].get(m.group_id) or group_names(session, None).get(m.group_id, m.group_id)
            rows.append({"date": m.date, "group_id": m.group_id, "group": name, "name": meeting_log.title_of(m)})
    return pd.DataFrame(rows, columns=["date", "group_id", "group", "name"])


def mutual_aid_frame(
    session: Session, *, cycle: int | str | None = None, period: statistics.Period | None = None
) -> pd.DataFrame:
    """One row per (requesting city → supporting city), with names and a total; the rows of cycle
    `cycle`'s proposals (mutual aid is reported under a proposal), every period's or `period`'s
    (statistics.py: data/'s and those entered since; `period_key` names each row's)."""
    names = city_names(session)
    narrow = _cycle_narrow(chosen_cycle(session, cycle))
    rows = [
        {
            "proposal_id": m.proposal_id,
            "from_code": m.from_city,
            "to_code": m.to_city,
            "from_city": names[m.from_city],
            "to_city": names[m.to_city],
            "fire": m.fire,
            "ambulance": m.ambulance,
            "relay": m.relay,
            "total": m.fire + m.ambulance + m.relay,
            "period_start": m.period_start,
            "period_end": m.period_end,
            "period_key": statistics.Period(m.period_start, m.period_end).key,
        }
        for m in statistics.mutual_aid_rows(session, narrow=narrow, period_key=period.key if period else None)
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "proposal_id",
            "from_code",
            "to_code",
            "from_city",
            "to_city",
            "fire",
            "ambulance",
            "relay",
            "total",
            "period_start",
            "period_end",
            "period_key",
        ],
    )


def indicators_frame(
    session: Session, *, proposal_id: str | None = None, cycle: int | str | None = None
) -> pd.DataFrame:
    """The indicators of one proposal, or of `cycle`'s proposals."""
    names = city_names(session)
    narrow = _one_proposal(proposal_id) if proposal_id else _cycle_narrow(chosen_cycle(session, cycle))
    rows = [
        {
            "proposal_id": i.proposal_id,
            "indicator": i.indicator,
            "label": i.label,
            "kind": i.kind,
            "city": names.get(i.city_code),
            "counterpart_city": names.get(i.counterpart_code),
            "value": i.value,
            "unit": i.unit,
            "period_start": i.period_start,
            "period_end": i.period_end,
            "as_of": i.as_of,
            "note": i.note,
        }
        for i in statistics.indicator_rows(session, narrow=narrow)
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "proposal_id",
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
        ],
    )


@dataclass(frozen=True)
class Headline:
    total: int
    carried: int
    carried_delist: int  # carried rows whose group recommends de-listing (vocab.recommendation)
    carried_keep: int  # … keeping them tracked
    new: int
    central: int
    joint: int
    tracked: int  # still followed after this meeting if every recommendation is adopted
    meeting_date: date | None
    meeting_year: int | None  # ROC year of the meeting (else of the latest proposals)
    carried_year: int | None  # the year whose tracked proposals are carried over (the year before)

    @property
    def carried_pending(self) -> int:
        """Carried rows without a recommendation yet (尚未提出建議)."""
        return self.carried - self.carried_delist - self.carried_keep

    @property
    def carried_recommendations(self) -> str:
        """擬解除列管 12、持續列管 1 (、尚未提出建議 3 when some have none)."""
        said = f"{vocab.RECOMMEND_DELIST} {self.carried_delist}、{vocab.KEEP_TRACKING} {self.carried_keep}"
        return said + (f"、{vocab.NO_RECOMMENDATION} {self.carried_pending}" if self.carried_pending else "")

    @property
    def carried_label(self) -> str:
        """111年度列管案"""
        return vocab.track_label(vocab.CARRIED, year=self.carried_year)


def headline(session: Session, *, cycle: int | None = None, frame: pd.DataFrame | None = None) -> Headline:
    """`cycle`'s counts (`frame`: its proposals_frame, when the caller has it)."""
    cycle = chosen_cycle(session, cycle)
    frame = proposals_frame(session, cycle=cycle) if frame is None else frame
    carried = frame[frame["track"] == vocab.CARRIED]
    recommended = carried["tracking_status"].map(vocab.recommendation)
    tracks = frames.track_counts(frame)
    info = meeting.meeting_info(session, cycle=cycle) if cycle is not None else None
    return Headline(
        total=len(frame),
        carried=len(carried),
        carried_delist=int((recommended == vocab.RECOMMEND_DELIST).sum()),
        carried_keep=int((recommended == vocab.RECOMMEND_KEEP).sum()),
        new=len(frame) - len(carried),
        central=tracks[vocab.CENTRAL],
        joint=tracks[vocab.JOINT],
        tracked=int(frame["tracking_status"].isin(vocab.STILL_TRACKED).sum()),
        meeting_date=info.meeting.date if info else None,
        meeting_year=cycle,
        carried_year=cycles.Cycle(cycle).previous if cycle is not None else None,
    )


SOCIAL_WORKER_TRAINING = statistics.SOCIAL_WORKER_TRAINING


def social_worker_training_frame(
    session: Session, *, cycle: int | str | None = None, period: statistics.Period | None = None
) -> pd.DataFrame:
    """Social workers who attended another city's course: one row per (home city → host city), as
    reported under `cycle`'s proposals, every period's or `period`'s."""
    names = city_names(session)
    narrow = _cycle_narrow(chosen_cycle(session, cycle))
    rows = [
        {
            "proposal_id": i.proposal_id,
            "from_code": i.city_code,
            "to_code": i.counterpart_code,
            "from_city": names[i.city_code],
            "to_city": names[i.counterpart_code],
            "count": i.value,
            "period_start": i.period_start,
            "period_end": i.period_end,
            "period_key": statistics.Period(i.period_start, i.period_end, i.as_of).key,
        }
        for i in statistics.indicator_rows(session, narrow=narrow, indicator=SOCIAL_WORKER_TRAINING, kind="value")
        if i.city_code
        and i.counterpart_code
        and (period is None or statistics.Period(i.period_start, i.period_end, i.as_of) == period)
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "proposal_id",
            "from_code",
            "to_code",
            "from_city",
            "to_city",
            "count",
            "period_start",
            "period_end",
            "period_key",
        ],
    )
