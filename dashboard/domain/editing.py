"""Changing a proposal in the store: every change is a version (who, when, which fields old -> new,
why), checked by the loader's own rules, allowed by the actor's role, and refused when it was based
on an older version than the one in force, so that nobody overwrites a change they have not seen.

A change is given as document values (dashboard/proposal_yaml.py: the keys of data/proposals/*.yaml);
None removes an optional value.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from dashboard.domain import cycles, dates, diffs, group_terms, proposal_rules, proposal_yaml, vocab
from dashboard.domain.permissions import Actor, PermissionDenied, may_edit, require_edit, require_secretariat
from dashboard.domain.problems import Problem
from dashboard.domain.proposal_rules import ID_PATTERN, ProposalRows, packet_key, proposal_record, proposal_rows
from dashboard.domain.text import MAX_BYTES, text_problem
from dashboard.store.db import begin_write, save_version
from dashboard.store.models import City, Proposal, ProposalCity, ProposalLead, ProposalType, ProposalVersion, WorkGroup

# How a field is typed: one line, several lines, one of a list, several of a list, the lead units, a day.
LINE, LINES, CHOICE, LIST, LEADS, DATE = "line", "lines", "choice", "list", "leads", "date"
# Where the card's form puts a field (in this order): how the proposal is going, then the card itself.
PROGRESS, CARD = "辦理情形", "提案單內容"
SECTIONS = (PROGRESS, CARD)


@dataclass(frozen=True)
class EditableField:
    """A field of the card that its owner (a group lead, the secretariat) changes: the card's form,
    the update workbook and `edit --set` all follow this one table. The limit is MAX_CHARS's."""

    key: str  # as in data/proposals/*.yaml
    label: str  # as users read it
    kind: str  # LINE, LINES, CHOICE, LIST, LEADS or DATE
    section: str  # PROGRESS or CARD
    card_only: bool = False  # a carried proposal without a paper card has none (its form leaves it out)

    @property
    def limit(self) -> int | None:
        """Most characters the field holds (proposal_rules.MAX_CHARS); None for a field not typed."""
        return proposal_rules.MAX_CHARS.get(self.key)


# What a group lead (and the secretariat) changes on the card, in the workbook's column order (the
# names first, to know the row by); the form shows them section by section (SECTIONS).
EDITABLE_FIELDS = (
    EditableField("title", "提案名稱", LINE, CARD),
    EditableField("card_title", "提案單上的名稱", LINE, CARD, card_only=True),
    EditableField("progress", "進度說明", LINES, PROGRESS),
    EditableField("progress_status", "進度狀態", CHOICE, PROGRESS),
    EditableField("tracking_status", "列管狀態（建議）", CHOICE, PROGRESS),
    EditableField("progress_basis", "進度狀態依據", LINE, PROGRESS),
    EditableField("tracking_reason", "列管原因", LINES, PROGRESS),
    EditableField("recommendation_date", "議題組會議日期", DATE, PROGRESS),
    EditableField("risk", "風險燈號", CHOICE, PROGRESS),
    EditableField("risk_reason", "風險燈號原因", LINES, PROGRESS),
    EditableField("lead_units", "提案單位", LEADS, CARD),
    EditableField("types", "提案類型", LIST, CARD, card_only=True),
    EditableField("cities", "合作縣市", LIST, CARD, card_only=True),
    EditableField("description", "說明", LINES, CARD, card_only=True),
    EditableField("approach", "具體作法", LINES, CARD, card_only=True),
    EditableField("benefits", "合作效益", LINES, CARD, card_only=True),
    EditableField("contact", "聯絡人", LINES, CARD),  # multi-line, as on the paper card
    EditableField("central_ministry", "對應中央部會", LINES, CARD),  # one agency a line, as the packet prints them
)
EDITABLE = {f.key: f.label for f in EDITABLE_FIELDS}
EDITABLE_BY_KEY = {f.key: f for f in EDITABLE_FIELDS}
# The values a CHOICE or LIST field offers (cities: the store's, in the card's order).
CHOICES = {
    "progress_status": vocab.PROGRESS_STATUSES,
    "tracking_status": vocab.TRACKING_STATUSES,
    "types": vocab.PROPOSAL_TYPES,
    "risk": vocab.RISKS,  # none: 未評估
}
# The group's recommendation as a lead names it (`edit --set recommendation=擬解除列管`): the words of
# the fields that hold it (vocab.recommendation), the tracking status and its reason.
RECOMMENDATION_KEYS = {"recommendation": "tracking_status", "recommendation_reason": "tracking_reason"}
RECOMMENDATION_LABEL = "議題組建議"
REASON_MAX_CHARS = 500
MAX_VERSION = 2**31 - 1  # the version column is a 32-bit integer: a larger number names no version
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
        # read now: the save's transaction is rolled back, and its session may be closed, before it is shown
        self.current = newer[-1].version if newer else base_version
        who = "、".join(dict.fromkeys(v.recorded_by for v in newer)) or "其他人"
        super().__init__(
            f"提案 {proposal_id} 已由{who}更新為第 {self.current} 版（您的修改依據第 {base_version} 版），"
            "未儲存；請先檢視對方的修改，再決定是否重新送出。"
        )


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: object
    new: object


