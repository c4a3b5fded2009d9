"""Permissions over the live server protocol: what a browser tab can send, without the browser.

One server per module, on a store (SQLite file, or PostgreSQL under TEST_DATABASE_URL) with a group
lead and a secretariat account, and a secretariat user in secrets.toml. Signed-in sessions open their
forms (the card's edit form and revert, the decision form on the meeting page and in the presenter
view, the minutes form, account management, a new proposal, a group's settings) and the widget ids they were sent are
recorded. Other sessions then replay BackMsg.rerun_script with those ids, new values
and the submit button pressed: a reader's and a lead's session (also with crafted query strings and
a forged sign-in state) leave every table of the store as it was and are sent none of the form's
widgets; the same replay from an allowed session does write, so the technique is proven to reach
the data functions (a negative result cannot pass for want of a working replay).
"""

import pytest
import yaml
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, select
from streamlit.proto.WidgetStates_pb2 import WidgetState

from dashboard.domain import accounts, editing, group_terms, permissions, vocab
from dashboard.domain.dates import roc_year
from dashboard.store.config import DATA_DIR
from dashboard.store.db import make_engine
from dashboard.store.models import Account, Decision, MeetingRecord, Proposal, ProposalVersion, WorkGroup
from dashboard.web import auth
from pages.shared.auth_form import SESSION_KEY
from tests import databases
from tests.browser.conftest import start_server, stop_server
from tests.protocol import Session as Tab

PASSWORD = "protocol test pass"
LEAD, SECRETARIAT = "交通窗口", "祕書甲"  # accounts in the store
FILE_SECRETARIAT = "祕書乙"  # a secretariat user of secrets.toml ([secretariat.users])
OWN, OTHER = "112-J07", "112-J32"  # the lead's group's proposal, and one of another group
UNTRACKED = {
    "sign_in_throttle",
    "sign_in_session",
}  # sign-in bookkeeping (failures, remembered sign-ins), not the store's content


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """(server URL, engine on its store): a lead of OWN's group and a secretariat account in the
    store, and a secretariat user in the server's secrets.toml."""
    folder = tmp_path_factory.mktemp("protocol")
    url = databases.new_url(folder / "live.db", loaded=True)
    engine = make_engine(url)
    hashed = auth.hash_password(PASSWORD, rounds=4)
    with Session(engine) as s:
        group = s.get(Proposal, OWN).group_id
        assert s.get(Proposal, OTHER).group_id != group  # the test's premise, from data/
        accounts.add(s, actor=permissions.OPERATOR, name=LEAD, role=vocab.LEAD, groups=(group,), password_hash=hashed)
        accounts.add(s, actor=permissions.OPERATOR, name=SECRETARIAT, role=vocab.SECRETARIAT, password_hash=hashed)
    secrets = folder / "secrets.toml"
    secrets.write_text(f'[secretariat.users]\n"{FILE_SECRETARIAT}" = "{hashed}"\n', encoding="utf-8")
    proc, base = start_server(folder, "--secrets.files", str(secrets), database_url=url)
    yield base, engine
    stop_server(proc)
    engine.dispose()
    databases.drop(url)


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table of the store (sign-in bookkeeping aside), in a stable order."""
    with engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(sa_select(table))), key=repr)
            for table in SQLModel.metadata.sorted_tables
            if table.name not in UNTRACKED
        }


def count(engine, model, **where) -> int:
    with Session(engine) as s:
        query = select(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return len(s.exec(query).all())


def recorded(base: str, name: str, page: str, query: str, submit: str):
    """The form whose submit button reads `submit`, as `name`'s signed-in session was sent it."""
    with Tab(base) as tab:
        return tab.sign_in(page, query, name, PASSWORD).form(submit)


