"""Write the store in the layout of data/ (`export DIR --layout data`): the files a clerk curates,
in the same form, so that `check` accepts the folder and a fresh `load` of it rebuilds the store.
With the store built from data/, every file comes out byte for byte as in data/, except the
comment that opens meeting.yaml (a comment is not kept in the store).

A store of one meeting writes meeting.yaml as data/ holds it; a store of many (a year started
with `new-year`) writes meetings/<id>.yaml, one file per meeting, which check and load read too."""

import csv
import io
import re
import shutil
from datetime import date, time
from pathlib import Path

import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dashboard.datafiles.meeting_files import MEETING_FILE, MEETINGS_DIR
from dashboard.domain import meeting_log, meeting_settings, proposal_yaml
from dashboard.store.config import DATA_DIR
from dashboard.store.models import (
    AgendaItem,
    City,
    GroupMeeting,
    GroupTerm,
    Indicator,
    Meeting,
    MutualAid,
    Organiser,
    Proposal,
    WorkGroup,
)

COORDINATE_DECIMALS = 4  # as data/cities.csv writes them (121.1760)
# The store keeps no order among organiser roles; this is the packet's back cover's.
ORGANISER_ROLES = meeting_settings.ORGANISER_ROLES


class ExportError(Exception):
    """The target folder would end up describing something other than the store."""


def export_data_layout(engine: Engine, directory: Path, geo_source: Path = DATA_DIR / "geo") -> list[Path]:
    """Write the store to directory as data/ lays it out; returns the files written.

    Refuses (ExportError, nothing written) when directory/proposals holds proposal files the
    store does not have: `load` would bring them back, and deleting them could lose work."""
    with Session(engine) as session:
        proposals = list(session.exec(select(Proposal).order_by(Proposal.sort_order)))
        _refuse_foreign_proposals(directory, {p.id for p in proposals})
        names = {c.code: c.name for c in session.exec(select(City))}
        meetings = _meeting_files(session)
        stale = _stale_meeting_files(directory, meetings, {m.id for m in session.exec(select(Meeting))})
        files = {
            "cities.csv": _cities(session),
            "groups.csv": _groups(session),
            "group_terms.csv": _group_terms(session),
            "group_meetings.csv": _group_meetings(session),
            "indicators.csv": _indicators(session, names),
            "mutual_aid.csv": _mutual_aid(session, names),
            **meetings,
            **{
                f"proposals/{p.id}.yaml": proposal_yaml.to_yaml(proposal_yaml.proposal_document(session, p))
                for p in proposals
            },
        }
    for path in stale:  # an earlier export's layout of the store's own meetings: replaced, not doubled
        path.unlink()
    written = []
    for name, text in files.items():
        if text is None:
            continue
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    geo_target = directory / "geo"
    if geo_source.is_dir() and geo_source.resolve() != geo_target.resolve():
        shutil.copytree(geo_source, geo_target, dirs_exist_ok=True)
        written += sorted(p for p in geo_target.rglob("*") if p.is_file())
    return written


MEETING_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")  # usable as a file name


def _meeting_files(session: Session) -> dict[str, str]:
    """{file name: text}: meeting.yaml for a store of one meeting, meetings/<id>.yaml for many."""
    meetings = list(session.exec(select(Meeting).order_by(Meeting.date, Meeting.id)))
    if len(meetings) <= 1:
        return {MEETING_FILE: meeting_yaml(session, meetings[0])} if meetings else {}
    bad = [m.id for m in meetings if not MEETING_ID.match(m.id)]
    if bad:
        raise ExportError(f"會議識別碼「{'、'.join(bad)}」不能作為檔名（只能用英文字母、數字、連字號與底線），未匯出。")
    return {f"{MEETINGS_DIR}/{m.id}.yaml": meeting_yaml(session, m) for m in meetings}