# --- two people's changes of one version: the three-way merge ------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A field both people changed, to different values: someone has to choose (or merge)."""

    field: str
    label: str
    base: object  # at the version the save was based on
    theirs: object  # in force now
    mine: object
    merged: str | None = None  # both texts' changes in one, when they touch different places


@dataclass(frozen=True)
class Merge:
    """What a save based on an older version does on the version in force: `changes` (mine, where the
    others left the field as it was), `kept` (fields only the others changed: their value stays) and
    `conflicts` (fields both changed differently; nothing is saved while there is one)."""

    changes: dict
    kept: dict
    conflicts: list[Conflict]


def _normal(field: str, value):
    """A value as compared for a merge: texts stripped, empty as None, a day as ISO."""
    if isinstance(value, date) and not isinstance(value, datetime):
        value = value.isoformat()
    if isinstance(value, str):
        value = value.strip() or None
    if value == []:
        value = None
    return value


def three_way(base: dict, theirs: dict, mine: dict) -> Merge:
    """Merge my changes (field -> new value) with the others' (base -> theirs, whole documents):
    a field only I changed is mine, a field only they changed keeps theirs, a field both changed to
    one value is that value, and a field both changed to different values is a Conflict."""
    changes, conflicts = {}, []
    for field, value in mine.items():
        new, old, now = _normal(field, value), _normal(field, base.get(field)), _normal(field, theirs.get(field))
        if new == now or new == old:  # already what is in force, or not a change of mine
            continue
        if now == old:
            changes[field] = value
            continue
        merged = (
            diffs.merge_text(old, now, new) if all(v is None or isinstance(v, str) for v in (old, now, new)) else None
        )
        conflicts.append(Conflict(field, field_label(field), base.get(field), theirs.get(field), value, merged))
    taken = set(changes) | {c.field for c in conflicts}
    kept = {
        f: theirs.get(f)
        for f in dict.fromkeys([*base, *theirs])
        if f not in taken and _normal(f, base.get(f)) != _normal(f, theirs.get(f))
    }
    return Merge(changes, kept, conflicts)


class Conflicted(StaleEdit):
    """A save based on an older version that changes a field the others changed too: nothing is
    saved until someone chooses. `conflicts` name those fields; `merge` is the rest."""

    def __init__(self, proposal_id: str, base_version: int, newer: list[ProposalVersion], merge: Merge):
        super().__init__(proposal_id, base_version, newer)
        self.merge, self.conflicts = merge, merge.conflicts
        who = "、".join(dict.fromkeys(v.recorded_by for v in newer)) or "其他人"
        fields = "、".join(f"「{c.label}」" for c in self.conflicts)
        Exception.__init__(
            self,
            f"提案 {proposal_id} 已由{who}更新為第 {self.current} 版（您的修改依據第 {base_version} 版），"
            f"雙方都修改了{fields}，未儲存任何欄位；請先決定{fields}採用哪一方的內容或合併兩者，"
            f"再依第 {self.current} 版重新送出。",
        )


