"""Working groups per cycle (dashboard/domain/group_terms.py): a group's name and host agency belong to
a cycle; starting the next cycle carries them over unconfirmed; renames, new groups (splits), closes
and merges apply from a cycle on, each a version, and leave the cycles before as they were (their
pages and packet); leads follow their group, a merged group's leads get its target."""

import pytest
from sqlmodel import Session, select

from dashboard.documents import packet
from dashboard.domain import (
    accounts,
    cycles,
    editing,
    group_changes,
    group_terms,
    new_year,
    permissions,
    queries,
    vocab,
)
from dashboard.domain.permissions import Actor, PermissionDenied
from dashboard.store.models import GroupVersion, Proposal, WorkGroup
from tests import docxparts
from tests.storetools import add_account

SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
HSINCHU = "新竹市政府交通處"


@pytest.fixture
def store(writable_engine):
    """The packet's store with the next cycle started (new_year) and a lead of the police sub-group."""
    with Session(writable_engine) as s:
        first = cycles.current_cycle(s)
        day = cycles.meeting_of(s, first).date
        new_year.start_year(s, cycle=first + 1, meeting_date=day.replace(year=day.year + 1), actor=SECRETARIAT)
    add_account(writable_engine, "治安窗口", vocab.LEAD, "police")
    return writable_engine


def _packet_view(s: Session, cycle: int) -> tuple:
    """What the packet of `cycle` prints about groups: its rows' group labels, meeting log and card order."""
    data = packet.collect(s, cycle=cycle)
    return (
        [(r.proposal.id, r.group_label) for r in data.carried + sum(data.new.values(), [])],
        data.log,
        data.card_ids,
    )


def _packet_parts(s: Session, cycle: int) -> dict[str, bytes]:
    """The packet .docx of `cycle`, part by part (its generation time aside: tests/docxparts.py)."""
    return docxparts.parts(packet.packet_docx(s, cycle=cycle))


def _first(s: Session) -> int:
    return cycles.cycles(s)[0]


def test_the_first_cycle_reads_as_data_holds_it(session):
    groups = group_terms.groups_in_cycle(session, cycles.current_cycle(session))
    stored = {g.id: g for g in session.exec(select(WorkGroup))}
    assert [g.id for g in groups][:4] == ["development", "culture-education", "culture", "education"]
    assert all(g.name == stored[g.id].name and g.host_agency == stored[g.id].host_agency for g in groups)
    assert not any(g.host_carried for g in groups)


def test_a_new_cycle_carries_names_and_hosts_over_unconfirmed(store):
    with Session(store) as s:
        first = _first(s)
        carried = group_terms.groups_in_cycle(s, first + 1)
        before = group_terms.groups_in_cycle(s, first)
    assert [(g.id, g.name, g.host_agency) for g in carried] == [(g.id, g.name, g.host_agency) for g in before]
    assert all(g.host_carried for g in carried if g.host_agency)
    assert not any(g.host_carried for g in before)
    assert "沿用上年度，待確認" in next(g for g in carried if g.id == "transport").host_label


def test_a_rename_and_new_host_apply_from_their_cycle_on_and_leave_the_one_before(store):
    with Session(store) as s:
        first = _first(s)
        old_packet, old_parts = _packet_view(s, first), _packet_parts(s, first)
        version = group_changes.edit(
            s,
            actor=SECRETARIAT,
            group_id="transport",
            year=first + 1,
            changes={"name": "交通組", "host_agency": HSINCHU},
            base_version=0,
            reason="新竹市主政",
        )
        assert version.version == 1 and version.recorded_by == "祕書甲" and version.reason == "新竹市主政"
        assert {"field": "host_agency", "old": "新北市政府交通局", "new": HSINCHU} in version.changes
        now = {g.id: g for g in group_terms.groups_in_cycle(s, first + 1)}
        then = {g.id: g for g in group_terms.groups_in_cycle(s, first)}
        assert (now["transport"].name, now["transport"].host_agency, now["transport"].host_carried) == (
            "交通組",
            HSINCHU,
            False,
        )
        assert (then["transport"].name, then["transport"].host_agency) == ("交通運輸組", "新北市政府交通局")
        # a later cycle without a term of its own inherits it, carried over again
        later = {g.id: g for g in group_terms.groups_in_cycle(s, first + 2)}["transport"]
        assert (later.name, later.host_agency, later.host_carried) == ("交通組", HSINCHU, True)
        # pages: the proposal list names groups as in each proposal's cycle
        frame_now = queries.proposals_frame(s, cycle=first + 1)
        frame_then = queries.proposals_frame(s, cycle=first)
        assert set(frame_now.loc[frame_now["group_id"] == "transport", "group"]) == {"交通組"}
        assert set(frame_then.loc[frame_then["group_id"] == "transport", "group"]) == {"交通運輸組"}
        assert _packet_view(s, first) == old_packet  # the packet of the cycle before is unchanged
        assert _packet_parts(s, first) == old_parts
        log = _packet_view(s, first + 1)[1]
        assert any(row.group == "交通組" and row.host == "交通處" for table in log for row in table.rows)


