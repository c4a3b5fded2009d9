"""Starting the next year: the proposals still tracked after the meeting's decisions become the new
year's carried-over rows (with their lineage), the de-listed ones leave, the new meeting copies the
last one's agenda; only the secretariat may start it, once, all or nothing."""

from datetime import date, time

import pytest
import yaml
from sqlalchemy import func
from sqlmodel import Session, select

from dashboard.domain import cycles, decisions, editing, meeting, new_year, proposal_yaml, vocab, yearly
from dashboard.domain.dates import roc_year
from dashboard.domain.permissions import READER, Actor, PermissionDenied
from dashboard.store.config import DATA_DIR
from dashboard.store.models import AgendaItem, Decision, Meeting, Organiser, Proposal, ProposalVersion, StoreBuild

SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))

# The decisions this module records, by the tracking status of the proposal they fall on: one case of
# each line of the rule in dashboard/domain/new_year.py. Proposals are picked from data/ by status.
CASES = [  # (tracking status in data/, resolution or None, still tracked after the meeting?)
    (vocab.PROPOSE_DELIST, vocab.ADOPTED, False),  # the de-listing adopted: leaves
    (vocab.PROPOSE_DELIST, vocab.ADOPTED_AMENDED, False),
    (vocab.PROPOSE_DELIST, vocab.RESERVED, True),  # nothing decided yet: stays
    (vocab.PROPOSE_DELIST, vocab.REJECTED, True),  # the de-listing rejected: stays
    (vocab.TRACKED, vocab.ADOPTED, True),
    (vocab.TRACKED, vocab.RESERVED, True),
    (vocab.TRACKED, vocab.REJECTED, False),  # a new proposal rejected: not tracked further
    (vocab.KEEP_TRACKING, vocab.ADOPTED, True),  # 111-13, kept tracking, carries again
]


def data_documents() -> list[dict]:
    """The proposals of data/, in the packet's order (carried-over, central, joint; by id)."""
    docs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (DATA_DIR / "proposals").glob("*.yaml")]
    rank = {vocab.CARRIED: 0, vocab.CENTRAL: 1, vocab.JOINT: 2}
    return sorted(docs, key=lambda d: (rank[d["track"]], d["id"]))


def meeting_year_of_data() -> int:
    return roc_year(yaml.safe_load((DATA_DIR / "meeting.yaml").read_text(encoding="utf-8"))["date"].year)


def pick_decisions() -> dict[str, str]:
    """{proposal id: resolution}: for each case, the first proposal of data/ with its status not yet picked."""
    picked: dict[str, str] = {}
    for status, resolution, _ in CASES:
        pid = next(d["id"] for d in data_documents() if d["tracking_status"] == status and d["id"] not in picked)
        picked[pid] = resolution
    return picked


def still_tracked(status: str, resolution: str | None) -> bool:
    if resolution is None:  # undecided: the recommendation stands
        return status in (vocab.TRACKED, vocab.KEEP_TRACKING)
    return next(stays for s, r, stays in CASES if s == status and r == resolution)


YEAR = meeting_year_of_data()
NEXT = YEAR + 1
MEETING_DAY = date(NEXT + 1911, 10, 23)


@pytest.fixture
def s(writable_engine):
    with Session(writable_engine) as session:
        yield session


@pytest.fixture
def decided(s) -> dict[str, str]:
    picked = pick_decisions()
    for pid, resolution in picked.items():
        decisions.record(s, actor=SECRETARIAT, proposal_id=pid, resolution=resolution)
    return picked


@pytest.fixture
def started(s, decided) -> new_year.YearStarted:
    return new_year.start_year(s, cycle=NEXT, meeting_date=MEETING_DAY, actor=SECRETARIAT)


def snapshot(s) -> dict:
    """Everything a start writes to, to tell that a refusal wrote nothing."""
    s.rollback()
    return {
        "proposals": sorted((p.id, p.sort_order) for p in s.exec(select(Proposal))),
        "versions": s.exec(select(func.count(ProposalVersion.id))).one(),
        "meetings": sorted(s.exec(select(Meeting.id))),
        "agenda": s.exec(select(func.count()).select_from(AgendaItem)).one(),
        "organisers": s.exec(select(func.count()).select_from(Organiser)).one(),
        "builds": s.exec(select(func.count(StoreBuild.id))).one(),
    }


# --- who carries over ---------------------------------------------------------------------------


