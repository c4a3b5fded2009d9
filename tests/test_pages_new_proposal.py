"""新增提案 through AppTest: a lead fills in the paper card's fields and gets a numbered proposal in
their group; problems are listed by field and what was typed stays; readers are asked to sign in."""

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from dashboard.domain import proposal_rules, vocab
from dashboard.store.db import make_engine
from dashboard.store.models import Proposal, ProposalVersion
from tests.pagetest import open_as


@pytest.fixture
def url(accounts_url):
    """A transport lead and a secretariat account, in a store per test (tests create proposals)."""
    return accounts_url


def _open(user: str | None) -> AppTest:
    return open_as(user, "new")


def _widget(at: AppTest, kind: str, name: str):
    """The form's widget whose key ends in `name` (keys carry the form's generation)."""
    return next(w for w in getattr(at, kind) if w.key and w.key.endswith(f"-{name}"))


def _fill(
    at: AppTest, *, title: str = "北臺公車轉乘優惠整合", cities: tuple[str, ...] = ("taipei", "new-taipei")
) -> None:
    _widget(at, "text_input", "title").input(title)
    _widget(at, "checkbox", f"type-{vocab.PROPOSAL_TYPES[0]}").check()
    for code in cities:
        _widget(at, "checkbox", f"city-{code}").check()
    _widget(at, "text_area", "description").input("跨市通勤族轉乘成本高。")


def _submit(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "送出新增").click()
    return at.run()


def _proposals(url: str, **where) -> list[Proposal]:
    with Session(make_engine(url)) as s:
        query = select(Proposal).order_by(Proposal.sort_order)
        for column, value in where.items():
            query = query.where(getattr(Proposal, column) == value)
        return list(s.exec(query))


def _text(at: AppTest) -> str:
    return "\n".join(
        str(e.value)
        for kind in ("error", "success", "info", "warning", "markdown", "caption")
        for e in getattr(at, kind)
    )


def test_a_reader_is_asked_to_sign_in_and_gets_no_form(url):
    at = _open(None)
    assert not at.exception
    assert "請先" in _text(at) and not any(b.label == "送出新增" for b in at.button)


def test_a_lead_chooses_among_their_own_groups_only(url):
    at = _open("交通窗口")
    assert not at.exception
    assert _widget(at, "selectbox", "group").options == ["交通運輸組"]


def test_the_secretariat_may_file_under_any_group_or_subgroup(url):
    at = _open("祕書甲")
    options = _widget(at, "selectbox", "group").options
    assert "交通運輸組" in options and "文化教育組／教育組" in options and "文化教育組" not in options


def test_a_card_without_a_lead_unit_is_refused_and_what_was_typed_stays(url):
    before = {p.id for p in _proposals(url)}
    at = _open("交通窗口")
    _fill(at)
    at = _submit(at)
    assert not at.exception
    # The lead unit table was left empty: refused, naming the field, with what was typed kept.
    assert "提案單位" in "\n".join(e.value for e in at.error)
    assert _widget(at, "text_input", "title").value == "北臺公車轉乘優惠整合"
    assert {p.id for p in _proposals(url)} == before


def test_problems_are_listed_by_field_and_the_typed_values_stay(url):
    at = _open("交通窗口")
    _fill(at, title="", cities=())
    _widget(at, "text_area", "approach").input("1.盤點轉乘路線。")
    at = _submit(at)
    errors = "\n".join(e.value for e in at.error)
    assert "提案名稱" in errors and "合作縣市" in errors and "提案單位" in errors
    assert _widget(at, "text_area", "approach").value == "1.盤點轉乘路線。"
    assert _widget(at, "checkbox", f"type-{vocab.PROPOSAL_TYPES[0]}").value is True


def _type_unit(at: AppTest, unit: str, city: str) -> None:
    """Type one lead unit into the editor's first row, as the browser sends it (the form is at its
    first generation)."""
    at.session_state["new-0-units"] = {
        "edited_rows": {0: {"unit": unit, "city": city}},
        "added_rows": [],
        "deleted_rows": [],
    }


def test_a_lead_creates_a_proposal_numbered_in_its_track_with_a_link_to_its_card(url):
    joint = _proposals(url, track=vocab.JOINT)
    year = max(p.year for p in joint)
    highest = max(int(p.id.split("-")[1][1:]) for p in joint if p.year == year)
    at = _open("交通窗口")
    _fill(at)
    _widget(at, "radio", "track").set_value(vocab.JOINT)
    _type_unit(at, "新北市政府交通局", "新北市")
    at = _submit(at)
    assert not at.exception and not at.error, [e.value for e in at.error]
    new_id = f"{year}-J{highest + 1:02d}"
    assert new_id in "\n".join(s.value for s in at.success)
    assert any(link.label.endswith(new_id) for link in at.get("page_link"))
    created = _proposals(url, id=new_id)[0]
    assert (created.group_id, created.title, created.tracking_status) == (
        "transport",
        "北臺公車轉乘優惠整合",
        vocab.TRACKED,
    )
    with Session(make_engine(url)) as s:
        version = s.exec(select(ProposalVersion).where(ProposalVersion.proposal_id == new_id)).one()
    assert (version.version, version.kind, version.recorded_by) == (1, "create", "交通窗口")
    assert _widget(at, "text_input", "title").value == ""  # a clear form for the next card


def test_a_central_proposal_without_its_ministry_is_refused_naming_the_field(url):
    before = len(_proposals(url))
    at = _open("交通窗口")
    _fill(at)
    _widget(at, "radio", "track").set_value(vocab.CENTRAL)
    _type_unit(at, "新北市政府交通局", "新北市")
    at = _submit(at)
    assert "對應中央部會" in "\n".join(e.value for e in at.error)
    assert len(_proposals(url)) == before


def test_a_pasted_5000_character_title_keeps_its_first_part_and_says_so(url):
    """Each text shows its limit; a paste past it is cut there (by the browser, or by Streamlit for
    a client that does not), and the page names the field that was filled to its limit."""
    at = _open("交通窗口")
    title = _widget(at, "text_input", "title")
    assert title.max_chars == proposal_rules.MAX_CHARS["title"]
    assert _widget(at, "text_area", "contact").max_chars == proposal_rules.MAX_CHARS["contact"]
    _fill(at)
    _widget(at, "text_input", "title").set_value("長" * 5000)
    _widget(at, "text_area", "contact").set_value("新北市政府交通局 王科長\n02-1234567")
    _type_unit(at, "新北市政府交通局", "新北市")
    at = _submit(at)
    assert not at.exception and not at.error, [e.value for e in at.error]
    created = _proposals(url, title="長" * proposal_rules.MAX_CHARS["title"])
    assert [p.contact for p in created] == ["新北市政府交通局 王科長\n02-1234567"]
    assert f"「提案名稱」已達上限 {proposal_rules.MAX_CHARS['title']} 字" in "\n".join(w.value for w in at.warning)
