"""開始新年度 through AppTest: only the secretariat may use it; the preview lists who carries over and
who leaves (expected from data/ and the decisions recorded, by the rule of dashboard/domain/new_year.py as
tests/test_new_year.py states it); starting writes the new meeting and the carried-over rows; a
refusal (the year started already, a date outside the year) is shown and changes nothing."""

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from dashboard.domain import cycles, decisions, vocab
from dashboard.store.db import make_engine
from dashboard.store.models import Meeting, Proposal, ProposalVersion
from tests.pagetest import LEAD, SECRETARIAT, open_as, open_page, sign_in
from tests.test_new_year import NEXT, data_documents, pick_decisions, still_tracked
from tests.test_new_year import SECRETARIAT as SECRETARIAT_ACTOR

MEETING_DAY = date(NEXT + 1911, 10, 23)
PASSWORD = "correct horse"  # of pagetest's SECRETARIAT (tests/storetools.add_account)


@pytest.fixture
def url(accounts_url):
    """The store with one decision of each kind of tests/test_new_year.py's CASES."""
    engine = make_engine(accounts_url)
    with Session(engine) as s:
        for pid, resolution in pick_decisions().items():
            decisions.record(s, actor=SECRETARIAT_ACTOR, proposal_id=pid, resolution=resolution)
    engine.dispose()
    return accounts_url


def expected() -> tuple[list[str], list[str], list[str]]:
    """(carried over, leaving, undecided) ids in the packet's order, from data/ and the decisions."""
    decided = pick_decisions()
    docs = data_documents()
    stays = [d["id"] for d in docs if still_tracked(d["tracking_status"], decided.get(d["id"]))]
    return stays, [d["id"] for d in docs if d["id"] not in stays], [d["id"] for d in docs if d["id"] not in decided]


def ids(frame) -> list[str]:
    return [link.rsplit("id=", 1)[1] for link in frame["url"]]


def snapshot(url: str) -> dict:
    with Session(make_engine(url)) as s:
        return {
            "proposals": sorted(s.exec(select(Proposal.id))),
            "meetings": sorted(s.exec(select(Meeting.id))),
            "versions": s.exec(select(func.count(ProposalVersion.id))).one(),
        }


def widget(at: AppTest, kind: str, suffix: str):
    return next(w for w in getattr(at, kind) if w.key == f"new-year-{NEXT}-{suffix}")


BY_FORM = ("venue", "url")  # their keys carry the form chosen, which prefills them


def start(
    at: AppTest, *, day: date = MEETING_DAY, confirm: bool = True, form: str = "線上", host: str | None = None, **texts
) -> AppTest:
    if host is not None:
        widget(at, "selectbox", "host_city").set_value(host)
    if form != widget(at, "radio", "form").value:
        at = widget(at, "radio", "form").set_value(form).run()
    widget(at, "date_input", "date").set_value(day)
    for name, value in texts.items():
        widget(at, "text_input", f"{form}-{name}" if name in BY_FORM else name).input(value)
    if confirm:
        widget(at, "checkbox", "confirm").check()
    widget(at, "button", "start").click()
    return at.run()


@pytest.mark.parametrize("user, note", [(None, "請以祕書處帳號登入"), (LEAD, "無法開始新年度")])
def test_only_the_secretariat_may_start_a_year(url, user, note):
    at = open_as(user, "new_year")
    assert not at.exception
    assert any("限祕書處" in e.value and note in e.value for e in [*at.info, *at.warning])
    assert not at.dataframe and not at.date_input and not any(b.label.startswith("開始") for b in at.button)
    if user is None:  # the sign-in panel
        assert [w.label for w in at.text_input] == ["帳號", "密碼"]
    else:
        assert any(b.label == "登出" for b in at.button)


