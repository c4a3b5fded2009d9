"""The group's recommendation on the card's edit form (AppTest): a lead picks 持續列管 and the day of
the working-group meeting that agreed it, the card says 議題組建議 with that day; a day after the
cycle's meeting is refused naming the field, with what was typed kept."""

from datetime import date

from sqlmodel import Session

from dashboard.domain import cycles, editing, vocab
from dashboard.domain.dates import roc_date
from dashboard.store.models import Proposal
from tests import test_pages_card_edit
from tests.pagetest import markdown_text
from tests.test_pages_card_edit import OWN, errors, save, signed_in, widget

store = test_pages_card_edit.store  # the fixture: a lead of OWN's group and a secretariat, served

LABEL = editing.EDITABLE["recommendation_date"]


def meeting_day(engine) -> date:
    with Session(engine) as s:
        p = s.get(Proposal, OWN)
        return cycles.meeting_of(s, cycles.cycle_of(year=p.year, track=p.track)).date


def test_a_lead_records_the_recommendation_and_its_meeting_day_on_the_card(store):
    agreed = meeting_day(store).replace(day=1)
    at = signed_in("教育窗口")
    assert widget(at, "date_input", LABEL).value is None  # none recorded yet
    widget(at, "date_input", LABEL).set_value(agreed)
    at = save(at, **{editing.EDITABLE["tracking_status"]: vocab.KEEP_TRACKING})
    assert not at.exception and not errors(at), errors(at)
    assert f"議題組建議</b>：{vocab.RECOMMEND_KEEP}（{roc_date(agreed)}議題組會議）" in markdown_text(at)
    assert widget(at, "date_input", LABEL).value == agreed  # the form reopened on the saved version
    with Session(store) as s:
        stored = s.get(Proposal, OWN)
        assert (stored.tracking_status, stored.recommendation_date) == (vocab.KEEP_TRACKING, agreed)


def test_a_day_after_the_meeting_is_refused_naming_the_field_and_keeps_what_was_typed(store):
    held = meeting_day(store)
    late = held.replace(day=held.day + 1) if held.day < 28 else held.replace(month=held.month + 1, day=1)
    at = signed_in("教育窗口")
    widget(at, "date_input", LABEL).set_value(late)
    at = save(at, **{editing.EDITABLE["tracking_status"]: vocab.KEEP_TRACKING})
    said = errors(at)
    assert f"{LABEL}：{roc_date(late)}晚於" in said and roc_date(held) in said
    assert widget(at, "date_input", LABEL).value == late
    assert widget(at, "selectbox", editing.EDITABLE["tracking_status"]).value == vocab.KEEP_TRACKING
    with Session(store) as s:
        assert s.get(Proposal, OWN).recommendation_date is None
