"""工作會議紀錄 over the live server protocol (tests/test_protocol_permissions.py's technique): the
secretariat's session opens the correction form of another group's meeting; a reader's and the
transport lead's sessions replay it and write nothing (nor are sent the form); the secretariat's own
replay does write, so the replay reaches the data functions."""

import pytest
from sqlmodel import Session

from dashboard.domain import dates, meeting_log
from tests.protocol import Session as Tab
from tests.test_protocol_permissions import LEAD, PASSWORD, SECRETARIAT, assert_refused, by_label, live, replay

__all__ = ["live"]  # the module's server, as the permissions module starts it

GROUP = "產業發展組"  # not the lead's: their group is the transport group
CYCLE = 112


def _first_industry_meeting(engine) -> meeting_log.Entry:
    with Session(engine) as s:
        return meeting_log.entries(s, cycle=CYCLE, group_ids=["industry"])[0]


def _form(base: str, entry: meeting_log.Entry):
    """The secretariat's correction form of `entry`, with the two choices that draw it."""
    line = f"{dates.roc_date(entry.date)}｜{entry.kind}" + (f"｜{entry.name}" if entry.name else "")
    with Tab(base) as tab:
        signed_in = tab.sign_in("meeting_log", "", SECRETARIAT, PASSWORD)
        group = signed_in.widget("議題組", "selectbox").set(GROUP)
        chosen = tab.run("meeting_log", "", [group])
        meeting = chosen.widget("會議", "selectbox").set(line)
        return tab.run("meeting_log", "", [group, meeting]).form("儲存"), [group, meeting]


def _states(form, choices, decided: str):
    widgets = by_label(form)
    return [*choices, widgets["決議事項（可多行）"].set(decided), widgets["儲存"].press()]


@pytest.mark.parametrize("who", [None, LEAD], ids=["reader", "lead"])
def test_only_an_allowed_session_s_replayed_correction_is_saved(live, who):
    base, engine = live
    entry = _first_industry_meeting(engine)
    form, choices = _form(base, entry)
    assert_refused(engine, base, "meeting_log", "", _states(form, choices, "偽造的決議"), form, as_user=who)
    assert _first_industry_meeting(engine).decided != "偽造的決議"
    decided = f"祕書處補登的決議（{who or '讀者'}之後）"
    replay(base, "meeting_log", "", _states(form, choices, decided), as_user=SECRETARIAT)
    assert _first_industry_meeting(engine).decided == decided
