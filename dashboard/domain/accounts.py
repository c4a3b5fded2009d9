"""Accounts in the store: who may sign in, with which role and groups, and until which day.
Managed by the secretariat (in the app or through the CLI as the operator); never deleted, only
disabled or ended on a date (the chair, and with it the secretariat, rotates yearly among the
cities: the outgoing staff's accounts end at the hand-over).

Every change is a version (AccountVersion: who, when, old -> new, why), as a proposal's are
(dashboard/domain/editing.py): a save from the page names the version it was drawn from and is
refused when another was saved since. Passwords are checked by dashboard/domain/passwords.py and
hashed by dashboard/web/auth.py before they come here; the history records that a password was
set, never a hash."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dashboard.domain import dates, vocab
from dashboard.domain.permissions import Actor, require_secretariat
from dashboard.store.db import save_version
from dashboard.store.models import Account, AccountGroup, AccountVersion, WorkGroup

NAME_MAX_CHARS = 40
REASON_MAX_CHARS = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MANAGE = "管理帳號"


class AccountError(ValueError):
    """Bad account data or an unknown/disabled account; the message says which, in Chinese."""


class UnknownName(AccountError):
    """An account or working group that the store does not have (the CLI exits 2 on it)."""


class StaleAccountEdit(AccountError):
    """A change based on an older version of the account than the one in force."""

    def __init__(self, name: str, base_version: int, newer: list[AccountVersion]):
        self.name, self.base_version = name, base_version
        self.current = newer[-1].version if newer else base_version
        who = "、".join(dict.fromkeys(v.recorded_by for v in newer)) or "其他人"
        super().__init__(
            f"帳號「{name}」已由{who}更新為第 {self.current} 版（您的修改依據第 {base_version} 版），"
            "未儲存；請看過最新的內容與修改紀錄後，再決定是否重新送出。"
        )


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()  # change(until=KEEP): leave the last day as it is (None clears it)


def ended(until: date | None, now: datetime | None = None) -> bool:
    """Whether an account whose last day is `until` has ended at `now` (default: now): it acts
    through that whole day in Taipei and stops at the next day's 00:00 Taipei time."""
    return until is not None and dates.now_taipei(now).date() > until


@dataclass(frozen=True)
class AccountView:
    name: str
    role: str
    groups: tuple[str, ...]
    email: str | None
    disabled: bool
    has_password: bool
    until: date | None = None
    version: int = 0  # the version in force (0: never changed since before versions were kept)

    @property
    def ended(self) -> bool:
        return ended(self.until)

    @property
    def acts(self) -> bool:
        return not self.disabled and not self.ended


def add(
    session: Session,
    *,
    actor: Actor,
    name: str,
    role: str,
    groups: tuple[str, ...] = (),
    password_hash: str | None = None,
    email: str | None = None,
    until: date | None = None,
    reason: str | None = None,
) -> Account:
    """A new account, recorded as its version 1 (what it was made with)."""
    require_secretariat(actor, MANAGE)
    name = _valid_name(name)
    if session.get(Account, name) is not None:
        raise AccountError(f"帳號「{name}」已存在。")
    if role not in vocab.ROLES:
        raise AccountError(f"角色「{role}」不存在；可用：{'、'.join(f'{k}（{v}）' for k, v in vocab.ROLES.items())}。")
    groups = _valid_groups(session, role, groups)
    email = _valid_email(session, email)
    if password_hash is None and email is None:
        raise AccountError(f"帳號「{name}」須有密碼或 OIDC 電子郵件，否則無法登入。")
    until = _valid_until(until)
    reason = _valid_reason(reason)
    now = datetime.now(UTC)
    account = Account(name=name, role=role, password_hash=password_hash, email=email, created_at=now, until=until)
    session.add(account)
    session.add_all(AccountGroup(account=name, group_id=group) for group in groups)
    made = {"role": role, "groups": list(groups), "email": email, "until": _iso(until), "disabled": False}
    changes = [{"field": f, "old": None, "new": v} for f, v in made.items() if v not in (None, [], False)]
    if password_hash is not None:
        changes.append(PASSWORD_SET)
    session.add(
        AccountVersion(account=name, version=1, changes=changes, reason=reason, recorded_at=now, recorded_by=actor.name)
    )
    try:
        session.commit()
    except IntegrityError:  # added by someone else in between
        session.rollback()
        raise AccountError(f"帳號「{name}」已存在。") from None
    return account