def _stale_meeting_files(directory: Path, writing: dict[str, str], store_ids: set[str]) -> list[Path]:
    """Meeting files in directory that this export does not write: an earlier export's (meeting.yaml
    before a second meeting, or the other way round) are removed so that `load` does not read a
    meeting twice; one naming a meeting the store lacks is refused, as foreign proposals are."""
    found = [directory / MEETING_FILE, *sorted((directory / MEETINGS_DIR).glob("*.yaml"))]
    stale = [p for p in found if p.is_file() and p.relative_to(directory).as_posix() not in writing]
    foreign = [p for p in stale if _meeting_id(p) not in store_ids]
    if foreign:
        names = "、".join(p.relative_to(directory).as_posix() for p in foreign)
        raise ExportError(
            f"{directory} 已有資料庫中沒有的會議檔：{names}；為免遺失資料，未匯出。請改用空資料夾，或先移走這些檔案。"
        )
    return stale


def _meeting_id(path: Path) -> str | None:
    """The id a meeting file holds (None when it cannot be read)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return str(data.get("id")) if isinstance(data, dict) and data.get("id") is not None else None


def _refuse_foreign_proposals(directory: Path, ids: set[str]) -> None:
    foreign = sorted(p.name for p in (directory / "proposals").glob("*.yaml") if p.stem not in ids)
    if foreign:
        raise ExportError(
            f"{directory / 'proposals'} 已有資料庫中沒有的提案檔：{'、'.join(foreign)}；"
            "為免遺失資料，未匯出。請改用空資料夾，或先移走這些檔案。"
        )


def _csv(header: list[str], rows) -> str:
    """Plain CSV as data/ holds it: UTF-8 without BOM, LF line ends, quotes only where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _coordinate(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _coordinate(value: float) -> str:
    """At least four decimals, as in data/cities.csv, and never fewer than the value needs."""
    fixed = f"{value:.{COORDINATE_DECIMALS}f}"
    return fixed if float(fixed) == value else repr(value)


def _cities(session: Session) -> str:
    return _csv(
        ["code", "name", "name_en", "lon", "lat", "color", "sort_order", "card_order"],
        [
            (c.code, c.name, c.name_en, c.lon, c.lat, c.color, c.sort_order, c.card_order)
            for c in session.exec(select(City).order_by(City.sort_order))
        ],
    )


def _groups(session: Session) -> str:
    return _csv(
        ["id", "name", "parent", "host_agency", "kind", "sort_order"],
        [
            (g.id, g.name, g.parent_id, g.host_agency, g.kind, g.sort_order)
            for g in session.exec(select(WorkGroup).order_by(WorkGroup.sort_order))
        ],
    )


def _group_terms(session: Session) -> str | None:
    """The groups' terms per cycle; None (no file) for a store that has none, as data/ holds none."""
    terms = list(session.exec(select(GroupTerm).order_by(GroupTerm.year, GroupTerm.group_id)))
    if not terms:
        return None
    flag = {True: "1", False: ""}
    return _csv(
        [
            "group",
            "year",
            "name",
            "parent",
            "host_agency",
            "sort_order",
            "added",
            "closed",
            "merged_into",
            "host_carried",
        ],
        [
            (
                t.group_id,
                t.year,
                t.name,
                t.parent_id,
                t.host_agency,
                t.sort_order,
                flag[t.added],
                flag[t.closed],
                t.merged_into,
                flag[t.host_carried],
            )
            for t in terms
        ],
    )


def _group_meetings(session: Session) -> str:
    """The log as data/ holds it; the kind and what was decided only when some meeting needs them
    (a kind its name does not say, or a decision), so that 112's file comes back byte for byte."""
    meetings = list(
        session.exec(select(GroupMeeting).where(GroupMeeting.removed == False).order_by(GroupMeeting.id))  # noqa: E712
    )
    full = any(
        m.decided or meeting_log.kind_of(m) != meeting_log.infer_kind(m.name or "") or not m.name for m in meetings
    )
    if not full:
        return _csv(["date", "group", "name"], [(m.date, m.group_id, m.name) for m in meetings])
    return _csv(
        ["date", "group", "name", "kind", "decided"],
        [(m.date, m.group_id, m.name, meeting_log.kind_of(m), m.decided or "") for m in meetings],
    )


def _indicators(session: Session, names: dict[str, str]) -> str:
    return _csv(
        [
            "proposal",
            "indicator",
            "label",
            "kind",
            "city",
            "counterpart_city",
            "value",
            "unit",
            "period_start",
            "period_end",
            "as_of",
            "note",
        ],
        [
            (
                i.proposal_id,
                i.indicator,
                i.label,
                i.kind,
                names.get(i.city_code),
                names.get(i.counterpart_code),
                i.value,
                i.unit,
                i.period_start,
                i.period_end,
                i.as_of,
                i.note,
            )
            for i in session.exec(select(Indicator).order_by(Indicator.id))
        ],
    )


def _mutual_aid(session: Session, names: dict[str, str]) -> str:
    return _csv(
        ["from_city", "item_no", "to_city", "fire", "ambulance", "relay", "period_start", "period_end", "proposal"],
        [
            (
                names[m.from_city],
                m.item_no,
                names[m.to_city],
                m.fire,
                m.ambulance,
                m.relay,
                m.period_start,
                m.period_end,
                m.proposal_id,
            )
            for m in session.exec(select(MutualAid).order_by(MutualAid.id))
        ],
    )


# --- meeting.yaml: the hand-written file's style, so that a diff shows only what changed ----------


class _Clock(str):
    """An HH:MM time, written in double quotes as data/meeting.yaml does (YAML 1.1 would read 14:30 as a number)."""


class _Flow(dict):
    """A mapping written on one line."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # list items indented under their key


_Dumper.add_representer(_Clock, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True))
_Dumper.add_representer(
    str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style='"' if "\n" in v else None)
)
_Dumper.add_representer(
    list,
    lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=all(isinstance(item, str) for item in v)),
)


def _clock(value: time | None) -> _Clock | None:
    return None if value is None else _Clock(f"{value:%H:%M}")


def _present(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not None}


def meeting_yaml(session: Session, meeting: Meeting | None = None) -> str | None:
    """One meeting's file (the store's first meeting when none is given); None without a meeting."""
    meeting = meeting or session.exec(select(Meeting)).first()
    if meeting is None:
        return None
    agenda = []
    for item in session.exec(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
    ):
        values = _present(
            dict(
                start=_clock(item.start),
                end=_clock(item.end),
                minutes=item.minutes,
                title=item.title,
                note=item.note,
                key=item.key,
            )
        )
        multiline = any(isinstance(v, str) and "\n" in v for v in values.values())
        agenda.append(values if multiline else _Flow(values))
    organisers: dict[str, list[str]] = {}
    for row in session.exec(select(Organiser).where(Organiser.meeting_id == meeting.id).order_by(Organiser.position)):
        organisers.setdefault(row.role, []).append(row.name)
    rank = {role: i for i, role in enumerate(ORGANISER_ROLES)}
    organisers = dict(sorted(organisers.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))
    document = _present(
        dict(
            id=meeting.id,
            name=meeting.name,
            theme=meeting.theme,
            date=meeting.date,
            start_time=_clock(meeting.start_time),
            form=meeting.form,
            host_city=meeting.host_city,
            chair_org=meeting.chair_org,
            chair_title=meeting.chair_title,
            chair=meeting.chair,
            venue=meeting.venue,
            url=meeting.url,
            agenda=agenda,
            organisers=organisers,
            unconfirmed=list(meeting.unconfirmed) if meeting.unconfirmed else None,
        )
    )
    header = f"# {meeting.name}：議程與主辦資訊（由資料庫匯出）\n"
    return header + yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
