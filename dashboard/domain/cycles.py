"""A cycle is one year's round of the committee, ending in that year's vice-mayors' meeting.

The proposals of cycle Y are Y's own new proposals (tracks central and joint, `year` Y) and the
proposals carried over from the year before (track carried, `year` Y-1): the 112 meeting decides
111-01…111-13 again and adopts 112-C01…112-J34. A proposal belongs to exactly one cycle; one that
is kept tracking reappears in the next cycle as a carried-over row of its own, with its own 項次.

The meeting of cycle Y is the meeting dated in ROC year Y. The current cycle is the latest one the
store holds (its proposals or its meeting), so a year just started opens before it has proposals.

This module owns the cycle: its type (Cycle: the year, with the one before and after), which cycles
the store holds, the current one, and resolve(), the one reading of a year a user asks for (the
command line, documents and pages give the same messages).
"""

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from dashboard.domain import vocab
from dashboard.domain.dates import roc_year
from dashboard.store.models import Meeting, Proposal


class Cycle(int):
    """A cycle, named by the ROC year of its meeting (113). It is an int, so it is stored, compared
    and written as that year; the cycles around it are computed here and nowhere else."""

    @property
    def previous(self) -> "Cycle":
        """The cycle before: its tracked proposals are this cycle's carried-over rows, which keep
        that cycle's year as their own (`year` 112 for the rows 112-01… of cycle 113)."""
        return Cycle(self - 1)

    @property
    def next(self) -> "Cycle":
        return Cycle(self + 1)

    @property
    def label(self) -> str:
        """113年度, as every page and document names it."""
        return f"{int(self)}年度"


class CycleError(ValueError):
    """A requested year that names no cycle; the message says why, in Chinese."""


MAX_DIGITS = 4  # an ROC year; longer input is a typing slip, not a year
NO_CYCLES = "資料庫中沒有任何年度的提案或會議。"


def not_a_year(requested) -> str:
    """The message for a year that is not an ROC year's number."""
    return f"年度應為民國年的整數，不是「{requested}」（年度須為民國年的數字，例如 113）"


def not_held(cycle: int, held: list[int]) -> str:
    """The message for a year the store holds no cycle of."""
    return f"資料庫沒有 {cycle} 年度的資料；可用的年度：{'、'.join(map(str, held)) or '（無）'}"


def parse(requested: int | str) -> Cycle:
    """The cycle a user typed or a caller passed: 113, ' 113 ', '113年度', '113年' -> 113.
    CycleError for anything else (words, signs, a bool, more than four digits)."""
    if isinstance(requested, int) and not isinstance(requested, bool):
        if 0 < requested < 10**MAX_DIGITS:
            return Cycle(requested)
        raise CycleError(not_a_year(requested))
    text = requested.strip().removesuffix("年度").removesuffix("年").strip() if isinstance(requested, str) else ""
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= MAX_DIGITS and int(text) > 0):
        raise CycleError(not_a_year(requested))
    return Cycle(int(text))


def resolve(requested: int | str | None, *, held: list[int]) -> Cycle:
    """The cycle a user asked for among those the store holds (`held`, oldest first): the current
    one when none is asked for. CycleError when the store holds none, the request is not a year,
    or the store does not hold it."""
    if not held:
        raise CycleError(NO_CYCLES)
    if requested is None or (isinstance(requested, str) and not requested.strip()):
        return latest(held)
    cycle = parse(requested)
    if cycle not in held:
        raise CycleError(not_held(cycle, held))
    return cycle


def cycle_of(*, year: int, track: str) -> Cycle:
    """The cycle a proposal of its own `year` on `track` is decided in."""
    return Cycle(year).next if track == vocab.CARRIED else Cycle(year)


def in_cycle(cycle: int):
    """A SQL condition on Proposal: the proposal belongs to `cycle`."""
    return or_(
        and_(Proposal.track == vocab.CARRIED, Proposal.year == Cycle(cycle).previous),
        and_(Proposal.track != vocab.CARRIED, Proposal.year == cycle),
    )


def cycles(session: Session) -> list[Cycle]:
    """Every cycle the store holds, oldest first."""
    years = {
        cycle_of(year=year, track=track)
        for year, track in session.exec(select(Proposal.year, Proposal.track).distinct())
    }
    years |= {Cycle(roc_year(day.year)) for day in session.exec(select(Meeting.date))}
    return sorted(years)


def latest(held: list[int]) -> Cycle | None:
    """The current cycle among `held` (oldest first): the latest; None when there is none. The one
    definition of "current", for a session (current_cycle) and for a page's cached list alike."""
    return Cycle(held[-1]) if held else None


def current_cycle(session: Session) -> Cycle | None:
    """The latest cycle the store holds; None for an empty store."""
    return latest(cycles(session))


def meeting_of(session: Session, cycle: int) -> Meeting | None:
    """The meeting of `cycle` (the latest, should a year hold two)."""
    meetings = [
        m for m in session.exec(select(Meeting).order_by(Meeting.date.desc())) if roc_year(m.date.year) == cycle
    ]
    return meetings[0] if meetings else None