PASSWORD_SET = {"field": "password", "old": None, "new": None}  # a new password, recorded without any hash
FIELD_LABELS = {
    "role": "角色",
    "groups": "議題組",
    "email": "電子郵件",
    "disabled": "狀態",
    "until": "使用期限",
    "password": "密碼",
}


def change(
    session: Session,
    *,
    actor: Actor,
    name: str,
    base_version: int | None = None,
    role: str | None = None,
    groups: Iterable[str] | None = None,
    disabled: bool | None = None,
    until: date | None | _Keep = KEEP,
    password_hash: str | None = None,
    reason: str | None = None,
) -> AccountVersion | None:
    """Change an account as one new version; None when nothing actually changes. Arguments left
    at None (until: KEEP) keep what the account has. A lead's groups may be named by id or name;
    a lead made secretariat loses its groups.

    Only the secretariat changes accounts; anyone changes their own password (the caller has
    checked the old one: pages/shared/auth_form.py). Nobody disables, ends or demotes the account
    they act as: another of the secretariat does, so that the app is never left without one.

    Raises PermissionDenied, AccountError (UnknownName for an unknown account or group) or
    StaleAccountEdit (base_version given and not the version in force). Nothing is written then.
    Saves are serialised (store.db.begin_write), so of two saves on one base version the second is
    always refused."""
    own_password_only = (
        actor.name == (name or "").strip()
        and password_hash is not None
        and (role, groups, disabled, until) == (None, None, None, KEEP)
    )
    if not own_password_only:
        require_secretariat(actor, MANAGE)

    def taken() -> None:  # a writer that skipped the lock took this version number meanwhile
        raise StaleAccountEdit(name, base_version or 0, _newer(session, name, base_version or 0)) from None

    return save_version(
        session,
        lambda: _stage(
            session,
            actor=actor,
            name=name,
            base_version=base_version,
            role=role,
            groups=groups,
            disabled=disabled,
            until=until,
            password_hash=password_hash,
            reason=reason,
        ),
        on_conflict=taken,
    )


def _stage(session: Session, *, actor, name, base_version, role, groups, disabled, until, password_hash, reason):
    account = _existing(session, name)
    current = current_version(session, account.name)
    if base_version is not None and base_version != current:
        raise StaleAccountEdit(account.name, base_version, _newer(session, account.name, base_version))
    reason = _valid_reason(reason)
    old_groups = _groups_of(session, account.name)
    new_role = account.role if role is None else role
    if new_role not in vocab.ROLES:
        raise AccountError(
            f"角色「{new_role}」不存在；可用：{'、'.join(f'{k}（{v}）' for k, v in vocab.ROLES.items())}。"
        )
    if groups is None:
        groups = old_groups if new_role == vocab.LEAD else ()
    new_groups = list(_valid_groups(session, new_role, tuple(groups)))
    new_until = account.until if until is KEEP else _valid_until(until)
    new_disabled = account.disabled if disabled is None else bool(disabled)
    _refuse_ending_oneself(actor, account, new_role, new_disabled, new_until)
    before = _fields(account.role, old_groups, account.disabled, account.until)
    after = _fields(new_role, new_groups, new_disabled, new_until)
    changes = [{"field": f, "old": before[f], "new": after[f]} for f in before if before[f] != after[f]]
    if password_hash is not None:
        changes.append(PASSWORD_SET)
        account.password_hash = password_hash
    if not changes:
        return None
    account.role, account.disabled, account.until = new_role, new_disabled, new_until
    session.add(account)
    if sorted(new_groups) != sorted(old_groups):
        for row in session.exec(select(AccountGroup).where(AccountGroup.account == account.name)):
            session.delete(row)
        session.flush()
        session.add_all(AccountGroup(account=account.name, group_id=g) for g in new_groups)
    version = AccountVersion(
        account=account.name,
        version=current + 1,
        changes=changes,
        reason=reason,
        recorded_at=datetime.now(UTC),
        recorded_by=actor.name,
    )
    session.add(version)
    return version


