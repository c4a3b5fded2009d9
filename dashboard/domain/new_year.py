"""Starting the next cycle (`new-year 113`): the proposals still tracked become the new year's
carried-over list, those de-listed by decision leave it, and the new year's meeting is set up from
the last one. All or nothing; the secretariat only.

Which proposals carry over (`outcome`): the meeting decides on each proposal's recommendation,
which is its tracking status (建議解除列管 / 解除列管: de-list; 列管中 / 持續列管: keep tracking).

- 照案通過 / 修正後通過 adopt the recommendation: a proposal recommended for de-listing leaves,
  any other stays tracked;
- 保留 decides nothing yet: the proposal stays tracked, to be decided again next year;
- 不通過 rejects the recommendation: a de-listing rejected keeps the proposal tracked, while a
  new proposal (or a keep-tracking recommendation) rejected is not tracked any further;
- no decision recorded: the recommendation stands as if adopted (vocab.STILL_TRACKED stay, the
  others leave). Starting is allowed then, since the minutes are sometimes typed in later, but the
  undecided proposals are returned as a warning: a decision recorded after the start does not
  change the carried-over list (edit the carried row, e.g. its tracking status, instead).

A carried row (112-01, 112-02, … for cycle 113, in the order of the packet) copies the card of the
proposal it continues (`previous`) and starts the new cycle 列管中, its progress as it stood and no
recommendation yet (尚未提出建議: vocab.recommendation): the group's lead records it, with its reason
and the date of the working-group meeting that agreed it, and documents print it. What the
carry-over did (from which proposal, by which decision or status rule) is the reason of its
version 1, of kind "carry", which also says who started the year and when; so nothing the system
writes about itself reaches a document.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dashboard.domain import cycles, editing, meeting, meeting_settings, proposal_rules, proposal_yaml, vocab
from dashboard.domain.dates import ROC_OFFSET, roc_date, roc_year
from dashboard.domain.permissions import Actor, require_secretariat
from dashboard.domain.problems import Problem
from dashboard.domain.text import text_problem
from dashboard.store.db import begin_write
from dashboard.store.models import (
    AgendaItem,
    City,
    Decision,
    Meeting,
    MeetingVersion,
    Organiser,
    Proposal,
    StoreBuild,
    WorkGroup,
)

# What a carried row takes over from the proposal it continues: the card and the work's state.
# Not the notes, which are the secretariat's remarks on the source packet's row.
CARRIED_KEYS = (
    "group",
    "subgroup",
    "title",
    "lead_units",
    "card_title",
    "card_unit",
    "types",
    "cities_scope",
    "cities",
    "description",
    "approach",
    "benefits",
    "contact",
    "central_ministry",
    "progress",
    "progress_status",
    "progress_basis",
)
ID_MAX = 99  # carried ids have two digits (proposal_rules.ID_PATTERN: 112-01)
TEXT_MAX_CHARS = 200  # chair, venue and the like


class NewYearError(ValueError):
    """The year cannot be started; the message says why, in Chinese. Nothing was written."""


@dataclass(frozen=True)
class Outcome:
    """What the previous cycle's decision means for one proposal."""

    proposal_id: str
    stays: bool  # carried over into the next cycle
    reason: str  # why, for people
    resolution: str | None  # the decision in force; None when none is recorded


def outcome(proposal: Proposal, decision: Decision | None) -> Outcome:
    """Whether `proposal` is still tracked after its cycle's meeting (the rule in the module's doc)."""
    recommends_delist = proposal.tracking_status in vocab.DELIST_STATUSES
    status = proposal.tracking_status
    if decision is None:
        stays = status in vocab.STILL_TRACKED
        verdict = vocab.KEEP_TRACKING if stays else vocab.DELISTED
        return Outcome(proposal.id, stays, f"{vocab.UNDECIDED}，依列管狀態「{status}」{verdict}", None)
    resolution = decision.resolution
    if resolution in (vocab.ADOPTED, vocab.ADOPTED_AMENDED):
        stays = not recommends_delist
    elif resolution == vocab.RESERVED:
        stays = True
    else:  # rejected: the opposite of the recommendation
        stays = recommends_delist
    verdict = vocab.KEEP_TRACKING if stays else vocab.DELISTED
    return Outcome(proposal.id, stays, f"決議{resolution}（列管狀態「{status}」），{verdict}", resolution)


