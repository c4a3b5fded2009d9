"""The secretariat's changes to the working groups of a cycle (read through group_terms.py): rename,
set or confirm the host agency, reorder, add a group (a split: with some proposals moved to it),
close one, or close it into another (a merge: its proposals of that cycle on move to the target, as
proposal versions, and its leads get the target). Each change applies from its cycle on.

Each change is a GroupVersion (who, when, old -> new, why), and a save based on an older version of
the group is refused (StaleGroupEdit), as for proposals (dashboard/domain/editing.py).
"""

import re
from datetime import UTC, datetime

from sqlmodel import Session, select

from dashboard.domain import cycles, editing, lookup, proposal_yaml, vocab
from dashboard.domain.group_terms import (
    CycleGroup,
    current_version,
    cycle_of_proposal,
    next_group_id,
    resolve_all,
)
from dashboard.domain.permissions import Actor, require_secretariat
from dashboard.domain.text import text_problem
from dashboard.store.db import save_version
from dashboard.store.models import AccountGroup, GroupTerm, GroupVersion, Proposal, WorkGroup

EDITABLE = ("name", "host_agency", "sort_order")  # what `edit` changes; the place of a group is set when added
ADD_FIELDS = ("name", "host_agency", "parent", "sort_order", "kind")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")  # as data/groups.csv's ids (datafiles/loading.py)
NAME_MAX_CHARS = 40
HOST_MAX_CHARS = 100
REASON_MAX_CHARS = 500
SORT_MAX = 10_000


class GroupError(ValueError):
    """A change of a group that cannot be made; the message says what and where, in Chinese."""


class StaleGroupEdit(GroupError):
    """The change was based on an older version of the group: `newer` are the versions since."""

    def __init__(self, group_name: str, base_version: int, newer: list[GroupVersion]):
        self.base_version, self.newer = base_version, newer
        self.current = newer[-1].version if newer else base_version
        who = "、".join(dict.fromkeys(v.recorded_by for v in newer)) or "其他人"
        super().__init__(
            f"議題組「{group_name}」已由{who}更新為第 {self.current} 版（您的修改依據第 {base_version} 版），"
            "未儲存；請先檢視對方的修改，再決定是否重新送出。"
        )


def edit(
    session: Session,
    *,
    actor: Actor,
    group_id: str,
    year,
    changes: dict,
    base_version: int | None = None,
    reason: str | None = None,
) -> GroupVersion | None:
    """Change a group's name, host agency or sort order from cycle `year` on, as one version; None
    when nothing changes. Setting the host agency (even to the one carried) confirms it. Raises
    PermissionDenied, GroupError or StaleGroupEdit; nothing is written then."""
    require_secretariat(actor, "設定議題組")
    return save_version(session, lambda: _edit(session, actor, group_id, year, changes, base_version, reason))


def add(
    session: Session,
    *,
    actor: Actor,
    group_id: str | None,
    year,
    values: dict,
    move: tuple[str, ...] = (),
    reason: str | None = None,
) -> GroupVersion:
    """A new group from cycle `year` on (ADD_FIELDS: name and host agency required; parent, sort
    order and kind optional), with the proposals `move` names moved to it (a split). A group_id of
    None takes the next free one (next_group_id)."""
    require_secretariat(actor, "設定議題組")
    return save_version(session, lambda: _add(session, actor, group_id, year, values, move, reason))


def close(
    session: Session,
    *,
    actor: Actor,
    group_id: str,
    year,
    into: str | None = None,
    base_version: int | None = None,
    reason: str | None = None,
) -> GroupVersion:
    """End a group from cycle `year` on; `into` another group (a merge): its proposals of `year`
    on move there and its leads get that group. Without `into`, refused while it has proposals then."""
    require_secretariat(actor, "設定議題組")
    return save_version(session, lambda: _close(session, actor, group_id, year, into, base_version, reason))


def _cycle(session: Session, year) -> cycles.Cycle:
    try:
        return cycles.resolve(year, held=cycles.cycles(session))
    except cycles.CycleError as error:
        raise GroupError(f"{error}；未變更。") from error


def _find(groups: dict[str, CycleGroup], value, cycle: int) -> CycleGroup:
    """The group `value` names (id or name) among those of `cycle`."""
    gid = lookup.group_id(value if isinstance(value, str) else None, list(groups.values()))
    if gid is None:
        shown_names = "、".join(f"{g.id}（{g.name}）" for g in groups.values() if not g.closed)
        raise GroupError(f"{cycle}年度沒有議題組「{value}」；可用：{shown_names}。未變更。")
    return groups[gid]


