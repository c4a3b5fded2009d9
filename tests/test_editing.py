"""Editing a proposal: each change is a version with its field diffs, checked by the loader's rules
and by the actor's role, and refused when based on an older version. Nothing is written on refusal."""

from datetime import date

import pytest
from sqlmodel import Session, select

from dashboard.domain import editing, proposal_rules, proposal_yaml, vocab
from dashboard.domain.permissions import OPERATOR, READER, Actor, PermissionDenied
from dashboard.domain.text import MAX_BYTES
from dashboard.store.models import Proposal, ProposalCity, ProposalVersion

TRANSPORT_LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))
SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)


@pytest.fixture
def s(writable_engine):
    with Session(writable_engine) as session:
        yield session


@pytest.fixture
def transport(s) -> Proposal:
    return s.exec(
        select(Proposal)
        .where(Proposal.group_id == "transport", Proposal.cities_scope.is_not(None))
        .order_by(Proposal.sort_order)
    ).first()


def _document(s, proposal_id: str) -> dict:
    return proposal_yaml.proposal_document(s, s.get(Proposal, proposal_id))


def test_a_lead_updates_progress_and_the_change_is_a_version(s, transport):
    before = _document(s, transport.id)
    new_progress = before["progress"] + "\n另於第3季完成跨市聯合稽查。"
    version = editing.edit(
        s,
        actor=TRANSPORT_LEAD,
        proposal_id=transport.id,
        base_version=0,
        changes={"progress": new_progress, "progress_status": vocab.RUNNING},
        reason="季報更新",
    )
    assert (version.version, version.recorded_by, version.reason, version.kind) == (1, "交通窗口", "季報更新", "edit")
    assert [(c.field, c.label, c.old, c.new) for c in editing.changes_of(version)] == [
        ("progress", "進度說明", before["progress"], new_progress),
        ("progress_status", "進度狀態", before["progress_status"], vocab.RUNNING),
    ]
    after = _document(s, transport.id)
    assert after == {**before, "progress": new_progress, "progress_status": vocab.RUNNING}
    assert editing.current_version(s, transport.id) == 1
    assert [v.version for v in editing.history(s, transport.id)] == [1]


def test_saving_the_same_values_makes_no_version(s, transport):
    before = _document(s, transport.id)
    assert (
        editing.edit(
            s,
            actor=TRANSPORT_LEAD,
            proposal_id=transport.id,
            base_version=0,
            changes={"progress": before["progress"] + "  ", "cities": list(reversed(before["cities"]))},
        )
        is None
    )
    assert editing.history(s, transport.id) == []


def test_a_save_based_on_an_older_version_is_refused_and_names_the_other_change(s, transport):
    editing.edit(s, actor=SECRETARIAT, proposal_id=transport.id, base_version=0, changes={"contact": "祕書處代填"})
    with pytest.raises(editing.StaleEdit) as refused:
        editing.edit(s, actor=TRANSPORT_LEAD, proposal_id=transport.id, base_version=0, changes={"contact": "交通局"})
    assert refused.value.current == 1
    assert [c.new for v in refused.value.newer for c in editing.changes_of(v)] == ["祕書處代填"]
    assert "祕書甲" in str(refused.value) and "第 1 版" in str(refused.value)
    assert _document(s, transport.id)["contact"] == "祕書處代填"
    assert editing.current_version(s, transport.id) == 1