def at_version(session: Session, proposal_id: str, base_version: int) -> tuple[dict, dict, list[ProposalVersion]]:
    """(the document at base_version, the document in force, the versions saved since, oldest first)."""
    proposal = _proposal(session, proposal_id)
    now = proposal_yaml.proposal_document(session, proposal)
    newer = _newer(session, proposal_id, base_version)
    then = dict(now)
    for version in reversed(newer):  # newest first: the oldest version's "old" is the value at base
        for change in version.changes:
            if change["old"] is None:
                then.pop(change["field"], None)
            else:
                then[change["field"]] = change["old"]
    return then, now, newer


def merge_with_latest(session: Session, proposal_id: str, base_version: int, changes: dict) -> Merge:
    """three_way() of my changes, based on base_version, with what was saved since (read only)."""
    then, now, _ = at_version(session, proposal_id, base_version)
    return three_way(then, now, _recommendation_words(proposal_id, changes))


def current_version(session: Session, proposal_id: str) -> int:
    """The version in force: 0 for a proposal never changed since it was loaded."""
    return session.exec(
        select(func.coalesce(func.max(ProposalVersion.version), 0)).where(ProposalVersion.proposal_id == proposal_id)
    ).one()


def history(session: Session, proposal_id: str) -> list[ProposalVersion]:
    """Every version of a proposal, newest first."""
    return list(
        session.exec(
            select(ProposalVersion)
            .where(ProposalVersion.proposal_id == proposal_id)
            .order_by(ProposalVersion.version.desc())
        )
    )


def changes_of(version: ProposalVersion) -> list[Change]:
    return [Change(c["field"], field_label(c["field"]), c["old"], c["new"]) for c in version.changes]


# Every document key as users read it (history rows of a new or imported proposal name them all);
# the card form's own labels where they differ.
FIELD_LABELS = {**proposal_rules.FIELD_LABELS, **EDITABLE}


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def edit(
    session: Session,
    *,
    actor: Actor,
    proposal_id: str,
    changes: dict,
    base_version: int,
    reason: str | None = None,
    kind: vocab.VersionKind = vocab.VersionKind.EDIT,
    fields: dict | None = None,
    merge: bool = False,
) -> ProposalVersion | None:
    """Apply changes to the proposal as one new version; None when nothing actually changes.

    Raises PermissionDenied, EditError (unknown proposal or field, values the loader would
    refuse) or StaleEdit (base_version is not the version in force). Nothing is written then.
    With merge, a save on an older version is merged instead (three_way): the others' changes stay,
    mine apply on the version in force, and only a field both changed differently refuses the whole
    save (Conflicted, a StaleEdit naming the fields).

    Saves are serialised (store.db.begin_write): of two saves on one base version, the second
    always sees the first and is refused with StaleEdit."""
    return save_version(
        session,
        lambda: stage(
            session,
            actor=actor,
            proposal_id=proposal_id,
            changes=changes,
            base_version=base_version,
            reason=reason,
            kind=kind,
            fields=fields,
            merge=merge,
        ),
        # a writer that skipped the lock took this version number meanwhile: StaleEdit names it
        on_conflict=lambda: _check_base(session, proposal_id, base_version),
    )