def _open(group: CycleGroup, cycle: int) -> None:
    if group.closed:
        raise GroupError(f"議題組「{group.name}」自{group.since}年度起已結束，{cycle}年度不能修改；未變更。")


def _check_base(session: Session, group: CycleGroup, base_version: int | None) -> int:
    current = current_version(session, group.id)
    if base_version is None:
        return current
    if isinstance(base_version, bool) or not isinstance(base_version, int) or not 0 <= base_version <= current:
        raise GroupError(f"議題組「{group.name}」沒有第 {base_version} 版可作為依據；目前為第 {current} 版。未變更。")
    if base_version != current:
        newer = list(
            session.exec(
                select(GroupVersion)
                .where(GroupVersion.group_id == group.id, GroupVersion.version > base_version)
                .order_by(GroupVersion.version)
            )
        )
        for version in newer:
            session.expunge(version)
        raise StaleGroupEdit(group.name, base_version, newer)
    return current


def _text(label: str, value, where: str, *, limit: int, required: bool = True) -> str | None:
    if value is not None and not isinstance(value, str):
        value = str(value)
    text = (value or "").strip()
    if not text:
        if required:
            raise GroupError(f"{where}的{label}不可空白；未變更。")
        return None
    if problem := text_problem(text):
        raise GroupError(f"{where}的{label}{problem}；未變更。")
    if "\n" in text or "\r" in text:
        raise GroupError(f"{where}的{label}只能有一行；未變更。")
    if len(text) > limit:
        raise GroupError(f"{where}的{label}不可超過 {limit} 字（目前 {len(text)} 字）；未變更。")
    return text


def _sort_order(value, where: str) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= SORT_MAX:
        raise GroupError(f"{where}的排序應為 1 到 {SORT_MAX} 的整數，不是「{value}」；未變更。")
    return int(text)


def _reason(reason) -> str | None:
    return _text("修改原因", reason, "本次修改", limit=REASON_MAX_CHARS, required=False)


def _unique_name(name: str, groups: dict[str, CycleGroup], cycle: int, own: str | None, where: str) -> None:
    other = next((g for g in groups.values() if g.id != own and lookup.fold(g.name) == lookup.fold(name)), None)
    if other is not None:
        raise GroupError(f"{where}：{cycle}年度已有議題組名為「{other.name}」，名稱不可重複；未變更。")


def _has_open_children(group: CycleGroup, groups: dict[str, CycleGroup]) -> list[CycleGroup]:
    return [g for g in groups.values() if g.parent_id == group.id and not g.closed]


def _term(session: Session, group: CycleGroup, cycle: int) -> GroupTerm:
    """The group's term of `cycle`, made from its values in force when it has none yet."""
    term = session.get(GroupTerm, (group.id, cycle))
    if term is None:
        term = GroupTerm(
            group_id=group.id,
            year=cycle,
            name=group.name,
            parent_id=group.parent_id,
            host_agency=group.host_agency,
            sort_order=group.sort_order,
            host_carried=group.host_carried,
        )
    return term


def _version(session, group_id, cycle, kind, changes, reason, actor, base) -> GroupVersion:
    version = GroupVersion(
        group_id=group_id,
        year=cycle,
        version=base + 1,
        changes=changes,
        reason=reason,
        kind=kind,
        recorded_at=datetime.now(UTC),
        recorded_by=actor.name,
    )
    session.add(version)
    return version


