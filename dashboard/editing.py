"""Changing a proposal in the store: every change is a version (who, when, which fields old -> new,
why), checked by the loader's own rules, allowed by the actor's role, and refused when it was based
on an older version than the one in force, so that nobody overwrites a change they have not seen.

A change is given as document values (dashboard/documents.py: the keys of data/proposals/*.yaml);
None removes an optional value.
"""
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dashboard import documents
from dashboard.loading import Problem, proposal_rows
from dashboard.reading import MAX_BYTES, text_problem
from dashboard.models import City, Proposal, ProposalCity, ProposalLead, ProposalType, ProposalVersion, WorkGroup
from dashboard.permissions import Actor, require_edit, require_secretariat

# What a group lead (and the secretariat) changes on the card, with the labels users see.
EDITABLE = {
    "progress": "進度說明",
    "progress_status": "進度狀態",
    "progress_basis": "進度狀態依據",
    "tracking_status": "列管狀態（建議）",
    "tracking_reason": "列管原因",
    "contact": "聯絡人",
    "lead_units": "提案單位",
    "cities": "合作縣市",
    "types": "提案類型",
}
REASON_MAX_CHARS = 500
EDIT, REVERT, IMPORT = "edit", "revert", "import"
EDIT_FILE = "（線上修改）"  # where a problem of an edit is, in place of a data/ file name