def stage(
    session: Session,
    *,
    actor: Actor,
    proposal_id: str,
    changes: dict,
    base_version: int,
    reason: str | None = None,
    kind: vocab.VersionKind = vocab.VersionKind.EDIT,
    fields: dict | None = None,
    merge: bool = False,
) -> ProposalVersion | None:
    """edit() without the commit, for a caller that applies many changes in one transaction
    (store.import_versions); the caller commits or rolls back. Takes the store's write lock
    (store.db.begin_write) before reading the version in force, if the caller has not."""
    begin_write(session)
    proposal = _proposal(session, proposal_id)
    require_edit(actor, proposal)
    if not isinstance(changes, dict):
        raise EditError([f"提案 {proposal_id} 的修改應為「欄位: 新值」的對應。"])
    if isinstance(base_version, bool) or not isinstance(base_version, int):
        raise EditError([f"依據的版本應為整數，不是「{base_version}」。"])
    allowed = EDITABLE if fields is None else fields
    changes = _recommendation_words(proposal_id, changes) if fields is None else changes
    unknown = [f for f in changes if f not in allowed]
    if unknown:
        raise EditError([f"提案 {proposal_id} 沒有可修改的欄位「{f}」；可修改：{'、'.join(allowed)}" for f in unknown])
    reason = _valid_reason(reason)
    if merge:
        changes, base_version = _merged(session, proposal_id, base_version, changes)
    _check_base(session, proposal_id, base_version)
    before = proposal_yaml.proposal_document(session, proposal)
    after = _apply(before, changes, list(session.exec(select(City.name).order_by(City.sort_order))))
    if after == before:
        return None
    if after.get("recommendation_date") != before.get("recommendation_date"):
        _check_recommendation_date(session, after)
    rows = _validated(session, after, changed=list(changes))
    _replace(session, proposal, rows)
    # The version records what the store now holds (a number typed as a contact is kept as text).
    stored = proposal_yaml.proposal_document(session, proposal)
    diff = [
        {"field": f, "old": before.get(f), "new": stored.get(f)}
        for f in proposal_yaml.KEYS
        if before.get(f) != stored.get(f)
    ]
    if not diff:
        session.rollback()
        return None
    version = ProposalVersion(
        proposal_id=proposal_id,
        version=base_version + 1,
        changes=diff,
        reason=reason,
        kind=kind,
        recorded_at=datetime.now(UTC),
        recorded_by=actor.name,
    )
    session.add(version)
    return version


def revert(
    session: Session,
    *,
    actor: Actor,
    proposal_id: str,
    version: int,
    base_version: int | None = None,
    reason: str | None = None,
) -> ProposalVersion | None:
    """Undo what `version` changed, as a new version (the secretariat only)."""
    require_secretariat(actor, "還原提案版本")
    if isinstance(version, bool) or not isinstance(version, int) or not 0 < version <= MAX_VERSION:
        _proposal(session, proposal_id)
        raise EditError([f"提案 {proposal_id} 沒有第 {version} 版。"])
    target = session.exec(
        select(ProposalVersion).where(ProposalVersion.proposal_id == proposal_id, ProposalVersion.version == version)
    ).first()
    if target is None:
        _proposal(session, proposal_id)
        raise EditError([f"提案 {proposal_id} 沒有第 {version} 版。"])
    base = current_version(session, proposal_id) if base_version is None else base_version
    undo = {c["field"]: c["old"] for c in target.changes}
    return edit(
        session,
        actor=actor,
        proposal_id=proposal_id,
        changes=undo,
        base_version=base,
        reason=reason or f"還原第 {version} 版",
        kind=vocab.VersionKind.REVERT,
        fields=proposal_yaml.KEYS,
    )


def _begin(session: Session) -> None:
    """Become the store's writer, then read afresh: objects the session loaded before the lock may
    predate another writer's commit."""
    session.flush()
    begin_write(session)
    session.expire_all()


def _proposal(session: Session, proposal_id: str) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise EditError([f"找不到提案「{proposal_id}」。"])
    return proposal


def _newer(session: Session, proposal_id: str, base_version: int) -> list[ProposalVersion]:
    """The versions after base_version, oldest first, detached: shown after a rollback (which would
    expire them) and the session's end."""
    newer = session.exec(
        select(ProposalVersion)
        .where(ProposalVersion.proposal_id == proposal_id, ProposalVersion.version > base_version)
        .order_by(ProposalVersion.version)
    ).all()
    for version in newer:
        session.expunge(version)
    return list(newer)


def _merged(session: Session, proposal_id: str, base_version: int, changes: dict) -> tuple[dict, int]:
    """(changes, base) to stage: as given when base_version is in force; else my changes merged with
    the others' (three_way) on the version in force, or Conflicted."""
    current = current_version(session, proposal_id)
    if isinstance(base_version, int) and 0 <= base_version < current:
        then, now, newer = at_version(session, proposal_id, base_version)
        merged = three_way(then, now, changes)
        if merged.conflicts:
            raise Conflicted(proposal_id, base_version, newer, merged)
        return merged.changes, current
    return changes, base_version


