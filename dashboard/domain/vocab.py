"""The one place for the controlled vocabularies and their colours.

Every status, track key and resolution the code compares against is spelt here and only here
(tests/test_vocab.py checks); other modules import the names below.

Colours come from the Okabe-Ito palette, which readers with the common colour-vision
deficiencies can tell apart; every use of a colour also carries the label as text.
"""

from enum import StrEnum

# Tracks (類別). The carried-over track is labelled with its year, which comes from the store
# (the proposal's own year, or the year before the meeting's): see track_label.
CARRIED = "carried"  # the previous year's tracked proposals, decided again this year
CENTRAL = "central"  # asks the central government for help
JOINT = "joint"  # the eight cities work together
TRACKS = {
    CARRIED: "{year}年度列管案",
    CENTRAL: "請求中央協助",
    JOINT: "八縣市共同合作",
}
NEW_TRACKS = (CENTRAL, JOINT)  # the meeting year's own proposals


def track_label(track: str, *, year: int | None) -> str:
    """The label of a track; the carried-over one names its year (111年度列管案)."""
    template = TRACKS.get(track, "")
    return template.format(year=year if year is not None else "")


def track_labels(*, carried_year: int | None) -> dict[str, str]:
    """{track key: label} in track order, e.g. for a filter."""
    return {track: track_label(track, year=carried_year) for track in TRACKS}


# Tracking axis: is the proposal still followed by the committee?
TRACKED = "列管中"
PROPOSE_DELIST = "建議解除列管"
DELISTED = "解除列管"
KEEP_TRACKING = "持續列管"
TRACKING_STATUSES = [TRACKED, PROPOSE_DELIST, DELISTED, KEEP_TRACKING]
DELIST_STATUSES = (PROPOSE_DELIST, DELISTED)  # the meeting is asked to de-list (or has)
STILL_TRACKED = (TRACKED, KEEP_TRACKING)  # followed after the meeting if recommendations are adopted
TRACKING_COLORS = {
    TRACKED: "#0072B2",
    PROPOSE_DELIST: "#E69F00",
    DELISTED: "#009E73",
    KEEP_TRACKING: "#CC79A7",
}

# The group's recommendation to the meeting on a proposal (議題組建議), which the lead records before it
# with a reason and the date of the working-group meeting that agreed it. Its owner is the tracking
# status (the card's 列管狀態（建議）): a de-listing status recommends de-listing, 持續列管 recommends
# keeping it tracked, and 列管中 recommends nothing yet: a carried row starts the new cycle so.
RECOMMEND_DELIST = "擬解除列管"
RECOMMEND_KEEP = "擬持續列管"
NO_RECOMMENDATION = "尚未提出建議"
RECOMMENDATIONS = {RECOMMEND_DELIST: PROPOSE_DELIST, RECOMMEND_KEEP: KEEP_TRACKING}  # as typed -> status


def recommendation(tracking_status: str) -> str | None:
    """The recommendation a tracking status makes (擬解除列管／擬持續列管); None for none yet."""
    if tracking_status in DELIST_STATUSES:
        return RECOMMEND_DELIST
    if tracking_status == KEEP_TRACKING:
        return RECOMMEND_KEEP
    return None


def recommendation_label(tracking_status: str) -> str:
    """The recommendation as every page and document words it: 擬解除列管, 擬持續列管 or 尚未提出建議."""
    return recommendation(tracking_status) or NO_RECOMMENDATION


DELIST_REASON = "解除列管原因"
KEEP_REASON = "持續列管原因"


def reason_label(tracking_status: str) -> str:
    """What the reason given with a proposal's tracking status is called, on every page and document."""
    return DELIST_REASON if tracking_status in DELIST_STATUSES else KEEP_REASON


# Progress axis: where the work itself stands.
PLANNING = "規劃中"
RUNNING = "執行中"
DONE = "已完成"
WAITING_CENTRAL = "待中央回應"
CENTRAL_ANSWERED = "中央已回應"
CANCELLED = "已取消"
PROGRESS_STATUSES = [PLANNING, RUNNING, DONE, WAITING_CENTRAL, CENTRAL_ANSWERED, CANCELLED]
PROGRESS_COLORS = {
    PLANNING: "#56B4E9",
    RUNNING: "#0072B2",
    DONE: "#009E73",
    WAITING_CENTRAL: "#D55E00",
    CENTRAL_ANSWERED: "#CC79A7",
    CANCELLED: "#999999",
}