@pytest.mark.parametrize(
    "actor",
    [READER, Actor(name="教育窗口", role=vocab.LEAD, groups=frozenset({"education"})), Actor(name="無角色", role=None)],
)
def test_who_may_not_edit_writes_nothing(s, transport, actor):
    before = _document(s, transport.id)
    with pytest.raises(PermissionDenied):
        editing.edit(s, actor=actor, proposal_id=transport.id, base_version=0, changes={"contact": "x"})
    assert _document(s, transport.id) == before and editing.history(s, transport.id) == []


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"tracking_status": "已結案"}, "tracking_status", "列管狀態"),
        ({"progress_status": "進行中"}, "progress_status", "進度狀態"),
        ({"cities": ["台北市"]}, "cities", "未知的縣市「台北市」"),
        ({"types": ["其他合作"]}, "types", "未知的提案類型"),
        ({"lead_units": [{"unit": "交通局"}]}, "city", ""),
        ({"progress_basis": "不在說明中的一句話"}, "progress_basis", "逐字出現"),
        # what the defensive loader refuses in a file is refused in an edit, by the same rules
        ({"contact": "交通局\x00"}, "contact", "NUL"),
        ({"contact": "交通局\ud800"}, "contact", "Unicode"),
        ({"lead_units": [{"unit": "交通局\x00", "city": "臺北市"}]}, "lead_units 第 1 筆的 unit", "NUL"),
        ({"lead_units": [{"unit": "交通局", "city": "臺北市", "phone": "02-1234"}]}, "phone", "未知的欄位"),
        ({"contact": ["交通局", "祕書處"]}, "contact", "應為一段文字"),
        ({"progress_status": {"status": "執行中"}}, "progress_status", "應為一段文字"),
        ({"cities": [None, "臺北市"]}, "cities", "第 1 項應為一段文字"),
        ({"cities": [{"臺北市": True}]}, "cities", "第 1 項應為一段文字"),
        ({"cities": "臺北市"}, "cities", "應為清單"),
        ({"types": [["交通運輸"]]}, "types", "第 1 項應為一段文字"),
        ({"lead_units": ["交通局"]}, "lead_units", "第 1 項應為提案單位"),
        ({"lead_units": {"unit": "交通局", "city": "臺北市"}}, "lead_units", "應為清單"),
        ({"lead_units": [{"unit": ["交通局"], "city": "臺北市"}]}, "unit", "應為一段文字"),
        ({"contact": "很" * 301}, "contact", "聯絡人最多 300 字，目前為 301 字"),
        (
            {"lead_units": [{"unit": "交通局", "city": "臺北市"}] * 2 + [{"unit": "很" * 101, "city": "臺北市"}]},
            "unit",
            "單位名稱最多 100 字，目前為 101 字",
        ),
        # each text within its limit, but so many of them that the export would not load again
        (
            {"lead_units": [{"unit": f"{'很' * 95}{n:05d}", "city": "臺北市"} for n in range(MAX_BYTES // 285 + 1)]},
            "lead_units",
            "內容過長",
        ),
    ],
)
def test_values_the_loader_would_refuse_are_refused_naming_the_field(s, transport, changes, field, message):
    before = _document(s, transport.id)
    with pytest.raises(editing.EditError) as refused:
        editing.edit(s, actor=TRANSPORT_LEAD, proposal_id=transport.id, base_version=0, changes=changes)
    assert any(p.field == field and message in p.message for p in refused.value.problems), refused.value.problems
    s.rollback()
    assert _document(s, transport.id) == before and editing.history(s, transport.id) == []


def test_a_5000_character_title_is_refused_naming_the_field_its_limit_and_its_length(s, transport):
    before = _document(s, transport.id)
    with pytest.raises(editing.EditError) as refused:
        editing.edit(
            s,
            actor=SECRETARIAT,
            proposal_id=transport.id,
            base_version=0,
            changes={"title": "長" * 5000},
            fields=proposal_yaml.KEYS,
        )
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("title", f"提案名稱最多 {proposal_rules.MAX_CHARS['title']} 字，目前為 5000 字；請縮短後再儲存")
    ]
    s.rollback()
    assert _document(s, transport.id) == before and editing.history(s, transport.id) == []


def test_texts_at_their_limit_are_saved_and_a_contact_keeps_its_line_break(s, transport):
    limit = proposal_rules.MAX_CHARS
    changes = {"title": "名" * limit["title"], "contact": "交通局 運輸規劃科\n王小明 02-2720-8889"}
    editing.edit(
        s, actor=SECRETARIAT, proposal_id=transport.id, base_version=0, changes=changes, fields=proposal_yaml.KEYS
    )
    after = _document(s, transport.id)
    assert (after["title"], after["contact"]) == (changes["title"], changes["contact"])
    assert proposal_rules.at_limit(after) == [
        f"「提案名稱」已達上限 {limit['title']} 字：貼上的內容若較長，超出的部分未收錄，請確認結尾完整。"
    ]