def _check_base(session: Session, proposal_id: str, base_version: int) -> None:
    """StaleEdit when a newer version is in force; EditError for a version that never was (a
    negative one, or one after the version in force: it cannot be a version someone opened)."""
    current = current_version(session, proposal_id)
    if base_version < 0 or base_version > current:
        raise EditError([f"提案 {proposal_id} 沒有第 {base_version} 版可作為依據；目前為第 {current} 版。"])
    if base_version != current:
        raise StaleEdit(proposal_id, base_version, _newer(session, proposal_id, base_version))


def _recommendation_words(proposal_id: str, changes: dict) -> dict:
    """changes with the recommendation's words (RECOMMENDATION_KEYS) as the fields that hold it:
    擬解除列管 -> 建議解除列管, 擬持續列管 -> 持續列管, 尚未提出建議 (or empty) -> 列管中."""
    if not any(key in changes for key in RECOMMENDATION_KEYS):
        return changes
    given = dict(changes)
    if "recommendation" in given:
        value = given.pop("recommendation")
        value = value.strip() if isinstance(value, str) else value
        if value in (None, "", vocab.NO_RECOMMENDATION):
            status = vocab.TRACKED
        elif value in vocab.RECOMMENDATIONS:
            status = vocab.RECOMMENDATIONS[value]
        else:
            choices = "、".join([*vocab.RECOMMENDATIONS, vocab.NO_RECOMMENDATION])
            raise EditError(
                [
                    Problem(
                        EDIT_FILE,
                        f"提案 {proposal_id}",
                        "recommendation",
                        f"{RECOMMENDATION_LABEL}「{value}」不是{choices}之一",
                    )
                ]
            )
        if given.get("tracking_status", status) != status:
            raise EditError(
                [
                    Problem(
                        EDIT_FILE,
                        f"提案 {proposal_id}",
                        "recommendation",
                        f"{RECOMMENDATION_LABEL}「{value}」與列管狀態「{given['tracking_status']}」不一致；請只填其中一項",
                    )
                ]
            )
        given["tracking_status"] = status
    if "recommendation_reason" in given:
        reason = given.pop("recommendation_reason")
        if "tracking_reason" in given and given["tracking_reason"] != reason:
            raise EditError(
                [
                    Problem(
                        EDIT_FILE,
                        f"提案 {proposal_id}",
                        "recommendation_reason",
                        "建議的原因與列管原因不一致；請只填其中一項",
                    )
                ]
            )
        given["tracking_reason"] = reason
    return given