def replay(
    base: str, page: str, query: str, states, *, as_user: str | None = None, first: bool = False, check: bool = True
):
    """The run a session gets for `states`: a fresh reader's (or `as_user`'s) tab. `first`: the states
    come with the tab's very first message, before any run drew the page in this session."""
    with Tab(base) as tab:
        if as_user:
            tab.sign_in(page, query, as_user, PASSWORD)
        elif not first:
            tab.run(page, query)
        return tab.run(page, query, states, check=check)


def assert_refused(engine, base, page, query, states, recorded, **options):
    """Replaying `states` leaves the store unchanged and draws none of the `recorded` widgets."""
    before = snapshot(engine)
    run = replay(base, page, query, states, **options)
    assert snapshot(engine) == before
    drawn = {w.id for w in run.widgets}
    assert not drawn & {w.id for w in recorded}, "the replaying session was sent the form's widgets"
    return run


def by_label(form) -> dict:
    return {w.label: w for w in form}


# --- the card's edit form and the secretariat's revert -----------------------------------------


def edit_states(form, contact: str):
    widgets = by_label(form)
    return [widgets["聯絡人"].set(contact), widgets["儲存修改"].press()]


@pytest.fixture(scope="module")
def edit_form(live):
    """The lead's card-edit form on OWN, as their session was sent it."""
    return recorded(live[0], LEAD, "card", f"id={OWN}", "儲存修改")


@pytest.mark.parametrize("first", [False, True], ids=["after-a-run", "first-message"])
def test_a_reader_replaying_the_lead_s_save_on_the_card_writes_nothing(live, edit_form, first):
    base, engine = live
    run = assert_refused(
        engine, base, "card", f"id={OWN}", edit_states(edit_form, "讀者偽造的聯絡人"), edit_form, first=first
    )
    assert not any(w.label == "儲存修改" for w in run.widgets)


def test_the_lead_s_own_replayed_save_writes_a_version(live, edit_form):
    """The positive control: the same recorded ids, from a new session of the lead, do reach editing.edit."""
    base, engine = live
    versions = count(engine, ProposalVersion, proposal_id=OWN)
    run = replay(base, "card", f"id={OWN}", edit_states(edit_form, "窗口經協定送出的聯絡人"), as_user=LEAD)
    assert "已儲存為第" in run.texts()
    assert count(engine, ProposalVersion, proposal_id=OWN) == versions + 1
    with Session(engine) as s:
        assert s.get(Proposal, OWN).contact == "窗口經協定送出的聯絡人"


def test_a_lead_replaying_a_save_onto_another_group_s_proposal_is_refused(live, edit_form):
    """Onto OTHER: with the form of OWN under OTHER's URL, and with the secretariat's form of OTHER."""
    base, engine = live
    assert_refused(engine, base, "card", f"id={OTHER}", edit_states(edit_form, "跨組偽造"), edit_form, as_user=LEAD)
    other_form = recorded(base, SECRETARIAT, "card", f"id={OTHER}", "儲存修改")
    assert_refused(engine, base, "card", f"id={OTHER}", edit_states(other_form, "跨組偽造"), other_form, as_user=LEAD)
    # …and the lead's open session, its form on OWN, switching the URL to OTHER with the submit pressed
    before = snapshot(engine)
    with Tab(base) as tab:
        form = tab.sign_in("card", f"id={OWN}", LEAD, PASSWORD).form("儲存修改")
        tab.run("card", f"id={OTHER}", edit_states(form, "跨組偽造"))
    assert snapshot(engine) == before


