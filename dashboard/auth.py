"""Secretariat sign-in: bcrypt password hashes from a mapping, and a slowdown of failed attempts.

The hashes come from the `[secretariat.users]` section of .streamlit/secrets.toml (see
scripts/hash_password.py); no password is ever stored or logged. After each failed attempt for a
user name, that name is locked for a delay that doubles per failure; while locked, attempts are
refused without checking the password. The failure counts live in one process-wide `THROTTLE`.
"""
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import bcrypt

MAX_PASSWORD_BYTES = 72  # bcrypt's limit; longer passwords are refused, never silently truncated
DEFAULT_ROUNDS = 12


def hash_password(password: str, *, rounds: int = DEFAULT_ROUNDS) -> str:
    """A salted bcrypt hash of password, as text for secrets.toml."""
    data = password.encode("utf-8")
    if not data:
        raise ValueError("密碼不可為空白。")
    if len(data) > MAX_PASSWORD_BYTES:
        raise ValueError(f"密碼不可超過 {MAX_PASSWORD_BYTES} 位元組。")
    return bcrypt.hashpw(data, bcrypt.gensalt(rounds=rounds)).decode("ascii")


def verify_password(password: str, hashed: str) -> bool:
    data = (password or "").encode("utf-8")
    if not data or len(data) > MAX_PASSWORD_BYTES:
        return False
    try:
        return bcrypt.checkpw(data, hashed.encode("ascii"))
    except (ValueError, UnicodeEncodeError):  # not a bcrypt hash
        return False


def user_key(name: str) -> str:
    """The name under which failures are counted: trimmed, case-folded."""
    return (name or "").strip().casefold()


@dataclass
class _Failures:
    count: int
    last: float
    locked_until: float


@dataclass
class Throttle:
    """Per-name failure counts with an exponentially growing lock after each failure."""
    base_delay: float = 1.0
    max_delay: float = 300.0
    forget_after: float = 3600.0  # a name's count is forgotten after this long without failures
    max_names: int = 10_000  # bounds memory when someone tries many names
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, _Failures] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def delay_for(self, count: int) -> float:
        """The lock after the count-th consecutive failure: base, 2×base, 4×base, … up to max."""
        return min(self.base_delay * 2 ** (count - 1), self.max_delay) if count > 0 else 0.0

    def wait_seconds(self, name: str) -> float:
        """How long name must wait before the next attempt (0 when it may try now)."""
        with self._lock:
            entry = self._current(user_key(name))
            return max(0.0, entry.locked_until - self.clock()) if entry else 0.0

    def failures(self, name: str) -> int:
        with self._lock:
            entry = self._current(user_key(name))
            return entry.count if entry else 0

    def record_failure(self, name: str) -> float:
        """Count a failure; returns the new lock in seconds."""
        key, now = user_key(name), self.clock()
        with self._lock:
            entry = self._current(key)
            count = entry.count + 1 if entry else 1
            delay = self.delay_for(count)
            self._failures[key] = _Failures(count, now, now + delay)
            self._prune(now)
            return delay

    def record_success(self, name: str) -> None:
        with self._lock:
            self._failures.pop(user_key(name), None)

    def _current(self, key: str) -> _Failures | None:
        entry = self._failures.get(key)
        if entry and self.clock() - entry.last > self.forget_after:
            del self._failures[key]
            return None
        return entry

    def _prune(self, now: float) -> None:
        if len(self._failures) <= self.max_names:
            return
        for key in [k for k, e in self._failures.items() if now - e.last > self.forget_after]:
            del self._failures[key]
        while len(self._failures) > self.max_names:  # drop the oldest
            del self._failures[min(self._failures, key=lambda k: self._failures[k].last)]


THROTTLE = Throttle()  # one per server process, shared by every session


@dataclass(frozen=True)
class SignInResult:
    user: str | None = None  # the signed-in name on success
    wait_seconds: float = 0.0  # > 0 when the attempt was refused or failed and the name is locked
    refused: bool = False  # True when the name was locked and the password was not checked

    @property
    def ok(self) -> bool:
        return self.user is not None


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    """A hash to check unknown names against, so that they take as long as known ones."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=DEFAULT_ROUNDS)).decode("ascii")
    return _DUMMY_HASH


def sign_in(users: Mapping[str, str], name: str, password: str, *, throttle: Throttle | None = None) -> SignInResult:
    """Check name and password against users (name -> bcrypt hash), honouring the throttle
    (the process-wide THROTTLE unless one is given)."""
    throttle = throttle or THROTTLE
    name = (name or "").strip()
    wait = throttle.wait_seconds(name)
    if wait > 0:
        return SignInResult(wait_seconds=wait, refused=True)
    hashed = users.get(name)
    valid = verify_password(password, hashed if isinstance(hashed, str) else _dummy_hash())
    if valid and isinstance(hashed, str):
        throttle.record_success(name)
        return SignInResult(user=name)
    return SignInResult(wait_seconds=throttle.record_failure(name))
