"""The start of the next cycle follows one plan (new_year.plan), which the page previews: the cycle it
starts comes from the one definition of the current cycle (dashboard/domain/cycles.py)."""

from sqlmodel import Session

from dashboard.domain import cycles, editing, new_year
from tests.test_new_year import MEETING_DAY, NEXT, SECRETARIAT, YEAR
from tests.test_proposal_arrival import CARD


def test_the_plan_is_what_the_start_does(writable_engine):
    with Session(writable_engine) as s:
        plan = new_year.plan(s)
        assert (plan.previous, plan.cycle) == (YEAR, NEXT) == (cycles.current_cycle(s), cycles.current_cycle(s).next)
        carried = [(new_id, p.id) for new_id, p, _ in plan.staying]
        left = [(p.id, o.reason) for p, o in plan.leaving]
        undecided = plan.undecided
        started = new_year.start_year(s, cycle=NEXT, meeting_date=MEETING_DAY, actor=SECRETARIAT)
    assert carried and left and undecided
    assert (started.carried, started.left, started.undecided) == (carried, left, undecided)


def test_new_proposals_entered_before_the_start_make_their_cycle_current_and_it_still_starts(writable_engine):
    with Session(writable_engine) as s:
        early = editing.create(s, actor=SECRETARIAT, document={**CARD, "year": NEXT}).proposal_id
        assert cycles.current_cycle(s) == NEXT
        assert new_year.plan(s).cycle == NEXT, "the current cycle has not begun: it is the one to start"
        started = new_year.start_year(s, cycle=NEXT, meeting_date=MEETING_DAY, actor=SECRETARIAT)
        assert started.carried and new_year.plan(s).cycle == NEXT + 1
        assert early in [p.id for p, _ in new_year.outcomes(s, NEXT)]