def _check_recommendation_date(session: Session, document: dict) -> None:
    """The working-group meeting that agreed the recommendation was held: not after today (Taipei),
    nor after the vice-mayors' meeting of the proposal's cycle. A malformed date is the loader's rule."""
    try:
        day = date.fromisoformat(str(document["recommendation_date"]))
    except (KeyError, ValueError):
        return
    where, field = f"提案 {document.get('id')}", "recommendation_date"
    today = dates.now_taipei().date()
    if day > today:
        raise EditError(
            [
                Problem(
                    EDIT_FILE,
                    where,
                    field,
                    f"{dates.roc_date(day)}晚於今天（{dates.roc_date(today)}）；請填已召開的議題組會議日期",
                )
            ]
        )
    year, track = document.get("year"), document.get("track")
    if isinstance(year, int) and track in vocab.TRACKS:
        cycle = cycles.cycle_of(year=year, track=track)
        held = cycles.meeting_of(session, cycle)
        if held is not None and day > held.date:
            raise EditError(
                [
                    Problem(
                        EDIT_FILE,
                        where,
                        field,
                        f"{dates.roc_date(day)}晚於{cycle}年度副首長會議（{dates.roc_date(held.date)}）；"
                        "建議應在會議之前提出",
                    )
                ]
            )


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
        if isinstance(value, date) and not isinstance(value, datetime):  # as the document holds it
            value = value.isoformat()
        if isinstance(value, str):
            value = value.strip() or None
        if value is None or value == []:
            after.pop(field, None)
        else:
            after[field] = value
    if _texts(after.get("cities")):
        after["cities"] = sorted(dict.fromkeys(after["cities"]), key=lambda c: _rank(all_cities, c))
        if "cities_scope" in before:  # the card's box follows the cities ticked
            after["cities_scope"] = vocab.ALL_CITIES if set(after["cities"]) == set(all_cities) else vocab.SOME_CITIES
    if _texts(after.get("types")):
        after["types"] = proposal_yaml.in_card_order(list(dict.fromkeys(after["types"])))
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
    groups = group_terms.groups_for_document(session, document)  # those of the proposal's cycle
    rows = proposal_rows(document, file=EDIT_FILE, problems=problems, city_by_name=cities, groups=groups)
    if problems or rows is None:
        raise EditError(problems or [f"提案 {document.get('id')} 無法儲存。"])
    size = len(proposal_yaml.to_yaml(document).encode())
    if size > MAX_BYTES:
        longest = max(changed, key=lambda f: len(str(document.get(f, ""))))
        raise EditError(
            [
                Problem(
                    EDIT_FILE,
                    f"提案 {document.get('id')}",
                    longest,
                    f"內容過長：整份提案約 {size // 1024} KB，超過資料檔上限 {MAX_BYTES // 1024} KB；請縮短此欄位",
                )
            ]
        )
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


# --- a new proposal and its first version -----------------------------------------------------


def add_proposal(
    session: Session,
    rows: ProposalRows,
    *,
    kind: vocab.VersionKind,
    actor: Actor,
    reason: str | None = None,
    now: datetime | None = None,
) -> ProposalVersion:
    """Add a proposal's validated rows and the version that records its arrival: every field as a
    change from None, as the store now holds it. The one way a proposal comes into a store that
    keeps versions: the card form (kind create), data/ brought in as versions (create) and the start
    of a cycle (carry). The caller gives the proposal its sort_order and commits or rolls back."""
    proposal_id = rows.proposal.id
    number = current_version(session, proposal_id) + 1  # versions of a proposal removed before stay
    session.add(rows.proposal)
    session.flush()  # the proposal before the rows that refer to it
    session.add_all([*rows.leads, *rows.types, *rows.cities])
    stored = proposal_yaml.proposal_document(session, rows.proposal)
    version = ProposalVersion(
        proposal_id=proposal_id,
        version=number,
        kind=kind,
        reason=reason,
        changes=[{"field": f, "old": None, "new": stored[f]} for f in proposal_yaml.KEYS if f in stored],
        recorded_at=now or datetime.now(UTC),
        recorded_by=actor.name,
    )
    session.add(version)
    return version


# --- a new proposal, from the fields of the paper card (合作提案單) ---------------------------

# What the card's form gives; id, item_no and cities_scope are derived, and sort_order follows.
CREATE_FIELDS = (
    "year",
    "track",
    "group",
    "subgroup",
    "title",
    "lead_units",
    "card_title",
    "card_unit",
    "types",
    "cities",
    "description",
    "approach",
    "benefits",
    "contact",
    "central_ministry",
    "progress",
    "tracking_status",
    "tracking_reason",
    "tracking_basis",
    "progress_status",
    "progress_basis",
    "notes",
)
ID_LETTER = {vocab.CENTRAL: "C", vocab.JOINT: "J"}  # 112-C01, 112-J01: the tracks a new card can be in
ID_MAX = 99  # ids have two digits (proposal_rules.ID_PATTERN)
NEW_LABEL = "新提案"  # the record problems of a proposal not yet numbered are reported under
PLACEHOLDER_ID = "000-X00"  # while year or track is not valid; never stored
# Valid values for the fields whose absence makes the loader stop, to find the card's other problems.
_STAND_INS = {
    "title": "-",
    "year": 100,
    "track": vocab.JOINT,
    "group": "",
    "tracking_status": vocab.TRACKED,
    "progress_status": vocab.PLANNING,
}


