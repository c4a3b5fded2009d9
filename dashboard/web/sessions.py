"""Password sign-ins that survive a reload, a new tab and a server restart.

After a successful password check the page gets a random token (256 bits) and keeps it in a cookie;
the store keeps only the token's sha256, with the account, a fingerprint of the password hash it was
issued under and its times, so every replica and restart knows it and a leaked table signs nobody
in. A token stops working when:

- it has not been used for IDLE (12 hours), or MAX_AGE (7 days) has passed since sign-in;
- its holder signs out (the row is deleted: revoke);
- the account is disabled, ends (its last day has passed) or is removed, or its password changes
  (the caller passes the current
  name -> bcrypt hash of everyone who may sign in; a missing name or another hash ends it).

Use is recorded at most every TOUCH_EVERY seconds, so reruns do not each write to the store.
"""

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import Engine

from dashboard.domain import accounts
from dashboard.store.models import Account, SignInSession

TABLE = SignInSession.__table__
IDLE = 12 * 3600.0
MAX_AGE = 7 * 24 * 3600.0
TOUCH_EVERY = 60.0
TOKEN_BYTES = 32


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def issue(engine: Engine, name: str, password_hash: str, *, clock: Callable[[], float] = time.time) -> str:
    """A new token for `name`, signed in just now with the password whose hash is `password_hash`.
    Expired sessions of everyone are pruned on the way, so the table stays bounded."""
    now = clock()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with engine.begin() as connection:
        connection.execute(delete(TABLE).where(or_(TABLE.c.last_seen < now - IDLE, TABLE.c.created_at < now - MAX_AGE)))
        connection.execute(
            TABLE.insert().values(
                token_hash=_digest(token),
                account=name,
                credential=_digest(password_hash),
                created_at=now,
                last_seen=now,
            )
        )
    return token


def resolve(
    engine: Engine, token: str | None, users: Mapping[str, str], *, clock: Callable[[], float] = time.time
) -> str | None:
    """The account name `token` signs in, or None when it is unknown, expired, revoked, or its
    account may no longer sign in with that password (`users`: name -> current bcrypt hash)."""
    if not _plausible(token):
        return None
    with engine.connect() as connection:
        row = connection.execute(select(TABLE).where(TABLE.c.token_hash == _digest(token))).first()
    if row is None or not _still_valid(engine, token, row, users.get(row.account), clock()):
        return None
    return row.account


@dataclass(frozen=True)
class Holder:
    """Whom a token signs in: their name, and their account in the store as it is now."""

    name: str
    account: accounts.Standing | None  # None: not a store account (a user of secrets.toml)


# The token's row with its account and the account's groups: one statement per page run.
_HOLDER = select(
    TABLE.c.account,
    TABLE.c.credential,
    TABLE.c.created_at,
    TABLE.c.last_seen,
    *accounts.STANDING_COLUMNS,
    accounts.STANDING_GROUP,
).select_from(accounts.with_groups(TABLE.outerjoin(Account, Account.name == TABLE.c.account)))


def holder(
    engine: Engine, token: str | None, other_users: Mapping[str, str], *, clock: Callable[[], float] = time.time
) -> Holder | None:
    """resolve() and the holder's store account, read together in one statement. The password
    hash the token is checked against is the store's for its enabled accounts, else
    `other_users`' (name -> bcrypt hash: secrets.toml's), as resolve() gets them merged."""
    if not _plausible(token):
        return None
    with engine.connect() as connection:
        rows = connection.execute(_HOLDER.where(TABLE.c.token_hash == _digest(token))).all()
    if not rows:
        return None
    name = rows[0].account
    account = accounts.standings(rows).get(name)
    signs_in = account is not None and account.actor is not None and account.password_hash  # enabled, not ended
    current = account.password_hash if signs_in else other_users.get(name)
    if not _still_valid(engine, token, rows[0], current, clock()):
        return None
    return Holder(name, account)


def _plausible(token) -> bool:
    return bool(token) and isinstance(token, str) and len(token) <= 200


def _still_valid(engine: Engine, token: str, row, current: str | None, now: float) -> bool:
    """Whether the session `row` of `token` still signs in, its account's password hash being
    `current` now: an ended one is deleted, a used one touched (at most every TOUCH_EVERY)."""
    valid = (
        row.last_seen >= now - IDLE
        and row.created_at >= now - MAX_AGE
        and isinstance(current, str)
        and hmac.compare_digest(_digest(current), row.credential)
    )
    if not valid:  # ended for good: no later password change or clock can bring it back
        revoke(engine, token)
        return False
    if now - row.last_seen >= TOUCH_EVERY:
        with engine.begin() as connection:
            connection.execute(update(TABLE).where(TABLE.c.token_hash == _digest(token)).values(last_seen=now))
    return True


def revoke(engine: Engine, token: str | None) -> None:
    """End the session of `token` (signing out); unknown tokens are ignored."""
    if token and isinstance(token, str):
        with engine.begin() as connection:
            connection.execute(delete(TABLE).where(TABLE.c.token_hash == _digest(token)))
