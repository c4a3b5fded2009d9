"""Pure helpers over the proposals frame (queries.proposals_frame) and other store frames: filters,
counts, neighbours, waiting lists, a city's involvement, group tables. No session, no Streamlit;
the pages call them on cached frames so that they stay thin.
"""

from dataclasses import dataclass

import pandas as pd

from dashboard.domain import lookup, vocab
from dashboard.domain.group_terms import CARRIED_NOTE
from dashboard.store.models import WorkGroup


def normalise_search(text: str) -> str:
    """Fold the variants people type: 台/臺, full-width letters and digits, case, spaces."""
    return lookup.fold(text)


@dataclass(frozen=True)
class ProposalFilter:
    years: tuple[int, ...] = ()
    tracks: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # group or sub-group ids
    tracking: tuple[str, ...] = ()
    progress: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()  # vocab.RISKS and vocab.RISK_UNSET (the frame's `risk` column)
    city: str | None = None  # official name
    city_role: str = "any"  # any / lead / joins
    text: str = ""


def filter_proposals(frame: pd.DataFrame, *, spec: ProposalFilter) -> pd.DataFrame:
    """Rows of a proposals_frame that match every set criterion."""
    mask = pd.Series(True, index=frame.index)
    if spec.years:
        mask &= frame["year"].isin(spec.years)
    if spec.tracks:
        mask &= frame["track"].isin(spec.tracks)
    if spec.groups:
        mask &= frame["group_id"].isin(spec.groups) | frame["subgroup_id"].isin(spec.groups)
    if spec.tracking:
        mask &= frame["tracking_status"].isin(spec.tracking)
    if spec.progress:
        mask &= frame["progress_status"].isin(spec.progress)
    if spec.types:
        wanted = set(spec.types)
        mask &= frame["types"].map(lambda values: bool(wanted.intersection(values)))
    if spec.risks:
        mask &= frame["risk"].isin(spec.risks)
    if spec.city:
        leads = frame["lead_cities"].map(lambda values: spec.city in values)
        joins = frame["cities"].map(lambda values: spec.city in values)
        mask &= {"lead": leads, "joins": joins}.get(spec.city_role, leads | joins)
    if spec.text.strip():
        for word in spec.text.split():
            mask &= frame["search_text"].str.contains(normalise_search(word), regex=False)
    return frame[mask]


def status_counts(frame: pd.DataFrame, *, axis: str = "progress_status") -> pd.DataFrame:
    """Counts by top-level group and status, every status of the vocabulary present as a column."""
    statuses = vocab.PROGRESS_STATUSES if axis == "progress_status" else vocab.TRACKING_STATUSES
    table = frame.groupby(["group_id", "group", axis], sort=False).size().unstack(axis, fill_value=0)
    return table.reindex(columns=statuses, fill_value=0).reset_index()


def filter_by_decision(frame: pd.DataFrame, *, wanted: tuple[str, ...]) -> pd.DataFrame:
    """Rows whose resolution in force is one of `wanted`; vocab.UNDECIDED matches rows without one."""
    if not wanted:
        return frame
    resolution = frame["resolution"]
    mask = resolution.isin([w for w in wanted if w != vocab.UNDECIDED])
    if vocab.UNDECIDED in wanted:
        mask |= resolution.isna()
    return frame[mask]


@dataclass(frozen=True)
class Neighbours:
    previous: str | None
    next: str | None
    position: int | None  # 1-based, None when the id is not among the ids
    total: int


def neighbours(ids: list[str], *, current: str) -> Neighbours:
    """The ids before and after `current` in an ordered list (e.g. the filtered proposal list)."""
    if current not in ids:
        return Neighbours(None, None, None, len(ids))
    i = ids.index(current)
    return Neighbours(ids[i - 1] if i > 0 else None, ids[i + 1] if i + 1 < len(ids) else None, i + 1, len(ids))


@dataclass(frozen=True)
class Overview:
    """The home page's headline counts beyond `Headline`."""

    decided: int
    undecided: int
    by_resolution: dict[str, int]


def overview(frame: pd.DataFrame) -> Overview:
    resolution = frame["resolution"].dropna()
    counts = resolution.value_counts()
    return Overview(
        decided=len(resolution),
        undecided=len(frame) - len(resolution),
        by_resolution={r: int(counts.get(r, 0)) for r in vocab.RESOLUTIONS if counts.get(r, 0)},
    )


WAITING = [
    # (label, explanation, criteria for filter_proposals / filter_by_decision); {carried} is the
    # carried-over track's label, with its year from the store.
    (vocab.WAITING_CENTRAL, "已向中央反映，尚待部會回應", {"progress": (vocab.WAITING_CENTRAL,)}),
    (
        f"{vocab.PROPOSE_DELIST}，待會議決議",
        f"各組{vocab.PROPOSE_DELIST}，尚待副首長會議決議",
        {"tracking": (vocab.PROPOSE_DELIST,), "decision": (vocab.UNDECIDED,)},
    ),
    (vocab.KEEP_TRACKING, "{carried}中建議持續追蹤者", {"tracking": (vocab.KEEP_TRACKING,)}),
    (vocab.PLANNING, "尚未進入執行階段", {"progress": (vocab.PLANNING,)}),
]


