"""The store's tables.

Curated tables are rebuilt from data/ by the loader; `Decision` and `MeetingRecord` rows are
written by users during the meeting and are never touched by a rebuild.
"""

from datetime import date, datetime, time

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class City(SQLModel, table=True):
    code: str = Field(primary_key=True)
    name: str = Field(unique=True, index=True)
    name_en: str
    lon: float
    lat: float
    color: str
    sort_order: int
    card_order: int  # position in the 2×4 grid of the paper card


class WorkGroup(SQLModel, table=True):
    __tablename__ = "work_group"
    id: str = Field(primary_key=True)
    name: str = Field(unique=True)
    parent_id: str | None = Field(default=None, foreign_key="work_group.id")
    host_agency: str | None = None  # None for a group whose sub-groups each have a host
    kind: str  # topic / development / staff
    sort_order: int


class GroupTerm(SQLModel, table=True):
    """A working group as it stands from cycle `year` on, until a later term of the group: the host
    city's agencies host the groups, so names, hosts and the groups themselves change between cycles.
    A cycle before a group's first term sees it as WorkGroup holds it (the first cycle's values),
    unless that first term `added` it. Read through dashboard/domain/group_terms.py only."""

    __tablename__ = "group_term"
    group_id: str = Field(foreign_key="work_group.id", primary_key=True)
    year: int = Field(primary_key=True)  # the cycle the term applies from
    name: str
    parent_id: str | None = None  # a work_group id
    host_agency: str | None = None
    sort_order: int
    added: bool = False  # the group begins in this cycle: earlier cycles do not have it
    closed: bool = False  # the group ends before this cycle
    merged_into: str | None = None  # a closed group's successor: its proposals went there
    host_carried: bool = False  # host_agency taken over from the cycle before, not yet confirmed


class GroupMeeting(SQLModel, table=True):
    """A working group's meeting (the log packet 貳 prints). Loaded from data/group_meetings.csv and
    kept by the groups' leads (dashboard/domain/meeting_log.py): every add, correction and removal is
    a GroupMeetingVersion, and a removed meeting stays as a row marked `removed`."""

    __tablename__ = "group_meeting"
    id: int | None = Field(default=None, primary_key=True)
    group_id: str = Field(foreign_key="work_group.id", index=True)
    date: date
    name: str
    kind: str | None = None  # vocab.MEETING_KINDS; None (older rows): read from the name (meeting_log.kind_of)
    decided: str | None = None  # what was decided, multi-line
    removed: bool = False  # removed by a lead or the secretariat: kept for its history, shown nowhere


class Proposal(SQLModel, table=True):
    id: str = Field(primary_key=True)
    year: int = Field(index=True)
    track: str = Field(index=True)
    item_no: int  # 項次 as printed in its table
    sort_order: int
    # The proposal of the cycle before that this carried-over row continues (112-01 continues
    # 112-J01); None for a proposal new in its year, or one whose earlier id the packet does not
    # give (111-01…111-13). No FK: rows are inserted in packet order, the later cycle's among them.
    previous_id: str | None = Field(default=None, index=True)
    group_id: str = Field(foreign_key="work_group.id", index=True)
    subgroup_id: str | None = Field(default=None, foreign_key="work_group.id")
    title: str  # as in the packet's table
    card_title: str | None = None  # as on the card, where it differs
    card_unit: str | None = None
    # Where the card is bound among the cycle's cards (1 = first) as the source packet binds them;
    # None: by id within its group. The card's heading line where the source prints it otherwise
    # than 「group-sub-group」合作提案單 (「防災治安組–防災組」合作提案單, 「…」合作議題提案單).
    card_position: int | None = None
    card_heading: str | None = None
    cities_scope: str | None = None  # all / partial; None where no card exists
    description: str | None = None  # 說明
    approach: str | None = None  # 具體作法
    benefits: str | None = None  # 合作效益
    contact: str | None = None
    central_ministry: str | None = None
    progress: str | None = None  # 說明/進度
    tracking_status: str
    tracking_reason: str | None = None  # 解除列管原因 / 持續列管原因
    # The working-group meeting that agreed the recommendation (vocab.recommendation): the lead's.
    recommendation_date: date | None = None
    tracking_basis: str  # "" where the source gives none (a proposal made online, a carried row)
    progress_status: str
    progress_basis: str  # "" where there is no progress text to quote yet
    notes: str | None = None  # editorial notes of the secretariat
    risk: str | None = None  # 風險燈號 綠／黃／紅 (vocab.RISKS), set by the group's lead; None: 未評估
    risk_reason: str | None = None  # why; required for 紅


