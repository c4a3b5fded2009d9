"""A cycle is one year's round of the committee, ending in that year's vice-mayors' meeting.

The proposals of cycle Y are Y's own new proposals (tracks central and joint, `year` Y) and the
proposals carried over from the year before (track carried, `year` Y-1): the 112 meeting decides
111-01…111-13 again and adopts 112-C01…112-J34. A proposal belongs to exactly one cycle; one that
is kept tracking reappears in the next cycle as a carried-over row of its own, with its own 項次.

The meeting of cycle Y is the meeting dated in ROC year Y. The current cycle is the latest one the
store holds (its proposals or its meeting), so a year just started opens before it has proposals.
"""

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from dashboard.domain import vocab
from dashboard.domain.dates import roc_year
from dashboard.store.models import Meeting, Proposal


def cycle_of(*, year: int, track: str) -> int:
    """The cycle a proposal of `year` on `track` is decided in."""
    return year + 1 if track == vocab.CARRIED else year


def in_cycle(cycle: int):
    """A SQL condition on Proposal: the proposal belongs to `cycle`."""
    return or_(
        and_(Proposal.track == vocab.CARRIED, Proposal.year == cycle - 1),
        and_(Proposal.track != vocab.CARRIED, Proposal.year == cycle),
    )


def cycles(session: Session) -> list[int]:
    """Every cycle the store holds, oldest first."""
    years = {
        cycle_of(year=year, track=track)
        for year, track in session.exec(select(Proposal.year, Proposal.track).distinct())
    }
    years |= {roc_year(day.year) for day in session.exec(select(Meeting.date))}
    return sorted(years)


def current_cycle(session: Session) -> int | None:
    """The latest cycle; None for an empty store."""
    held = cycles(session)
    return held[-1] if held else None


def meeting_of(session: Session, cycle: int) -> Meeting | None:
    """The meeting of `cycle` (the latest, should a year hold two)."""
    meetings = [
        m for m in session.exec(select(Meeting).order_by(Meeting.date.desc())) if roc_year(m.date.year) == cycle
    ]
    return meetings[0] if meetings else None