def create(session: Session, *, actor: Actor, document: dict, reason: str | None = None) -> ProposalVersion:
    """A new proposal from the card's fields (CREATE_FIELDS), numbered after the others of its year
    and track, recorded as its version 1 (kind create) with every field as a change from None.

    The secretariat may create in any group, a lead only in their own groups. Defaults: tracking
    status 列管中 and progress status 規劃中; no text is written for the user (the version says who
    made it, when and how). Raises
    PermissionDenied or EditError (every problem, by field); nothing is written then."""
    if actor.name is None or actor.role not in vocab.ROLES:
        raise PermissionDenied(f"{actor.label}不能新增提案：只有議題組窗口或祕書處可以新增。")
    if not isinstance(document, dict):
        raise EditError(["新提案的內容應為「欄位: 值」的對應。"])
    unknown = [f for f in document if f not in CREATE_FIELDS]
    if unknown:
        raise EditError(
            [
                Problem(EDIT_FILE, NEW_LABEL, str(f), f"不是提案單的欄位；可填：{'、'.join(CREATE_FIELDS)}")
                for f in unknown
            ]
        )
    _require_group(session, actor, document)
    reason = _valid_reason(reason)
    _begin(session)  # the number is counted and taken under the write lock: no two saves get one id
    try:
        rows = _validated_new(session, _draft(session, actor, document))
        rows.proposal.sort_order = _make_room(session, rows.proposal)
        version = add_proposal(session, rows, kind=vocab.VersionKind.CREATE, actor=actor, reason=reason)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(version)
    return version


def _require_group(session: Session, actor: Actor, document: dict) -> None:
    """A lead creates only in their own groups: said before any other problem, since the rest of
    the card does not matter then. A missing or unknown group is a problem of the card instead."""
    group, subgroup = document.get("group"), document.get("subgroup")
    if actor.is_secretariat or not isinstance(group, str) or session.get(WorkGroup, group.strip()) is None:
        return
    subgroup = subgroup.strip() if isinstance(subgroup, str) else None
    if not may_edit(actor, Proposal(group_id=group.strip(), subgroup_id=subgroup or None)):
        names = {g.id: g.name for g in session.exec(select(WorkGroup))}
        where = names.get(subgroup) or names.get(group.strip())
        own = "、".join(names.get(g, g) for g in sorted(actor.groups)) or "（無）"
        raise PermissionDenied(f"{actor.label}不能在「{where}」新增提案：議題組窗口只能新增自己議題組（{own}）的提案。")


def _draft(session: Session, actor: Actor, document: dict) -> dict:
    """The card's fields as a proposal document: stripped, numbered, with the derived fields and defaults."""
    draft = {}
    for field in CREATE_FIELDS:
        value = document.get(field)
        if isinstance(value, str):
            value = value.strip() or None
        if value is not None and value != []:
            draft[field] = value
    if isinstance(draft.get("year"), str) and draft["year"].isdigit():  # as typed in a file or a command
        draft["year"] = int(draft["year"])
    all_cities = list(session.exec(select(City.name).order_by(City.sort_order)))
    if _texts(draft.get("cities")):
        draft["cities"] = sorted(dict.fromkeys(draft["cities"]), key=lambda c: _rank(all_cities, c))
    draft["cities_scope"] = vocab.ALL_CITIES if set(draft.get("cities") or ()) == set(all_cities) else vocab.SOME_CITIES
    if _texts(draft.get("types")):
        draft["types"] = proposal_yaml.in_card_order(list(dict.fromkeys(draft["types"])))
    draft.setdefault("tracking_status", vocab.TRACKED)
    draft.setdefault("progress_status", vocab.PLANNING)
    if "progress_basis" not in draft and "progress" in draft:  # the card's own words are its basis
        draft["progress_basis"] = draft["progress"]
    # Nothing else is written for the user: who made the card, when and how is its version 1's.
    draft["id"], draft["item_no"] = _next_number(session, draft.get("year"), draft.get("track"))
    return {key: draft[key] for key in proposal_yaml.KEYS if key in draft}