def outcomes(session: Session, cycle: int) -> list[tuple[Proposal, Outcome]]:
    """Every proposal of `cycle` in packet order with its outcome."""
    proposals = list(session.exec(select(Proposal).where(cycles.in_cycle(cycle)).order_by(Proposal.sort_order)))
    decided = meeting.decisions_in_force(session, proposal_ids=[p.id for p in proposals])
    return [(p, outcome(p, decided.get(p.id))) for p in proposals]


def carried_id(previous: int, number: int) -> str:
    """The id of the `number`-th row carried out of cycle `previous` (112-01, 112-02, …), as the
    packet numbers the year before's tracked proposals."""
    return f"{previous}-{number:02d}"


def started(session: Session, cycle: int) -> bool:
    """`cycle` has begun: its meeting or its carried-over rows are in the store."""
    if cycles.meeting_of(session, cycle) is not None:
        return True
    carried = select(Proposal.id).where(Proposal.track == vocab.CARRIED, Proposal.year == cycles.Cycle(cycle).previous)
    return session.exec(carried.limit(1)).first() is not None


def next_cycle(session: Session) -> cycles.Cycle | None:
    """The cycle a start would begin: the one after the current cycle, or the current one itself
    while it has not begun (its new proposals were entered before the start). None for an empty store."""
    current = cycles.current_cycle(session)
    if current is None:
        return None
    return current.next if started(session, current) else current


@dataclass(frozen=True)
class Plan:
    """What starting the next cycle would do now: the page previews it, start_year carries it out."""

    cycle: cycles.Cycle  # the one to start
    last_meeting: Meeting  # the previous cycle's meeting, which the new one is set up from
    outcomes: list[tuple[Proposal, Outcome]]  # every proposal of the previous cycle, packet order

    @property
    def previous(self) -> cycles.Cycle:
        return self.cycle.previous

    @property
    def staying(self) -> list[tuple[str, Proposal, Outcome]]:
        """(the id of its carried row, proposal, outcome) of those carried over, packet order."""
        kept = [(p, o) for p, o in self.outcomes if o.stays]
        return [(carried_id(self.previous, number), p, o) for number, (p, o) in enumerate(kept, start=1)]

    @property
    def leaving(self) -> list[tuple[Proposal, Outcome]]:
        return [(p, o) for p, o in self.outcomes if not o.stays]

    @property
    def undecided(self) -> list[str]:
        """The previous cycle's proposals without a decision in force, packet order."""
        return [p.id for p, o in self.outcomes if o.resolution is None]


def plan(session: Session) -> Plan | None:
    """The plan of the next start; None when the store holds no meeting of the cycle before it."""
    cycle = next_cycle(session)
    last = cycles.meeting_of(session, cycle.previous) if cycle is not None else None
    if last is None:
        return None
    return Plan(cycle, last, outcomes(session, cycle.previous))


@dataclass
class YearStarted:
    """What start_year did."""

    year: int
    previous: int
    meeting_id: str
    carried: list[tuple[str, str]] = field(default_factory=list)  # (new id, the id it continues)
    left: list[tuple[str, str]] = field(default_factory=list)  # (id, why it leaves)
    undecided: list[str] = field(default_factory=list)  # the previous cycle's proposals without a decision


