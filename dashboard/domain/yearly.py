"""Across the years: a proposal's lineage (112-J01 → 112-01 → 113-…), and for each cycle what
joined it and what left it, for the overview."""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from dashboard.domain import cycles, new_year, vocab
from dashboard.store.models import Proposal


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
        after = session.exec(
            select(Proposal).where(Proposal.previous_id == chain[-1].id).order_by(Proposal.sort_order)
        ).first()
        if after is None or after.id in seen:
            break
        chain.append(after)
        seen.add(after.id)
    return chain


@dataclass
class CycleSummary:
    """One cycle's comings and goings: the ids (every list in packet order) and their counts."""

    year: int
    new_ids: list[str] = field(default_factory=list)  # the year's own proposals (central, joint)
    carried_in_ids: list[str] = field(default_factory=list)  # carried-over rows (111-01…, 112-01…)
    continues: dict[str, str] = field(default_factory=dict)  # carried row -> the proposal it continues, where known
    stayed_ids: list[str] = field(default_factory=list)  # still tracked after the cycle
    delisted_ids: list[tuple[str, str]] = field(default_factory=list)  # (id, why): leave by the decision rule
    not_carried_ids: list[str] = field(default_factory=list)  # still tracked by the rule, yet not carried on
    undecided_ids: list[str] = field(default_factory=list)  # no decision recorded (the rule used the status)
    settled: bool = False  # the next cycle has started: what happened, not a forecast

    @property
    def new(self) -> int:
        return len(self.new_ids)

    @property
    def carried_in(self) -> int:
        return len(self.carried_in_ids)

    @property
    def total(self) -> int:
        return self.new + self.carried_in

    @property
    def delisted(self) -> int:
        return len(self.delisted_ids)

    @property
    def not_carried(self) -> int:
        return len(self.not_carried_ids)

    @property
    def left(self) -> int:
        return self.delisted + self.not_carried


def cycles_summary(session: Session) -> list[CycleSummary]:
    """Every cycle of the store, oldest first.

    Once the next cycle has started (`settled`), `stayed` are the proposals carried into it, and the
    others either left by the decision rule (new_year.outcome: `delisted`) or, though the rule would
    keep them, were not carried on (`not_carried`: a decision recorded after the start, say). For the
    latest cycle the rule gives a forecast from the decisions recorded so far: what starting the
    next year would do."""
    continued_by = {
        p.previous_id: p.id for p in session.exec(select(Proposal).where(Proposal.previous_id.is_not(None)))
    }
    summaries = []
    for cycle in cycles.cycles(session):
        summary = CycleSummary(year=cycle, settled=new_year.started(session, cycle.next))
        for proposal, fate in new_year.outcomes(session, cycle):
            if proposal.track == vocab.CARRIED:
                summary.carried_in_ids.append(proposal.id)
                if proposal.previous_id:
                    summary.continues[proposal.id] = proposal.previous_id
            else:
                summary.new_ids.append(proposal.id)
            if fate.resolution is None:
                summary.undecided_ids.append(proposal.id)
            if (proposal.id in continued_by) if summary.settled else fate.stays:
                summary.stayed_ids.append(proposal.id)
            elif fate.stays:
                summary.not_carried_ids.append(proposal.id)
            else:
                summary.delisted_ids.append((proposal.id, fate.reason))
        summaries.append(summary)
    return summaries
