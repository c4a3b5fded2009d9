"""TEMPORARY stand-in for dashboard/yearly.py (helper F1's `cycles_summary`), so that the overview
page can show what joined and what left each cycle before F1's branch is merged. At merge: delete
this module and point pages/shared/home_view.py at dashboard.yearly.

What joined and left cycle Y: its new proposals, the rows carried in from Y-1, and those that leave
after it: de-listed (tracking status 解除列管, or 建議解除列管 with an adopting decision in force), or
not carried into Y+1 although the store holds Y+1.
"""
from dataclasses import dataclass

from sqlmodel import Session, select

from dashboard import cycles, meeting, vocab
from dashboard.models import Proposal

ADOPTING = (vocab.ADOPTED, vocab.ADOPTED_AMENDED)


@dataclass(frozen=True)
class CycleSummary:
    year: int
    new: int  # the cycle's own proposals (central and joint)
    carried_in: int  # rows carried over from the cycle before
    delisted: int  # de-listed by status or by the decision in force
    not_carried: int  # neither de-listed nor carried into the next cycle (the store holds it)

    @property
    def total(self) -> int:
        return self.new + self.carried_in

    @property
    def left(self) -> int:
        return self.delisted + self.not_carried


def _delisted(p: Proposal, resolution: str | None) -> bool:
    return p.tracking_status == vocab.DELISTED or (p.tracking_status == vocab.PROPOSE_DELIST
                                                   and resolution in ADOPTING)


def cycles_summary(session: Session) -> list[CycleSummary]:
    """One row per cycle the store holds, oldest first."""
    held = cycles.cycles(session)
    decided = meeting.decisions_in_force(session)
    previous = getattr(Proposal, "previous_id", None)
    continued = set(session.exec(select(previous).where(previous.is_not(None)))) if previous is not None else set()
    summary = []
    for year in held:
        rows = list(session.exec(select(Proposal).where(cycles.in_cycle(year))))
        carried_in = sum(p.track == vocab.CARRIED for p in rows)
        gone = [p for p in rows if _delisted(p, getattr(decided.get(p.id), "resolution", None))]
        has_next = year + 1 in held and previous is not None
        staying = [p for p in rows if p not in gone]
        summary.append(CycleSummary(year=year, new=len(rows) - carried_in, carried_in=carried_in, delisted=len(gone),
                                    not_carried=sum(p.id not in continued for p in staying) if has_next else 0))
    return summary