def test_only_the_secretariat_s_replayed_revert_is_recorded(live):
    """The revert takes two presses (還原此版本, then 確定還原): replayed by a reader or the lead, neither
    is drawn and no version is added; replayed by the secretariat, the revert is a new version."""
    base, engine = live
    with Session(engine) as s:
        editing.edit(
            s,
            actor=permissions.OPERATOR,
            proposal_id=OWN,
            changes={"contact": "待還原的聯絡人"},
            base_version=editing.current_version(s, OWN),
        )
    with Tab(base) as tab:
        opened = tab.sign_in("card", f"id={OWN}", SECRETARIAT, PASSWORD)
        ask = opened.widget("還原此版本", "button")
        confirm = tab.run("card", f"id={OWN}", [ask.press()]).widget("確定還原", "button")
    for who in (None, LEAD):
        with Tab(base) as tab:
            before = snapshot(engine)
            if who:
                tab.sign_in("card", f"id={OWN}", who, PASSWORD)
            runs = [tab.run("card", f"id={OWN}", [ask.press()]), tab.run("card", f"id={OWN}", [confirm.press()])]
            assert snapshot(engine) == before
            assert not {w.id for run in runs for w in run.widgets} & {ask.id, confirm.id}
    versions = count(engine, ProposalVersion, proposal_id=OWN)
    with Tab(base) as tab:
        tab.sign_in("card", f"id={OWN}", FILE_SECRETARIAT, PASSWORD)
        tab.run("card", f"id={OWN}", [ask.press()])
        assert "記錄為第" in tab.run("card", f"id={OWN}", [confirm.press()]).texts()
    assert count(engine, ProposalVersion, proposal_id=OWN) == versions + 1
    with Session(engine) as s:
        assert s.get(Proposal, OWN).contact != "待還原的聯絡人"


# --- the meeting page: decisions and the minutes (the secretariat only) ------------------------


def decision_states(form, note: str):
    widgets = by_label(form)
    return [widgets["決議"].set(vocab.RESOLUTIONS[0]), widgets["備註（選填）"].set(note), widgets["記錄決議"].press()]


def minutes_states(form, taker: str):
    widgets = by_label(form)
    return [widgets["紀錄（會議紀錄人員）"].set(taker), widgets["儲存會議紀錄"].press()]


@pytest.mark.parametrize("query", [f"item={OWN}", f"present=1&item={OWN}"], ids=["meeting-page", "presenter"])
@pytest.mark.parametrize("who", [None, LEAD], ids=["reader", "lead"])
def test_only_the_secretariat_s_replayed_decision_is_recorded(live, who, query):
    """Recorded from the store's secretariat account; the positive control is secrets.toml's user."""
    base, engine = live
    form = recorded(base, SECRETARIAT, "meeting", query, "記錄決議")
    assert_refused(engine, base, "meeting", query, decision_states(form, "偽造的決議"), form, as_user=who)
    decided = count(engine, Decision, proposal_id=OWN)
    run = replay(base, "meeting", query, decision_states(form, "祕書處經協定記錄"), as_user=FILE_SECRETARIAT)
    assert f"已記錄 {OWN}" in run.texts()
    assert count(engine, Decision, proposal_id=OWN) == decided + 1


@pytest.mark.parametrize("who", [None, LEAD], ids=["reader", "lead"])
def test_only_the_secretariat_s_replayed_minutes_are_saved(live, who):
    base, engine = live
    form = recorded(base, SECRETARIAT, "meeting", "", "儲存會議紀錄")
    assert_refused(engine, base, "meeting", "", minutes_states(form, "偽造的紀錄"), form, as_user=who)
    saved = count(engine, MeetingRecord)
    run = replay(base, "meeting", "", minutes_states(form, "祕書處經協定儲存"), as_user=SECRETARIAT)
    assert "已儲存會議紀錄" in run.texts()
    assert count(engine, MeetingRecord) == saved + 1


# --- account management (the secretariat only) -------------------------------------------------


def account_states(form, name: str):
    widgets = by_label(form)
    return [
        widgets["帳號名稱"].set(name),
        widgets["角色"].set(vocab.ROLES[vocab.SECRETARIAT]),
        widgets["密碼"].set(PASSWORD),
        widgets["再次輸入密碼"].set(PASSWORD),
        widgets["新增帳號"].press(),
    ]