def test_setting_the_carried_host_again_confirms_it(store):
    with Session(store) as s:
        first = _first(s)
        version = group_changes.edit(
            s, actor=SECRETARIAT, group_id="industry", year=first + 1, changes={"host_agency": "新北市政府經濟發展局"}
        )
        assert version.changes == [{"field": "host_carried", "old": True, "new": False}]
        assert not {g.id: g for g in group_terms.groups_in_cycle(s, first + 1)}["industry"].host_carried


def test_a_stale_save_is_refused_and_writes_nothing(store):
    with Session(store) as s:
        first = _first(s)
        group_changes.edit(s, actor=SECRETARIAT, group_id="transport", year=first + 1, changes={"name": "交通組"})
        with pytest.raises(group_changes.StaleGroupEdit, match="已由祕書甲更新為第 1 版"):
            group_changes.edit(
                s, actor=SECRETARIAT, group_id="transport", year=first + 1, changes={"name": "運輸組"}, base_version=0
            )
        assert {g.id: g.name for g in group_terms.groups_in_cycle(s, first + 1)}["transport"] == "交通組"
        assert len(group_terms.history(s, "transport")) == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": "環境資源組"}, "已有議題組名為「環境資源組」"),
        ({"name": " "}, "名稱不可空白"),
        ({"host_agency": ""}, "主辦機關不可空白"),
        ({"sort_order": "first"}, "排序應為"),
        ({"parent": "public-safety"}, "沒有可修改的欄位「parent」"),
    ],
)
def test_a_bad_change_is_refused_with_what_and_where(store, changes, message):
    with Session(store) as s:
        first = _first(s)
        with pytest.raises(group_changes.GroupError, match=message) as refused:
            group_changes.edit(s, actor=SECRETARIAT, group_id="transport", year=first + 1, changes=changes)
        assert f"{first + 1}年度" in str(refused.value)
        assert not s.exec(select(GroupVersion)).all()


def test_only_the_secretariat_changes_groups(store):
    lead = Actor(name="治安窗口", role=vocab.LEAD, groups=frozenset({"police"}))
    with Session(store) as s, pytest.raises(PermissionDenied, match="只有祕書處可以設定議題組"):
        group_changes.edit(s, actor=lead, group_id="police", year=_first(s) + 1, changes={"name": "警政組"})


def test_a_year_the_store_does_not_hold_is_refused(store):
    with Session(store) as s, pytest.raises(group_changes.GroupError, match="沒有 200 年度的資料"):
        group_changes.edit(s, actor=SECRETARIAT, group_id="transport", year=200, changes={"name": "交通組"})


def test_a_split_adds_a_group_from_its_cycle_with_proposals_moved(store):
    with Session(store) as s:
        first = _first(s)
        moving = next(
            p.id for p in s.exec(select(Proposal).where(cycles.in_cycle(first + 1))) if p.group_id == "transport"
        )
        old_packet = _packet_view(s, first)
        version = group_changes.add(
            s,
            actor=SECRETARIAT,
            group_id="rail",
            year=first + 1,
            values={"name": "軌道組", "host_agency": "新竹市政府交通處"},
            move=(moving,),
        )
        assert {"field": "proposals", "old": None, "new": [moving]} in version.changes
        assert "rail" in {g.id for g in group_terms.groups_in_cycle(s, first + 1)}
        assert "rail" not in {g.id for g in group_terms.groups_in_cycle(s, first)}
        assert s.get(Proposal, moving).group_id == "rail"
        assert editing.history(s, moving)[0].changes[0]["new"] == "rail"  # the move is a proposal version
        assert _packet_view(s, first) == old_packet
        earlier = next(p.id for p in s.exec(select(Proposal).where(cycles.in_cycle(first))))
        with pytest.raises(group_changes.GroupError, match="過去年度的提案維持原組別"):
            group_changes.add(
                s,
                actor=SECRETARIAT,
                group_id="bus",
                year=first + 1,
                values={"name": "公車組", "host_agency": "新竹市政府交通處"},
                move=(earlier,),
            )
        assert s.get(WorkGroup, "bus") is None


