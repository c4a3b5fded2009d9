"""A new proposal from the paper card (合作提案單): numbered after the others of its year and
track, checked by the loader's rules field by field, allowed to the secretariat and to a lead for
their own groups, and recorded as version 1. Nothing is written on refusal."""

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from dashboard.domain import editing, proposal_yaml, queries, vocab
from dashboard.domain.permissions import OPERATOR, READER, Actor, PermissionDenied
from dashboard.store.models import City, Proposal, ProposalVersion

SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
TRANSPORT_LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))


@pytest.fixture
def s(writable_engine):
    """A store built from data/ that the test may write to, on the engine CI's pass chose."""
    with Session(writable_engine) as session:
        yield session


@pytest.fixture
def year(s) -> int:
    """The year of the store's newest proposals."""
    return s.exec(select(func.max(Proposal.year))).one()


@pytest.fixture
def cities(s) -> list[str]:
    return list(s.exec(select(City.name).order_by(City.sort_order)))


@pytest.fixture
def card(year, cities) -> dict:
    """A joint proposal of the transport group, as the form would send it."""
    return {
        "year": year,
        "track": vocab.JOINT,
        "group": "transport",
        "title": "北臺公車轉乘優惠整合",
        "lead_units": [{"unit": "新北市政府交通局", "city": "新北市"}],
        "types": [vocab.PROPOSAL_TYPES[3], vocab.PROPOSAL_TYPES[0]],
        "cities": [cities[3], cities[2]],
        "description": "跨市通勤族轉乘成本高。",
        "approach": "1.盤點轉乘路線。\n2.協調票價。",
        "benefits": "減少通勤成本。",
        "contact": "交通局 王科長 02-1234567",
    }


def _numbers(s, year: int, track: str) -> tuple[int, int]:
    """The highest id number and item number of the year's track."""
    rows = s.exec(select(Proposal.id, Proposal.item_no).where(Proposal.year == year, Proposal.track == track)).all()
    return max(int(pid.split("-")[1][1:]) for pid, _ in rows), max(item for _, item in rows)


def _counts(s) -> tuple[int, int]:
    return (s.exec(select(func.count(Proposal.id))).one(), s.exec(select(func.count(ProposalVersion.id))).one())


def test_the_secretariat_creates_a_proposal_numbered_after_its_track(s, card, year, cities):
    highest, item = _numbers(s, year, vocab.JOINT)
    version = editing.create(s, actor=SECRETARIAT, document=card, reason="第3次工作會議提出")
    new_id = f"{year}-J{highest + 1:02d}"
    assert (version.proposal_id, version.version, version.kind, version.recorded_by, version.reason) == (
        new_id,
        1,
        "create",
        "祕書甲",
        "第3次工作會議提出",
    )
    document = proposal_yaml.proposal_document(s, s.get(Proposal, new_id))
    assert document["item_no"] == item + 1
    assert {k: document[k] for k in card if k not in ("types", "cities")} == {
        k: card[k] for k in card if k not in ("types", "cities")
    }
    assert document["types"] == [vocab.PROPOSAL_TYPES[0], vocab.PROPOSAL_TYPES[3]]  # the card's box order
    assert document["cities"] == [cities[2], cities[3]] and document["cities_scope"] == "partial"
    assert (document["tracking_status"], document["progress_status"]) == (vocab.TRACKED, vocab.PLANNING)
    # no sentence of the system's: who made it, when and how is the version's
    assert not {"progress", "progress_basis", "tracking_basis"} & set(document)
    assert [(c["field"], c["old"], c["new"]) for c in version.changes] == [(k, None, v) for k, v in document.items()]
    assert editing.current_version(s, new_id) == 1


def test_the_new_proposal_sits_after_its_track_in_the_packet_order(s, card, year):
    before = [p.id for p in s.exec(select(Proposal).order_by(Proposal.sort_order))]
    central = editing.create(
        s, actor=SECRETARIAT, document={**card, "track": vocab.CENTRAL, "central_ministry": "交通部"}
    )
    after = [p.id for p in s.exec(select(Proposal).order_by(Proposal.sort_order))]
    last_central = max(i for i, pid in enumerate(before) if pid.startswith(f"{year}-C"))
    assert after == before[: last_central + 1] + [central.proposal_id] + before[last_central + 1 :]
    orders = list(s.exec(select(Proposal.sort_order)))
    assert len(set(orders)) == len(orders)
    assert list(queries.proposals_frame(s)["id"]) == after


def test_a_new_year_starts_at_one_and_comes_last(s, card, year):
    version = editing.create(s, actor=SECRETARIAT, document={**card, "year": year + 1})
    assert version.proposal_id == f"{year + 1}-J01"
    assert s.get(Proposal, version.proposal_id).item_no == 1
    last = s.exec(select(Proposal).order_by(Proposal.sort_order.desc())).first()
    assert last.id == version.proposal_id
    second = editing.create(s, actor=SECRETARIAT, document={**card, "year": year + 1, "title": "第二案"})
    assert second.proposal_id == f"{year + 1}-J02"


def test_all_eight_cities_tick_the_whole_region_box(s, card, cities):
    version = editing.create(s, actor=SECRETARIAT, document={**card, "cities": list(reversed(cities))})
    document = proposal_yaml.proposal_document(s, s.get(Proposal, version.proposal_id))
    assert document["cities_scope"] == "all" and document["cities"] == cities