def start_year(
    session: Session,
    *,
    cycle: int,
    meeting_date: date,
    actor: Actor,
    chair: str | None = None,
    chair_org: str | None = None,
    venue: str | None = None,
    url: str | None = None,
    start_time: time | None = None,
    host_city: str | None = None,
    form: str | None = None,
    now: datetime | None = None,
) -> YearStarted:
    """Start `cycle`: the carried-over rows and the meeting, committed together, as plan() says.

    The meeting is hosted by `host_city` in `form` (both default to the previous meeting's) and set
    up from the previous meeting (_new_meeting says what it takes, and marks what it carries as
    unconfirmed). Raises PermissionDenied (not the secretariat) or NewYearError (the year is not the
    next one or was started already, the date is not in that year, a bad value); nothing is written."""
    require_secretariat(actor, "開始新年度")
    form = (form or "").strip() or None
    if form is not None and form not in meeting_settings.FORMS:
        raise NewYearError(f"會議形式「{form}」不是{'、'.join(meeting_settings.FORMS)}之一；未變更。")
    if form == meeting_settings.IN_PERSON and url is not None and not url.strip():
        url = None  # an in-person meeting has no link: `--url ""` says so
    texts = _texts(chair=chair, chair_org=chair_org, venue=venue, url=url, host_city=host_city)
    begin_write(session)  # the check and the new rows in one writer's transaction
    try:
        the_plan = _check(session, cycle, meeting_date, start_time)
    except BaseException:
        session.rollback()  # ends the transaction and its write lock
        raise
    now = now or datetime.now(UTC)
    try:
        result = YearStarted(year=the_plan.cycle, previous=the_plan.previous, meeting_id="")
        _carry(session, the_plan, result, actor, now)
        result.meeting_id = _new_meeting(
            session, the_plan.last_meeting, the_plan.cycle, meeting_date, start_time, texts, form, actor, now
        ).id
        proposal_rules.sort_proposals(list(session.exec(select(Proposal))))
        session.add(StoreBuild(built_at=now))  # page caches key on the store's stamp
        session.commit()
    except IntegrityError as error:  # PostgreSQL: someone else started the year at the same moment
        session.rollback()
        raise NewYearError(f"{cycle}年度已由其他人同時開始（編號或會議識別碼已被使用）；未變更。") from error
    except BaseException:
        session.rollback()
        raise
    return result


def _texts(**values: str | None) -> dict[str, str]:
    """The meeting details given, stripped; NewYearError for an empty or unstorable one."""
    labels = {"chair": "主持人", "chair_org": "主持機關", "venue": "地點", "url": "會議連結", "host_city": "主政縣市"}
    given = {}
    for name, value in values.items():
        if value is None:
            continue
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise NewYearError(f"{labels[name]}不可空白；未變更。")
        if problem := text_problem(text):
            raise NewYearError(f"{labels[name]}{problem}；未變更。")
        if "\n" in text or "\r" in text:
            raise NewYearError(f"{labels[name]}只能有一行，請刪除換行；未變更。")
        if len(text) > TEXT_MAX_CHARS:
            raise NewYearError(f"{labels[name]}不可超過 {TEXT_MAX_CHARS} 字（目前 {len(text)} 字）；未變更。")
        given[name] = text
    return given


def _check(session: Session, requested, meeting_date, start_time) -> Plan:
    """The plan of the start, after every check of the request."""
    try:
        cycle = cycles.parse(requested)
    except cycles.CycleError as error:
        raise NewYearError(f"{error}；未變更。") from error
    if meeting.latest_meeting(session) is None:
        raise NewYearError("資料庫沒有任何會議，無法開始新年度；請先載入 data/。未變更。")
    the_plan = plan(session)
    if started(session, cycle):
        raise NewYearError(f"{cycle}年度已經開始（資料庫已有{cycle}年度的會議或列管案）；未變更。")
    if the_plan is None:
        expected = next_cycle(session)
        raise NewYearError(f"資料庫沒有{expected.previous}年度的會議，無法開始{expected}年度；未變更。")
    if cycle != the_plan.cycle:
        raise NewYearError(
            f"只能開始下一個年度：目前為{the_plan.previous}年度，下一個是{the_plan.cycle}年度，不是{cycle}年度；未變更。"
        )
    later = [c for c in cycles.cycles(session) if c > cycle]
    if later:
        raise NewYearError(f"資料庫已有{later[0]}年度的提案，晚於{cycle}年度；未變更。")
    if not isinstance(meeting_date, date) or isinstance(meeting_date, datetime):
        raise NewYearError(f"會議日期應為日期（西元 YYYY-MM-DD），不是「{meeting_date}」；未變更。")
    if roc_year(meeting_date.year) != cycle:
        raise NewYearError(
            f"會議日期 {meeting_date.isoformat()}（{roc_date(meeting_date)}）不在{cycle}年度"
            f"（西元 {cycle + ROC_OFFSET} 年）；未變更。"
        )
    if start_time is not None and not isinstance(start_time, time):
        raise NewYearError(f"開始時間應為 HH:MM，不是「{start_time}」；未變更。")
    return the_plan


