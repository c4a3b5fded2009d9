"""AppTest of every page on a store of two cycles: each opens on the current cycle, `?cycle=`
opens another (the packet's shows exactly the packet's figures), an unknown year says so and shows
the current one, and the chooser writes the year into the URL."""

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from dashboard.domain import accounts, editing, vocab
from dashboard.domain.permissions import OPERATOR
from dashboard.store.db import make_engine
from dashboard.store.models import Proposal
from dashboard.web import auth
from pages.shared import auth_form, year_choice
from tests import databases
from tests.pagetest import APP, build_store, markdown_text, open_page, serving, table_values
from tests.test_fidelity import MUTUAL_AID
from tests.two_cycles import SECRETARIAT, add_next_cycle, new_card

PARAM = year_choice.PARAM
CHOOSER = year_choice.KEY


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    url = build_store(tmp_path_factory.mktemp("two") / "store.db")
    engine = make_engine(url)
    with Session(engine) as s:
        two = add_next_cycle(s)
        accounts.add(
            s,
            actor=OPERATOR,
            name="祕書甲",
            role=vocab.SECRETARIAT,
            password_hash=auth.hash_password("unused pass", rounds=4),
        )
    engine.dispose()
    with serving(url):
        yield two
    databases.drop(url)


def chooser(at: AppTest):
    return at.selectbox(key=CHOOSER)


def tiles(at: AppTest) -> str:
    return markdown_text(at)


# --- the chooser -----------------------------------------------------------------------------


def test_the_chooser_opens_on_the_current_cycle_and_offers_every_year(made):
    at = open_page("home")
    assert not at.exception
    assert chooser(at).value == made.next and chooser(at).options == [f"{made.next}年度", f"{made.packet}年度"]
    assert PARAM not in at.query_params


def test_the_chooser_writes_the_year_into_the_url(made):
    at = open_page("home")
    at = chooser(at).set_value(made.packet).run()
    assert at.query_params[PARAM] == str(made.packet)
    assert f"{made.packet}年度新增提案" in tiles(at)
    at = chooser(at).set_value(made.next).run()
    assert PARAM not in at.query_params  # the current year keeps links clean
    assert f"{made.next}年度新增提案" in tiles(at)


@pytest.mark.parametrize("page", ["home", "groups", "proposals", "card", "map", "meeting"])
def test_an_unknown_year_says_so_and_shows_the_current(made, page):
    at = open_page(page, {PARAM: "999"})
    assert not at.exception
    assert any("` 999 `" in e.value and "年度" in e.value for e in at.error)
    assert chooser(at).value == made.next


def test_a_year_spelled_with_its_suffix_is_that_year(made):
    at = open_page("home", {PARAM: f"{made.packet}年度"})
    assert not at.error and chooser(at).value == made.packet
    assert at.query_params[PARAM] == str(made.packet)


# --- each page, current and packet cycle ------------------------------------------------------


def test_home_tiles_per_cycle(made):
    at = open_page("home")
    text = tiles(at)
    assert f"{made.next}年度新增提案" in text and "2 案" in text
    at = open_page("home", {PARAM: str(made.packet)})
    text = tiles(at)
    assert "55 案" in text and "42 案" in text and "13 案" in text  # the packet: 13 carried + 42 new
    assert "擬解除列管 12、持續列管 1" in text


def test_home_shows_what_joined_and_left_each_year(made):
    at = open_page("home")
    frame = next(d.value for d in at.dataframe if "carried_in" in d.value.columns)
    rows = frame.set_index("year")
    assert rows.loc[f"{made.packet}年度", ["new", "carried_in"]].tolist() == [42, 13]
    assert rows.loc[f"{made.next}年度", ["new", "carried_in"]].tolist() == [1, 1]


def test_proposals_per_cycle(made):
    at = open_page("proposals")
    assert at.dataframe[0].value["id"].tolist() == [made.carried_id, made.new_id]
    at = open_page("proposals", {PARAM: str(made.packet)})
    ids = at.dataframe[0].value["id"].tolist()
    assert len(ids) == 55 and made.new_id not in ids and made.carried_id not in ids


def test_the_list_filter_by_proposal_year_keeps_working_within_a_cycle(made):
    at = open_page("proposals", {PARAM: str(made.packet), "group": "交通運輸組", "year": str(made.packet)})
    assert at.dataframe[0].value["id"].tolist() == [f"{made.packet}-C0{i}" for i in range(1, 5)] + [
        f"{made.packet}-J{i:02d}" for i in range(7, 11)
    ]
    assert at.query_params[PARAM] == str(made.packet)  # the filter's URL keeps the year


def test_groups_per_cycle(made):
    at = open_page("groups", {"group": "transport"})
    text = table_values(at)
    assert made.new_id in text and f"{made.packet}-C01" not in text
    assert any(f"{made.next}年度全部，1 案" in h.value for h in at.subheader)
    at = open_page("groups", {"group": "transport", PARAM: str(made.packet)})
    assert any("9 案" in h.value for h in at.subheader)  # the packet: 1 carried + 8 new
    assert at.query_params[PARAM] == str(made.packet)


def test_map_per_cycle(made):
    at = open_page("map")
    assert not at.exception and any("尚未提報" in i.value for i in at.info)
    at = open_page("map", {PARAM: str(made.packet)})
    table = at.dataframe[0].value
    assert len(table) == len(MUTUAL_AID)
    assert any(made.carried_from in c.value for c in at.caption)