def test_fields_outside_the_card_form_and_unknown_proposals_are_refused(s, transport):
    with pytest.raises(editing.EditError, match="沒有可修改的欄位「notes」"):
        editing.edit(s, actor=TRANSPORT_LEAD, proposal_id=transport.id, base_version=0, changes={"notes": "新備註"})
    with pytest.raises(editing.EditError, match="找不到提案「112-X99」"):
        editing.edit(s, actor=SECRETARIAT, proposal_id="112-X99", base_version=0, changes={"contact": "x"})
    with pytest.raises(editing.EditError, match="不可超過"):
        editing.edit(
            s,
            actor=SECRETARIAT,
            proposal_id=transport.id,
            base_version=0,
            changes={"contact": "x"},
            reason="很" * (editing.REASON_MAX_CHARS + 1),
        )
    with pytest.raises(editing.EditError, match="修改原因含有 NUL"):
        editing.edit(
            s, actor=SECRETARIAT, proposal_id=transport.id, base_version=0, changes={"contact": "x"}, reason="季報\x00"
        )
    with pytest.raises(editing.EditError, match="應為「欄位: 新值」"):
        editing.edit(s, actor=SECRETARIAT, proposal_id=transport.id, base_version=0, changes=["contact", "x"])
    with pytest.raises(editing.EditError, match="版本應為整數"):
        editing.edit(s, actor=SECRETARIAT, proposal_id=transport.id, base_version="0", changes={"contact": "x"})
    assert editing.history(s, transport.id) == []


def test_a_value_given_as_a_number_or_date_is_recorded_as_the_text_stored(s, transport):
    version = editing.edit(
        s, actor=SECRETARIAT, proposal_id=transport.id, base_version=0, changes={"contact": date(2024, 5, 1)}
    )
    assert [(c.field, c.new) for c in editing.changes_of(version)] == [("contact", "2024-05-01")]
    assert _document(s, transport.id)["contact"] == "2024-05-01"


def test_ticking_cities_sets_the_cards_scope_box(s, transport):
    everyone = _document(s, transport.id)["cities"] if transport.cities_scope == "all" else None
    cities = ["臺北市", "新北市"]
    editing.edit(s, actor=TRANSPORT_LEAD, proposal_id=transport.id, base_version=0, changes={"cities": cities})
    assert s.get(Proposal, transport.id).cities_scope == "partial"
    assert set(s.exec(select(ProposalCity.city_code).where(ProposalCity.proposal_id == transport.id))) == {
        "taipei",
        "new-taipei",
    }
    if everyone:
        editing.edit(s, actor=TRANSPORT_LEAD, proposal_id=transport.id, base_version=1, changes={"cities": everyone})
        assert s.get(Proposal, transport.id).cities_scope == "all"


def test_the_secretariat_reverts_a_version_as_a_new_version(s, transport):
    old = _document(s, transport.id)["contact"]
    editing.edit(s, actor=TRANSPORT_LEAD, proposal_id=transport.id, base_version=0, changes={"contact": "新窗口"})
    with pytest.raises(PermissionDenied):
        editing.revert(s, actor=TRANSPORT_LEAD, proposal_id=transport.id, version=1)
    version = editing.revert(s, actor=SECRETARIAT, proposal_id=transport.id, version=1)
    assert (version.version, version.kind, version.reason) == (2, "revert", "還原第 1 版")
    assert _document(s, transport.id)["contact"] == old
    assert [v.version for v in editing.history(s, transport.id)] == [2, 1]  # the reverted one is kept
    with pytest.raises(editing.EditError, match="沒有第 9 版"):
        editing.revert(s, actor=OPERATOR, proposal_id=transport.id, version=9)


def test_versions_are_numbered_per_proposal(s, transport):
    other = s.exec(select(Proposal).where(Proposal.id != transport.id, Proposal.cities_scope.is_not(None))).first()
    editing.edit(s, actor=SECRETARIAT, proposal_id=transport.id, base_version=0, changes={"contact": "a"})
    editing.edit(s, actor=SECRETARIAT, proposal_id=other.id, base_version=0, changes={"contact": "b"})
    assert s.exec(select(ProposalVersion.proposal_id, ProposalVersion.version).order_by(ProposalVersion.id)).all() == [
        (transport.id, 1),
        (other.id, 1),
    ]


def test_every_document_field_has_a_label_for_the_history():
    from dashboard.domain import proposal_yaml

    assert [k for k in proposal_yaml.KEYS if editing.field_label(k) == k] == []
