"""Working groups per cycle: the one reading of a group's name, host agency and place in a cycle.

The chair rotates yearly among the eight governments and the host city's agencies host the topic
working groups, so a group's name and host belong to the cycle. WorkGroup is a group's stable
identity (proposals, meetings and leads refer to its id) and holds its values of the first cycle;
a GroupTerm of cycle Y holds them from Y on, until a later term of the group. So an edit of 113
leaves 112 as it was, and 114 inherits 113's values until it has its own.

A cycle without a term of its own takes its host agency over from the cycle before: in a rotation
that is rarely right, so it is shown 「沿用上年度，待確認」 until the secretariat sets (or confirms)
the host of that cycle. The changes themselves are dashboard/domain/group_changes.py's.
"""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from dashboard.domain import cycles, vocab
from dashboard.store.models import GroupTerm, GroupVersion, Proposal, WorkGroup

CARRIED_NOTE = "沿用上年度，待確認"
FIELD_LABELS = {
    "name": "名稱",
    "host_agency": "主辦機關",
    "sort_order": "排序",
    "parent": "上層組別",
    "kind": "組別類型",
    "host_carried": "主辦機關待確認",
    "closed": "已結束",
    "merged_into": "併入",
    "added": "新增",
    "proposals": "移入的提案",
    "leads": "取得新組別的窗口",
}
KIND_LABELS = {"edit": "修改", "add": "新增", "close": "結束", "import": "匯入"}


@dataclass(frozen=True)
class CycleGroup:
    """A group as it stands in one cycle. Has WorkGroup's attributes, so code written for the
    curated table reads it alike."""

    id: str
    name: str
    parent_id: str | None
    host_agency: str | None
    kind: str
    sort_order: int
    closed: bool = False
    merged_into: str | None = None
    host_carried: bool = False  # the host agency is the cycle before's, not yet confirmed
    since: int | None = None  # the cycle of the term in force; None: the first cycle's values

    @property
    def host_label(self) -> str:
        """The host as a list shows it: with 沿用上年度，待確認 while it is carried."""
        host = self.host_agency or "（由分組主辦）"
        return f"{host}（{CARRIED_NOTE}）" if self.host_carried and self.host_agency else host


# --- reading: the one resolution of a group in a cycle -------------------------------------------


def state_text(group: CycleGroup, names: dict[str, str]) -> str:
    """A group's state in its cycle, as lists show it: ended (and into which group, `names` naming
    them), its host carried over unconfirmed, confirmed, or — as the first cycle loaded it."""
    if group.closed:
        into = f"，併入{names.get(group.merged_into, group.merged_into)}" if group.merged_into else ""
        return f"自{group.since}年度起結束{into}"
    if group.host_carried and group.host_agency:
        return CARRIED_NOTE
    return "已確認" if group.since else "—"


def first_cycle(session: Session) -> int | None:
    """The cycle WorkGroup's own values are of: the first the store holds."""
    held = cycles.cycles(session)
    return held[0] if held else None


def resolve_all(session: Session, cycle: int | None) -> dict[str, CycleGroup]:
    """Every group as it stands in `cycle` (None: the first cycle's values), closed ones included,
    groups added in a later cycle left out; in display order (each top group followed by its
    sub-groups)."""
    terms: dict[str, list[GroupTerm]] = {}
    for term in session.exec(select(GroupTerm).order_by(GroupTerm.year)):
        terms.setdefault(term.group_id, []).append(term)
    first = first_cycle(session)
    found = [_resolved(g, terms.get(g.id, []), cycle, first) for g in session.exec(select(WorkGroup))]
    return {g.id: g for g in in_display_order([g for g in found if g is not None])}