def test_the_carried_list_is_exactly_the_proposals_still_tracked(started, decided):
    expected = [d["id"] for d in data_documents() if still_tracked(d["tracking_status"], decided.get(d["id"]))]
    assert [source for _, source in started.carried] == expected
    assert [new for new, _ in started.carried] == [f"{YEAR}-{n:02d}" for n in range(1, len(expected) + 1)]
    everyone = [d["id"] for d in data_documents()]
    assert [pid for pid, _ in started.left] == [pid for pid in everyone if pid not in expected]
    assert set(started.undecided) == set(everyone) - set(decided)


def test_the_reasons_for_leaving_name_the_decision(started, decided):
    reasons = dict(started.left)
    for pid, resolution in decided.items():
        if pid in reasons:
            assert resolution in reasons[pid] and vocab.DELISTED in reasons[pid]
    undecided_leaving = [pid for pid in reasons if pid not in decided]
    assert undecided_leaving and all(vocab.UNDECIDED in reasons[pid] for pid in undecided_leaving)


def test_a_carried_row_copies_the_card_and_starts_tracked(s, started):
    for new_id, source_id in started.carried:
        new, source = s.get(Proposal, new_id), s.get(Proposal, source_id)
        assert (new.year, new.track, new.previous_id) == (YEAR, vocab.CARRIED, source_id)
        assert (new.tracking_status, new.tracking_reason) == (vocab.TRACKED, None)
        # no recommendation yet and no sentence of the system's: the history says what the carry-over did
        assert (new.recommendation_date, new.tracking_basis) == (None, "")
        assert vocab.recommendation(new.tracking_status) is None
        before = proposal_yaml.proposal_document(s, source)
        after = proposal_yaml.proposal_document(s, new)
        for key in (
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
            "progress_status",
            "progress_basis",
        ):
            assert after.get(key) == before.get(key), (new_id, key)
        for text in filter(None, (before.get("progress"),)):
            assert text in after["progress"]
        assert after["progress_basis"] in after["progress"]
    item_numbers = [s.get(Proposal, new_id).item_no for new_id, _ in started.carried]
    assert item_numbers == list(range(1, len(started.carried) + 1))


def test_every_carried_row_is_recorded_as_a_version_by_the_actor(s, started, decided):
    for new_id, source_id in started.carried:
        [version] = editing.history(s, new_id)
        assert (version.version, version.kind, version.recorded_by) == (1, vocab.VersionKind.CARRY, SECRETARIAT.name)
        # what the carry-over did, by which decision or status rule: in the history, not on the card
        source = s.get(Proposal, source_id)
        assert version.reason.startswith(f"{NEXT}年度開始，自 {source_id} 延續列管：")
        assert f"「{source.tracking_status}」" in version.reason
        rule = decided.get(source_id, vocab.UNDECIDED)
        assert rule in version.reason and vocab.KEEP_TRACKING in version.reason
        assert {"field": "previous", "old": None, "new": source_id} in version.changes


def test_carried_rows_come_after_the_previous_cycle_in_packet_order(s, started):
    order = [p.id for p in s.exec(select(Proposal).order_by(Proposal.sort_order))]
    assert order[-len(started.carried) :] == [new for new, _ in started.carried]
    assert sorted(p.sort_order for p in s.exec(select(Proposal))) == list(range(1, len(order) + 1))


# --- lineage and the cycles ---------------------------------------------------------------------


def test_lineage_runs_both_ways(s, started):
    for new_id, source_id in started.carried:
        source = s.get(Proposal, source_id)
        chain = ([source.previous_id] if source.previous_id else []) + [source_id, new_id]
        assert [p.id for p in yearly.lineage(s, source_id)] == chain
        assert [p.id for p in yearly.lineage(s, new_id)] == chain
    left = started.left[0][0]
    assert [p.id for p in yearly.lineage(s, left)] == [left]
    assert yearly.lineage(s, "999-99") == []


def test_the_new_cycle_is_current_and_holds_the_carried_rows(s, started):
    assert cycles.cycles(s) == [YEAR, NEXT]
    assert cycles.current_cycle(s) == NEXT
    held = s.exec(select(Proposal.id).where(cycles.in_cycle(NEXT)).order_by(Proposal.sort_order)).all()
    assert held == [new for new, _ in started.carried]
    listed = meeting.all_entries(meeting.decision_sections(s, cycle=NEXT))
    assert [e.id for e in listed] == held