class ProposalLead(SQLModel, table=True):
    __tablename__ = "proposal_lead"
    proposal_id: str = Field(foreign_key="proposal.id", primary_key=True)
    position: int = Field(primary_key=True)
    unit: str
    city_code: str = Field(foreign_key="city.code", index=True)


class ProposalType(SQLModel, table=True):
    __tablename__ = "proposal_type"
    proposal_id: str = Field(foreign_key="proposal.id", primary_key=True)
    type: str = Field(primary_key=True)


class ProposalCity(SQLModel, table=True):
    __tablename__ = "proposal_city"
    proposal_id: str = Field(foreign_key="proposal.id", primary_key=True)
    city_code: str = Field(foreign_key="city.code", primary_key=True, index=True)


class MutualAid(SQLModel, table=True):
    """Cross-border fire/ambulance support and relayed 119 calls: from_city asked to_city for help."""

    __tablename__ = "mutual_aid"
    id: int | None = Field(default=None, primary_key=True)
    from_city: str = Field(foreign_key="city.code", index=True)
    to_city: str = Field(foreign_key="city.code", index=True)
    item_no: int
    fire: int
    ambulance: int
    relay: int
    period_start: date
    period_end: date
    proposal_id: str = Field(foreign_key="proposal.id")


class Indicator(SQLModel, table=True):
    """A figure from a proposal's progress text; `kind='total'` rows restate a sum of value rows."""

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(foreign_key="proposal.id", index=True)
    indicator: str = Field(index=True)
    label: str
    kind: str
    city_code: str | None = Field(default=None, foreign_key="city.code")
    counterpart_code: str | None = Field(default=None, foreign_key="city.code")
    value: int
    unit: str
    period_start: date | None = None
    period_end: date | None = None
    as_of: date | None = None
    note: str | None = None


class Meeting(SQLModel, table=True):
    """A cycle's vice-mayors' meeting; the secretariat edits it (dashboard/domain/meeting_settings.py),
    each change a MeetingVersion. Who attended and 紀錄 are MeetingRecord's."""

    id: str = Field(primary_key=True)
    name: str
    date: date
    start_time: time
    chair_org: str
    chair: str
    venue: str
    url: str | None = None  # only for an online or hybrid meeting
    theme: str | None = None  # 年度主軸
    form: str | None = None  # 線上 / 實體 / 視訊與實體; None (older data): online when it has a link
    host_city: str | None = None  # 主政縣市, a City name
    chair_title: str | None = None  # where the chair's name does not carry it already (劉副市長和然)
    # Fields carried from the previous cycle's meeting by new-year and not yet confirmed or changed.
    unconfirmed: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"
    meeting_id: str = Field(foreign_key="meeting.id", primary_key=True)
    position: int = Field(primary_key=True)
    start: time
    end: time | None = None
    minutes: int | None = None
    title: str
    note: str | None = None
    key: str | None = None  # 'decision' marks the item where proposals are decided


class Organiser(SQLModel, table=True):
    meeting_id: str = Field(foreign_key="meeting.id", primary_key=True)
    role: str = Field(primary_key=True)  # 主辦單位 / 承辦單位 / 協辦單位 / 執行單位
    position: int = Field(primary_key=True)
    name: str


class Decision(SQLModel, table=True):
    """One recorded resolution; history is append-only, the latest row per proposal counts."""

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(index=True)  # no FK: decisions must survive a rebuild of curated tables
    resolution: str
    note: str | None = None
    recorded_at: datetime
    recorded_by: str


