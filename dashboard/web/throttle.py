"""Slowing down password guessing, kept in the database so that restarts and replicas share it.

Why no lockout: a hard account lockout lets anyone who knows an account name lock its owner out
(OWASP Authentication Cheat Sheet, "Account Lockout"). This follows OWASP's "Slow Down Online
Guessing Attacks with Device Cookies" instead, with the client's address standing in for the device
cookie, which a Streamlit page cannot set. Failed attempts are counted in four buckets:

- pair (client + account): one address guessing one name. The delay starts at 1 s and doubles with
  each failure, up to 5 minutes. Only that address is slowed.
- client: one address spraying many names. After a few free failures, the same growth.
- account: many addresses guessing one name. The delay grows to at most 30 s.
- global: everyone's failures together, so spraying from many addresses is slowed as well.

The pair and client buckets are an address's own budget: only its own failures spend them. The
account and global buckets are shared, and a spray keeps them spent for as long as it lasts (a
refused attempt costs the sprayer nothing, and each delay's end lets the next failure start
another). So they hold back only an address that has spent some of its own budget: one with
`own_budget` or more failures (counted until `forget_after` passes without one). An address with
fewer, such as the owner at a new address, is checked on its own budget alone, however many others
are failing. A sprayer gets at most `own_budget` checks an address that way before the shared
buckets slow it too.

A client from which an account signed in before (a "known" pair, remembered for 30 days) is held
only to its own pair bucket: other people's failures never delay the owner at their usual address.
While a bucket's delay runs, attempts it holds back are refused before the password is checked, so
a refused attempt costs no bcrypt and is not counted. A bucket is forgotten after an hour without
failures and its row pruned, so the table stays bounded; since rows are written only after a
password check, and a process checks one at a time, so is the number of rows a spray can create.
Keys are hashes: names typed at the form (perhaps a password) are never stored.

Limits, accepted: people sharing one address (an office behind NAT) share its pair and client
buckets, so a colleague guessing at that address can slow the owner there up to the pair's cap, and
spend that address's own budget; an attacker with many addresses gets `own_budget` checks at each
of them an hour on top of the shared budgets (the CPU is still protected: dashboard/web/auth.py
checks one password at a time). Both are bounded, neither is a lockout, and signing in once makes an
address known.
"""

import hashlib
import ipaddress
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import case, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from dashboard.store.models import SignInThrottle

TABLE = SignInThrottle.__table__
TRUSTED_PROXIES_ENV = "DASHBOARD_TRUSTED_PROXIES"  # comma-separated addresses or networks
WRITE_TRIES = 5


class _Pruned(Exception):
    """A row vanished between its insert and its update (another session pruned it)."""


def _contended(error: OperationalError) -> bool:
    text = str(error.orig).lower()
    return "locked" in text or "busy" in text or "deadlock" in text


@dataclass(frozen=True)
class Rule:
    """Delay after n consecutive failures: none for the first `free`, then base, 2×base, … ≤ cap."""

    free: int
    base: float
    cap: float

    def delay(self, failures: int) -> float:
        over = failures - self.free
        return min(self.base * 2.0 ** min(over - 1, 64), self.cap) if over > 0 else 0.0  # no float overflow


@dataclass(frozen=True)
class Standing:
    wait_seconds: float  # > 0: the attempt is held back this long
    own_failures: int  # the address's failures that count (0 at an address known for the account)


@dataclass(frozen=True)
class Policy:
    pair: Rule = Rule(free=0, base=1.0, cap=300.0)
    client: Rule = Rule(free=5, base=1.0, cap=300.0)
    account: Rule = Rule(free=5, base=1.0, cap=30.0)
    global_: Rule = Rule(free=100, base=1.0, cap=10.0)
    forget_after: float = 3600.0  # a bucket's failures are forgotten after this long without one
    # An address with fewer failures than this (its client bucket's) is not held back by the shared
    # account and global buckets: other addresses' failures cannot keep it out.
    own_budget: int = 3
    known_for: float = 30 * 86400.0  # how long a successful sign-in makes its pair known

    def rule(self, kind: str) -> Rule:
        return self.global_ if kind == "global" else getattr(self, kind)