def test_the_summary_says_what_joined_and_what_left_each_year(s, started, decided):
    before, after = yearly.cycles_summary(s)
    everyone = [d["id"] for d in data_documents()]
    assert before.year == YEAR and before.settled
    assert before.carried_in_ids + before.new_ids == everyone
    assert before.total == len(everyone)
    assert before.stayed_ids == [source for _, source in started.carried]
    assert before.delisted_ids == started.left and before.not_carried_ids == []
    assert before.left == len(started.left)
    assert set(before.undecided_ids) == set(everyone) - set(decided)
    assert (after.year, after.settled, after.new_ids) == (NEXT, False, [])
    assert after.carried_in_ids == [new for new, _ in started.carried]
    assert after.continues == {new: source for new, source in started.carried}


def test_a_proposal_kept_by_the_rule_but_not_carried_counts_as_not_carried(s, started):
    """A de-listing rejected after the start: the rule would now keep it, the new year does not hold it."""
    pid = started.left[0][0]
    decisions.record(s, actor=SECRETARIAT, proposal_id=pid, resolution=vocab.REJECTED)
    before = yearly.cycles_summary(s)[0]
    assert before.not_carried_ids == [pid] and pid not in dict(before.delisted_ids)
    assert before.left == len(started.left)


def test_the_summary_forecasts_the_current_cycle_before_the_start(s, decided):
    [summary] = yearly.cycles_summary(s)
    assert not summary.settled
    expected = [d["id"] for d in data_documents() if still_tracked(d["tracking_status"], decided.get(d["id"]))]
    assert summary.stayed_ids == expected
    assert summary.left == summary.delisted == len(data_documents()) - len(expected)
    assert summary.total == len(data_documents())


# --- the meeting of the new year ----------------------------------------------------------------


def test_the_new_meeting_copies_the_last_one_with_the_year_replaced(s, started):
    old, new = cycles.meeting_of(s, YEAR), cycles.meeting_of(s, NEXT)
    assert new.id == started.meeting_id and new.date == MEETING_DAY
    assert new.name == old.name.replace(str(YEAR), str(NEXT)) and new.name != old.name
    assert (new.start_time, new.chair_org, new.chair, new.venue, new.url) == (
        old.start_time,
        old.chair_org,
        old.chair,
        old.venue,
        old.url,
    )

    def agenda(m):
        return [
            (a.position, a.start, a.end, a.minutes, a.title, a.note, a.key)
            for a in s.exec(select(AgendaItem).where(AgendaItem.meeting_id == m.id).order_by(AgendaItem.position))
        ]

    def organisers(m):
        return sorted(
            (o.role, o.position, o.name) for o in s.exec(select(Organiser).where(Organiser.meeting_id == m.id))
        )

    assert agenda(new) == agenda(old) and agenda(new)
    assert organisers(new) == organisers(old) and organisers(new)
    assert meeting.meeting_info(s).meeting.id == new.id  # the latest meeting is the new year's


def test_chair_venue_and_start_time_may_be_given(s):
    new_year.start_year(
        s,
        cycle=NEXT,
        meeting_date=MEETING_DAY,
        actor=SECRETARIAT,
        chair="  李副市長四川 ",
        venue="新北市政府 28 樓",
        start_time=time(9, 30),
        chair_org="新北市政府",
        url="https://example.org/m",
    )
    new = cycles.meeting_of(s, NEXT)
    assert (new.chair, new.venue, new.start_time, new.url) == (
        "李副市長四川",
        "新北市政府 28 樓",
        time(9, 30),
        "https://example.org/m",
    )


# --- refusals: nothing written ------------------------------------------------------------------


@pytest.mark.parametrize("actor", [READER, LEAD, Actor(name=None, role=vocab.SECRETARIAT)])
def test_only_the_secretariat_starts_a_year(s, actor):
    before = snapshot(s)
    with pytest.raises(PermissionDenied, match="只有祕書處可以開始新年度"):
        new_year.start_year(s, cycle=NEXT, meeting_date=MEETING_DAY, actor=actor)
    assert snapshot(s) == before