class MeetingRecord(SQLModel, table=True):
    """What the secretariat typed for the minutes (紀錄, attendance, 主席結論); append-only like
    Decision: each save is a new row, the latest per meeting counts."""

    __tablename__ = "meeting_record"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(index=True)  # no FK: records must survive a rebuild of curated tables
    minutes_taker: str = ""  # 紀錄: who took the minutes
    attendance: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # city code -> who
    conclusions: str = ""  # 主席結論
    recorded_at: datetime
    recorded_by: str


class MeetingVersion(SQLModel, table=True):
    """One change of a meeting's settings (details, agenda, organisers, attendance, 紀錄, the marks of
    values carried from last year): who, when, which fields old -> new, and why. Append-only; a save
    names the version it is based on. Attendance and 紀錄 are stored as a MeetingRecord row, which
    record_id names."""

    __tablename__ = "meeting_version"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(index=True)  # no FK: versions must survive a rebuild of curated tables
    version: int
    changes: list[dict] = Field(sa_column=Column(JSON, nullable=False))  # [{field, old, new}]
    reason: str | None = None
    kind: str = "edit"  # edit / confirm / create / import
    record_id: int | None = None  # the MeetingRecord this change wrote, if any
    recorded_at: datetime
    recorded_by: str


class ProposalVersion(SQLModel, table=True):
    """One change of a proposal made in the dashboard (or an import as new versions): who, when,
    which fields old -> new, and why. Append-only like Decision; a revert is a new version."""

    __tablename__ = "proposal_version"
    __table_args__ = (UniqueConstraint("proposal_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(index=True)  # no FK: versions must survive a rebuild of curated tables
    version: int  # 1, 2, … per proposal; a save names the version it was based on
    changes: list[dict] = Field(sa_column=Column(JSON, nullable=False))  # [{field, old, new}]
    reason: str | None = None
    kind: str = "edit"  # edit / revert / import / create
    recorded_at: datetime
    recorded_by: str


class GroupVersion(SQLModel, table=True):
    """One change of a working group in a cycle (its name, host agency, place, opening or closing):
    who, when, which fields old -> new, and why. Append-only like ProposalVersion; a save names the
    group's version it was based on."""

    __tablename__ = "group_version"
    __table_args__ = (UniqueConstraint("group_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: str = Field(index=True)  # no FK: versions must survive a rebuild of curated tables
    year: int  # the cycle changed (from then on, until a later term)
    version: int  # 1, 2, … per group
    changes: list[dict] = Field(sa_column=Column(JSON, nullable=False))  # [{field, old, new}]
    reason: str | None = None
    kind: str = "edit"  # edit / add / close / import
    recorded_at: datetime
    recorded_by: str


class GroupMeetingVersion(SQLModel, table=True):
    """One change of a working group's meeting log: a meeting added, corrected or removed (or brought
    in from data/): who, when, which fields old -> new, and why. Append-only; a save names the
    meeting's version it was based on."""

    __tablename__ = "group_meeting_version"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(index=True)  # no FK: versions must survive a rebuild of curated tables
    group_id: str = Field(index=True)
    version: int  # 1, 2, … per meeting
    changes: list[dict] = Field(sa_column=Column(JSON, nullable=False))  # [{field, old, new}]
    reason: str | None = None
    kind: str = "edit"  # add / edit / remove / import
    recorded_at: datetime
    recorded_by: str


class StatisticsVersion(SQLModel, table=True):
    """One entry or correction of a statistics table (dashboard/domain/statistics.py): a proposal's
    cross-border mutual aid (an origin-destination table) or its indicators, for one period. `rows`
    hold the whole table as it stands from this version on; who, when and why as ProposalVersion.
    The rows loaded from data/ are a table's version 0, so the curated tables stay rebuildable."""

    __tablename__ = "statistics_version"
    __table_args__ = (UniqueConstraint("proposal_id", "table_kind", "period_key", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(index=True)  # no FK: versions must survive a rebuild of curated tables
    table_kind: str  # mutual_aid / indicators
    period_key: str  # start~end@as_of in ISO: names the table with proposal_id and table_kind
    period_start: date | None = None
    period_end: date | None = None
    as_of: date | None = None  # 截至
    version: int  # 1, 2, … per table; a save names the version it was based on (0: none, or data/'s)
    rows: list[dict] = Field(sa_column=Column(JSON, nullable=False))
    changes: list[dict] = Field(sa_column=Column(JSON, nullable=False))  # [{field, old, new}]
    reason: str | None = None
    kind: str = "create"  # create / edit / import
    recorded_at: datetime
    recorded_by: str


class Account(SQLModel, table=True):
    """A user who may sign in: a group lead or the secretariat (vocab.ROLES). Never deleted, only
    disabled, so that every recorded change keeps naming a known account."""

    name: str = Field(primary_key=True)
    role: str
    password_hash: str | None = None  # bcrypt; None for an account that signs in by OIDC only
    email: str | None = Field(default=None, unique=True)  # matched case-folded against OIDC sign-ins
    disabled: bool = False
    created_at: datetime
    # The last day (Taipei) the account acts: from the next day on it is as a disabled one. For
    # the outgoing secretariat at the chair's yearly hand-over. None: no end.
    until: date | None = None


class AccountVersion(SQLModel, table=True):
    """One change of an account (added, role, groups, enabled, until, password…): who, when, which
    fields old -> new, and why; as ProposalVersion. A new password is recorded as a change of the
    field "password" without values: no hash is ever kept here."""

    __tablename__ = "account_version"
    __table_args__ = (UniqueConstraint("account", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(index=True)  # no FK, as ProposalVersion: the history outlives anything
    version: int  # 1, 2, … per account; a save from the page names the version it was based on
    changes: list[dict] = Field(sa_column=Column(JSON, nullable=False))  # [{field, old, new}]
    reason: str | None = None
    recorded_at: datetime
    recorded_by: str


class AccountGroup(SQLModel, table=True):
    """The working groups a lead account edits."""

    __tablename__ = "account_group"
    account: str = Field(foreign_key="account.name", primary_key=True)
    group_id: str = Field(primary_key=True)  # no FK: kept across rebuilds of the curated tables


class StoreBuild(SQLModel, table=True):
    """One row per (re)build of the curated tables, so that caches can tell a rebuild happened."""

    __tablename__ = "store_build"
    id: int | None = Field(default=None, primary_key=True)
    built_at: datetime


CURATED_TABLES = [
    ProposalType,
    ProposalCity,
    ProposalLead,
    Indicator,
    MutualAid,
    GroupMeeting,
    GroupTerm,
    AgendaItem,
    Organiser,
    Meeting,
    Proposal,
    WorkGroup,
    City,
]  # child tables first, so deleting in this order respects foreign keys


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins counted per bucket (dashboard/web/throttle.py), shared by every server process.
    The key is a hash, so names typed at the sign-in form (perhaps a password) are never stored."""

    __tablename__ = "sign_in_throttle"
    key: str = Field(primary_key=True, max_length=64)  # sha256 hex of the bucket's kind, client and account
    kind: str = Field(max_length=16)  # pair / client / account / global
    failures: int = 0  # consecutive failures, forgotten after a quiet period
    last_failure: float = Field(default=0.0, index=True)  # Unix seconds; old rows are pruned by it
    blocked_until: float = 0.0  # no attempt is checked before this time
    known_until: float = 0.0  # pair rows: this client signed in to this account, trusted until then


class SignInSession(SQLModel, table=True):
    """A password sign-in that outlives its browser tab (dashboard/web/sessions.py): the browser keeps a
    random token in a cookie, the store keeps only its hash, so every replica and restart shares it
    and a copy of the table signs nobody in."""

    __tablename__ = "sign_in_session"
    token_hash: str = Field(primary_key=True, max_length=64)  # sha256 hex of the cookie's token
    account: str = Field(index=True)  # no FK: secrets.toml users have no Account row
    credential: str = Field(max_length=64)  # sha256 hex of the password hash at sign-in: a new password ends it
    created_at: float  # Unix seconds; the session ends MAX_AGE after this, whatever its use
    last_seen: float = Field(index=True)  # Unix seconds; IDLE after this without use, it ends
