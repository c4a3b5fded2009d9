"""Secretariat sign-in: bcrypt password hashes from a mapping, checked one at a time, behind a throttle.

The hashes come from the `[secretariat.users]` section of .streamlit/secrets.toml (made with
`python -m dashboard hash-password`); no password is ever stored or logged. Failed attempts are
slowed by dashboard/web/throttle.py, which keeps its counts in the database. A bcrypt check takes a core
for about a quarter of a second, so a process checks one password at a time: sessions guessing
passwords cannot take the CPU that other viewers' pages need, and a throttled attempt is refused
before any hashing. Attempts waiting for the check are served fewest failures first (of their
address, in the throttle's count), so that a spray's queue of checks cannot keep out an owner at an
address that has not failed: the owner waits for the check running, not for the sprayers'.
"""

import heapq
import itertools
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import bcrypt

from dashboard.domain import passwords
from dashboard.web.throttle import Throttle

MAX_PASSWORD_BYTES = passwords.MAX_BYTES  # bcrypt's limit; longer passwords are refused, never silently truncated
DEFAULT_ROUNDS = 12
BUSY_TIMEOUT = 5.0  # seconds an attempt waits for its turn at the password check before giving up


class CheckQueue:
    """One password check at a time (per process); waiting attempts are served lowest priority
    first, then in arrival order. A plain semaphore wakes waiters in no particular order."""

    def __init__(self):
        self._changed = threading.Condition()
        self._running = False
        self._waiting: list[tuple[int, int]] = []  # a heap of (priority, ticket)
        self._tickets = itertools.count()

    @property
    def waiting(self) -> int:
        with self._changed:
            return len(self._waiting)

    def acquire(self, priority: int = 0, *, timeout: float) -> bool:
        """Wait for this attempt's turn; False (and no turn) when timeout seconds pass first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            entry = (priority, next(self._tickets))
            heapq.heappush(self._waiting, entry)
            while self._running or self._waiting[0] != entry:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._waiting.remove(entry)
                    heapq.heapify(self._waiting)
                    self._changed.notify_all()  # the next in line may be free to go now
                    return False
                self._changed.wait(remaining)
            heapq.heappop(self._waiting)
            self._running = True
            return True

    def release(self) -> None:
        with self._changed:
            self._running = False
            self._changed.notify_all()


CHECKS = CheckQueue()
_BCRYPT_HASH = re.compile(r"\$2[abxy]?\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}")


def hash_password(password: str, *, rounds: int = DEFAULT_ROUNDS) -> str:
    """A salted bcrypt hash of password (in its NFKC form, dashboard/domain/passwords.py), as text
    for secrets.toml or the store. It checks only what bcrypt needs: new_password_hash applies the
    rules for a new password."""
    data = passwords.normalized(password).encode("utf-8")
    if not data:
        raise ValueError("密碼不可為空白。")
    if len(data) > MAX_PASSWORD_BYTES:
        raise ValueError(f"密碼不可超過 {MAX_PASSWORD_BYTES} 位元組。")
    return bcrypt.hashpw(data, bcrypt.gensalt(rounds=rounds)).decode("ascii")


def new_password_hash(password: str, name: str | None = None, *, rounds: int = DEFAULT_ROUNDS) -> str:
    """The hash of a new password for the account `name`, after the rules of
    dashboard/domain/passwords.py (PasswordError, in Chinese, when they refuse it)."""
    return hash_password(passwords.check(password, name), rounds=rounds)


def is_bcrypt_hash(text: object) -> bool:
    return isinstance(text, str) and _BCRYPT_HASH.fullmatch(text) is not None


def verify_password(password: str, hashed: str) -> bool:
    """Whether password is the one hashed: in its NFKC form (as hash_password hashes), or as typed
    for a hash made before passwords were normalised (only when the two differ)."""
    typed = password or ""
    forms = dict.fromkeys([passwords.normalized(typed), typed])
    return any(_matches(form.encode("utf-8"), hashed) for form in forms)


def _matches(data: bytes, hashed: str) -> bool:
    if not data or len(data) > MAX_PASSWORD_BYTES:
        return False
    try:
        return bcrypt.checkpw(data, hashed.encode("ascii"))
    except (ValueError, UnicodeEncodeError):  # not a bcrypt hash
        return False


@dataclass(frozen=True)
class Problem:
    """Something wrong in secrets.toml. `message` says what and where without naming an account (it
    is shown on the sign-in form to anyone); `account` is added in the server's log."""

    message: str
    account: str | None = None


