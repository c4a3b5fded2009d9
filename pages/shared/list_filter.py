"""The proposal-list filter, shared by the list (its widgets) and the card (previous/next)."""

from urllib.parse import parse_qs

import pandas as pd
import streamlit as st

from dashboard.domain import frames, text, vocab
from pages.shared import url

# --- The proposal-list filter, shared by the list (widgets bound to the URL) and the card -------
# (previous/next within the same filter). URL values are the labels the widgets show.

FILTER_KEYS = url.LIST_FILTER_PARAMS
ROLE_LABELS = {"any": "主辦或參與", "lead": "主辦", "joins": "參與合作"}


def filter_choices(frame: pd.DataFrame, all_groups: list) -> dict[str, dict]:
    """For each multi-choice filter key: {value: label shown and put in the URL}."""
    parents = {g.id: g for g in all_groups}
    return {
        "year": {int(y): str(int(y)) for y in sorted(frame["year"].unique())},
        "track": frames.track_choices(frame),
        "group": {
            g.id: (f"{parents[g.parent_id].name}／{g.name}" if g.parent_id else g.name)
            for g in all_groups
            if g.kind != vocab.STAFF
        },
        "tracking": {s: s for s in vocab.TRACKING_STATUSES},
        "progress": {s: s for s in vocab.PROGRESS_STATUSES},
        "type": {t: t for t in vocab.PROPOSAL_TYPES},
        "decision": {d: d for d in [vocab.UNDECIDED, *vocab.RESOLUTIONS]},
        "risk": {r: vocab.risk_label(r if r in vocab.RISKS else None) for r in vocab.RISK_ORDER},
    }


def filter_from_params(
    params: dict[str, list[str]], choices: dict[str, dict], city_names: list[str]
) -> tuple[frames.ProposalFilter, tuple[str, ...]]:
    """(ProposalFilter, wanted decisions) from URL parameters; unknown values are ignored."""

    def values(key: str) -> tuple:
        by_label = {label: value for value, label in choices[key].items()}
        return tuple(by_label[v] for v in params.get(key, []) if v in by_label)

    city = next((c for c in params.get("city", []) if c in city_names), None)
    role_by_label = {label: role for role, label in ROLE_LABELS.items()}
    role = next((role_by_label[r] for r in params.get("role", []) if r in role_by_label), "any")
    spec = frames.ProposalFilter(
        years=values("year"),
        tracks=values("track"),
        groups=values("group"),
        tracking=values("tracking"),
        progress=values("progress"),
        types=values("type"),
        risks=values("risk"),
        city=city,
        city_role=role,
        text=" ".join(params.get("q", [])),
    )
    return spec, values("decision")


# The filter keys whose labels name a filtered download, in this order (then the city and the search).
NAMED_KEYS = ("year", "track", "group", "tracking", "progress", "type", "decision", "risk")


def filter_labels(params: dict[str, list[str]]) -> list[str]:
    """What a list was filtered by, for its download's file name: [交通運輸組, 紅] from the URL
    parameters (labels as the widgets show them): a year as 111年, a risk light without its meaning,
    a city with its role (臺北市主辦), the search as 含「月票」."""
    parts = []
    for key in NAMED_KEYS:
        values = [v for v in params.get(key, []) if v]
        if key == "year":
            values = [f"{v}年" for v in values]
        elif key == "risk":
            values = [v.split("（")[0] for v in values]
        if values:
            parts.append("、".join(values))
    city = "".join(params.get("city", []))
    if city:
        parts.append(city + "".join(r for r in params.get("role", []) if r != ROLE_LABELS["any"]))
    search = " ".join(params.get("q", [])).strip()
    if search:
        parts.append(f"含「{search}」")
    return parts


DOWNLOAD_NAME = "北臺合作提案"  # a download of the list: then the cycle and, when filtered, the filter


def download_file_name(year_label: str, params: dict[str, list[str]], suffix: str) -> str:
    """北臺合作提案_112年度.xlsx, or for a filtered list 北臺合作提案_112年度_交通運輸組_紅.xlsx (a name
    every file system takes: text.file_name)."""
    return text.file_name([DOWNLOAD_NAME, year_label, *filter_labels(params)], suffix)


def apply_filter(frame: pd.DataFrame, spec: frames.ProposalFilter, decisions: tuple[str, ...]) -> pd.DataFrame:
    return frames.filter_by_decision(frames.filter_proposals(frame, spec=spec), wanted=decisions)


def list_params_of_card() -> dict[str, list[str]]:
    """On a card: the list filter it came from (`list=`, url.card_link), or filter keys given
    directly in its URL."""
    packed = st.query_params.get(url.LIST_PARAM)
    if packed:
        return {k: v for k, v in parse_qs(packed).items() if k in FILTER_KEYS}
    return {k: st.query_params.get_all(k) for k in FILTER_KEYS if st.query_params.get_all(k)}