def _next_number(session: Session, year, track) -> tuple[str, int]:
    """The next free id and item number of the year and track; a placeholder when either is not
    valid (the validation reports it)."""
    letter = ID_LETTER.get(track)
    if isinstance(year, bool) or not isinstance(year, int) or letter is None or not 100 <= year <= 999:
        return PLACEHOLDER_ID, 1
    prefix = f"{year}-{letter}"
    taken = session.exec(
        select(Proposal.id, Proposal.item_no).where(Proposal.year == year, Proposal.track == track)
    ).all()
    numbers = [int(pid[len(prefix) :]) for pid, _ in taken if pid.startswith(prefix) and pid[len(prefix) :].isdigit()]
    number = max(numbers, default=0) + 1
    item_no = max((item for _, item in taken), default=0) + 1
    return f"{prefix}{number:02d}", item_no


def _validated_new(session: Session, draft: dict):
    """The draft's rows by the loader's rules, and the rules of a new card: a track a new card can
    be in, and a free two-digit number."""
    problems: list[Problem] = []
    record = proposal_record(draft, EDIT_FILE, NEW_LABEL, problems)
    if draft.get("track") is not None and draft.get("track") not in ID_LETTER and draft.get("track") in vocab.TRACKS:
        record.problem("track", f"新提案單的類別只能是{'或'.join(vocab.TRACKS[t] for t in ID_LETTER)}")
    elif draft["id"] != PLACEHOLDER_ID and not ID_PATTERN.match(draft["id"]):
        record.problem("track", f"{draft['year']}年度此類別已有 {ID_MAX} 案，編號已用完；請洽祕書處")
    cities = {c.name: c.code for c in session.exec(select(City))}
    groups = group_terms.groups_for_document(session, draft)  # those of the proposal's cycle
    rows = proposal_rows(draft, file=EDIT_FILE, problems=problems, record=record, city_by_name=cities, groups=groups)
    if rows is None:  # the loader stops at a missing title, group…: a form shows the card's other problems too
        stand_in = {**draft, **{f: v for f, v in _STAND_INS.items() if f in {p.field for p in problems}}}
        if "group" in stand_in and stand_in["group"] not in groups:
            stand_in["group"], stand_in["subgroup"] = next(g for g in groups.values() if not g.parent_id).id, None
        more: list[Problem] = []
        proposal_rows(
            stand_in,
            file=EDIT_FILE,
            problems=more,
            city_by_name=cities,
            groups=groups,
            record=proposal_record(stand_in, EDIT_FILE, NEW_LABEL, more),
        )
        problems += [p for p in more if p.field not in {q.field for q in problems}]
    if not problems and draft["id"] == PLACEHOLDER_ID:  # a year or track the loader took but ids cannot
        record.problem("year", f"無法為年度「{draft.get('year')}」編號；請填 3 位數的民國年")
    if problems or rows is None:
        raise EditError(problems or [Problem(EDIT_FILE, NEW_LABEL, "-", "無法儲存")])
    size = len(proposal_yaml.to_yaml(draft).encode())
    if size > MAX_BYTES:
        longest = max(CREATE_FIELDS, key=lambda f: len(str(draft.get(f, ""))))
        raise EditError(
            [
                Problem(
                    EDIT_FILE,
                    NEW_LABEL,
                    longest,
                    f"內容過長：整份提案約 {size // 1024} KB，超過資料檔上限 {MAX_BYTES // 1024} KB；請縮短此欄位",
                )
            ]
        )
    return rows


def _make_room(session: Session, proposal: Proposal) -> int:
    """The packet position of a new proposal (the loader's order: proposal_rules.packet_key), moving the
    proposals after it down by one."""
    later = [
        p for p in session.exec(select(Proposal).order_by(Proposal.sort_order)) if packet_key(p) > packet_key(proposal)
    ]
    if not later:
        return session.exec(select(func.coalesce(func.max(Proposal.sort_order), 0))).one() + 1
    position = later[0].sort_order
    for p in reversed(later):
        p.sort_order += 1
        session.add(p)
    return position
