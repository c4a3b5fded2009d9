"""Recording the meeting's resolutions: validated, append-only, every change kept.

A change is a new Decision row; nothing here updates or deletes one. The latest row per proposal
is the decision in force (meeting.in_force). `recorded_at` is an aware datetime (the
store keeps UTC and returns it aware); show it with `recorded_label`, in Taipei time.
"""

from datetime import datetime

import pandas as pd
from sqlmodel import Session, select

from dashboard.domain import vocab
from dashboard.domain.dates import aware_utc, in_taipei, roc_datetime
from dashboard.domain.permissions import Actor, require_secretariat
from dashboard.domain.text import text_problem
from dashboard.store.models import Decision, Proposal

NOTE_MAX_CHARS = 500
RECORDER_MAX_CHARS = 100


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message is shown to the user as is."""


def record(
    session: Session,
    *,
    actor: Actor,
    proposal_id: str,
    resolution: str,
    note: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """Validate and append one decision recorded by actor (the secretariat only); returns the row.
    Raises PermissionDenied for any other actor, DecisionError for bad values."""
    require_secretariat(actor, "記錄決議")
    recorder = actor.name
    if len(recorder) > RECORDER_MAX_CHARS:
        raise DecisionError(f"記錄者名稱不可超過 {RECORDER_MAX_CHARS} 字。")
    if resolution not in vocab.RESOLUTIONS:
        raise DecisionError(f"決議須為：{'、'.join(vocab.RESOLUTIONS)}。")
    if session.get(Proposal, proposal_id) is None:
        raise DecisionError(f"找不到提案「{proposal_id}」。")
    text = (note or "").strip()
    if len(text) > NOTE_MAX_CHARS:
        raise DecisionError(f"備註不可超過 {NOTE_MAX_CHARS} 字（目前 {len(text)} 字）。")
    if problem := text_problem(text):
        raise DecisionError(f"備註{problem}。")
    decision = Decision(
        proposal_id=proposal_id,
        resolution=resolution,
        note=text or None,
        recorded_at=aware_utc(now),
        recorded_by=recorder,
    )
    session.add(decision)
    session.commit()
    session.refresh(decision)
    return decision


def history(
    session: Session, *, proposal_id: str | None = None, proposal_ids: list[str] | None = None
) -> list[Decision]:
    """Every recorded change, oldest first (for one proposal, for some, or for all)."""
    query = select(Decision).order_by(Decision.recorded_at, Decision.id)
    if proposal_id is not None:
        query = query.where(Decision.proposal_id == proposal_id)
    if proposal_ids is not None:
        query = query.where(Decision.proposal_id.in_(proposal_ids))
    return list(session.exec(query))


def recorded_local(decision: Decision) -> datetime:
    """When the decision was recorded, in Taipei time."""
    return in_taipei(decision.recorded_at)


def recorded_label(decision: Decision) -> str:
    """112年8月8日 15:12 (Taipei time)."""
    return roc_datetime(recorded_local(decision))


HISTORY_COLUMNS = ["序號", "記錄時間", "提案編號", "決議", "備註", "記錄者"]


def history_frame(rows: list[Decision]) -> pd.DataFrame:
    """Decisions as a display table (text only; times in Taipei, ROC dates)."""
    return pd.DataFrame(
        [
            {
                "序號": d.id,
                "記錄時間": recorded_label(d),
                "提案編號": d.proposal_id,
                "決議": d.resolution,
                "備註": d.note or "",
                "記錄者": d.recorded_by,
            }
            for d in rows
        ],
        columns=HISTORY_COLUMNS,
    )