def _carry(session: Session, the_plan: Plan, result: YearStarted, actor: Actor, now: datetime) -> None:
    """Add the carried-over rows the plan lists; fills result's carried, left and undecided."""
    staying = the_plan.staying
    result.left = [(p.id, o.reason) for p, o in the_plan.leaving]
    result.undecided = the_plan.undecided
    if len(staying) > ID_MAX:
        raise NewYearError(f"持續列管的提案有 {len(staying)} 案，超過編號上限 {ID_MAX} 案；未變更。")
    cities = {c.name: c.code for c in session.exec(select(City))}
    groups = {g.id: g for g in session.exec(select(WorkGroup))}
    where = f"（{the_plan.cycle}年度列管案）"
    for number, (new_id, source, why) in enumerate(staying, start=1):
        if session.get(Proposal, new_id) is not None:
            raise NewYearError(f"提案編號 {new_id} 已被使用，無法建立{the_plan.cycle}年度的列管案；未變更。")
        document = carried_document(session, source, new_id=new_id, item_no=number, cycle=the_plan.cycle)
        problems: list[Problem] = []
        rows = proposal_rules.proposal_rows(document, file=where, problems=problems, city_by_name=cities, groups=groups)
        if problems or rows is None:
            raise NewYearError(f"無法延續提案 {source.id}：{'；'.join(str(p) for p in problems)}；未變更。")
        editing.add_proposal(
            session,
            rows,
            kind=vocab.VersionKind.CARRY,
            actor=actor,
            reason=carry_reason(the_plan.cycle, source.id, why),
            now=now,
        )
        result.carried.append((new_id, source.id))
    session.flush()


def carry_reason(cycle: int, source_id: str, why: Outcome) -> str:
    """The reason of a carried row's version 1: what the carry-over did and by which rule."""
    return f"{cycle}年度開始，自 {source_id} 延續列管：{why.reason}"


def carried_document(session: Session, source: Proposal, *, new_id: str, item_no: int, cycle: int) -> dict:
    """The document of the row that carries `source` into `cycle`: no recommendation, reason or
    basis yet; `previous` names the proposal it continues and the history says the rest."""
    before = proposal_yaml.proposal_document(session, source)
    document = {key: before[key] for key in CARRIED_KEYS if key in before}
    progress, basis = before.get("progress"), before.get("progress_basis", "")
    if basis not in (progress or ""):  # the basis quoted the tracking reason, which held the state of the work
        progress = "\n".join(filter(None, (progress, before.get("tracking_reason"))))
    document.update(
        id=new_id,
        year=cycles.Cycle(cycle).previous,  # a carried row keeps the year of the cycle it comes from
        track=vocab.CARRIED,
        item_no=item_no,
        previous=source.id,
        progress=progress,
        tracking_status=vocab.TRACKED,  # 尚未提出建議: the group's to recommend (vocab.recommendation)
    )
    return {key: document[key] for key in proposal_yaml.KEYS if document.get(key) is not None}