# Risk light (風險燈號), as a government 管考 system or a programme board's RAG status: each quarter
# the group's lead says whether the work is on track, delayed but handled by the group, or needs the
# vice-mayors. Unset is 未評估. Shown always with its label (the colour never stands alone).
RISK_GREEN = "綠"
RISK_YELLOW = "黃"
RISK_RED = "紅"
RISKS = [RISK_GREEN, RISK_YELLOW, RISK_RED]
RISK_MEANINGS = {
    RISK_GREEN: "進度正常",
    RISK_YELLOW: "延遲，議題組處理中",
    RISK_RED: "需副首長協調",
}
RISK_COLORS = {
    RISK_GREEN: "#009E73",
    RISK_YELLOW: "#F0E442",
    RISK_RED: "#D55E00",
}
RISK_UNSET = "未評估"
STALE = "本季未更新"  # not updated by a person in this calendar quarter (a proposal; its risk light)
RISK_ORDER = [RISK_RED, RISK_YELLOW, RISK_GREEN, RISK_UNSET]  # the overview's order: 紅 first
RISK_NEEDS_REASON = (RISK_RED,)


def risk_label(risk: str | None) -> str:
    """紅（需副首長協調）; 未評估 for no light (an unknown value as it is stored)."""
    if not risk:
        return RISK_UNSET
    return f"{risk}（{RISK_MEANINGS[risk]}）" if risk in RISK_MEANINGS else str(risk)


def risk_rank(risk: str | None) -> int:
    """Where a light sorts: 紅, 黃, 綠, then 未評估 (and anything unknown)."""
    return RISK_ORDER.index(risk) if risk in RISKS else len(RISKS)


# The five boxes of the proposal card (提案類型), in card order.
PROPOSAL_TYPES = [
    "跨縣市實質合作議題",
    "促請中央修正法案",
    "申請中央補助經費",
    "縣市治理經驗與成果分享",
    "其他",
]

# How many of the cities a proposal involves (合作縣市); the store keeps it beside the city list.
ALL_CITIES = "all"
SOME_CITIES = "partial"
CITY_SCOPES = {ALL_CITIES: "北臺八縣市", SOME_CITIES: "部分縣市"}

# Kinds of working group (groups.csv `kind`): the topic groups (議題組), the development group
# (發展推動組) and the staff group (幕僚組), which the lists of groups leave out.
TOPIC = "topic"
DEVELOPMENT = "development"
STAFF = "staff"
GROUP_KINDS = (TOPIC, DEVELOPMENT, STAFF)

# Kinds of a working group's meeting (the meeting log, packet 貳). Before the log had a kind, the
# meeting's name said it (第1次工作會議, 第2次新北市幕僚會議, 合作提案第1次研商會議).
WORKING_MEETING = "工作會議"
STAFF_MEETING = "幕僚會議"
OTHER_MEETING = "其他"
MEETING_KINDS = (WORKING_MEETING, STAFF_MEETING, OTHER_MEETING)

# Resolutions the vice-mayors' meeting can record for an item.
ADOPTED = "照案通過"
ADOPTED_AMENDED = "修正後通過"
RESERVED = "保留"
REJECTED = "不通過"
RESOLUTIONS = [ADOPTED, ADOPTED_AMENDED, RESERVED, REJECTED]
UNDECIDED = "未決議"  # shown wherever a proposal has no recorded resolution yet

RESOLUTION_COLORS = {
    ADOPTED: "#009E73",
    ADOPTED_AMENDED: "#56B4E9",
    RESERVED: "#E69F00",
    REJECTED: "#D55E00",
}

NEUTRAL_COLOR = "#777777"  # a chip without a colour of its own (未決議, an unknown value)

# Roles of signed-in users; anyone not signed in reads only.
LEAD = "lead"  # edits the proposals of their own working groups
SECRETARIAT = "secretariat"  # everything: decisions, meeting data, accounts, any proposal
ROLES = {LEAD: "議題組窗口", SECRETARIAT: "祕書處"}


class VersionKind(StrEnum):
    """What recorded a proposal's version (ProposalVersion.kind holds these strings as they are)."""

    EDIT = "edit"  # changed in the dashboard, on the command line or by a spreadsheet
    REVERT = "revert"  # a version undone
    IMPORT = "import"  # data/ brought in over a proposal the store holds
    CREATE = "create"  # a new proposal: by the card form, or new in data/ brought into a store with edits
    CARRY = "carry"  # a carried-over row, made by starting the next cycle


# The kinds a person's save records: what counts as an update in a quarter (我的提案's 本季未更新, the
# risk light's quarter). A carried-over row or an import from data/ is no one's update.
PERSON_KINDS = (VersionKind.EDIT, VersionKind.REVERT, VersionKind.CREATE)

# How a proposal's history names each kind, wherever it is shown.
VERSION_KIND_LABELS = {
    VersionKind.EDIT: "修改",
    VersionKind.REVERT: "還原",
    VersionKind.IMPORT: "自資料檔匯入",
    VersionKind.CREATE: "新增",
    VersionKind.CARRY: "延續列管",
}


def version_kind_label(kind: str) -> str:
    """The label of a version's kind; an unknown kind (a newer store) as it is stored."""
    return VERSION_KIND_LABELS.get(kind, kind)