def test_a_merge_moves_later_proposals_and_gives_the_leads_the_target(store):
    with Session(store) as s:
        first = _first(s)
        police = [p.id for p in s.exec(select(Proposal).where(cycles.in_cycle(first + 1))) if p.subgroup_id == "police"]
        past = [p.id for p in s.exec(select(Proposal).where(cycles.in_cycle(first))) if p.subgroup_id == "police"]
        assert police and past
        old_packet, old_parts = _packet_view(s, first), _packet_parts(s, first)
        version = group_changes.close(s, actor=SECRETARIAT, group_id="police", year=first + 1, into="disaster")
        assert {"field": "leads", "old": None, "new": ["治安窗口"]} in version.changes
        assert all(s.get(Proposal, pid).subgroup_id == "disaster" for pid in police)
        assert all(s.get(Proposal, pid).subgroup_id == "police" for pid in past)  # the cycle before keeps its own
        assert "police" not in {g.id for g in group_terms.groups_in_cycle(s, first + 1)}
        assert "police" in {g.id for g in group_terms.groups_in_cycle(s, first)}
        assert _packet_view(s, first) == old_packet and _packet_parts(s, first) == old_parts
        lead = accounts.actor_for(s, "治安窗口")
        assert permissions.may_edit(lead, s.get(Proposal, police[0]))  # follows the proposals to the target
        assert permissions.may_edit(lead, s.get(Proposal, past[0]))


def test_leads_follow_their_group_into_the_new_cycle(store):
    with Session(store) as s:
        first = _first(s)
        group_changes.edit(s, actor=SECRETARIAT, group_id="police", year=first + 1, changes={"name": "警政組"})
        lead = accounts.actor_for(s, "治安窗口")
        ours = [p for p in s.exec(select(Proposal).where(cycles.in_cycle(first + 1))) if p.subgroup_id == "police"]
        assert ours and all(permissions.may_edit(lead, p) for p in ours)


def test_closing_a_group_with_proposals_needs_a_target(store):
    with Session(store) as s:
        first = _first(s)
        with pytest.raises(group_changes.GroupError, match="請指定要併入的議題組"):
            group_changes.close(s, actor=SECRETARIAT, group_id="transport", year=first + 1)
        with pytest.raises(group_changes.GroupError, match="仍有分組"):
            group_changes.close(s, actor=SECRETARIAT, group_id="public-safety", year=first + 1, into="transport")
        assert not s.exec(select(GroupVersion)).all()


def test_a_closed_group_cannot_be_edited_in_its_cycle(store):
    with Session(store) as s:
        first = _first(s)
        group_changes.close(s, actor=SECRETARIAT, group_id="police", year=first + 1, into="disaster")
        with pytest.raises(group_changes.GroupError, match="已結束"):
            group_changes.edit(s, actor=SECRETARIAT, group_id="police", year=first + 1, changes={"name": "警政組"})
        moved = next(
            p for p in s.exec(select(Proposal).where(cycles.in_cycle(first + 1))) if p.id.startswith(str(first))
        )
        card = queries.proposal_card(s, proposal_id=moved.id)
        assert card.group.name == {g.id: g.name for g in group_terms.groups_in_cycle(s, first + 1)}[moved.group_id]