def _fields(role: str, groups, disabled: bool, until: date | None) -> dict:
    """An account's recorded fields as the history keeps them (JSON: an ISO date, a sorted list)."""
    return {"role": role, "groups": sorted(groups), "disabled": disabled, "until": _iso(until)}


def _refuse_ending_oneself(actor: Actor, account: Account, role: str, disabled: bool, until: date | None) -> None:
    if actor.name != account.name:
        return
    if disabled and not account.disabled:
        raise AccountError("不能停用自己正在使用的帳號；請由另一位祕書處人員停用。")
    if role != account.role:
        raise AccountError("不能變更自己正在使用的帳號的角色；請由另一位祕書處人員變更。")
    if until != account.until and ended(until):
        raise AccountError("不能讓自己正在使用的帳號立即結束；請設定今天或以後的日期，或由另一位祕書處人員設定。")


def set_disabled(session: Session, *, actor: Actor, name: str, disabled: bool = True) -> None:
    change(session, actor=actor, name=name, disabled=disabled)


def set_password(session: Session, *, actor: Actor, name: str, password_hash: str) -> None:
    change(session, actor=actor, name=name, password_hash=password_hash)


def current_version(session: Session, name: str) -> int:
    """The account's version in force: 0 for one unchanged since before versions were kept."""
    return session.exec(
        select(func.coalesce(func.max(AccountVersion.version), 0)).where(AccountVersion.account == name)
    ).one()


def history(session: Session, name: str) -> list[AccountVersion]:
    """Every version of an account, newest first."""
    return list(
        session.exec(
            select(AccountVersion).where(AccountVersion.account == name).order_by(AccountVersion.version.desc())
        )
    )


def describe(change: dict, group_names: dict[str, str], *, created: bool = False) -> str:
    """One recorded change as users read it: 「角色：議題組窗口 → 祕書處」, 「已重設密碼」; of the
    version that added the account (`created`), what it was made with: 「角色：議題組窗口」, 「設定密碼」."""
    field = change["field"]
    if field == "password":
        return "設定密碼" if created else "已重設密碼"
    label = FIELD_LABELS.get(field, field)
    if created:
        return f"{label}：{_shown(field, change['new'], group_names)}"
    return f"{label}：{_shown(field, change['old'], group_names)} → {_shown(field, change['new'], group_names)}"


def described(version: AccountVersion, group_names: dict[str, str]) -> list[str]:
    """Every change of a version as users read it (describe)."""
    return [describe(c, group_names, created=version.version == 1) for c in version.changes]


def _shown(field: str, value, group_names: dict[str, str]) -> str:
    if field == "role":
        return vocab.ROLES.get(value, value) if value else "（無）"
    if field == "groups":
        return "、".join(group_names.get(g, g) for g in value or []) or "（無）"
    if field == "disabled":
        return "停用" if value else "啟用"
    if field == "until":
        return dates.roc_date(date.fromisoformat(value)) if value else "（不限）"
    return str(value) if value else "（無）"


