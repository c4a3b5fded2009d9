"""Build the store from data/: validate first, then replace the curated tables in one transaction.

Once proposals have been edited in the dashboard, the store is the source of truth: a plain load
would overwrite those edits and is refused (StoreHasEdits); `import_versions` brings data/ in as
new versions instead, keeping every edit, decision, minutes record and account.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dashboard.datafiles.loading import DataError, Dataset, Problem, load_dataset
from dashboard.domain import editing, group_terms, meeting_log, meeting_settings, proposal_yaml, vocab
from dashboard.domain.permissions import OPERATOR, Actor, require_secretariat
from dashboard.domain.proposal_rules import ProposalRows, sort_proposals
from dashboard.store.config import DATA_DIR
from dashboard.store.db import begin_write, build_lock, create_tables
from dashboard.store.models import (
    CURATED_TABLES,
    AgendaItem,
    City,
    GroupMeeting,
    GroupMeetingVersion,
    GroupTerm,
    GroupVersion,
    Indicator,
    Meeting,
    MeetingVersion,
    MutualAid,
    Organiser,
    Proposal,
    ProposalCity,
    ProposalLead,
    ProposalVersion,
    StoreBuild,
    WorkGroup,
)

IMPORT_REASON = None  # the version's kind says where it came from


class StoreHasEdits(Exception):
    """A plain load would overwrite proposals edited in the dashboard; the message says how to import instead."""

    def __init__(
        self, versions: int, proposals: int, group_versions: int = 0, meeting_versions: int = 0, log_versions: int = 0
    ):
        self.versions, self.proposals = versions, proposals
        self.group_versions, self.meeting_versions = group_versions, meeting_versions
        self.log_versions = log_versions
        edits = [f"{proposals} 案提案的 {versions} 筆線上修改"] if versions else []
        edits += [f"{group_versions} 筆議題組設定"] if group_versions else []
        edits += [f"會議設定的 {meeting_versions} 筆線上修改"] if meeting_versions else []
        edits += [f"工作會議紀錄的 {log_versions} 筆線上修改"] if log_versions else []
        super().__init__(
            f"資料庫已有{'及'.join(edits)}，重新載入 data/ 會蓋掉這些修改，"
            "因此未載入，資料庫未變更；若要把 data/ 的內容匯入為新版本（保留所有修改與決議），"
            "請執行 python -m dashboard load --as-versions。"
        )


def load(engine: Engine, data_dir: Path = DATA_DIR) -> Dataset:
    """Validate data_dir and (re)write the curated tables; recorded decisions are kept.

    Raises StoreHasEdits when proposals have been edited in the store, and loading.DataError
    when data_dir has problems, both before touching the database.
    """
    _refuse_if_edited(engine)  # at once, before reading data/
    dataset = load_dataset(data_dir)
    with build_lock(engine):
        _write(engine, dataset, refuse_edits=True)
    return dataset


def _write(engine: Engine, dataset: Dataset, *, refuse_edits: bool = False) -> None:
    """Replace the curated tables by the dataset's. With refuse_edits, first check again, in the
    same transaction and under the write lock every edit takes (store.db.begin_write), that no
    proposal was edited: an edit saved between the first check and the rewrite was overwritten
    while its version stayed in the history."""
    create_tables(engine)
    with Session(engine) as session, session.begin():
        begin_write(session)
        if refuse_edits:
            versions, proposals = _edit_counts(session)
            group_versions = _group_edit_count(session)
            meeting_versions = _meeting_edit_count(session)
            log_versions = meeting_log.edit_count(session)
            if versions or group_versions or meeting_versions or log_versions:
                raise StoreHasEdits(versions, proposals, group_versions, meeting_versions, log_versions)
        for table in CURATED_TABLES:
            session.exec(delete(table))
        for batch in dataset.batches():
            session.add_all(batch)
            session.flush()
        session.add(StoreBuild(built_at=datetime.now(UTC)))


def is_built(engine: Engine) -> bool:
    if not inspect(engine).has_table("proposal"):
        return False
    with Session(engine) as session:
        return session.exec(select(Proposal.id).limit(1)).first() is not None


def ensure_built(engine: Engine, data_dir: Path = DATA_DIR) -> bool:
    """Build the store when it is missing or empty; True when it was built now."""
    with build_lock(engine):  # replicas starting together: the first builds, the others wait and find it built
        if is_built(engine):
            create_tables(engine)  # adds tables introduced since the store was built
            return False
        _write(engine, load_dataset(data_dir))
    return True


def edit_counts(engine: Engine) -> tuple[int, int]:
    """(versions, proposals with versions) recorded in the store; (0, 0) before the table exists."""
    if not inspect(engine).has_table(ProposalVersion.__tablename__):
        return 0, 0
    with Session(engine) as session:
        return _edit_counts(session)


def _edit_counts(session: Session) -> tuple[int, int]:
    return session.exec(
        select(func.count(ProposalVersion.id), func.count(func.distinct(ProposalVersion.proposal_id)))
    ).one()


def _group_edit_count(session: Session) -> int:
    """Changes of working groups made in the store (dashboard/domain/group_changes.py)."""
    return session.exec(select(func.count(GroupVersion.id))).one()


def _meeting_edit_count(session: Session) -> int:
    """Changes of meetings made in the store (dashboard/domain/meeting_settings.py)."""
    return session.exec(select(func.count(MeetingVersion.id))).one()


def _refuse_if_edited(engine: Engine) -> None:
    versions, proposals = edit_counts(engine)
    group_versions = meeting_versions = log_versions = 0
    tables = inspect(engine)
    with Session(engine) as session:
        if tables.has_table(GroupVersion.__tablename__):
            group_versions = _group_edit_count(session)
        if tables.has_table(MeetingVersion.__tablename__):
            meeting_versions = _meeting_edit_count(session)
        if tables.has_table(GroupMeetingVersion.__tablename__):
            log_versions = meeting_log.edit_count(session)
    if versions or group_versions or meeting_versions or log_versions:
        raise StoreHasEdits(versions, proposals, group_versions, meeting_versions, log_versions)


class ImportInterrupted(Exception):
    """The store refused a write of the import, most likely a version saved in the dashboard
    meanwhile (possible on PostgreSQL; SQLite locks the store for the import); nothing was imported."""

    def __init__(self):
        super().__init__(
            "匯入時與資料庫中的資料衝突（例如匯入期間有人在儀表板儲存了修改），未匯入，資料庫未變更；請重新執行。"
        )


@dataclass
class Imported:
    """What import_versions did: the new versions, and the proposals kept that data/ lacks."""

    dataset: Dataset
    versions: list[ProposalVersion] = field(default_factory=list)  # kind import or create
    kept: list[str] = field(default_factory=list)

    @property
    def created(self) -> list[str]:
        return [v.proposal_id for v in self.versions if v.kind == vocab.VersionKind.CREATE]

    @property
    def changed(self) -> list[str]:
        return [v.proposal_id for v in self.versions if v.kind == vocab.VersionKind.IMPORT]


def import_versions(engine: Engine, data_dir: Path = DATA_DIR, *, actor: Actor = OPERATOR) -> Imported:
    """Bring data/ into a store that may hold edits, all or nothing, losing nothing:

    - a proposal whose document in data/ differs from the store's gets a new version (kind
      import), checked like any edit (so a stale base or a bad value cannot slip in);
    - a proposal new in data/ is added with a first version of kind create listing its fields,
      so that its history says where it came from;
    - a proposal only in the store is kept as it is;
    - cities and groups are updated by key, the other curated tables (group meetings, the
      meeting, its agenda and organisers, mutual aid, indicators) replaced by data/'s;
    - decisions, minutes records, versions and accounts are not touched.

    The secretariat only. Raises DataError (data/ has problems, or the store's proposals would
    lose a city or group they use) before anything is written.
    """
    require_secretariat(actor, "把 data/ 匯入為新版本")
    dataset = load_dataset(data_dir)
    if not is_built(engine):  # nothing to keep: a plain build
        load(engine, data_dir)
        return Imported(dataset)
    create_tables(engine)
    with Session(engine, expire_on_commit=False) as session:  # the result's versions are read after
        try:
            begin_write(session)  # no edit is saved between what the import reads and writes
            result = _import(session, dataset, actor)
            session.commit()
        except IntegrityError as error:  # a version number taken by a save made meanwhile
            session.rollback()
            raise ImportInterrupted() from error
        except BaseException:
            session.rollback()
            raise
    return result


def _import(session: Session, ds: Dataset, actor: Actor) -> Imported:
    data_ids = [p.id for p in ds.proposals]
    kept = [p for p in session.exec(select(Proposal).order_by(Proposal.sort_order)) if p.id not in set(data_ids)]
    _check_references(session, ds, kept)
    meetings_before = {m.id: meeting_settings.document(session, m) for m in session.exec(select(Meeting))}
    for table in (Indicator, MutualAid, AgendaItem, Organiser, Meeting):  # the meeting log is merged
        session.exec(delete(table))
    for city in ds.cities:
        session.merge(city)
    for group in sorted(ds.groups, key=lambda g: g.parent_id is not None):  # parents first
        session.merge(group)
    session.flush()
    _import_group_terms(session, ds, actor)
    session.flush()
    result = Imported(ds, kept=[p.id for p in kept])
    for rows in _rows_by_proposal(ds):
        version = _import_proposal(session, rows, ds.cities, actor)
        if version is not None:
            result.versions.append(version)
    session.flush()
    sort_proposals(list(session.exec(select(Proposal))))
    _remove_unlisted(session, ds)
    for batch in (ds.mutual_aid, ds.indicators, ds.meetings, ds.agenda, ds.organisers):
        session.add_all(batch)
        session.flush()
    _import_meeting_log(session, ds, actor)
    _meeting_import_versions(session, meetings_before, actor)
    session.add(StoreBuild(built_at=datetime.now(UTC)))
    return result


TERM_FIELDS = ("name", "parent_id", "host_agency", "sort_order", "added", "closed", "merged_into", "host_carried")


def _import_group_terms(session: Session, ds: Dataset, actor: Actor) -> None:
    """data/'s terms of the groups over the store's of the same group and cycle, each change a group
    version (kind import); the store's other terms are kept, as its own proposals are."""
    now = datetime.now(UTC)
    for term in ds.group_terms:
        stored = session.get(GroupTerm, (term.group_id, term.year))
        before = {f: getattr(stored, f) for f in TERM_FIELDS} if stored else dict.fromkeys(TERM_FIELDS)
        after = {f: getattr(term, f) for f in TERM_FIELDS}
        changes = [
            {"field": f.removesuffix("_id"), "old": before[f], "new": after[f]}
            for f in TERM_FIELDS
            if before[f] != after[f]
        ]
        if not changes:
            continue
        session.merge(term)
        number = group_terms.current_version(session, term.group_id) + 1
        session.add(
            GroupVersion(
                group_id=term.group_id,
                year=term.year,
                version=number,
                changes=changes,
                kind="import",
                recorded_at=now,
                recorded_by=actor.name,
            )
        )
        session.flush()


