"""Who may edit which proposal: readers nothing, a lead their own groups' proposals (a parent
group's lead also its sub-groups'), the secretariat everything."""

import pytest

from dashboard.domain import vocab
from dashboard.domain.permissions import (
    OPERATOR,
    READER,
    Actor,
    PermissionDenied,
    may_edit,
    require_edit,
    require_secretariat,
)
from dashboard.store.models import Proposal

TRANSPORT = Proposal(id="112-J05", group_id="transport", subgroup_id=None, title="t")
EDUCATION = Proposal(id="111-01", group_id="culture-education", subgroup_id="education", title="t")


def lead(*groups: str) -> Actor:
    return Actor(name="窗口", role=vocab.LEAD, groups=frozenset(groups))


@pytest.mark.parametrize(
    "actor, proposal, allowed",
    [
        (READER, TRANSPORT, False),
        (lead("transport"), TRANSPORT, True),
        (lead("transport"), EDUCATION, False),
        (lead("education"), EDUCATION, True),
        (lead("culture-education"), EDUCATION, True),
        (lead("culture"), EDUCATION, False),
        (Actor(name=None, role=vocab.SECRETARIAT), TRANSPORT, False),  # a role without a signed-in name
        (Actor(name="祕書甲", role=vocab.SECRETARIAT), EDUCATION, True),
        (OPERATOR, TRANSPORT, True),
    ],
)
def test_who_may_edit_a_proposal(actor, proposal, allowed):
    assert may_edit(actor, proposal) is allowed
    if allowed:
        require_edit(actor, proposal)
    else:
        with pytest.raises(PermissionDenied, match=f"不能修改提案 {proposal.id}"):
            require_edit(actor, proposal)


def test_the_refusal_names_the_actor():
    with pytest.raises(PermissionDenied, match="議題組窗口「窗口」不能記錄決議"):
        require_secretariat(lead("transport"), "記錄決議")
    with pytest.raises(PermissionDenied, match="未登入的讀者不能記錄決議"):
        require_secretariat(READER, "記錄決議")