@pytest.mark.parametrize("who", [None, LEAD], ids=["reader", "lead"])
def test_only_the_secretariat_s_replayed_new_account_is_added(live, who):
    base, engine = live
    form = recorded(base, SECRETARIAT, "accounts", "", "新增帳號")
    forged = f"偽造祕書-{who or 'reader'}"
    assert_refused(engine, base, "accounts", "", account_states(form, forged), form, as_user=who)
    assert count(engine, Account, name=forged) == 0
    made = f"祕書處新增-{who or 'reader'}"
    run = replay(base, "accounts", "", account_states(form, made), as_user=SECRETARIAT)
    assert made in run.texts()
    with Session(engine) as s:
        assert s.get(Account, made).role == vocab.SECRETARIAT


def test_only_the_secretariat_s_replayed_disable_stops_an_account(live):
    base, engine = live
    with Session(engine) as s:
        accounts.add(s, actor=permissions.OPERATOR, name="待停用", role=vocab.SECRETARIAT, email="stop@example.org")
    with Tab(base) as tab:  # the secretariat chooses the account: its change form is drawn
        page = tab.sign_in("accounts", "", SECRETARIAT, PASSWORD)
        chosen = page.widget("帳號", "selectbox").set("待停用（祕書處，啟用）")
        form = tab.run("accounts", "", [chosen]).form("儲存修改")
    states = [chosen, by_label(form)["狀態"].set("停用"), by_label(form)["儲存修改"].press()]
    for who in (None, LEAD):
        assert_refused(engine, base, "accounts", "", states, form, as_user=who)
    assert "狀態：啟用 → 停用" in replay(base, "accounts", "", states, as_user=SECRETARIAT).texts()
    with Session(engine) as s:
        assert s.get(Account, "待停用").disabled


# --- a new proposal (signed-in users only) ----------------------------------------------------


def new_proposal_states(form, title: str):
    widgets = by_label(form)
    units = next(w for w in form if w.kind == "dataframe")  # the lead-unit editor has no label
    edited = (
        '{"edited_rows": {"0": {"unit": "新北市政府交通局", "city": "新北市"}}, "added_rows": [], "deleted_rows": []}'
    )
    return [
        widgets["提案名稱"].set(title),
        widgets[vocab.PROPOSAL_TYPES[0]].set(True),
        widgets["臺北市"].set(True),
        widgets["新北市"].set(True),
        widgets["說明"].set("跨市通勤族轉乘成本高。"),
        units.set(edited),
        widgets["送出新增"].press(),
    ]


def test_a_reader_s_replayed_new_proposal_is_not_created_and_the_lead_s_is(live):
    base, engine = live
    form = recorded(base, LEAD, "new", "", "送出新增")
    assert_refused(engine, base, "new", "", new_proposal_states(form, "讀者偽造的提案"), form)
    assert count(engine, Proposal, title="讀者偽造的提案") == 0
    run = replay(base, "new", "", new_proposal_states(form, "窗口經協定新增的提案"), as_user=LEAD)
    assert "已新增提案" in run.texts(), run.texts()
    assert count(engine, Proposal, title="窗口經協定新增的提案") == 1


def test_a_lead_replaying_the_secretariat_s_new_proposal_cannot_file_it_in_another_group(live):
    """The secretariat's form offers every group, the lead's their own. The lead's session sends the
    secretariat's form with OTHER's group chosen: a choice the lead's form does not offer is not
    taken, so the card lands in the lead's own group, or nowhere."""
    base, engine = live
    with Session(engine) as s:
        other = s.get(WorkGroup, s.get(Proposal, OTHER).group_id)
        own = s.get(Proposal, OWN).group_id
    form = recorded(base, SECRETARIAT, "new", "", "送出新增")
    states = [by_label(form)["議題組"].set(other.name), *new_proposal_states(form, "跨組偽造的提案")]
    in_other_group = count(engine, Proposal, group_id=other.id)
    replay(base, "new", "", states, as_user=LEAD)
    assert count(engine, Proposal, group_id=other.id) == in_other_group
    with Session(engine) as s:
        assert {p.group_id for p in s.exec(select(Proposal).where(Proposal.title == "跨組偽造的提案"))} <= {own}