def _import_meeting_log(session: Session, ds: Dataset, actor: Actor) -> None:
    """data/'s working-group meetings into the store's log, which the leads keep. A meeting is known
    by its group, date and name: one new in data/ is added, one whose kind or decision (the columns
    data/ has) differs is updated, each as a version of kind import. A meeting data/ no longer lists
    is dropped only if nobody changed it in the store (it came from data/ and is data/'s); the
    leads' meetings and their removals are kept."""
    versioned = set(session.exec(select(GroupMeetingVersion.meeting_id)))
    stored: dict[tuple, list[GroupMeeting]] = {}
    for m in session.exec(select(GroupMeeting).order_by(GroupMeeting.id)):
        stored.setdefault((m.group_id, m.date, m.name), []).append(m)
    now = datetime.now(UTC)
    for new in ds.group_meetings:
        matches = stored.get((new.group_id, new.date, new.name))
        if not matches:
            session.add(new)
            session.flush()
            changes = [
                {"field": "group", "old": None, "new": session.get(WorkGroup, new.group_id).name},
                *({"field": f, "old": None, "new": v} for f, v in meeting_log.values_of(new).items() if v),
            ]
            number = 0
        else:
            old = matches.pop(0)
            if old.removed:
                continue  # removed in the store after data/ was written: the removal stands
            before = meeting_log.values_of(old)
            for column in ds.group_meeting_columns:
                setattr(old, column, getattr(new, column))
            after = meeting_log.values_of(old)
            changes = [{"field": f, "old": before[f], "new": after[f]} for f in before if before[f] != after[f]]
            if not changes:
                continue
            if old.kind is None:
                old.kind = after["kind"]
            new, number = old, meeting_log.current_version(session, old.id)
        session.add(
            GroupMeetingVersion(
                meeting_id=new.id,
                group_id=new.group_id,
                version=number + 1,
                changes=changes,
                kind="import",
                recorded_at=now,
                recorded_by=actor.name,
            )
        )
        session.flush()
    for unlisted in (m for rows in stored.values() for m in rows if m.id not in versioned):
        session.delete(unlisted)
    session.flush()