def listing(session: Session) -> list[AccountView]:
    groups: dict[str, list[str]] = {}
    for row in session.exec(select(AccountGroup).order_by(AccountGroup.group_id)):
        groups.setdefault(row.account, []).append(row.group_id)
    latest = select(AccountVersion.account, func.max(AccountVersion.version)).group_by(AccountVersion.account)
    versions = {name: version for name, version in session.exec(latest).all()}
    return [
        AccountView(
            a.name,
            a.role,
            tuple(groups.get(a.name, ())),
            a.email,
            a.disabled,
            a.password_hash is not None,
            a.until,
            versions.get(a.name, 0),
        )
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
    if ended(account.until):
        raise AccountError(f"帳號「{account.name}」的使用期限到{dates.roc_date(account.until)}為止，已結束。")
    groups = session.exec(select(AccountGroup.group_id).where(AccountGroup.account == account.name)).all()
    return Actor(name=account.name, role=account.role, groups=frozenset(groups))


def actor_for_email(session: Session, email: str) -> Actor | None:
    """The enabled account an OIDC sign-in with this e-mail address maps to, if any."""
    folded = (email or "").strip().casefold()
    account = next(
        (a for a in session.exec(select(Account).where(Account.email.is_not(None))) if a.email.casefold() == folded),
        None,
    )
    return None if account is None or account.disabled or ended(account.until) else actor_for(session, account.name)


# Enabled accounts that sign in with a password (those the password form checks against, but for
# a last day passed: password_hashes leaves those out too). The store's stamp counts these.
SIGNS_IN_WITH_PASSWORD = (Account.disabled == False) & Account.password_hash.is_not(None)  # noqa: E712


def password_hashes(session: Session) -> dict[str, str]:
    """name -> bcrypt hash of the enabled, not ended accounts that sign in with a password."""
    return {
        a.name: a.password_hash
        for a in session.exec(select(Account).where(SIGNS_IN_WITH_PASSWORD))
        if not ended(a.until)
    }


def password_hash_of(session: Session, name: str) -> str | None:
    """The bcrypt hash of an account that acts and signs in with a password (None otherwise): what
    its own change of password checks the old one against."""
    account = session.get(Account, (name or "").strip())
    if account is None or account.disabled or ended(account.until):
        return None
    return account.password_hash


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
    until: date | None = None

    @property
    def actor(self) -> Actor | None:
        """Who the account acts as; None once it is disabled or its last day has passed."""
        if self.disabled or ended(self.until):
            return None
        return Actor(name=self.name, role=self.role, groups=self.groups)


# The columns standings() reads, last in a row: one row per group of the account (or one with none).
STANDING_COLUMNS = (
    Account.name,
    Account.role,
    Account.disabled,
    Account.password_hash,
    Account.email,
    Account.until,
)
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
        name: Standing(name, role, bool(disabled), password_hash, email, frozenset(groups[name]), _day(until))
        for name, (_, role, disabled, password_hash, email, until) in found.items()
    }


def _day(value) -> date | None:
    """A stored date (SQLite's driver may hand back its ISO text through a plain select)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


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
        raise UnknownName(f"找不到帳號「{(name or '').strip()}」。")
    return account


def _groups_of(session: Session, name: str) -> list[str]:
    return sorted(session.exec(select(AccountGroup.group_id).where(AccountGroup.account == name)))


def _newer(session: Session, name: str, base_version: int) -> list[AccountVersion]:
    return list(
        session.exec(
            select(AccountVersion)
            .where(AccountVersion.account == name, AccountVersion.version > base_version)
            .order_by(AccountVersion.version)
        )
    )


def _valid_until(until) -> date | None:
    if until is None:
        return None
    if isinstance(until, datetime) or not isinstance(until, date):
        raise AccountError(f"使用期限應為日期，不是「{until}」。")
    return until


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _valid_reason(reason: str | None) -> str | None:
    reason = (reason or "").strip() or None
    if reason and (len(reason) > REASON_MAX_CHARS or _CONTROL.search(reason.replace("\n", " "))):
        raise AccountError(f"修改原因須為 {REASON_MAX_CHARS} 字以內、不含控制字元的文字。")
    return reason


_ROC_DAY = re.compile(r"(?:民國)?\s*(\d{2,3})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")


def parse_day(text: str) -> date:
    """A day typed as ISO (yyyy-mm-dd) or in the ROC calendar (民國年 with 年月日, or slashes)."""
    text = (text or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _ROC_DAY.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        try:
            return date(year + dates.ROC_OFFSET, month, day)
        except ValueError:
            pass
    raise AccountError(f"「{text}」不是日期；請寫成 {day_examples()}。")


def day_examples() -> str:
    """How a day may be typed, shown with today's date (Taipei), so that no year is written here."""
    today = dates.now_taipei().date()
    return f"{today.isoformat()} 或 {dates.roc_date(today)}"


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
        raise AccountError("議題組窗口帳號須指定至少一個議題組。")
    known = {g.id: g.name for g in session.exec(select(WorkGroup))}
    by_name = {name: gid for gid, name in known.items()}
    resolved = []
    for group in groups:
        if group not in known and group not in by_name:
            raise UnknownName(f"找不到議題組「{group}」；可用：{'、'.join(f'{k}（{v}）' for k, v in known.items())}。")
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