def _edit(session, actor, group_id, year, changes, base_version, reason) -> GroupVersion | None:
    cycle = _cycle(session, year)
    groups = resolve_all(session, cycle)
    group = _find(groups, group_id, cycle)
    _open(group, cycle)
    where = f"{cycle}年度議題組「{group.name}」"
    if not isinstance(changes, dict) or not changes:
        raise GroupError(f"{where}：沒有指定要修改的欄位（可修改：{'、'.join(EDITABLE)}）；未變更。")
    unknown = [f for f in changes if f not in EDITABLE]
    if unknown:
        raise GroupError(
            f"{where}沒有可修改的欄位「{'、'.join(map(str, unknown))}」；可修改：{'、'.join(EDITABLE)}"
            "（上層組別請以新增分組、結束並併入的方式調整）。未變更。"
        )
    reason = _reason(reason)
    base = _check_base(session, group, base_version)
    term = _term(session, group, cycle)
    before = {"name": term.name, "host_agency": term.host_agency, "sort_order": term.sort_order}
    carried_before = group.host_carried
    if "name" in changes:
        term.name = _text("名稱", changes["name"], where, limit=NAME_MAX_CHARS)
        _unique_name(term.name, groups, cycle, group.id, where)
    if "host_agency" in changes:
        children = _has_open_children(group, groups)
        host = _text("主辦機關", changes["host_agency"], where, limit=HOST_MAX_CHARS, required=not children)
        term.host_agency = host
        term.host_carried = False  # set by the secretariat for this cycle: confirmed
    if "sort_order" in changes:
        term.sort_order = _sort_order(changes["sort_order"], where)
    after = {"name": term.name, "host_agency": term.host_agency, "sort_order": term.sort_order}
    diff = [{"field": f, "old": before[f], "new": after[f]} for f in before if before[f] != after[f]]
    if carried_before and not term.host_carried:
        diff.append({"field": "host_carried", "old": True, "new": False})
    if not diff:
        return None
    session.add(term)
    return _version(session, group.id, cycle, "edit", diff, reason, actor, base)


def _add(session, actor, group_id, year, values, move, reason) -> GroupVersion:
    cycle = _cycle(session, year)
    groups = resolve_all(session, cycle)
    gid = (group_id or "").strip() if isinstance(group_id, str) else next_group_id(session)
    if not ID_PATTERN.match(gid):
        raise GroupError(
            f"議題組識別碼「{group_id}」只能用小寫英文字母開頭，並只含小寫英文字母、數字與連字號；未變更。"
        )
    existing = session.get(WorkGroup, gid)
    if existing is not None:
        raise GroupError(f"議題組識別碼「{gid}」已被「{existing.name}」使用（任一年度皆不可重複）；未變更。")
    if not isinstance(values, dict):
        raise GroupError("新議題組的內容應為「欄位=值」；未變更。")
    unknown = [f for f in values if f not in ADD_FIELDS]
    if unknown:
        raise GroupError(f"新議題組沒有欄位「{'、'.join(map(str, unknown))}」；可填：{'、'.join(ADD_FIELDS)}。未變更。")
    where = f"{cycle}年度新議題組「{gid}」"
    name = _text("名稱", values.get("name"), where, limit=NAME_MAX_CHARS)
    _unique_name(name, groups, cycle, None, where)
    taken = session.exec(select(WorkGroup).where(WorkGroup.name == name)).first()
    if taken is not None:
        raise GroupError(f"{where}：名稱「{name}」在其他年度已是議題組「{taken.id}」的名稱，請另取名稱；未變更。")
    host = _text("主辦機關", values.get("host_agency"), where, limit=HOST_MAX_CHARS)
    parent = None
    if (values.get("parent") or "").strip():
        parent = _find(groups, values["parent"].strip(), cycle)
        _open(parent, cycle)
        if parent.parent_id:
            raise GroupError(f"{where}：「{parent.name}」本身是分組，分組之下不能再分組；未變更。")
    kind = parent.kind if parent else (values.get("kind") or vocab.TOPIC)
    if kind not in vocab.GROUP_KINDS:
        raise GroupError(f"{where}的組別類型「{kind}」不存在；可用：{'、'.join(vocab.GROUP_KINDS)}。未變更。")
    siblings = [g.sort_order for g in groups.values() if g.parent_id == (parent.id if parent else None)]
    sort_order = (
        _sort_order(values["sort_order"], where)
        if values.get("sort_order") not in (None, "")
        else max(siblings, default=0) + 1
    )
    reason = _reason(reason)
    parent_id = parent.id if parent else None
    session.add(WorkGroup(id=gid, name=name, parent_id=parent_id, host_agency=host, kind=kind, sort_order=sort_order))
    session.flush()
    session.add(
        GroupTerm(
            group_id=gid,
            year=cycle,
            name=name,
            parent_id=parent_id,
            host_agency=host,
            sort_order=sort_order,
            added=True,
        )
    )
    session.flush()
    changes = [
        {"field": "added", "old": None, "new": True},
        {"field": "name", "old": None, "new": name},
        *([{"field": "parent", "old": None, "new": parent.name}] if parent else []),
        {"field": "host_agency", "old": None, "new": host},
        {"field": "sort_order", "old": None, "new": sort_order},
    ]
    target = CycleGroup(gid, name, parent_id, host, kind, sort_order, since=cycle)
    moved = _move(
        session, actor, _proposals_named(session, move, cycle, where), target, reason or f"移入新議題組「{name}」"
    )
    if moved:
        changes.append({"field": "proposals", "old": None, "new": moved})
    return _version(session, gid, cycle, "add", changes, reason, actor, 0)


