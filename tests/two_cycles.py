"""A store of two cycles, built without the new-year command: the packet's cycle as loaded from data/,
and the next cycle with one carried-over row (the packet's 跨區通報支援, kept tracking), one new
proposal (by the card form's editing.create) and its own meeting (the packet's, a year later).

Years come from the store: `packet` is the loaded cycle, `next` the one after it.
"""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from dashboard.domain import cycles, editing, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.models import AgendaItem, Meeting, Organiser, Proposal, ProposalLead

SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
CARRIED_FROM = "J17"  # the packet's 跨區通報支援 (its mutual-aid figures stay with the packet's cycle)
NEW_TITLE = "北臺公車轉乘優惠整合"


@dataclass(frozen=True)
class TwoCycles:
    packet: int  # the cycle of the meeting packet (data/)
    next: int  # the cycle added here
    carried_id: str  # next cycle's carried-over row
    carried_from: str  # the packet proposal it continues
    new_id: str  # next cycle's new proposal
    meeting_name: str  # next cycle's meeting


def new_card(year: int) -> dict:
    """A joint proposal of the transport group for `year`, as the card form sends it."""
    return {
        "year": year,
        "track": vocab.JOINT,
        "group": "transport",
        "title": NEW_TITLE,
        "lead_units": [{"unit": "新北市政府交通局", "city": "新北市"}],
        "types": [vocab.PROPOSAL_TYPES[0]],
        "cities": ["臺北市", "新北市"],
        "description": "跨市通勤族轉乘成本高。",
        "approach": "盤點轉乘路線。",
        "benefits": "減少通勤成本。",
        "contact": "交通局 王科長 02-1234567",
    }


def add_next_cycle(session: Session) -> TwoCycles:
    """Add the next cycle to a store loaded from data/ (one cycle); commits."""
    packet = cycles.current_cycle(session)
    following = packet + 1
    source = session.get(Proposal, f"{packet}-{CARRIED_FROM}")
    carried_id = f"{packet}-01"
    order = session.exec(select(func.max(Proposal.sort_order))).one()
    row = {
        **source.model_dump(),
        "id": carried_id,
        "track": vocab.CARRIED,
        "item_no": 1,
        "sort_order": order + 1,
        "tracking_status": vocab.TRACKED,
        "previous_id": source.id,
    }
    row["previous_id"] = source.id
    session.add(Proposal(**row))
    session.flush()
    for lead in session.exec(select(ProposalLead).where(ProposalLead.proposal_id == source.id)).all():
        session.add(ProposalLead(**{**lead.model_dump(), "proposal_id": carried_id}))
    old = cycles.meeting_of(session, packet)
    name = old.name.replace(str(packet), str(following))
    meeting = Meeting(
        **{
            **old.model_dump(),
            "id": f"{following}-vice-mayors",
            "name": name,
            "date": old.date.replace(year=old.date.year + 1),
        }
    )
    session.add(meeting)
    session.flush()
    for item in session.exec(select(AgendaItem).where(AgendaItem.meeting_id == old.id)).all():
        session.add(AgendaItem(**{**item.model_dump(), "meeting_id": meeting.id}))
    for organiser in session.exec(select(Organiser).where(Organiser.meeting_id == old.id)).all():
        session.add(Organiser(**{**organiser.model_dump(), "meeting_id": meeting.id}))
    session.commit()
    created = editing.create(session, actor=SECRETARIAT, document=new_card(following))
    return TwoCycles(
        packet=packet,
        next=following,
        carried_id=carried_id,
        carried_from=source.id,
        new_id=created.proposal_id,
        meeting_name=name,
    )