def test_the_preview_lists_who_carries_over_and_who_leaves_with_the_reason(url):
    at = open_as(SECRETARIAT, "new_year")
    assert not at.exception and not at.error
    stays, leaves, undecided = expected()
    staying, leaving = (at.dataframe[0].value, at.dataframe[1].value)
    assert ids(staying) == stays and ids(leaving) == leaves
    assert "new_id" not in leaving
    decided = pick_decisions()
    for pid, reason, resolution in zip(ids(leaving), leaving["reason"], leaving["resolution"]):
        assert vocab.DELISTED in reason
        assert resolution == decided.get(pid, vocab.UNDECIDED) and resolution in reason
    warning = next(w.value for w in at.warning if "未記錄決議" in w.value)
    assert f"{len(undecided)} 案" in warning and all(pid in warning for pid in undecided)
    assert not any(pid in warning for pid in decided)


def test_the_secretariat_starts_the_year(url):
    at = open_as(SECRETARIAT, "new_year")
    preview_ids = list(at.dataframe[0].value["new_id"])
    assert widget(at, "text_input", "chair").value  # prefilled from the last meeting
    at = start(at, venue="臺北市政府 1 樓")
    assert not at.exception and not at.error
    stays, leaves, _ = expected()
    done = at.success[0].value
    assert f"已開始{NEXT}年度" in done and f"持續列管 {len(stays)} 案" in done and f"解除列管 {len(leaves)} 案" in done
    links = {p.proto.label: p.proto for p in at.get("page_link")}
    assert links[f"前往{NEXT}年度總覽"].query_string == f"cycle={NEXT}"
    with Session(make_engine(url)) as s:
        new = cycles.meeting_of(s, NEXT)
        assert new is not None and new.date == MEETING_DAY and new.venue == "臺北市政府 1 樓"
        carried = s.exec(
            select(Proposal)
            .where(Proposal.track == vocab.CARRIED, Proposal.year == NEXT - 1)
            .order_by(Proposal.item_no)
        ).all()
        assert [p.previous_id for p in carried] == stays
        assert [p.id for p in carried] == preview_ids, "each row got the id the preview showed"
        assert {
            v.recorded_by
            for v in s.exec(select(ProposalVersion).where(ProposalVersion.proposal_id.in_([p.id for p in carried])))
        } == {SECRETARIAT}


def test_starting_a_year_already_started_shows_the_refusal(url):
    first, second = open_as(SECRETARIAT, "new_year"), open_as(SECRETARIAT, "new_year")
    assert not start(first).error
    before = snapshot(url)
    at = start(second)  # the page was opened before the year was started elsewhere
    assert not at.exception and not at.main.success
    assert any(f"{NEXT}年度已經開始" in e.value for e in at.error)
    assert snapshot(url) == before


def test_a_date_outside_the_year_is_refused_and_nothing_changes(url):
    before = snapshot(url)
    at = open_as(SECRETARIAT, "new_year")
    outside = MEETING_DAY.replace(year=MEETING_DAY.year + 1)
    at = start(at, day=outside, chair="新主持人")
    assert not at.exception and not at.main.success
    error = at.error[0].value
    assert outside.isoformat() in error and f"不在{NEXT}年度" in error and "未變更" in error
    assert any(f"不在{NEXT}年度" in m.value for m in at.markdown)  # next to the date, too
    assert snapshot(url) == before
    assert widget(at, "text_input", "chair").value == "新主持人"  # nothing typed is lost
    assert widget(at, "date_input", "date").value == outside


def test_starting_needs_the_confirmation(url):
    before = snapshot(url)
    at = start(open_as(SECRETARIAT, "new_year"), confirm=False)
    assert "我已確認上列延續與解除名單" in at.error[0].value and not at.main.success
    assert snapshot(url) == before


def test_the_navigation_lists_the_page_for_the_secretariat_only():
    from dashboard.domain.permissions import READER, Actor
    from pages.shared import page_list

    spec = page_list.PAGES["new_year"]
    assert page_list.listed(spec, Actor(name=SECRETARIAT, role=vocab.SECRETARIAT))
    assert not page_list.listed(spec, Actor(name=LEAD, role=vocab.LEAD, groups=frozenset({"transport"})))
    assert not page_list.listed(spec, READER)