def _kept_meetings(session: Session, ds: Dataset) -> list[GroupMeeting]:
    """The meetings an import keeps whatever data/ says: those changed in the store."""
    ids = set(session.exec(select(GroupMeetingVersion.meeting_id)))
    return [m for m in session.exec(select(GroupMeeting)) if m.id in ids and not m.removed]


def _meeting_import_versions(session: Session, before: dict[str, dict], actor: Actor) -> None:
    """A version (kind import) of every meeting whose settings data/ changed, so that its history
    says where the values came from; attendance and 紀錄 are the minutes record's, not data/'s."""
    for meeting in session.exec(select(Meeting)):
        after = meeting_settings.document(session, meeting)
        old = before.get(meeting.id, {})
        diff = [
            {"field": f, "old": old.get(f), "new": after[f]}
            for f in after
            if not f.startswith("attendance.") and f != "minutes_taker" and old.get(f) != after[f]
        ]
        if old and diff:  # a meeting new in data/ has nothing to compare with; it was never edited
            session.add(
                MeetingVersion(
                    meeting_id=meeting.id,
                    version=meeting_settings.current_version(session, meeting.id) + 1,
                    changes=diff,
                    kind="import",
                    recorded_at=datetime.now(UTC),
                    recorded_by=actor.name,
                )
            )
    session.flush()