def _resolved(group: WorkGroup, terms: list[GroupTerm], cycle: int | None, first: int | None) -> CycleGroup | None:
    in_force = [t for t in terms if cycle is not None and t.year <= cycle]
    if not in_force:
        if terms and terms[0].added:
            return None  # the group begins in a later cycle
        carried = cycle is not None and first is not None and cycle > first
        return CycleGroup(
            group.id, group.name, group.parent_id, group.host_agency, group.kind, group.sort_order, host_carried=carried
        )
    term = in_force[-1]
    return CycleGroup(
        group.id,
        term.name,
        term.parent_id,
        term.host_agency,
        group.kind,
        term.sort_order,
        closed=term.closed,
        merged_into=term.merged_into,
        host_carried=term.host_carried or term.year < cycle,
        since=term.year,
    )


def in_display_order(groups: list) -> list:
    """Top groups by sort order, each followed by its sub-groups by theirs."""
    tops = sorted((g for g in groups if not g.parent_id), key=lambda g: (g.sort_order, g.id))
    ordered = []
    for top in tops:
        ordered.append(top)
        ordered += sorted((g for g in groups if g.parent_id == top.id), key=lambda g: (g.sort_order, g.id))
    placed = {g.id for g in ordered}
    return ordered + [g for g in groups if g.id not in placed]  # a sub-group whose parent is not there


def groups_in_cycle(session: Session, cycle: int | None, *, closed: bool = False) -> list[CycleGroup]:
    """The groups of `cycle` in display order: the open ones; with `closed`, those closed by then too."""
    return [g for g in resolve_all(session, cycle).values() if closed or not g.closed]


def groups_for_document(session: Session, document: dict) -> dict:
    """The groups a proposal of `document`'s year and track may be in: those open in its cycle,
    as they stand then (so a group closed or not yet added is refused, and sub-groups belong to
    that cycle's parents); WorkGroup's rows when the year or track is not valid (the rules say so)."""
    year, track = document.get("year"), document.get("track")
    if isinstance(year, int) and not isinstance(year, bool) and track in vocab.TRACKS:
        return {g.id: g for g in groups_in_cycle(session, cycles.cycle_of(year=year, track=track))}
    return {g.id: g for g in session.exec(select(WorkGroup))}


def known_ids(session: Session) -> set[str]:
    """The id of every group of any cycle."""
    return set(session.exec(select(WorkGroup.id)))


def next_group_id(session: Session) -> str:
    """A free id for a group added where nobody typed one (the page): group-1, group-2, …"""
    taken = known_ids(session)
    return next(f"group-{n}" for n in range(1, len(taken) + 2) if f"group-{n}" not in taken)


def names_by_cycle(session: Session, cycle_list) -> dict[int, dict[str, str]]:
    """cycle -> {group id: name in that cycle} for each cycle given (closed groups included)."""
    return {c: {g.id: g.name for g in resolve_all(session, c).values()} for c in set(cycle_list)}


def cycle_of_proposal(proposal: Proposal) -> int:
    return cycles.cycle_of(year=proposal.year, track=proposal.track)


# --- versions --------------------------------------------------------------------------------------


def current_version(session: Session, group_id: str) -> int:
    """The group's version in force: 0 for a group never changed since it was loaded."""
    return session.exec(
        select(func.coalesce(func.max(GroupVersion.version), 0)).where(GroupVersion.group_id == group_id)
    ).one()


def history(session: Session, group_id: str | None = None) -> list[GroupVersion]:
    """The versions of a group (of every group when None), newest first."""
    query = select(GroupVersion).order_by(GroupVersion.recorded_at.desc(), GroupVersion.id.desc())
    if group_id is not None:
        query = query.where(GroupVersion.group_id == group_id)
    return list(session.exec(query))


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def shown(value) -> str:
    """A version's value as read by people."""
    if value is None or value == "" or value == []:
        return "（空白）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def change_lines(version: GroupVersion) -> list[str]:
    return [f"{field_label(c['field'])}：{shown(c['old'])} → {shown(c['new'])}" for c in version.changes]


# --- changes ---------------------------------------------------------------------------------------