def waiting(frame: pd.DataFrame) -> list[tuple[str, str, dict, pd.DataFrame]]:
    """What still needs someone's attention: (label, explanation, criteria, rows) per category."""
    carried = track_choices(frame)[vocab.CARRIED]
    result = []
    for label, explanation, criteria in WAITING:
        explanation = explanation.format(carried=carried)
        spec = ProposalFilter(tracking=criteria.get("tracking", ()), progress=criteria.get("progress", ()))
        rows = filter_by_decision(filter_proposals(frame, spec=spec), wanted=criteria.get("decision", ()))
        result.append((label, explanation, criteria, rows))
    return result


CITY_ROLES = {"lead": "主辦", "joins": "參與合作", "both": "主辦並參與"}


def city_involvement(frame: pd.DataFrame, *, city: str) -> pd.DataFrame:
    """The proposals a city leads or joins, with a `role` column (CITY_ROLES values)."""
    leads = frame["lead_cities"].map(lambda values: city in values)
    joins = frame["cities"].map(lambda values: city in values)
    rows = frame[leads | joins]
    role = pd.Series(CITY_ROLES["joins"], index=rows.index)
    role[leads[rows.index] & joins[rows.index]] = CITY_ROLES["both"]
    role[leads[rows.index] & ~joins[rows.index]] = CITY_ROLES["lead"]
    return rows.assign(role=role)


AID_KINDS = {"fire": "火災支援", "ambulance": "救護支援", "relay": "119轉報"}


def mutual_aid_totals(aid: pd.DataFrame, *, city: str) -> pd.DataFrame:
    """A city's mutual-aid sums: asked of others (it requested) and given to others (it supported).

    Index: 向他縣市請求支援 / 支援他縣市; columns: fire, ambulance, relay, total.
    """
    columns = list(AID_KINDS) + ["total"]
    asked = aid.loc[aid["from_city"] == city, columns].sum()
    gave = aid.loc[aid["to_city"] == city, columns].sum()
    return pd.DataFrame([asked, gave], index=["向他縣市請求支援", "支援他縣市"]).astype(int)


def group_family(all_groups: list[WorkGroup], *, group_id: str) -> list[WorkGroup]:
    """The group and its sub-groups (in sort order); empty when the id is unknown."""
    return [g for g in all_groups if g.id == group_id or g.parent_id == group_id]


def host_agencies(all_groups: list[WorkGroup], *, group_id: str) -> list[tuple[str, str]]:
    """(group name, host agency) for a group; a parent without its own host lists its sub-groups'."""
    family = group_family(all_groups, group_id=group_id)
    return [(g.name, host_text(g)) for g in family if g.host_agency]


def host_text(group) -> str | None:
    """A group's host agency as shown, marked while it is carried over from the cycle before unconfirmed."""
    if not group.host_agency:
        return None
    return f"{group.host_agency}（{CARRIED_NOTE}）" if getattr(group, "host_carried", False) else group.host_agency


def groups_table(all_groups: list[WorkGroup], frame: pd.DataFrame, meetings: pd.DataFrame) -> pd.DataFrame:
    """One row per group and sub-group: name, parent, host, number of proposals and meetings."""
    proposal_counts = pd.concat([frame["group_id"], frame["subgroup_id"].dropna()]).value_counts()
    meeting_counts = meetings["group_id"].value_counts()
    names = {g.id: g.name for g in all_groups}
    rows = []
    for g in all_groups:
        family = [x.id for x in group_family(all_groups, group_id=g.id)]
        rows.append(
            {
                "id": g.id,
                "name": g.name,
                "parent": names.get(g.parent_id),
                "host_agency": host_text(g),
                "proposals": int(proposal_counts.get(g.id, 0)),
                "meetings": int(meeting_counts.reindex(family).fillna(0).sum()),
            }
        )
    return pd.DataFrame(rows, columns=["id", "name", "parent", "host_agency", "proposals", "meetings"])


def carried_rows_year(frame: pd.DataFrame) -> int | None:
    """The own year of the frame's carried-over rows (the latest, should there be several): the year
    before their cycle."""
    years = frame.loc[frame["track"] == vocab.CARRIED, "year"]
    return int(years.max()) if len(years) else None


def track_choices(frame: pd.DataFrame) -> dict[str, str]:
    """{track key: label} in track order, the carried-over track named with its year in the frame."""
    return vocab.track_labels(carried_year=carried_rows_year(frame))


def track_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many proposals each track holds, every track present."""
    counts = frame["track"].value_counts()
    return {track: int(counts.get(track, 0)) for track in vocab.TRACKS}