def account_key(name: str) -> str:
    """The name under which failures are counted: trimmed, case-folded."""
    return (name or "").strip().casefold()


def _key(kind: str, client: str, account: str) -> str:
    return hashlib.sha256(f"{kind}\0{client}\0{account}".encode()).hexdigest()


def _buckets(client: str, name: str) -> dict[str, str]:
    """kind -> row key for an attempt from client on name."""
    account = account_key(name)
    return {
        "pair": _key("pair", client, account),
        "client": _key("client", client, ""),
        "account": _key("account", "", account),
        "global": _key("global", "", ""),
    }


class Throttle:
    """The four buckets of the module docstring, in the store's `sign_in_throttle` table."""

    def __init__(self, engine: Engine, *, policy: Policy = Policy(), clock: Callable[[], float] = time.time):
        self.engine, self.policy, self.clock = engine, policy, clock  # wall clock: shared by replicas

    def wait_seconds(self, client: str, name: str) -> float:
        """How long client must wait before its next attempt on name (0 when it may try now)."""
        return self.standing(client, name).wait_seconds

    def standing(self, client: str, name: str) -> "Standing":
        """Where an attempt from client on name stands: its wait, and its own recent failures."""
        now = self.clock()
        buckets = _buckets(client, name)
        with self.engine.connect() as connection:
            rows = {
                row.kind: row
                for row in connection.execute(
                    select(
                        TABLE.c.kind, TABLE.c.failures, TABLE.c.last_failure, TABLE.c.blocked_until, TABLE.c.known_until
                    ).where(TABLE.c.key.in_(buckets.values()))
                )
            }
        pair = rows.get("pair")
        known = pair is not None and pair.known_until > now
        own_failures = 0 if known else self._failures(rows.get("client"), now)
        if known:
            kinds = ["pair"]
        elif own_failures < self.policy.own_budget:
            kinds = ["pair", "client"]  # its own budget only
        else:
            kinds = list(rows)
        wait = max([rows[kind].blocked_until - now for kind in kinds if kind in rows] + [0.0])
        return Standing(wait_seconds=wait, own_failures=own_failures)

    def _failures(self, row, now: float) -> int:
        """A bucket's failures that still count (those of the last forget_after)."""
        if row is None or row.last_failure < now - self.policy.forget_after:
            return 0
        return row.failures

    def is_known(self, client: str, name: str) -> bool:
        with self.engine.connect() as connection:
            known_until = connection.execute(
                select(TABLE.c.known_until).where(TABLE.c.key == _buckets(client, name)["pair"])
            ).scalar()
        return known_until is not None and known_until > self.clock()

    def record_failure(self, client: str, name: str) -> float:
        """Count a failed attempt in every bucket; returns how long client must now wait on name."""
        now = self.clock()
        buckets = _buckets(client, name)
        stale = now - self.policy.forget_after

        def count(connection) -> None:  # each update locks its row until commit
            for kind, key in buckets.items():  # always in this order, so transactions cannot deadlock
                if not connection.execute(
                    update(TABLE)
                    .where(TABLE.c.key == key)
                    .values(
                        failures=case((TABLE.c.last_failure < stale, 1), else_=TABLE.c.failures + 1), last_failure=now
                    )
                ).rowcount:
                    raise _Pruned
                failures, blocked = connection.execute(
                    select(TABLE.c.failures, TABLE.c.blocked_until).where(TABLE.c.key == key)
                ).one()
                until = max(blocked, now + self.policy.rule(kind).delay(failures))
                connection.execute(update(TABLE).where(TABLE.c.key == key).values(blocked_until=until))
            connection.execute(delete(TABLE).where(TABLE.c.last_failure < stale, TABLE.c.known_until < now))

        self._write(buckets, now, count)
        return self.wait_seconds(client, name)

    def record_success(self, client: str, name: str) -> None:
        """Forget the pair's failures and remember the client as known for this account."""
        now = self.clock()
        key = _buckets(client, name)["pair"]
        with self.engine.connect() as connection:
            row = connection.execute(select(TABLE.c.failures, TABLE.c.known_until).where(TABLE.c.key == key)).first()
        if row is not None and row.failures == 0 and row.known_until > now + self.policy.known_for / 2:
            return  # known and recently renewed: no write, so signing in takes no write lock

        def trust(connection) -> None:
            if not connection.execute(
                update(TABLE)
                .where(TABLE.c.key == key)
                .values(failures=0, blocked_until=0.0, known_until=now + self.policy.known_for)
            ).rowcount:
                raise _Pruned

        self._write({"pair": key}, now, trust)

    def _write(self, buckets: dict[str, str], now: float, work: Callable) -> None:
        """Run work in a transaction on rows that exist, trying again when another session pruned a
        row in between or SQLite was too busy to take the write lock (it answers at once rather
        than wait when waiting could deadlock)."""
        for attempt in range(WRITE_TRIES):
            try:
                self._ensure_rows(buckets, now)
                with self.engine.begin() as connection:
                    work(connection)
                return
            except _Pruned:
                continue
            except OperationalError as error:
                if attempt == WRITE_TRIES - 1 or not _contended(error):
                    raise
                time.sleep(0.05 * 2**attempt)
        raise RuntimeError("The sign-in throttle's rows kept being pruned while written")

    def _ensure_rows(self, buckets: dict[str, str], now: float) -> None:
        """Insert the missing rows. A concurrent insert of the same key (another session or replica)
        fails on the primary key, and on PostgreSQL aborts its transaction: then the rows are
        inserted one per transaction, skipping those that now exist."""
        with self.engine.connect() as connection:
            present = set(connection.execute(select(TABLE.c.key).where(TABLE.c.key.in_(buckets.values()))).scalars())
        rows = [
            dict(key=key, kind=kind, failures=0, last_failure=now, blocked_until=0.0, known_until=0.0)
            for kind, key in buckets.items()
            if key not in present
        ]
        if not rows:
            return
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(TABLE), rows)
        except IntegrityError:
            for row in rows:
                try:
                    with self.engine.begin() as connection:
                        connection.execute(insert(TABLE), [row])
                except IntegrityError:
                    pass