@pytest.mark.parametrize(
    "year, day, message",
    [
        (NEXT + 1, date(NEXT + 1 + 1911, 3, 1), f"只能開始下一個年度：目前為{YEAR}年度"),
        (YEAR, date(YEAR + 1911, 9, 1), f"{YEAR}年度已經開始"),
        (YEAR - 1, date(YEAR + 1910, 9, 1), f"只能開始下一個年度：目前為{YEAR}年度"),
        (NEXT, date(NEXT + 1912, 1, 5), f"不在{NEXT}年度"),
        (NEXT, date(YEAR + 1911, 12, 31), f"不在{NEXT}年度"),
        ("abc", MEETING_DAY, "年度應為民國年的整數"),
        (NEXT, "2024-10-23", "會議日期應為日期"),
    ],
)
def test_a_request_that_is_not_the_next_year_is_refused(s, year, day, message):
    before = snapshot(s)
    with pytest.raises(new_year.NewYearError, match=message):
        new_year.start_year(s, cycle=year, meeting_date=day, actor=SECRETARIAT)
    assert snapshot(s) == before


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("chair", "   ", "主持人不可空白"),
        ("venue", "第一行\n第二行", "地點只能有一行"),
        ("chair_org", "機" * 201, "主持機關不可超過 200 字"),
    ],
)
def test_bad_meeting_details_are_refused(s, field, value, message):
    before = snapshot(s)
    with pytest.raises(new_year.NewYearError, match=message):
        new_year.start_year(s, cycle=NEXT, meeting_date=MEETING_DAY, actor=SECRETARIAT, **{field: value})
    assert snapshot(s) == before


def test_a_second_start_is_refused_and_changes_nothing(s, started):
    before = snapshot(s)
    with pytest.raises(new_year.NewYearError, match=f"{NEXT}年度已經開始"):
        new_year.start_year(s, cycle=NEXT, meeting_date=MEETING_DAY, actor=SECRETARIAT)
    assert snapshot(s) == before


def test_a_failure_half_way_writes_nothing(s, monkeypatch):
    before = snapshot(s)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(new_year, "_new_meeting", broken)  # after the carried rows were added
    with pytest.raises(RuntimeError):
        new_year.start_year(s, cycle=NEXT, meeting_date=MEETING_DAY, actor=SECRETARIAT)
    assert snapshot(s) == before


def test_a_store_without_a_meeting_cannot_start_a_year(s):
    s.exec(select(Meeting))  # noqa: B018
    for table in (AgendaItem, Organiser, Meeting):
        for row in s.exec(select(table)):
            s.delete(row)
    s.commit()
    with pytest.raises(new_year.NewYearError, match="資料庫沒有任何會議"):
        new_year.start_year(s, cycle=NEXT, meeting_date=MEETING_DAY, actor=SECRETARIAT)


def test_decisions_recorded_after_the_start_do_not_change_the_carried_rows(s, started):
    count = s.exec(select(func.count(Proposal.id))).one()
    carried_source = started.carried[0][1]
    decisions.record(s, actor=SECRETARIAT, proposal_id=carried_source, resolution=vocab.REJECTED)
    assert s.exec(select(func.count(Proposal.id))).one() == count
    assert s.exec(select(Decision).where(Decision.proposal_id == carried_source)).all()


# --- the new year's own proposals ---------------------------------------------------------------


@pytest.mark.parametrize("track, letter", [(vocab.CENTRAL, "C"), (vocab.JOINT, "J")])
def test_new_proposals_of_the_new_year_come_by_the_card_form(s, started, track, letter):
    card = {
        "year": NEXT,
        "track": track,
        "group": "transport",
        "title": "北臺公車轉乘優惠整合",
        "lead_units": [{"unit": "新北市政府交通局", "city": "新北市"}],
        "types": [vocab.PROPOSAL_TYPES[0]],
        "cities": ["臺北市", "新北市"],
        "description": "跨市通勤族轉乘成本高。",
    }
    if track == vocab.CENTRAL:
        card["central_ministry"] = "交通部"
    version = editing.create(s, actor=SECRETARIAT, document=card)
    assert version.proposal_id == f"{NEXT}-{letter}01"
    held = s.exec(select(Proposal.id).where(cycles.in_cycle(NEXT)).order_by(Proposal.sort_order)).all()
    assert held == [new for new, _ in started.carried] + [version.proposal_id]
    assert cycles.cycles(s) == [YEAR, NEXT]
    listed = meeting.all_entries(meeting.decision_sections(s, cycle=NEXT))
    assert version.proposal_id in [e.id for e in listed]