def _rows_by_proposal(ds: Dataset) -> list[ProposalRows]:
    def of(items):
        grouped = {}
        for item in items:
            grouped.setdefault(item.proposal_id, []).append(item)
        return grouped

    leads, types, cities = of(ds.leads), of(ds.types), of(ds.proposal_cities)
    return [ProposalRows(p, leads.get(p.id, []), types.get(p.id, []), cities.get(p.id, [])) for p in ds.proposals]


def _import_proposal(session: Session, rows: ProposalRows, all_cities: list[City], actor: Actor):
    pid = rows.proposal.id
    if session.get(Proposal, pid) is None:  # its sort_order is the dataset's until the import sorts all
        return editing.add_proposal(session, rows, kind=vocab.VersionKind.CREATE, actor=actor, reason=IMPORT_REASON)
    document = proposal_yaml.rows_document(
        rows.proposal, rows.leads, [t.type for t in rows.types], [c.city_code for c in rows.cities], all_cities
    )
    return editing.stage(
        session,
        actor=actor,
        proposal_id=pid,
        base_version=editing.current_version(session, pid),
        reason=IMPORT_REASON,
        changes={key: document.get(key) for key in proposal_yaml.KEYS},
        kind=vocab.VersionKind.IMPORT,
        fields=proposal_yaml.KEYS,
    )


def _check_references(session: Session, ds: Dataset, kept: list[Proposal]) -> None:
    """The proposals only in the store must still find their cities and groups in data/."""
    codes = {c.code for c in ds.cities}
    groups = {g.id for g in ds.groups} | set(session.exec(select(GroupTerm.group_id)))  # kept: _remove_unlisted
    kept_ids = [p.id for p in kept]
    problems = []
    for proposal in kept:
        for gid in filter(None, (proposal.group_id, proposal.subgroup_id)):
            if gid not in groups:
                problems.append(
                    Problem(
                        "data/groups.csv",
                        f"組別 {gid}",
                        "id",
                        f"資料庫中的提案 {proposal.id}（不在 data/ 中）仍屬於此組別，不可刪除",
                    )
                )
    used = [
        *session.exec(
            select(ProposalLead.proposal_id, ProposalLead.city_code).where(ProposalLead.proposal_id.in_(kept_ids))
        ),
        *session.exec(
            select(ProposalCity.proposal_id, ProposalCity.city_code).where(ProposalCity.proposal_id.in_(kept_ids))
        ),
    ]
    for pid, code in dict.fromkeys(used):
        if code not in codes:
            problems.append(
                Problem(
                    "data/cities.csv",
                    f"縣市 {code}",
                    "code",
                    f"資料庫中的提案 {pid}（不在 data/ 中）仍使用此縣市，不可刪除",
                )
            )
    for meeting in _kept_meetings(session, ds):
        if meeting.group_id not in groups:
            problems.append(
                Problem(
                    "data/groups.csv",
                    f"組別 {meeting.group_id}",
                    "id",
                    f"資料庫中的工作會議紀錄（{meeting.date.isoformat()} {meeting_log.title_of(meeting)}）仍屬於此組別，不可刪除",
                )
            )
    if problems:
        raise DataError(problems)


def _remove_unlisted(session: Session, ds: Dataset) -> None:
    """Cities and groups that data/ no longer lists (checked unused by _check_references); a group
    with terms per cycle in the store (one the secretariat added or changed) is kept."""
    gone = WorkGroup.id.not_in([g.id for g in ds.groups]) & WorkGroup.id.not_in(select(GroupTerm.group_id))
    session.exec(delete(WorkGroup).where(gone, WorkGroup.parent_id.is_not(None)))
    session.exec(delete(WorkGroup).where(gone))
    session.exec(delete(City).where(City.code.not_in([c.code for c in ds.cities])))
    session.flush()