# --- crafted URLs and a forged sign-in ----------------------------------------------------------


@pytest.mark.parametrize(
    "page, query, submit",
    [
        ("card", f"id={OWN}&edit=1", "儲存修改"),
        ("card", f"id={OTHER}", "儲存修改"),
        ("new", f"id={OWN}", "送出新增"),
        ("accounts", f"id={OWN}&role=secretariat", "新增帳號"),
        ("mine", f"id={OWN}", None),
    ],
)
def test_a_reader_s_crafted_query_strings_get_no_form(live, page, query, submit):
    base, engine = live
    before = snapshot(engine)
    with Tab(base) as tab:
        run = tab.run(page, query)
    assert snapshot(engine) == before
    assert "帳號" in {w.label for w in run.widgets}  # asked to sign in instead
    assert submit is None or submit not in {w.label for w in run.widgets}


@pytest.mark.parametrize("forged_id", [SESSION_KEY, f"$$ID-{'0' * 32}-{SESSION_KEY}"], ids=["bare", "keyed"])
def test_a_reader_cannot_forge_the_signed_in_state_with_a_widget_id(live, forged_id):
    """A widget state named after the session key that holds the signed-in user (as a bare id, and as
    Streamlit's id of a keyed widget) does not sign the session in: no form, nothing written. (Streamlit
    may fail the forging session's own run over the bare id: that breaks only the sender's tab.)"""
    base, engine = live
    form = recorded(base, SECRETARIAT, "accounts", "", "新增帳號")
    forged = WidgetState(id=forged_id, string_value=SECRETARIAT)
    run = assert_refused(
        engine, base, "accounts", "", [forged, *account_states(form, "偽造登入的祕書")], form, first=True, check=False
    )
    assert "請先" in run.texts() and "目前登入" not in run.texts()


# --- each cycle's groups (the secretariat only) ------------------------------------------------

CYCLE = roc_year(yaml.safe_load((DATA_DIR / "meeting.yaml").read_text(encoding="utf-8"))["date"].year)
GROUP_SAVE = f"儲存（自{CYCLE}年度起）"  # the 議題組設定 edit form's submit button


GROUP = "交通運輸組"  # the group whose edit form is opened, by the name the choice shows


def group_form(base: str):
    """The secretariat's edit form of GROUP on 議題組設定, drawn once GROUP is chosen above it; with
    the choice's state, which a replay sends too (the form is drawn only for a chosen group)."""
    with Tab(base) as tab:
        signed_in = tab.sign_in("group_settings", "", SECRETARIAT, PASSWORD)
        choice = signed_in.widget("議題組", "selectbox").set(GROUP)
        return tab.run("group_settings", "", [choice]).form(GROUP_SAVE), choice


def group_states(form, choice, host: str):
    widgets = by_label(form)
    return [choice, widgets["主辦機關"].set(host), widgets[GROUP_SAVE].press()]


def hosts(engine) -> set:
    with Session(engine) as s:
        return {g.host_agency for g in group_terms.groups_in_cycle(s, CYCLE)}


@pytest.mark.parametrize("who", [None, LEAD], ids=["reader", "lead"])
def test_only_the_secretariat_s_replayed_group_settings_are_saved(live, who):
    base, engine = live
    form, choice = group_form(base)
    forged = group_states(form, choice, "偽造的主辦機關")
    assert_refused(engine, base, "group_settings", "", forged, form, as_user=who)
    assert "偽造的主辦機關" not in hosts(engine)
    host = f"祕書處指定的機關（{who or '讀者'}之後）"
    replay(base, "group_settings", "", group_states(form, choice, host), as_user=SECRETARIAT)
    assert host in hosts(engine)