def _new_meeting(
    session: Session,
    previous: Meeting,
    cycle: int,
    day: date,
    start_time: time | None,
    texts: dict[str, str],
    form: str | None,
    actor: Actor,
    now: datetime,
) -> Meeting:
    """The meeting of `cycle`, hosted by texts' host_city in `form`, set up from `previous`.

    承辦單位 becomes the host city's government; an in-person meeting takes nothing of an online one
    (no link, no 「開放登入」 item, a venue of its own); every other value taken from `previous`
    (name, theme, time, chair, agenda, the other organisers) is marked unconfirmed, for the
    secretariat to confirm or change on the 會議設定 page. Recorded as version 1 (kind create)."""
    cities = [c.name for c in session.exec(select(City).order_by(City.sort_order))]
    host = texts.get("host_city", previous.host_city)
    if host is not None and host not in cities:
        raise NewYearError(f"主政縣市「{host}」不是八縣市的正式名稱；可用：{'、'.join(cities)}；未變更。")
    before_form = meeting_settings.form_of(previous)
    form = form or before_form
    carried: list[str] = []

    def carry(field: str, given, old):
        if given is not None:
            return given
        if old not in (None, "", []):
            carried.append(field)
        return old

    url = texts.get("url")
    if form in meeting_settings.WITH_LINK and url is None:
        url = previous.url if before_form in meeting_settings.WITH_LINK else None
        if url is None:
            raise NewYearError(f"{form}會議須提供會議連結；未變更。")
        carried.append("url")
    if form == meeting_settings.IN_PERSON:
        url = None
    venue = texts.get("venue")
    if venue is None:
        if form == meeting_settings.ONLINE:
            venue = meeting_settings.ONLINE_VENUE
        elif before_form != meeting_settings.ONLINE and host == previous.host_city:
            venue = carry("venue", None, previous.venue)
        else:
            raise NewYearError(f"{form}會議須提供地點；未變更。")
    if form != meeting_settings.ONLINE and venue == meeting_settings.ONLINE_VENUE:
        raise NewYearError(f"{form}會議須提供實際地點，不是「{venue}」；未變更。")
    before = meeting.meeting_year(previous)
    meeting_id = (
        previous.id.replace(str(before), str(cycle)) if str(before) in previous.id else f"{cycle}-{previous.id}"
    )
    name = previous.name.replace(str(before), str(cycle)) if str(before) in previous.name else f"{cycle}{previous.name}"
    if session.get(Meeting, meeting_id) is not None:
        raise NewYearError(f"{cycle}年度的會議已經存在；未變更。")
    new = Meeting(
        id=meeting_id,
        name=carry("name", None, name),
        theme=carry("theme", None, previous.theme),
        date=day,
        start_time=carry("start_time", start_time, previous.start_time),
        form=form,
        host_city=host,
        url=url,
        venue=venue,
        chair=carry("chair", texts.get("chair"), previous.chair),
        chair_title=None if "chair" in texts else carry("chair_title", None, previous.chair_title),
        chair_org=carry("chair_org", texts.get("chair_org"), previous.chair_org),
    )
    session.add(new)
    session.flush()
    agenda = list(session.exec(select(AgendaItem).where(AgendaItem.meeting_id == previous.id)))
    if form == meeting_settings.IN_PERSON:
        agenda = [item for item in agenda if not _online_only(item)]
    for position, item in enumerate(sorted(agenda, key=lambda i: i.position), start=1):
        session.add(AgendaItem(**{**item.model_dump(), "meeting_id": meeting_id, "position": position}))
    if agenda:
        carried.append(meeting_settings.AGENDA)
    organisers: dict[str, list[str]] = {}
    for row in session.exec(
        select(Organiser).where(Organiser.meeting_id == previous.id).order_by(Organiser.role, Organiser.position)
    ):
        organisers.setdefault(row.role, []).append(row.name)
    if host is not None:
        government = f"{host}政府"
        organisers[meeting_settings.HOST_ROLE] = [government]
        if government in organisers.get("主辦單位", []):  # the host's government first among the cities
            names = [n for n in organisers["主辦單位"] if n != government]
            at = 1 if names and not names[0].endswith("政府") else 0
            organisers["主辦單位"] = [*names[:at], government, *names[at:]]
    for role, names in organisers.items():
        if role != meeting_settings.HOST_ROLE or host is None:
            carried.append(meeting_settings.organiser_field(role))
        for position, organiser in enumerate(names, start=1):
            session.add(Organiser(meeting_id=meeting_id, role=role, position=position, name=organiser))
    new.unconfirmed = [f for f in meeting_settings.fields(cities) if f in carried] or None
    session.add(new)
    session.flush()
    document = meeting_settings.document(session, new)
    session.add(
        MeetingVersion(
            meeting_id=meeting_id,
            version=1,
            changes=[{"field": f, "old": None, "new": v} for f, v in document.items() if v not in (None, [], "")],
            reason=f"{cycle}年度開始，依「{previous.name}」建立",
            kind="create",
            recorded_at=now,
            recorded_by=actor.name,
        )
    )
    session.flush()
    return new


ONLINE_ONLY_TITLES = ("開放登入", "線上登入", "開放連線")  # agenda items of an online meeting only


def _online_only(item: AgendaItem) -> bool:
    return any(word in item.title for word in ONLINE_ONLY_TITLES)