def test_rights_are_read_when_the_year_is_started_not_when_the_page_was_opened(url):
    """A secretariat opens the page, then is disabled before pressing 開始: the start is refused and
    nothing is written, although the page was drawn for them (the sign-out case goes through the
    same read of who acts: tests/test_pages_card_edit.py, test_sessions.py)."""
    from dashboard.domain import accounts
    from dashboard.domain.permissions import OPERATOR

    at = open_as(SECRETARIAT, "new_year")
    assert widget(at, "button", "start")  # the form was offered while the account could act
    before = snapshot(url)
    with Session(make_engine(url)) as s:
        accounts.set_disabled(s, actor=OPERATOR, name=SECRETARIAT)
    at = start(at)
    assert not at.exception and not at.main.success
    assert snapshot(url) == before, "nothing was started by an account that could no longer act"


def test_an_in_person_meeting_of_another_host_has_no_link(url):
    at = open_as(SECRETARIAT, "new_year")
    assert widget(at, "selectbox", "host_city").value == "新北市"  # the last meeting's host, to change
    at = widget(at, "radio", "form").set_value("實體").run()
    assert not any(w.key.endswith("-url") for w in at.text_input), "no link for an in-person meeting"
    assert widget(at, "text_input", "實體-venue").value == ""  # 線上會議 is not a place
    at = start(at, form="實體", host="新竹市", venue="新竹市政府大禮堂")
    assert not at.exception and not at.error, [e.value for e in at.error]
    with Session(make_engine(url)) as s:
        new = cycles.meeting_of(s, NEXT)
        assert (new.form, new.host_city, new.url, new.venue) == ("實體", "新竹市", None, "新竹市政府大禮堂")
        assert {"chair", "chair_org", "start_time", "agenda"} <= set(new.unconfirmed)  # left as last year's


def test_signed_out_in_another_tab_the_start_keeps_what_was_typed_and_starts_after_signing_in(url):
    """pages/shared/signed_out.py for 開始新年度: the start is refused with 「已登出，請重新登入」,
    nothing is written, every value typed stays; after signing in again in the same tab the same
    button starts the year as the secretariat."""
    from dashboard.web import sessions
    from pages.shared import auth_form, signed_out

    at = sign_in(open_page("new_year"), PASSWORD, SECRETARIAT, key="new-year-sign-in")
    assert not at.exception and not at.error
    before = snapshot(url)
    sessions.revoke(make_engine(url), at.session_state[auth_form.TOKEN_KEY])  # 登出 in another tab
    at = start(at, host="新竹市", venue="新竹市政府 3 樓", chair="副市長")
    assert not at.exception and not at.main.success
    assert signed_out.REFUSED in [e.value for e in at.error]
    assert any(f"「{SECRETARIAT}」的登入已結束" in w.value for w in at.warning)
    assert snapshot(url) == before, "nothing was started after the sign-in ended"
    kept = {
        "host": widget(at, "selectbox", "host_city").value,
        "day": widget(at, "date_input", "date").value,
        "venue": widget(at, "text_input", "線上-venue").value,
        "chair": widget(at, "text_input", "chair").value,
        "confirmed": widget(at, "checkbox", "confirm").value,
    }
    assert kept == {
        "host": "新竹市",
        "day": MEETING_DAY,
        "venue": "新竹市政府 3 樓",
        "chair": "副市長",
        "confirmed": True,
    }

    at = sign_in(at, PASSWORD, SECRETARIAT, key="new-year-sign-in")
    assert not at.exception and not at.error
    assert widget(at, "text_input", "線上-venue").value == "新竹市政府 3 樓"
    widget(at, "button", "start").click()
    at = at.run()
    assert not at.exception and not at.error
    assert f"已開始{NEXT}年度" in at.success[0].value
    with Session(make_engine(url)) as s:
        new = cycles.meeting_of(s, NEXT)
        assert (new.date, new.venue, new.chair, new.host_city) == (MEETING_DAY, "新竹市政府 3 樓", "副市長", "新竹市")
        carried = s.exec(select(Proposal.id).where(Proposal.track == vocab.CARRIED, Proposal.year == NEXT - 1)).all()
        started = s.exec(select(ProposalVersion).where(ProposalVersion.proposal_id.in_(carried))).all()
        assert carried and {v.recorded_by for v in started} == {SECRETARIAT}