def _close(session, actor, group_id, year, into, base_version, reason) -> GroupVersion:
    cycle = _cycle(session, year)
    groups = resolve_all(session, cycle)
    group = _find(groups, group_id, cycle)
    _open(group, cycle)
    where = f"{cycle}年度議題組「{group.name}」"
    children = _has_open_children(group, groups)
    if children:
        raise GroupError(f"{where}仍有分組：{'、'.join(g.name for g in children)}；請先結束或併入這些分組。未變更。")
    target = None
    if isinstance(into, str) and into.strip():
        target = _find(groups, into.strip(), cycle)
        _open(target, cycle)
        if target.id == group.id:
            raise GroupError(f"{where}不能併入自己；未變更。")
    reason = _reason(reason)
    base = _check_base(session, group, base_version)
    affected = [
        p
        for p in session.exec(select(Proposal).order_by(Proposal.sort_order))
        if group.id in (p.group_id, p.subgroup_id) and cycle_of_proposal(p) >= cycle
    ]
    if affected and target is None:
        shown_ids = "、".join(p.id for p in affected[:10]) + ("…" if len(affected) > 10 else "")
        raise GroupError(
            f"{where}在{cycle}年度起仍有 {len(affected)} 案提案（{shown_ids}）；"
            "請指定要併入的議題組，或先把提案移到其他議題組。未變更。"
        )
    term = _term(session, group, cycle)
    term.closed, term.merged_into = True, target.id if target else None
    session.add(term)
    changes = [{"field": "closed", "old": False, "new": True}]
    if target is not None:
        changes.append({"field": "merged_into", "old": None, "new": target.name})
        moved = _move(session, actor, affected, target, reason or f"「{group.name}」併入「{target.name}」")
        if moved:
            changes.append({"field": "proposals", "old": None, "new": moved})
        leads = _leads_follow(session, group.id, target.id)
        if leads:
            changes.append({"field": "leads", "old": None, "new": leads})
    return _version(session, group.id, cycle, "close", changes, reason, actor, base)


def _proposals_named(session: Session, ids, cycle: int, where: str) -> list[Proposal]:
    found = []
    for value in ids or ():
        pid = lookup.proposal_id(value, session.exec(select(Proposal.id)).all())
        proposal = session.get(Proposal, pid) if pid else None
        if proposal is None:
            raise GroupError(f"{where}：找不到要移入的提案「{value}」；未變更。")
        if cycle_of_proposal(proposal) < cycle:
            raise GroupError(
                f"{where}：提案 {proposal.id} 屬於{cycle_of_proposal(proposal)}年度，早於{cycle}年度，"
                "不能移入（過去年度的提案維持原組別）；未變更。"
            )
        found.append(proposal)
    return found


def _move(session: Session, actor: Actor, proposals: list[Proposal], target: CycleGroup, reason: str) -> list[str]:
    """Move proposals to `target` (a sub-group: its parent and it), each as a proposal version."""
    group, subgroup = (target.parent_id, target.id) if target.parent_id else (target.id, None)
    moved = []
    for proposal in proposals:
        version = editing.stage(
            session,
            actor=actor,
            proposal_id=proposal.id,
            changes={"group": group, "subgroup": subgroup},
            base_version=editing.current_version(session, proposal.id),
            reason=reason,
            fields=proposal_yaml.KEYS,
        )
        if version is not None:
            moved.append(proposal.id)
        session.flush()
    return moved


def _leads_follow(session: Session, group_id: str, target_id: str) -> list[str]:
    """The leads of a merged group get its target too; returns their names."""
    leads = session.exec(select(AccountGroup.account).where(AccountGroup.group_id == group_id)).all()
    given = []
    for account in leads:
        if session.get(AccountGroup, (account, target_id)) is None:
            session.add(AccountGroup(account=account, group_id=target_id))
            given.append(account)
    session.flush()
    return given
