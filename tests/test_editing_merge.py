"""Two people change one proposal from the same version: the second save never drops the first
one's words. Fields only the other changed stay, fields only I changed apply on the version in
force, and a field both changed differently refuses the whole save (naming it) until someone
chooses. On both engines (writable_engine); plus the character diff and text merge."""

import pytest
from sqlmodel import Session

from dashboard.domain import diffs, editing, proposal_yaml, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.models import Proposal

PROPOSAL = "112-C02"  # transport
LEAD_A = Actor(name="交通窗口甲", role=vocab.LEAD, groups=frozenset({"transport"}))
SECRETARIAT_B = Actor(name="祕書乙", role=vocab.SECRETARIAT)
A_SAYS = "甲補充：已於第3季函請交通部研議。"
B_SAYS = "乙補充：各市意見已彙整完成。"


@pytest.fixture
def s(writable_engine):
    with Session(writable_engine) as session:
        yield session


def _progress(s) -> str:
    return proposal_yaml.proposal_document(s, s.get(Proposal, PROPOSAL))["progress"]


def _a_adds_a_sentence(s, opened: str) -> None:
    saved = editing.edit(s, actor=LEAD_A, proposal_id=PROPOSAL, changes={"progress": opened + A_SAYS}, base_version=0)
    assert saved.version == 1


def test_the_old_save_on_an_older_version_is_refused_and_a_plain_retry_would_drop_the_others_words(s):
    """Today's loss, reproduced: B's retry on the latest version with B's whole text replaces A's."""
    opened = _progress(s)
    _a_adds_a_sentence(s, opened)
    with pytest.raises(editing.StaleEdit):
        editing.edit(
            s, actor=SECRETARIAT_B, proposal_id=PROPOSAL, changes={"progress": opened + B_SAYS}, base_version=0
        )
    editing.edit(s, actor=SECRETARIAT_B, proposal_id=PROPOSAL, changes={"progress": opened + B_SAYS}, base_version=1)
    assert A_SAYS not in _progress(s)  # what 「以最新版本為基礎」 did: the reason for the merge


def test_both_sentences_are_kept_once_the_conflict_is_merged(s):
    opened = _progress(s)
    _a_adds_a_sentence(s, opened)
    with pytest.raises(editing.Conflicted) as refused:
        editing.edit(
            s,
            actor=SECRETARIAT_B,
            proposal_id=PROPOSAL,
            changes={"progress": opened + B_SAYS, "contact": "祕書乙 02-1234-5678"},
            base_version=0,
            merge=True,
        )
    error = refused.value
    assert "「進度說明」" in str(error) and "交通窗口甲" in str(error) and "第 1 版" in str(error)
    assert "未儲存" in str(error)
    [conflict] = error.conflicts
    assert (conflict.field, conflict.label) == ("progress", "進度說明")
    assert (conflict.base, conflict.theirs, conflict.mine) == (opened, opened + A_SAYS, opened + B_SAYS)
    assert conflict.merged == opened + A_SAYS + B_SAYS  # both additions, the other's first
    assert error.merge.changes == {"contact": "祕書乙 02-1234-5678"}
    assert _progress(s) == opened + A_SAYS and editing.current_version(s, PROPOSAL) == 1  # nothing written

    saved = editing.edit(
        s,
        actor=SECRETARIAT_B,
        proposal_id=PROPOSAL,
        changes={"progress": conflict.merged, "contact": "祕書乙 02-1234-5678"},
        base_version=error.current,
        merge=True,
    )
    assert saved.version == 2
    assert A_SAYS in _progress(s) and B_SAYS in _progress(s)


def test_a_field_only_the_other_changed_is_kept_and_mine_apply_on_the_latest(s):
    opened = _progress(s)
    _a_adds_a_sentence(s, opened)
    editing.edit(
        s, actor=LEAD_A, proposal_id=PROPOSAL, changes={"progress_status": vocab.RUNNING}, base_version=1
    )  # version 2
    saved = editing.edit(
        s,
        actor=SECRETARIAT_B,
        proposal_id=PROPOSAL,
        changes={"contact": "祕書乙 02-1234-5678", "progress": opened},  # progress as opened: not a change
        base_version=0,
        merge=True,
    )
    assert saved.version == 3 and [c["field"] for c in saved.changes] == ["contact"]
    document = proposal_yaml.proposal_document(s, s.get(Proposal, PROPOSAL))
    assert document["progress"] == opened + A_SAYS and document["progress_status"] == vocab.RUNNING
    assert document["contact"] == "祕書乙 02-1234-5678"


def test_a_field_both_changed_to_the_same_value_is_no_conflict(s):
    opened = _progress(s)
    _a_adds_a_sentence(s, opened)
    saved = editing.edit(
        s,
        actor=SECRETARIAT_B,
        proposal_id=PROPOSAL,
        changes={"progress": opened + A_SAYS + "  "},
        base_version=0,
        merge=True,
    )
    assert saved is None and editing.current_version(s, PROPOSAL) == 1


def test_a_choice_both_changed_differently_is_a_conflict_without_a_merged_text(s):
    editing.edit(s, actor=LEAD_A, proposal_id=PROPOSAL, changes={"progress_status": vocab.RUNNING}, base_version=0)
    merge = editing.merge_with_latest(s, PROPOSAL, 0, {"progress_status": vocab.DONE, "risk": "黃"})
    [conflict] = merge.conflicts
    assert (conflict.field, conflict.theirs, conflict.mine, conflict.merged) == (
        "progress_status",
        vocab.RUNNING,
        vocab.DONE,
        None,
    )
    assert merge.changes == {"risk": "黃"}
    with pytest.raises(editing.Conflicted, match="進度狀態"):
        editing.edit(
            s,
            actor=SECRETARIAT_B,
            proposal_id=PROPOSAL,
            changes={"progress_status": vocab.DONE},
            base_version=0,
            merge=True,
        )


def test_three_way_keeps_the_fields_only_they_changed():
    base = {"progress": "原文", "contact": "王"}
    theirs = {"progress": "原文甲", "contact": "王"}
    merge = editing.three_way(base, theirs, {"contact": "李"})
    assert (merge.changes, merge.kept, merge.conflicts) == ({"contact": "李"}, {"progress": "原文甲"}, [])


def test_the_character_diff_marks_what_changed_in_chinese():
    old, new = diffs.sides("進度說明甲。", "進度說明乙，另加。")
    assert old == [(diffs.SAME, "進度說明"), (diffs.GONE, "甲"), (diffs.SAME, "。")]
    assert new == [(diffs.SAME, "進度說明"), (diffs.ADDED, "乙，另加"), (diffs.SAME, "。")]
    assert "".join(t for _, t in old) == "進度說明甲。" and "".join(t for _, t in new) == "進度說明乙，另加。"


@pytest.mark.parametrize(
    ("base", "theirs", "mine", "merged"),
    [
        ("一二三四五", "一甲三四五", "一二三乙五", "一甲三乙五"),  # different places: both
        ("原文。", "原文。甲。", "原文。乙。", "原文。甲。乙。"),  # both added at the end: theirs first
        ("一二三四五", "一甲三四五", "一乙三四五", None),  # the same character: a person chooses
        ("一二三", "", "一二三四", None),  # one removed what the other added to
    ],
)
def test_merging_a_text_two_people_changed(base, theirs, mine, merged):
    assert diffs.merge_text(base, theirs, mine) == merged
