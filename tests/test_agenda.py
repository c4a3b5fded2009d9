"""The agenda against the clock and the presenter's steps through it (decision list from the store)."""

from datetime import UTC, datetime, time

import pytest

from dashboard.domain import agenda, dates, lookup, meeting, presenting
from dashboard.store.models import AgendaItem


@pytest.mark.parametrize(
    "clock, phase, current, following, minutes_left",
    [
        ("00:00", "before", None, "開放登入", None),
        ("13:59", "before", None, "開放登入", None),
        ("14:00", "running", "開放登入", "司儀開場與介紹長官", 30),
        ("14:29", "running", "開放登入", "司儀開場與介紹長官", 1),
        ("14:30", "running", "司儀開場與介紹長官", "主席致詞", 10),
        ("14:44", "running", "主席致詞", "與會縣市副首長或代表致詞", 1),
        ("15:10", "running", "年度合作方案決議", "主席結論及決議", 35),
        ("15:12", "running", "年度合作方案決議", "主席結論及決議", 33),
        ("15:44", "running", "年度合作方案決議", "主席結論及決議", 1),
        ("15:45", "running", "主席結論及決議", "會議結束", 10),
        ("15:55", "ended", "會議結束", None, None),
        ("15:56", "ended", "會議結束", None, None),
        ("23:59", "ended", "會議結束", None, None),
    ],
)
def test_current_and_next_item_against_the_clock(info, clock, phase, current, following, minutes_left):
    status = agenda.status_at(info.agenda, agenda.parse_clock(clock))
    assert status.phase == phase
    assert (current in status.current.title) if current else status.current is None
    assert (following in status.next.title) if following else status.next is None
    assert status.minutes_left == minutes_left


def test_seconds_do_not_move_an_item_early(info):
    status = agenda.status_at(info.agenda, time(15, 44, 59))
    assert "年度合作方案決議" in status.current.title


def test_a_gap_between_items_is_reported_as_between():
    items = [
        AgendaItem(meeting_id="m", position=1, start=time(9), end=time(10), minutes=60, title="上午"),
        AgendaItem(meeting_id="m", position=2, start=time(11), end=time(12), minutes=60, title="中午"),
        AgendaItem(meeting_id="m", position=3, start=time(12), title="結束"),
    ]
    status = agenda.status_at(items, time(10, 30))
    assert (status.phase, status.current, status.next.title) == ("between", None, "中午")


def test_an_item_without_end_runs_until_the_next_starts():
    items = [
        AgendaItem(meeting_id="m", position=1, start=time(9), title="報到"),
        AgendaItem(meeting_id="m", position=2, start=time(9, 30), title="結束"),
    ]
    status = agenda.status_at(items, time(9, 10))
    assert (status.phase, status.current.title, status.minutes_left) == ("running", "報到", 20)


