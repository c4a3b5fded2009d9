"""Accounts in the store: who may sign in, with which role and groups. Managed by the secretariat
(in the app or through the CLI as the operator); never deleted, only disabled."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from dashboard.domain import vocab
from dashboard.domain.permissions import Actor, require_secretariat
from dashboard.store.models import Account, AccountGroup, WorkGroup

NAME_MAX_CHARS = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class AccountError(ValueError):
    """Bad account data or an unknown/disabled account; the message says which, in Chinese."""


@dataclass(frozen=True)
class AccountView:
    name: str
    role: str
    groups: tuple[str, ...]
    email: str | None
    disabled: bool
    has_password: bool


def add(
    session: Session,
    *,
    actor: Actor,
    name: str,
    role: str,
    groups: tuple[str, ...] = (),
    password_hash: str | None = None,
    email: str | None = None,
) -> Account:
    require_secretariat(actor, "管理帳號")
    name = _valid_name(name)
    if session.get(Account, name) is not None:
        raise AccountError(f"帳號「{name}」已存在。")
    if role not in vocab.ROLES:
        raise AccountError(f"角色「{role}」不存在；可用：{'、'.join(f'{k}（{v}）' for k, v in vocab.ROLES.items())}。")
    groups = _valid_groups(session, role, groups)
    email = _valid_email(session, email)
    if password_hash is None and email is None:
        raise AccountError(f"帳號「{name}」須有密碼或 OIDC 電子郵件，否則無法登入。")
    account = Account(name=name, role=role, password_hash=password_hash, email=email, created_at=datetime.now(UTC))
    session.add(account)
    session.add_all(AccountGroup(account=name, group_id=group) for group in groups)
    session.commit()
    return account


def set_disabled(session: Session, *, actor: Actor, name: str, disabled: bool = True) -> None:
    require_secretariat(actor, "管理帳號")
    account = _existing(session, name)
    account.disabled = disabled
    session.add(account)
    session.commit()


def set_password(session: Session, *, actor: Actor, name: str, password_hash: str) -> None:
    require_secretariat(actor, "管理帳號")
    account = _existing(session, name)
    account.password_hash = password_hash
    session.add(account)
    session.commit()


def listing(session: Session) -> list[AccountView]:
    groups: dict[str, list[str]] = {}
    for row in session.exec(select(AccountGroup).order_by(AccountGroup.group_id)):
        groups.setdefault(row.account, []).append(row.group_id)
    return [
        AccountView(a.name, a.role, tuple(groups.get(a.name, ())), a.email, a.disabled, a.password_hash is not None)
        for a in session.exec(select(Account).order_by(Account.name))
    ]


def exists(session: Session, name: str) -> bool:
    """Whether the store has an account of this name, enabled or not."""
    return session.get(Account, name) is not None


def actor_for(session: Session, name: str) -> Actor:
    """The enabled account called name, as the Actor its writes are checked and recorded as."""
    account = _existing(session, name)
    if account.disabled:
        raise AccountError(f"帳號「{account.name}」已停用。")
    groups = session.exec(select(AccountGroup.group_id).where(AccountGroup.account == account.name)).all()
    return Actor(name=account.name, role=account.role, groups=frozenset(groups))


def actor_for_email(session: Session, email: str) -> Actor | None:
    """The enabled account an OIDC sign-in with this e-mail address maps to, if any."""
    folded = (email or "").strip().casefold()
    account = next(
        (a for a in session.exec(select(Account).where(Account.email.is_not(None))) if a.email.casefold() == folded),
        None,
    )
    return None if account is None or account.disabled else actor_for(session, account.name)


# Enabled accounts that sign in with a password (those the password form checks against).
SIGNS_IN_WITH_PASSWORD = (Account.disabled == False) & Account.password_hash.is_not(None)  # noqa: E712


def password_hashes(session: Session) -> dict[str, str]:
    """name -> bcrypt hash of the enabled accounts that sign in with a password."""
    return {a.name: a.password_hash for a in session.exec(select(Account).where(SIGNS_IN_WITH_PASSWORD))}


# --- who is signed in, read on every page run ----------------------------------------------------
# A page run reads its signed-in account once, in one statement (account and its groups joined),
# so that a disabled account stops acting at its next run without costing a run several queries.


@dataclass(frozen=True)
class Standing:
    """An account as a page run reads it: enough to check a sign-in session and to act."""

    name: str
    role: str
    disabled: bool
    password_hash: str | None
    email: str | None
    groups: frozenset[str]

    @property
    def actor(self) -> Actor | None:
        """Who the account acts as; None once it is disabled."""
        return None if self.disabled else Actor(name=self.name, role=self.role, groups=self.groups)


# The columns standings() reads, last in a row: one row per group of the account (or one with none).
STANDING_COLUMNS = (Account.name, Account.role, Account.disabled, Account.password_hash, Account.email)
STANDING_GROUP = AccountGroup.group_id


def with_groups(joined):
    """`joined` (a selectable holding `account`) outer-joined with the account's groups."""
    return joined.outerjoin(AccountGroup, AccountGroup.account == Account.name)


