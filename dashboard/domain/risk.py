"""The risk light (風險燈號) of a proposal, as a government 管考 system or a programme board's RAG
status: each quarter the group's lead sets 綠 (on track), 黃 (delayed, the group handles it) or 紅
(needs the vice-mayors), with a reason (a 紅 must have one: proposal_rules).

The light and its reason are fields of the proposal (Proposal.risk, Proposal.risk_reason), changed
like any other field through dashboard/domain/editing.py, so every change is a version with who,
when and why. The quarter of a light is the date (Taipei) of the person's version that last set the
light or its reason: a light set in an earlier quarter, or that no person's save set (loaded from
data/, brought by an import), is stale (本季未更新) until the lead sets it again, even to the same
light with this quarter's reason."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from dashboard.domain import dates, vocab, worklist
from dashboard.store.models import Proposal, ProposalVersion

FIELDS = ("risk", "risk_reason")
UNKNOWN_WHEN = "評估時間不明（非線上設定）"


@dataclass(frozen=True)
class RiskState:
    proposal_id: str
    light: str | None  # one of vocab.RISKS; None: 未評估
    reason: str | None
    set_at: datetime | None  # Taipei time of the person's save that last set the light or its reason
    set_by: str | None
    stale: bool  # a light not set by a person in the quarter of `today`

    @property
    def label(self) -> str:
        """紅（需副首長協調） or 未評估."""
        return vocab.risk_label(self.light)

    @property
    def rank(self) -> int:
        return vocab.risk_rank(self.light)

    @property
    def assessed(self) -> str:
        """When and by whom: 115年第4季（115年12月6日，交通窗口）; said also for a light no one set online."""
        if self.light is None:
            return ""
        if self.set_at is None:
            return UNKNOWN_WHEN
        return f"{worklist.quarter_label(self.set_at.date())}（{dates.roc_date(self.set_at)}，{self.set_by}）"

    @property
    def short(self) -> str:
        """One line for a table cell: 紅（需副首長協調）, with ⚠ 本季未更新 when stale."""
        return f"{self.label}｜⚠ {vocab.STALE}" if self.stale else self.label


@dataclass(frozen=True)
class RiskEntry:
    """One person's save that set the light or its reason (the card's 燈號紀錄)."""

    version: int
    at: datetime  # Taipei time
    by: str
    kind: str
    light: str | None
    reason: str | None
    why: str | None  # the version's reason


def touches_risk(version: ProposalVersion) -> bool:
    return any(change.get("field") in FIELDS for change in version.changes or ())


def is_person(version: ProposalVersion) -> bool:
    return version.kind in vocab.PERSON_KINDS


def state_of(proposal: Proposal, versions: list[ProposalVersion], *, today: date) -> RiskState:
    """The proposal's light as of `today` (a Taipei date), from its versions (any order)."""
    setting = max((v for v in versions if touches_risk(v)), key=lambda v: v.version, default=None)
    by_person = setting is not None and is_person(setting)
    set_at = dates.in_taipei(setting.recorded_at) if by_person else None
    stale = proposal.risk is not None and (set_at is None or set_at.date() < worklist.quarter_start(today))
    return RiskState(
        proposal_id=proposal.id,
        light=proposal.risk,
        reason=proposal.risk_reason,
        set_at=set_at,
        set_by=setting.recorded_by if by_person else None,
        stale=stale,
    )


def risk_states(session: Session, *, today: date) -> dict[str, RiskState]:
    """Every proposal's light as of `today` (a Taipei date), by proposal id."""
    versions: dict[str, list[ProposalVersion]] = {}
    for version in session.exec(select(ProposalVersion)):
        if touches_risk(version):
            versions.setdefault(version.proposal_id, []).append(version)
    return {p.id: state_of(p, versions.get(p.id, []), today=today) for p in session.exec(select(Proposal))}


def history(versions: list[ProposalVersion]) -> list[RiskEntry]:
    """The saves that set the light or its reason, newest first (each shows the light and reason it left)."""
    entries = []
    light = reason = None
    for version in sorted(versions, key=lambda v: v.version):
        changes = {c.get("field"): c.get("new") for c in version.changes or () if c.get("field") in FIELDS}
        if not changes:
            continue
        light = changes.get("risk", light)
        reason = changes.get("risk_reason", reason)
        entries.append(
            RiskEntry(
                version=version.version,
                at=dates.in_taipei(version.recorded_at),
                by=version.recorded_by,
                kind=version.kind,
                light=light,
                reason=reason,
                why=version.reason,
            )
        )
    return entries[::-1]


def counts(states, ids) -> dict[str, int]:
    """{label in vocab.RISK_ORDER: number} among the proposals `ids` (for the overview and a summary)."""
    found = {label: 0 for label in vocab.RISK_ORDER}
    for pid in ids:
        state = states.get(pid)
        found[state.light if state and state.light in vocab.RISKS else vocab.RISK_UNSET] += 1
    return found
