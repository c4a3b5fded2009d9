"""A work list: the proposals someone keeps current (a lead's groups; for the secretariat, all),
each with its last update and whether it is stale, i.e. not updated in this calendar quarter.

Only a person's save is an update (vocab.PERSON_KINDS: an edit, a revert, a new card): the version
that carries a proposal into a new cycle, or an import from data/, is not."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func
from sqlmodel import Session, select

from dashboard.domain import dates, group_terms, vocab
from dashboard.domain.permissions import Actor, PermissionDenied, may_edit
from dashboard.store.models import Proposal, ProposalVersion

STALE = vocab.STALE


@dataclass(frozen=True)
class WorkItem:
    id: str
    title: str
    group: str  # the sub-group's name where there is one, else the group's
    track: str  # the track's label
    tracking_status: str
    progress_status: str
    version: int  # the person's latest version; 0: no one has updated it online
    updated_at: datetime | None  # the person's latest version, in Taipei time
    updated_by: str | None
    stale: bool


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_label(day: date) -> str:
    """115年第4季 for a day of October to December 2026."""
    return f"{dates.roc_year(day.year)}年第{(day.month - 1) // 3 + 1}季"


def work_list(session: Session, *, actor: Actor, today: date) -> list[WorkItem]:
    """The proposals `actor` may edit, in packet order; `today` is the Taipei date the quarter is
    taken from. Readers have no work list (PermissionDenied)."""
    if actor.name is None or actor.role not in vocab.ROLES:
        raise PermissionDenied(f"{actor.label}沒有提案工作清單：請先以議題組窗口或祕書處帳號登入。")
    names: dict[int, dict[str, str]] = {}  # a proposal's group is named as in its cycle
    latest = _latest_versions(session)
    since = quarter_start(today)
    items = []
    for p in session.exec(select(Proposal).order_by(Proposal.sort_order)):
        if not may_edit(actor, p):
            continue
        last = latest.get(p.id)
        when = _taipei(last.recorded_at) if last else None
        items.append(
            WorkItem(
                id=p.id,
                title=p.title,
                group=_group_name(session, names, p),
                track=vocab.track_label(p.track, year=p.year),
                tracking_status=p.tracking_status,
                progress_status=p.progress_status,
                version=last.version if last else 0,
                updated_at=when,
                updated_by=last.recorded_by if last else None,
                stale=when is None or when.date() < since,
            )
        )
    return items


def _latest_versions(session: Session) -> dict[str, ProposalVersion]:
    """Each proposal's latest version saved by a person (not a carry-over or an import)."""
    people = ProposalVersion.kind.in_([str(kind) for kind in vocab.PERSON_KINDS])
    newest = (
        select(ProposalVersion.proposal_id, func.max(ProposalVersion.version).label("version"))
        .where(people)
        .group_by(ProposalVersion.proposal_id)
        .subquery()
    )
    query = select(ProposalVersion).join(
        newest, and_(ProposalVersion.proposal_id == newest.c.proposal_id, ProposalVersion.version == newest.c.version)
    )
    return {v.proposal_id: v for v in session.exec(query)}


def _taipei(moment: datetime) -> datetime:
    """A stored time (UTC; SQLite gives it back without a zone) in Taipei time."""
    return dates.in_taipei(moment)


def _group_name(session: Session, names: dict[int, dict[str, str]], proposal: Proposal) -> str:
    """The proposal's sub-group or group as named in its cycle (names: a cache per cycle)."""
    cycle = group_terms.cycle_of_proposal(proposal)
    if cycle not in names:
        names[cycle] = {g.id: g.name for g in group_terms.resolve_all(session, cycle).values()}
    return names[cycle].get(proposal.subgroup_id) or names[cycle].get(proposal.group_id, proposal.group_id)