def standings(rows: Iterable) -> dict[str, Standing]:
    """name -> Standing from rows ending in STANDING_COLUMNS and STANDING_GROUP; rows without an
    account (an outer join that found none) are left out."""
    found: dict[str, tuple] = {}
    groups: dict[str, set[str]] = {}
    width = len(STANDING_COLUMNS) + 1
    for row in rows:
        *fields, group = tuple(row)[-width:]
        if fields[0] is None:
            continue
        found.setdefault(fields[0], fields)
        groups.setdefault(fields[0], set()).update([group] if group else [])
    return {
        name: Standing(name, role, bool(disabled), password_hash, email, frozenset(groups[name]))
        for name, (_, role, disabled, password_hash, email) in found.items()
    }


_STANDINGS = sa_select(*STANDING_COLUMNS, STANDING_GROUP).select_from(with_groups(Account.__table__))


def standing(connection: Connection, name: str) -> Standing | None:
    """The account called `name` as it is now (None when the store has none), in one statement."""
    name = (name or "").strip()
    return standings(connection.execute(_STANDINGS.where(Account.name == name))).get(name)


def standing_by_email(connection: Connection, email: str) -> Standing | None:
    """The account an OIDC sign-in with this e-mail address maps to (matched case-folded), as it is
    now, in one statement; None when no account has that address."""
    folded = (email or "").strip().casefold()
    found = standings(connection.execute(_STANDINGS.where(Account.email.is_not(None))))
    return next((s for s in found.values() if s.email.casefold() == folded), None)


def _existing(session: Session, name: str) -> Account:
    account = session.get(Account, (name or "").strip())
    if account is None:
        raise AccountError(f"找不到帳號「{(name or '').strip()}」。")
    return account


def _valid_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise AccountError("帳號名稱不可空白。")
    if len(name) > NAME_MAX_CHARS or _CONTROL.search(name):
        raise AccountError(f"帳號名稱須為 {NAME_MAX_CHARS} 字以內、不含控制字元的文字。")
    return name


def _valid_groups(session: Session, role: str, groups: tuple[str, ...]) -> tuple[str, ...]:
    groups = tuple(dict.fromkeys(g.strip() for g in groups if g and g.strip()))
    if role == vocab.SECRETARIAT:
        if groups:
            raise AccountError("祕書處帳號可修改所有議題組，不需指定議題組。")
        return ()
    if not groups:
        raise AccountError("議題組窗口帳號須指定至少一個議題組（--group）。")
    known = {g.id: g.name for g in session.exec(select(WorkGroup))}
    by_name = {name: gid for gid, name in known.items()}
    resolved = []
    for group in groups:
        if group not in known and group not in by_name:
            raise AccountError(f"找不到議題組「{group}」；可用：{'、'.join(f'{k}（{v}）' for k, v in known.items())}。")
        resolved.append(group if group in known else by_name[group])
    return tuple(resolved)


def _valid_email(session: Session, email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    email = email.strip()
    if not _EMAIL.fullmatch(email):
        raise AccountError(f"電子郵件「{email}」格式不正確。")
    if any(a.email and a.email.casefold() == email.casefold() for a in session.exec(select(Account))):
        raise AccountError(f"電子郵件「{email}」已用於其他帳號。")
    return email