def test_the_card_opens_any_year_and_says_which(made):
    at = open_page("card", {"id": made.carried_from})
    assert not at.exception and not at.error
    assert any(f"{made.packet}年度副首長會議提案" in c.value for c in at.caption)
    at = open_page("card", {"id": made.carried_id})
    assert any(f"{made.next}年度副首長會議提案" in c.value for c in at.caption)


def _links(at: AppTest) -> dict[str, str]:
    return {link.proto.label: link.proto.query_string for link in at.get("page_link")}


def test_the_card_links_its_lineage_both_ways(made):
    links = _links(open_page("card", {"id": made.carried_id}))
    assert links[f"延續自 {made.carried_from}"] == f"id={made.carried_from}"
    assert not any(label.startswith("延續為") for label in links)
    links = _links(open_page("card", {"id": made.carried_from}))
    assert links[f"延續為 {made.carried_id}"] == f"id={made.carried_id}"
    assert not any(label.startswith("延續自") for label in links)


def test_the_card_picker_offers_the_chosen_year(made):
    at = open_page("card")
    assert len(at.selectbox(key="card_pick").options) == 2
    at = open_page("card", {PARAM: str(made.packet)})
    assert len(at.selectbox(key="card_pick").options) == 55


def test_meeting_per_cycle(made):
    at = open_page("meeting")
    assert made.meeting_name in markdown_text(at)
    decisions = at.dataframe[1].value
    assert decisions["編號"].tolist() == [made.carried_id, made.new_id]
    at = open_page("meeting", {PARAM: str(made.packet)})
    assert len(at.dataframe[1].value) == 55 and made.meeting_name not in markdown_text(at)


def test_presenter_follows_the_year_and_draws_no_chooser(made):
    at = open_page("meeting", {"present": "1", PARAM: str(made.packet), "step": "1"})
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == CHOOSER]
    assert made.meeting_name not in markdown_text(at)


def _signed_in(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[auth_form.SESSION_KEY] = "祕書甲"
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(f"../pages/{page}.py")
    return at.run()


def test_mine_lists_the_chosen_year(made):
    at = _signed_in("mine")
    assert not at.exception
    assert table_values(at).count("./card?id=") == 2
    at = _signed_in("mine", {PARAM: str(made.packet)})
    assert table_values(at).count("./card?id=") == 55


def test_a_new_proposal_goes_into_the_year_shown(made):
    at = _signed_in("new")
    year = next(n for n in at.number_input if n.label.startswith("年度"))
    assert year.value == made.next
    at = _signed_in("new", {PARAM: str(made.packet)})
    assert next(n for n in at.number_input if n.label.startswith("年度")).value == made.packet


# --- a year without a meeting ------------------------------------------------------------------


@pytest.fixture
def started(tmp_path):
    """The packet's store and one proposal of the next year, whose meeting is not set up yet."""
    url = build_store(tmp_path / "store.db")
    engine = make_engine(url)
    with Session(engine) as s:
        packet = s.exec(select(func.max(Proposal.year))).one()
        created = editing.create(s, actor=SECRETARIAT, document=new_card(packet + 1))
    engine.dispose()
    with serving(url):
        yield packet, created.proposal_id
    databases.drop(url)


def test_a_year_without_a_meeting_says_so(started):
    packet, _ = started
    at = open_page("meeting", {PARAM: str(packet + 1)})
    assert not at.exception
    assert any(f"{packet + 1}年度尚未建立副首長會議" in w.value for w in at.warning)
    assert not at.dataframe  # no other year's list instead


def test_the_new_year_before_its_meeting_shows_the_latest_saying_so(started):
    packet, _ = started
    at = open_page("meeting")
    assert any(f"{packet + 1}年度尚未建立副首長會議" in i.value and f"{packet}年度" in i.value for i in at.info)
    assert len(at.dataframe[1].value) == 55
    at = open_page("meeting", {"present": "1"})
    assert not at.exception and not at.warning


def test_the_overview_of_a_year_without_a_meeting(started):
    packet, new_id = started
    at = open_page("home")
    assert not at.exception
    assert any(f"{packet + 1}年度：尚未建立副首長會議資料" in c.value for c in at.caption)


def test_the_chosen_year_stays_for_the_session_across_pages(made):
    at = open_page("home")
    at = chooser(at).set_value(made.packet).run()
    at.query_params.clear()  # the navigation's links carry no parameters
    at.switch_page("../pages/proposals.py").run()
    assert len(at.dataframe[0].value) == 55 and at.query_params[PARAM] == str(made.packet)
    at = chooser(at).set_value(made.next).run()
    at.query_params.clear()
    at.switch_page("../pages/home.py").run()
    assert chooser(at).value == made.next and PARAM not in at.query_params


@pytest.fixture
def single(tmp_path):
    url = build_store(tmp_path / "store.db")
    with serving(url):
        yield url
    databases.drop(url)


def test_a_store_of_one_year_shows_the_year_as_text_and_no_comparison(single):
    at = open_page("home")
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == CHOOSER]
    assert any(m.value.startswith("**年度**：") for m in at.sidebar.markdown)
    assert "各年度提案增減" not in [h.value for h in at.subheader]
