"""我的提案 through AppTest: a signed-in lead sees their groups' proposals with the last update and
the stale flag, the secretariat all of them, a reader a note to sign in; and the navigation lists
the page only for those signed in."""

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from dashboard.domain import editing, vocab, worklist
from dashboard.domain.permissions import READER, Actor
from dashboard.store.db import make_engine
from dashboard.store.models import Proposal
from pages.shared import page_list
from tests import databases
from tests.pagetest import open_as, serving, store_with_accounts


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    """A store with a transport lead (one proposal updated online) and a secretariat account."""
    url = store_with_accounts(tmp_path_factory.mktemp("mine") / "store.db")
    with Session(make_engine(url)) as s:
        first = s.exec(select(Proposal).where(Proposal.group_id == "transport").order_by(Proposal.sort_order)).first()
        editing.edit(
            s,
            actor=Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"})),
            proposal_id=first.id,
            base_version=0,
            changes={"contact": "交通局 王科長"},
        )
    with serving(url):
        yield url
    databases.drop(url)


def _ids(url: str, **where) -> list[str]:
    with Session(make_engine(url)) as s:
        query = select(Proposal.id).order_by(Proposal.sort_order)
        for column, value in where.items():
            query = query.where(getattr(Proposal, column) == value)
        return list(s.exec(query))


def _open(user: str | None) -> AppTest:
    return open_as(user, "mine")


def _rows(at: AppTest):
    return at.dataframe[0].value


def test_a_reader_is_asked_to_sign_in_and_sees_no_list(url):
    at = _open(None)
    assert not at.exception
    assert any("請先" in i.value and "登入" in i.value for i in at.info)
    assert not at.dataframe


def test_a_lead_sees_their_proposals_with_the_last_update_and_the_stale_flag(url):
    at = _open("交通窗口")
    assert not at.exception
    rows = _rows(at)
    transport = _ids(url, group_id="transport")
    assert [link.split("id=")[1].split("&")[0] for link in rows["url"]] == transport
    updated = rows[rows["updated_by"] == "交通窗口"]
    assert len(updated) == 1 and updated["stale"].iloc[0] == ""
    others = rows[rows["updated_by"] == ""]
    assert len(others) == len(transport) - 1 and all(worklist.STALE in flag for flag in others["stale"])
    assert f"{len(transport) - 1} 案" in "\n".join(m.value for m in at.markdown)


def test_the_stale_filter_leaves_only_stale_proposals(url):
    at = _open("交通窗口")
    at.toggle(key="mine-stale").set_value(True)
    at = at.run()
    rows = _rows(at)
    assert len(rows) == len(_ids(url, group_id="transport")) - 1 and all(rows["stale"] != "")


def test_the_secretariat_sees_every_proposal(url):
    at = _open("祕書甲")
    assert not at.exception
    assert len(_rows(at)) == len(_ids(url))


@pytest.mark.parametrize(
    "actor, shown",
    [
        (READER, set()),
        (
            Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"})),
            {"mine", "new", "sheet", "meeting_log", "statistics"},
        ),
        (
            Actor(name="祕書甲", role=vocab.SECRETARIAT),
            {
                "mine",
                "new",
                "sheet",
                "meeting_log",
                "statistics",
                "accounts",
                "meeting_settings",
                "new_year",
                "group_settings",
            },
        ),
    ],
)
def test_the_navigation_lists_the_pages_of_signed_in_users_only_to_them(actor, shown):
    restricted = {name for name, spec in page_list.PAGES.items() if spec.listed_for not in (None, page_list.UNLISTED)}
    assert {name for name in restricted if page_list.listed(page_list.PAGES[name], actor)} == shown
    assert all(page_list.listed(spec, actor) for spec in page_list.PAGES.values() if not spec.listed_for)
    assert not page_list.listed(page_list.PAGES["password"], actor)  # linked from the sidebar, not listed