def test_the_groups_per_cycle_go_through_data_and_back(store, fresh_engine, tmp_path):
    from dashboard.datafiles import build, data_layout

    def seen(engine) -> dict:
        with Session(engine) as s:
            first = _first(s)
            return {
                year: [
                    (g.id, g.name, g.parent_id, g.host_agency, g.closed, g.merged_into, g.host_carried)
                    for g in group_terms.groups_in_cycle(s, year, closed=True)
                ]
                for year in (first, first + 1)
            }

    with Session(store) as s:
        first = _first(s)
        group_changes.edit(s, actor=SECRETARIAT, group_id="transport", year=first + 1, changes={"host_agency": HSINCHU})
        group_changes.add(
            s, actor=SECRETARIAT, group_id="rail", year=first + 1, values={"name": "軌道組", "host_agency": HSINCHU}
        )
        group_changes.close(s, actor=SECRETARIAT, group_id="police", year=first + 1, into="disaster")
    data_layout.export_data_layout(store, tmp_path / "data")
    assert (tmp_path / "data" / "group_terms.csv").read_text(encoding="utf-8").startswith("group,year,name")
    build.load(fresh_engine, tmp_path / "data")
    assert seen(fresh_engine) == seen(store)


def test_a_proposal_cannot_go_to_a_group_closed_in_its_cycle(store):
    with Session(store) as s:
        first = _first(s)
        in_police = [p for p in s.exec(select(Proposal).where(cycles.in_cycle(first))) if p.subgroup_id == "police"]
        group_changes.close(s, actor=SECRETARIAT, group_id="police", year=first + 1, into="disaster")
        later = next(p for p in s.exec(select(Proposal).where(cycles.in_cycle(first + 1))) if p.group_id == "transport")
        with pytest.raises(editing.EditError, match="police"):
            editing.edit(
                s,
                actor=SECRETARIAT,
                proposal_id=later.id,
                changes={"group": "public-safety", "subgroup": "police"},
                base_version=editing.current_version(s, later.id),
                fields=("group", "subgroup"),
            )
        past = in_police[0]  # the cycle before still has it: its proposals stay editable
        assert editing.edit(
            s,
            actor=SECRETARIAT,
            proposal_id=past.id,
            changes={"contact": "警察局 王組長"},
            base_version=editing.current_version(s, past.id),
        )


def test_a_plain_load_refuses_to_overwrite_group_settings(writable_engine):
    from dashboard.datafiles import build
    from dashboard.store.config import DATA_DIR

    with Session(writable_engine) as s:
        group_changes.edit(s, actor=SECRETARIAT, group_id="transport", year=_first(s), changes={"name": "交通組"})
    with pytest.raises(build.StoreHasEdits, match="1 筆議題組設定"):
        build.load(writable_engine, DATA_DIR)
    with Session(writable_engine) as s:
        assert {g.id: g.name for g in group_terms.groups_in_cycle(s, _first(s))}["transport"] == "交通組"


def test_loading_data_as_versions_keeps_the_stores_groups_per_cycle(store, tmp_path):
    from dashboard.datafiles import build, data_layout
    from dashboard.store.config import DATA_DIR

    with Session(store) as s:
        first = _first(s)
        moving = next(
            p.id for p in s.exec(select(Proposal).where(cycles.in_cycle(first + 1))) if p.group_id == "transport"
        )
        group_changes.add(
            s,
            actor=SECRETARIAT,
            group_id="rail",
            year=first + 1,
            values={"name": "軌道組", "host_agency": HSINCHU},
            move=(moving,),
        )
    build.import_versions(store, DATA_DIR, actor=SECRETARIAT)  # data/ knows nothing of the next cycle
    with Session(store) as s:
        assert "rail" in {g.id for g in group_terms.groups_in_cycle(s, first + 1)}
    data_layout.export_data_layout(store, tmp_path / "data")
    (tmp_path / "data" / "group_terms.csv").write_text(
        "group,year,name,parent,host_agency,sort_order,added,closed,merged_into,host_carried\n"
        f"rail,{first + 1},軌道運輸組,,{HSINCHU},17,1,,,\n",
        encoding="utf-8",
    )
    build.import_versions(store, tmp_path / "data", actor=SECRETARIAT)
    with Session(store) as s:
        assert {g.id: g.name for g in group_terms.groups_in_cycle(s, first + 1)}["rail"] == "軌道運輸組"
        imported = group_terms.history(s, "rail")[0]
        assert imported.kind == "import" and {"field": "name", "old": "軌道組", "new": "軌道運輸組"} in imported.changes