def test_a_progress_text_is_the_basis_of_the_progress_status(s, card):
    version = editing.create(
        s, actor=SECRETARIAT, document={**card, "progress": "已召開協調會。", "progress_status": vocab.RUNNING}
    )
    proposal = s.get(Proposal, version.proposal_id)
    assert (proposal.progress, proposal.progress_basis, proposal.progress_status) == (
        "已召開協調會。",
        "已召開協調會。",
        vocab.RUNNING,
    )


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": "  "}, "title"),
        ({"lead_units": []}, "lead_units"),
        ({"lead_units": [{"unit": "交通局", "city": "台北市"}]}, "city"),
        ({"lead_units": [{"unit": "", "city": "新北市"}]}, "unit"),
        ({"types": []}, "types"),
        ({"types": ["合作"]}, "types"),
        ({"cities": []}, "cities"),
        ({"cities": ["台北市"]}, "cities"),
        ({"group": None}, "group"),
        ({"group": "no-such-group"}, "group"),
        ({"subgroup": "education"}, "subgroup"),
        ({"track": vocab.CARRIED}, "track"),
        ({"track": "other"}, "track"),
        ({"track": vocab.CENTRAL}, "central_ministry"),
        ({"year": 99}, "year"),
        ({"year": "明年"}, "year"),
        ({"year": 1234}, "year"),
        ({"tracking_status": "待辦"}, "tracking_status"),
        ({"progress_status": "進行"}, "progress_status"),
        ({"progress": "已開會。", "progress_basis": "未曾出現的句子"}, "progress_basis"),
        ({"contact": "a\x00b"}, "contact"),
        ({"title": "長" * 5000}, "title"),
        ({"contact": "長" * 301}, "contact"),
        ({"lead_units": [{"unit": "長" * 101, "city": "新北市"}]}, "unit"),
        ({"id": "112-J99"}, "id"),
        ({"sort_order": 1}, "sort_order"),
    ],
)
def test_each_rule_is_refused_naming_the_field_and_nothing_is_written(s, card, change, field):
    before = _counts(s)
    with pytest.raises(editing.EditError) as refused:
        editing.create(s, actor=SECRETARIAT, document={**card, **change})
    assert field in [p.field for p in refused.value.problems], str(refused.value)
    assert all(p.record.startswith(editing.NEW_LABEL) for p in refused.value.problems)
    s.rollback()
    assert _counts(s) == before


def test_a_5000_character_title_is_refused_naming_the_field_and_its_length(s, card):
    with pytest.raises(editing.EditError) as refused:
        editing.create(s, actor=SECRETARIAT, document={**card, "title": "長" * 5000})
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("title", "提案名稱最多 120 字，目前為 5000 字；請縮短後再儲存")
    ]


def test_a_contact_keeps_its_line_break(s, card):
    contact = "新北市政府交通局 王科長\n02-1234567 分機 100"
    created = editing.create(s, actor=SECRETARIAT, document={**card, "contact": contact})
    assert s.get(Proposal, created.proposal_id).contact == contact


def test_every_problem_of_the_card_is_reported_at_once(s, card):
    with pytest.raises(editing.EditError) as refused:
        editing.create(s, actor=SECRETARIAT, document={**card, "title": "", "types": [], "cities": ["台北市"]})
    assert {"title", "types", "cities"} <= {p.field for p in refused.value.problems}


def test_a_too_long_reason_is_refused(s, card):
    before = _counts(s)
    with pytest.raises(editing.EditError, match="修改原因"):
        editing.create(s, actor=SECRETARIAT, document=card, reason="長" * (editing.REASON_MAX_CHARS + 1))
    assert _counts(s) == before


@pytest.mark.parametrize(
    "actor, group, subgroup, allowed",
    [
        (TRANSPORT_LEAD, "transport", None, True),
        (TRANSPORT_LEAD, "environment", None, False),
        (
            Actor(name="教育窗口", role=vocab.LEAD, groups=frozenset({"education"})),
            "culture-education",
            "education",
            True,
        ),
        (
            Actor(name="教育窗口", role=vocab.LEAD, groups=frozenset({"education"})),
            "culture-education",
            "culture",
            False,
        ),
        (Actor(name="教育窗口", role=vocab.LEAD, groups=frozenset({"education"})), "culture-education", None, False),
        (
            Actor(name="文教窗口", role=vocab.LEAD, groups=frozenset({"culture-education"})),
            "culture-education",
            "culture",
            True,
        ),
        (OPERATOR, "environment", None, True),
    ],
)
def test_a_lead_creates_only_in_their_own_groups(s, card, actor, group, subgroup, allowed):
    document = {**card, "group": group, "subgroup": subgroup}
    before = _counts(s)
    if allowed:
        version = editing.create(s, actor=actor, document=document)
        proposal = s.get(Proposal, version.proposal_id)
        assert (proposal.group_id, proposal.subgroup_id, version.recorded_by) == (group, subgroup, actor.name)
    else:
        with pytest.raises(PermissionDenied, match=f"{actor.name}.*不能在"):
            editing.create(s, actor=actor, document=document)
        assert _counts(s) == before


@pytest.mark.parametrize("actor", [READER, Actor(name="無角色", role=None), Actor(name=None, role=vocab.SECRETARIAT)])
def test_readers_cannot_create(s, card, actor):
    before = _counts(s)
    with pytest.raises(PermissionDenied, match="不能新增提案"):
        editing.create(s, actor=actor, document=card)
    assert _counts(s) == before