def test_the_decision_item_comes_from_the_store(info):
    item = agenda.decision_item(info.agenda)
    assert "年度合作方案決議" in item.title
    assert (item.start, item.end, item.minutes) == (time(15, 10), time(15, 45), 35)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15:12", time(15, 12)),
        ("9:05", time(9, 5)),
        (" 09:05 ", time(9, 5)),
        ("15：12", time(15, 12)),
        ("23:59", time(23, 59)),
        ("24:00", None),
        ("15:60", None),
        ("1512", None),
        ("abc", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_clock(text, expected):
    assert agenda.parse_clock(text) == expected


@pytest.mark.parametrize(
    "now, expected",
    [
        (datetime(2023, 8, 8, 6, 10, tzinfo=UTC), datetime(2023, 8, 8, 14, 10)),
        (datetime(2023, 8, 8, 6, 10), datetime(2023, 8, 8, 14, 10)),  # naive is taken as UTC
        (datetime(2023, 8, 7, 16, 30, tzinfo=UTC), datetime(2023, 8, 8, 0, 30)),  # crosses midnight
    ],
)
def test_now_in_taipei(now, expected):
    local = dates.now_taipei(now)
    assert local.replace(tzinfo=None) == expected
    assert local.utcoffset().total_seconds() == 8 * 3600


def test_now_defaults_to_the_real_time_in_taipei():
    before = datetime.now(UTC)
    assert abs((dates.now_taipei() - before).total_seconds()) < 5


def test_weekday_label():
    assert agenda.weekday_label(datetime(2023, 8, 8).date()) == "星期二"


def test_presenter_steps_cover_the_agenda_and_every_proposal_in_list_order(info, sections):
    steps = presenting.presenter_steps(info.agenda, sections)
    assert len(steps) == len(info.agenda) + 55
    assert [s.number for s in steps] == list(range(1, len(steps) + 1))
    decision_step = next(s for s in steps if s.entry is None and s.item.key == agenda.DECISION_KEY)
    following = steps[decision_step.number : decision_step.number + 55]
    assert [s.entry.id for s in following] == [e.id for e in meeting.all_entries(sections)]
    assert following[0].entry.id == "111-01" and following[0].position == 1
    assert [s.item.title for s in steps if s.entry is None] == [i.title for i in info.agenda]


def test_every_step_has_its_own_url(info, sections):
    steps = presenting.presenter_steps(info.agenda, sections)
    urls = [tuple(sorted(s.params.items())) for s in steps]
    assert len(set(urls)) == len(steps)
    for step in steps:
        assert presenting.find_step(steps, **step.params) is step


@pytest.mark.parametrize(
    "kwargs, expected_number",
    [
        ({"item": "111-01"}, 6),
        ({"item": " 111-01 "}, 6),
        ({"step": "5"}, 5),
        ({"step": "1"}, 1),
        ({}, 1),
    ],
)
def test_find_step(info, sections, kwargs, expected_number):
    steps = presenting.presenter_steps(info.agenda, sections)
    assert presenting.find_step(steps, **kwargs).number == expected_number


def test_a_proposal_id_in_lower_case_names_the_same_proposal(info, sections):
    steps = presenting.presenter_steps(info.agenda, sections)
    assert presenting.find_step(steps, item="112-j03").entry.id == "112-J03"


@pytest.mark.parametrize(
    "kwargs, named",
    [
        ({"item": "999-X"}, "「999-X」"),
        ({"item": "999-99", "step": "3"}, "「999-99」"),  # never the step number instead
        ({"step": "0"}, "「0」"),
        ({"step": "999"}, "「999」"),
        ({"step": "abc"}, "「abc」"),
        ({"step": "５"}, "「５」"),
        ({"step": ""}, "「」"),
    ],
)
def test_a_step_or_item_that_names_nothing_is_an_error_not_another_step(info, sections, kwargs, named):
    steps = presenting.presenter_steps(info.agenda, sections)
    with pytest.raises(presenting.StepNotFound) as raised:
        presenting.find_step(steps, **kwargs)
    assert named in str(raised.value)


def test_the_jump_list_reaches_every_agenda_item_section_and_proposal(info, sections):
    steps = presenting.presenter_steps(info.agenda, sections)
    targets = presenting.jump_targets(steps)
    agenda_items = [s for s in targets.values() if s.entry is None]
    assert agenda_items == [s for s in steps if s.entry is None]
    proposals = {s.entry.id for label, s in targets.items() if s.entry and label == f"{s.entry.id}　{s.entry.title}"}
    assert proposals == {e.id for e in meeting.all_entries(sections)}
    section_starts = [s for label, s in targets.items() if s.section and label.startswith(s.section.title)]
    assert [s.section.key for s in section_starts] == [section.key for section in sections]
    assert all(s.entry is s.section.entries[0] for s in section_starts)


def test_proposal_ids_from_a_url_ignore_case_width_and_spaces():
    assert lookup.proposal_id(" 112-j03", ["112-J03", "111-01"]) == "112-J03"
    assert lookup.proposal_id("１１２－Ｊ０３", ["112-J03"]) == "112-J03"
    assert lookup.proposal_id("112-J3", ["112-J03"]) is None
    assert lookup.proposal_id("", ["112-J03"]) is None


def test_without_a_step_the_presenter_opens_the_item_running_now(info, sections):
    steps = presenting.presenter_steps(info.agenda, sections)
    running = agenda.status_at(info.agenda, time(15, 12)).current
    step = presenting.find_step(steps, fallback=running)
    assert step.entry is None and step.item.key == agenda.DECISION_KEY


def test_find_step_without_steps():
    assert presenting.find_step([], step="1") is None
