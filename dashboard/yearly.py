"""Across the years: a proposal's lineage (112-J01 → 112-01 → 113-…), and for each cycle what
joined it and what left it, for the overview."""
from dataclasses import dataclass, field

from sqlmodel import Session, select

from dashboard import cycles, new_year, vocab
from dashboard.models import Proposal


def lineage(session: Session, proposal_id: str) -> list[Proposal]:
    """The chain of rows `proposal_id` belongs to, oldest first: the proposals it continues (by
    `previous_id`) and those that continue it in later cycles. [] for an unknown id."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        return []
    chain, seen = [proposal], {proposal.id}
    while chain[0].previous_id and chain[0].previous_id not in seen:
        before = session.get(Proposal, chain[0].previous_id)
        if before is None:
            break
        chain.insert(0, before)
        seen.add(before.id)
    while True:
        after = session.exec(select(Proposal).where(Proposal.previous_id == chain[-1].id)
                             .order_by(Proposal.sort_order)).first()
        if after is None or after.id in seen:
            break
        chain.append(after)
        seen.add(after.id)
    return chain


@dataclass
class CycleSummary:
    """One cycle's comings and goings, every list in packet order."""
    year: int
    new: list[str] = field(default_factory=list)  # the year's own proposals (central, joint)
    carried_in: list[str] = field(default_factory=list)  # carried-over rows (111-01…, 112-01…)
    continues: dict[str, str] = field(default_factory=dict)  # carried row -> the proposal it continues, where known
    stayed: list[str] = field(default_factory=list)  # proposals of this cycle still tracked after it
    left: list[tuple[str, str]] = field(default_factory=list)  # (id, why): de-listed, not carried on
    settled: bool = False  # the next cycle has started: stayed/left are what happened, not a forecast

    @property
    def total(self) -> int:
        return len(self.new) + len(self.carried_in)


def cycles_summary(session: Session) -> list[CycleSummary]:
    """Every cycle of the store, oldest first. For a cycle followed by a started one, `stayed` are
    the proposals carried into it and `left` the others; for the latest cycle both follow the
    decisions recorded so far (new_year.outcome), i.e. what starting the next year would do."""
    continued_by = {p.previous_id: p.id for p in session.exec(select(Proposal).where(Proposal.previous_id.is_not(None)))}
    summaries = []
    for year in cycles.cycles(session):
        summary = CycleSummary(year=year, settled=new_year.started(session, year + 1))
        for proposal, fate in new_year.outcomes(session, year):
            if proposal.track == vocab.CARRIED:
                summary.carried_in.append(proposal.id)
                if proposal.previous_id:
                    summary.continues[proposal.id] = proposal.previous_id
            else:
                summary.new.append(proposal.id)
            stays = proposal.id in continued_by if summary.settled else fate.stays
            if stays:
                summary.stayed.append(proposal.id)
            else:
                summary.left.append((proposal.id, fate.reason))
        summaries.append(summary)
    return summaries
