"""Who may change what. Every write in dashboard/ takes an Actor and asks here, so a page, the
CLI or a script cannot write more than the role allows.

- Reader (not signed in): reads only.
- Group lead: edits the proposals of their own working groups (a sub-group's lead, those of the
  sub-group; a group's lead, all of the group's proposals).
- Secretariat: everything, including decisions, meeting data and accounts.
"""

from dataclasses import dataclass, field

from dashboard.domain import vocab
from dashboard.store.models import Proposal


class PermissionDenied(Exception):
    """A write the actor's role does not allow; the message says who, what and why, in Chinese."""


@dataclass(frozen=True)
class Actor:
    name: str | None = None  # None: a reader, not signed in
    role: str | None = None  # a key of vocab.ROLES
    groups: frozenset[str] = field(default_factory=frozenset)  # a lead's working groups

    @classmethod
    def secretariat(cls, name: str | None) -> "Actor":
        """A secretariat user known by name only (secrets.toml's accounts or its OIDC list)."""
        return cls(name=(name or "").strip() or None, role=vocab.SECRETARIAT)

    @property
    def is_secretariat(self) -> bool:
        return bool(self.name) and self.role == vocab.SECRETARIAT

    @property
    def label(self) -> str:
        return f"{vocab.ROLES.get(self.role, '')}「{self.name}」" if self.name else "未登入的讀者"


READER = Actor()
# Whoever runs the command line on the server: they hold the database already.
OPERATOR = Actor(name="命令列操作者", role=vocab.SECRETARIAT)


def may_edit(actor: Actor, proposal: Proposal) -> bool:
    if actor.name is None:
        return False
    if actor.is_secretariat:
        return True
    return actor.role == vocab.LEAD and bool({proposal.group_id, proposal.subgroup_id} & actor.groups)


def require_edit(actor: Actor, proposal: Proposal) -> None:
    if not may_edit(actor, proposal):
        raise PermissionDenied(f"{actor.label}不能修改提案 {proposal.id}：只有該議題組的窗口或祕書處可以修改。")


def require_secretariat(actor: Actor, what: str) -> None:
    if not actor.is_secretariat:
        raise PermissionDenied(f"{actor.label}不能{what}：只有祕書處可以{what}。")