def trusted_proxies(value: str | None = None) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The proxies whose X-Forwarded-For is believed: loopback always, plus DASHBOARD_TRUSTED_PROXIES."""
    value = os.environ.get(TRUSTED_PROXIES_ENV, "") if value is None else value
    entries = ["127.0.0.0/8", "::1/128"] + [e.strip() for e in value.split(",") if e.strip()]
    return [ipaddress.ip_network(e, strict=False) for e in entries]


def client_id(peer: str | None, forwarded_for: Iterable[str] = (), *, proxies=None) -> str:
    """The address that attempts are counted under.

    `peer` is the TCP peer (st.context.ip_address: None for loopback), which cannot be forged. Only
    when it is a trusted proxy is X-Forwarded-For read, and then from the right: each proxy appends
    the address it received the request from, so the rightmost entry that is not a trusted proxy is
    the real client. The first (leftmost) hop is whatever the client chose to send, so counting by
    it would let an attacker take a fresh bucket with every attempt. IPv6 clients are counted per
    /64, the block one subscriber usually holds.
    """
    proxies = trusted_proxies() if proxies is None else proxies
    address = _parse(peer) if peer else ipaddress.ip_address("127.0.0.1")
    if address is None:
        return _group(peer)
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    while _is_proxy(address, proxies) and hops:
        hop = hops.pop()
        parsed = _parse(hop)
        if parsed is None:
            return _group(hop)
        address = parsed
    return _group(str(address))


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def _is_proxy(address, proxies) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def _group(address: str) -> str:
    parsed = _parse(address)
    if parsed is None:
        return address[:100]  # not an address: counted as given (bounded)
    if parsed.version == 6 and parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