@dataclass(frozen=True)
class Accounts:
    users: dict[str, str]  # name -> bcrypt hash, only the valid ones
    oidc_emails: frozenset[str]  # casefolded
    problems: tuple[Problem, ...] = ()


USERS_SECTION = "secrets.toml 的 [secretariat.users]"


def read_accounts(secretariat: object) -> Accounts:
    """The accounts in a parsed `[secretariat]` section, keeping the valid ones and naming every
    problem: a wrong shape or a value that is not a bcrypt hash is reported, never skipped silently."""
    if secretariat is None:
        return Accounts({}, frozenset())
    if not isinstance(secretariat, Mapping):
        return Accounts(
            {}, frozenset(), (Problem("secrets.toml 的 secretariat 應為區段 [secretariat]，目前是單一值。"),)
        )
    problems: list[Problem] = []
    users: dict[str, str] = {}
    section = secretariat.get("users", {})
    if not isinstance(section, Mapping):
        problems.append(Problem(f'{USERS_SECTION} 應為「帳號 = "密碼雜湊"」的區段，目前是單一值。'))
        section = {}
    for position, (name, hashed) in enumerate(section.items(), start=1):
        where = f"{USERS_SECTION} 第 {position} 個帳號"
        if not str(name).strip():
            problems.append(Problem(f"{where}：帳號名稱是空白。"))
        elif not isinstance(hashed, str):
            problems.append(Problem(f"{where}：值應為一段文字（密碼雜湊），目前是 {_kind(hashed)}。", str(name)))
        elif not is_bcrypt_hash(hashed):
            problems.append(
                Problem(
                    f"{where}：值不是 bcrypt 密碼雜湊，此帳號無法登入；請以 "
                    f"python -m dashboard hash-password 重新產生。",
                    str(name),
                )
            )
        else:
            users[str(name)] = hashed
    emails = secretariat.get("oidc_emails", [])
    if isinstance(emails, str) or not isinstance(emails, list | tuple):
        problems.append(
            Problem('secrets.toml 的 [secretariat] oidc_emails 應為電子郵件的清單，例如 ["a@example.org"]。')
        )
        emails = []
    return Accounts(users, frozenset(str(e).strip().casefold() for e in emails), tuple(problems))


def _kind(value: object) -> str:
    return "區段" if isinstance(value, Mapping) else "清單" if isinstance(value, list) else type(value).__name__


@dataclass(frozen=True)
class SignInResult:
    user: str | None = None  # the signed-in name on success
    wait_seconds: float = 0.0  # > 0 when the client must wait before its next attempt
    refused: bool = False  # True when the attempt came too soon and the password was not checked
    busy: bool = False  # True when the server was too busy checking other passwords

    @property
    def ok(self) -> bool:
        return self.user is not None


_DUMMY_HASHES: dict[int, str] = {}


def _dummy_hash(users: Mapping[str, str]) -> str:
    """A hash to check unknown names against, at the cost of the configured ones, so that unknown
    names take as long as known ones and cannot be told apart by timing."""
    costs = [int(h.split("$")[2]) for h in users.values() if is_bcrypt_hash(h)]
    rounds = max(costs, default=DEFAULT_ROUNDS)
    if rounds not in _DUMMY_HASHES:
        _DUMMY_HASHES[rounds] = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=rounds)).decode("ascii")
    return _DUMMY_HASHES[rounds]


def sign_in(
    users: Mapping[str, str],
    name: str,
    password: str,
    *,
    client: str,
    throttle: Throttle,
    busy_timeout: float | None = None,
) -> SignInResult:
    """Check name and password against users (name -> bcrypt hash) for an attempt from client.

    The throttle is asked before waiting for the password check and again once it is this attempt's
    turn, so that attempts queued together from one client are not all checked."""
    name = (name or "").strip()
    standing = throttle.standing(client, name)
    if standing.wait_seconds > 0:
        return SignInResult(wait_seconds=standing.wait_seconds, refused=True)
    if not CHECKS.acquire(standing.own_failures, timeout=BUSY_TIMEOUT if busy_timeout is None else busy_timeout):
        return SignInResult(busy=True)
    try:
        if (wait := throttle.wait_seconds(client, name)) > 0:
            return SignInResult(wait_seconds=wait, refused=True)
        hashed = users.get(name)
        valid = verify_password(password, hashed if isinstance(hashed, str) else _dummy_hash(users))
        if valid and isinstance(hashed, str):
            throttle.record_success(client, name)
            return SignInResult(user=name)
        return SignInResult(wait_seconds=throttle.record_failure(client, name))
    finally:
        CHECKS.release()