class EditError(ValueError):
    """A change that breaks the rules; `problems` say which field and why, in Chinese."""

    def __init__(self, problems: list[Problem] | list[str]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StaleEdit(Exception):
    """The change was based on an older version: `newer` are the versions saved since, newest last."""

    def __init__(self, proposal_id: str, base_version: int, newer: list[ProposalVersion]):
        self.proposal_id, self.base_version, self.newer = proposal_id, base_version, newer
        who = "、".join(dict.fromkeys(v.recorded_by for v in newer)) or "其他人"
        super().__init__(f"提案 {proposal_id} 已由{who}更新為第 {self.current} 版（您的修改依據第 {base_version} 版），"
                         "未儲存；請先檢視對方的修改，再決定是否重新送出。")

    @property
    def current(self) -> int:
        return self.newer[-1].version if self.newer else self.base_version


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: object
    new: object


def current_version(session: Session, proposal_id: str) -> int:
    """The version in force: 0 for a proposal never changed since it was loaded."""
    return session.exec(select(func.coalesce(func.max(ProposalVersion.version), 0))
                        .where(ProposalVersion.proposal_id == proposal_id)).one()


def history(session: Session, proposal_id: str) -> list[ProposalVersion]:
    """Every version of a proposal, newest first."""
    return list(session.exec(select(ProposalVersion).where(ProposalVersion.proposal_id == proposal_id)
                             .order_by(ProposalVersion.version.desc())))


def changes_of(version: ProposalVersion) -> list[Change]:
    return [Change(c["field"], field_label(c["field"]), c["old"], c["new"]) for c in version.changes]


def field_label(field: str) -> str:
    return EDITABLE.get(field, field)


def edit(session: Session, *, actor: Actor, proposal_id: str, changes: dict, base_version: int,
         reason: str | None = None, kind: str = EDIT, fields: dict | None = None) -> ProposalVersion | None:
    """Apply changes to the proposal as one new version; None when nothing actually changes.

    Raises PermissionDenied, EditError (unknown proposal or field, values the loader would
    refuse) or StaleEdit (base_version is not the version in force). Nothing is written then."""
    version = stage(session, actor=actor, proposal_id=proposal_id, changes=changes, base_version=base_version,
                    reason=reason, kind=kind, fields=fields)
    if version is None:
        return None
    try:
        session.commit()
    except IntegrityError:  # another save took this version number between our check and commit
        session.rollback()
        _check_base(session, proposal_id, base_version)
        raise
    session.refresh(version)
    return version


def stage(session: Session, *, actor: Actor, proposal_id: str, changes: dict, base_version: int,
          reason: str | None = None, kind: str = EDIT, fields: dict | None = None) -> ProposalVersion | None:
    """edit() without the commit, for a caller that applies many changes in one transaction
    (store.import_versions); the caller commits or rolls back."""
    proposal = _proposal(session, proposal_id)
    require_edit(actor, proposal)
    if not isinstance(changes, dict):
        raise EditError([f"提案 {proposal_id} 的修改應為「欄位: 新值」的對應。"])
    if isinstance(base_version, bool) or not isinstance(base_version, int):
        raise EditError([f"依據的版本應為整數，不是「{base_version}」。"])
    allowed = EDITABLE if fields is None else fields
    unknown = [f for f in changes if f not in allowed]
    if unknown:
        raise EditError([f"提案 {proposal_id} 沒有可修改的欄位「{f}」；可修改：{'、'.join(allowed)}" for f in unknown])
    reason = _valid_reason(reason)
    _check_base(session, proposal_id, base_version)
    before = documents.proposal_document(session, proposal)
    after = _apply(before, changes, list(session.exec(select(City.name).order_by(City.sort_order))))
    if after == before:
        return None
    rows = _validated(session, after, changed=list(changes))
    _replace(session, proposal, rows)
    # The version records what the store now holds (a number typed as a contact is kept as text).
    stored = documents.proposal_document(session, proposal)
    diff = [{"field": f, "old": before.get(f), "new": stored.get(f)} for f in documents.KEYS
            if before.get(f) != stored.get(f)]
    if not diff:
        session.rollback()
        return None
    version = ProposalVersion(proposal_id=proposal_id, version=base_version + 1, changes=diff, reason=reason,
                              kind=kind, recorded_at=datetime.now(UTC), recorded_by=actor.name)
    session.add(version)
    return version


def revert(session: Session, *, actor: Actor, proposal_id: str, version: int, base_version: int | None = None,
           reason: str | None = None) -> ProposalVersion | None:
    """Undo what `version` changed, as a new version (the secretariat only)."""
    require_secretariat(actor, "還原提案版本")
    target = session.exec(select(ProposalVersion).where(ProposalVersion.proposal_id == proposal_id,
                                                        ProposalVersion.version == version)).first()
    if target is None:
        _proposal(session, proposal_id)
        raise EditError([f"提案 {proposal_id} 沒有第 {version} 版。"])
    base = current_version(session, proposal_id) if base_version is None else base_version
    undo = {c["field"]: c["old"] for c in target.changes}
    return edit(session, actor=actor, proposal_id=proposal_id, changes=undo, base_version=base,
                reason=reason or f"還原第 {version} 版", kind=REVERT, fields=documents.KEYS)


def _proposal(session: Session, proposal_id: str) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise EditError([f"找不到提案「{proposal_id}」。"])
    return proposal


def _check_base(session: Session, proposal_id: str, base_version: int) -> None:
    if base_version != current_version(session, proposal_id):
        newer = session.exec(select(ProposalVersion).where(ProposalVersion.proposal_id == proposal_id,
                                                           ProposalVersion.version > base_version)
                             .order_by(ProposalVersion.version)).all()
        raise StaleEdit(proposal_id, base_version, list(newer))


def _valid_reason(reason: str | None) -> str | None:
    if reason is not None and not isinstance(reason, str):
        raise EditError(["修改原因應為一段文字。"])
    reason = (reason or "").strip() or None
    if reason and text_problem(reason):
        raise EditError([f"修改原因{text_problem(reason)}。"])
    if reason and len(reason) > REASON_MAX_CHARS:
        raise EditError([f"修改原因不可超過 {REASON_MAX_CHARS} 字（目前 {len(reason)} 字）。"])
    return reason


def _apply(before: dict, changes: dict, all_cities: list[str]) -> dict:
    """before with changes applied, lists in the card's order so that only real changes differ."""
    after = dict(before)
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip() or None
        if value is None or value == []:
            after.pop(field, None)
        else:
            after[field] = value
    if _texts(after.get("cities")):
        after["cities"] = sorted(dict.fromkeys(after["cities"]), key=lambda c: _rank(all_cities, c))
        if "cities_scope" in before:  # the card's box follows the cities ticked
            after["cities_scope"] = "all" if set(after["cities"]) == set(all_cities) else "partial"
    if _texts(after.get("types")):
        after["types"] = documents.in_card_order(list(dict.fromkeys(after["types"])))
    return after


def _texts(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _rank(order: list, value) -> int:
    return order.index(value) if value in order else len(order)


def _validated(session: Session, document: dict, changed: list[str]):
    """The document's rows by the loader's rules; and, like a data/ file, no larger than the loader
    reads, so that an export of the store loads again."""
    problems: list[Problem] = []
    cities = {c.name: c.code for c in session.exec(select(City))}
    groups = {g.id: g for g in session.exec(select(WorkGroup))}
    rows = proposal_rows(document, file=EDIT_FILE, problems=problems, city_by_name=cities, groups=groups)
    if problems or rows is None:
        raise EditError(problems or [f"提案 {document.get('id')} 無法儲存。"])
    size = len(documents.to_yaml(document).encode())
    if size > MAX_BYTES:
        longest = max(changed, key=lambda f: len(str(document.get(f, ""))))
        raise EditError([Problem(EDIT_FILE, f"提案 {document.get('id')}", longest,
                                 f"內容過長：整份提案約 {size // 1024} KB，超過資料檔上限 {MAX_BYTES // 1024} KB；請縮短此欄位")])
    return rows


def _replace(session: Session, proposal: Proposal, rows) -> None:
    """Write the validated rows over the proposal's, keeping its place in the packet's order."""
    for table in (ProposalLead, ProposalType, ProposalCity):
        session.exec(delete(table).where(table.proposal_id == proposal.id))
    rows.proposal.sort_order = proposal.sort_order
    for column in Proposal.model_fields:
        setattr(proposal, column, getattr(rows.proposal, column))
    session.add(proposal)
    session.add_all([*rows.leads, *rows.types, *rows.cities])
