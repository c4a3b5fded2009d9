"""Secretariat sign-in: salted bcrypt hashes, and failed attempts slowed down per user name.

The throttle's clock is injected, so no test waits for a real delay.
"""
import subprocess
import sys
from pathlib import Path

import bcrypt
import pytest

from dashboard import auth

ROOT = Path(__file__).resolve().parent.parent
FAST = 4  # bcrypt rounds for tests


class FakeClock:
    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def throttle(clock):
    return auth.Throttle(base_delay=1.0, max_delay=60.0, forget_after=3600.0, clock=clock)


@pytest.fixture(scope="module")
def users():
    return {"祕書甲": auth.hash_password("correct horse", rounds=FAST),
            "clerk": auth.hash_password("battery staple", rounds=FAST)}


def test_hashes_are_salted_bcrypt_and_never_the_password():
    first, second = auth.hash_password("same", rounds=FAST), auth.hash_password("same", rounds=FAST)
    assert first != second  # a fresh salt each time
    assert first.startswith("$2b$") and "same" not in first
    assert auth.verify_password("same", first) and auth.verify_password("same", second)


@pytest.mark.parametrize("password, hashed, expected", [
    ("correct horse", None, True),
    ("correct hors", None, False),
    ("Correct horse", None, False),
    ("", None, False),
    ("correct horse", "not-a-hash", False),
    ("correct horse", "", False),
    ("correct horse", "$2b$04$tooshort", False),
])
def test_verify_password(users, password, hashed, expected):
    assert auth.verify_password(password, users["祕書甲"] if hashed is None else hashed) is expected


def test_passwords_beyond_bcrypts_limit_are_refused_not_truncated():
    long_password = "密" * 30  # 90 bytes in UTF-8
    with pytest.raises(ValueError):
        auth.hash_password(long_password, rounds=FAST)
    prefix_hash = bcrypt.hashpw(long_password.encode()[:72], bcrypt.gensalt(FAST)).decode()
    assert auth.verify_password(long_password, prefix_hash) is False


def test_empty_password_cannot_be_hashed():
    with pytest.raises(ValueError):
        auth.hash_password("", rounds=FAST)


@pytest.mark.parametrize("failures, delay", [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (6, 32.0), (7, 60.0), (20, 60.0)])
def test_the_delay_doubles_with_each_failure_up_to_the_cap(throttle, failures, delay):
    for _ in range(failures):
        last = throttle.record_failure("clerk")
    assert last == delay
    assert throttle.wait_seconds("clerk") == delay
    assert throttle.failures("clerk") == failures


def test_the_wait_runs_down_with_the_clock(throttle, clock):
    throttle.record_failure("clerk")
    throttle.record_failure("clerk")
    clock.advance(1.5)
    assert throttle.wait_seconds("clerk") == pytest.approx(0.5)
    clock.advance(0.5)
    assert throttle.wait_seconds("clerk") == 0


def test_names_are_counted_separately_and_case_insensitively(throttle):
    throttle.record_failure("Clerk ")
    assert throttle.failures("clerk") == 1
    assert throttle.wait_seconds("祕書甲") == 0


def test_success_and_time_forget_the_failures(throttle, clock):
    throttle.record_failure("clerk")
    throttle.record_success("clerk")
    assert throttle.failures("clerk") == 0
    throttle.record_failure("祕書甲")
    clock.advance(3601)
    assert throttle.failures("祕書甲") == 0
    assert throttle.record_failure("祕書甲") == 1.0  # starts over


def test_trying_many_names_keeps_memory_bounded(clock):
    throttle = auth.Throttle(max_names=50, clock=clock)
    for i in range(200):
        throttle.record_failure(f"name-{i}")
        clock.advance(0.01)
    assert len(throttle._failures) <= 50
    assert throttle.failures("name-199") == 1  # the newest are kept


def test_sign_in_with_the_right_password(users, throttle):
    result = auth.sign_in(users, " 祕書甲 ", "correct horse", throttle=throttle)
    assert result.ok and result.user == "祕書甲"


@pytest.mark.parametrize("name, password", [
    ("祕書甲", "wrong"), ("祕書甲", ""), ("nobody", "correct horse"), ("", "correct horse"),
    ("clerk", "correct horse"),  # another user's password
])
def test_a_failed_sign_in_locks_that_name(users, throttle, name, password):
    result = auth.sign_in(users, name, password, throttle=throttle)
    assert not result.ok and not result.refused
    assert result.wait_seconds == 1.0
    assert throttle.failures(name) == 1


def test_while_locked_even_the_right_password_is_refused_unchecked(users, throttle, clock):
    auth.sign_in(users, "祕書甲", "wrong", throttle=throttle)
    auth.sign_in(users, "祕書甲", "wrong again", throttle=throttle)  # refused, not counted
    refused = auth.sign_in(users, "祕書甲", "correct horse", throttle=throttle)
    assert refused.refused and not refused.ok and refused.wait_seconds == 1.0
    assert throttle.failures("祕書甲") == 1
    assert auth.sign_in(users, "clerk", "battery staple", throttle=throttle).ok  # other names unaffected
    clock.advance(1.0)
    assert auth.sign_in(users, "祕書甲", "correct horse", throttle=throttle).ok
    assert throttle.failures("祕書甲") == 0


def test_repeated_failures_slow_down_exponentially(users, throttle, clock):
    waits = []
    for _ in range(5):
        result = auth.sign_in(users, "clerk", "guess", throttle=throttle)
        waits.append(result.wait_seconds)
        clock.advance(result.wait_seconds)
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0]


def test_sign_in_uses_the_process_wide_throttle_by_default(users, monkeypatch, clock):
    shared = auth.Throttle(clock=clock)
    monkeypatch.setattr(auth, "THROTTLE", shared)
    auth.sign_in(users, "clerk", "guess")
    assert shared.failures("clerk") == 1
    assert auth.sign_in(users, "clerk", "battery staple").refused


def test_hash_password_command_prints_a_secrets_line_without_the_password():
    result = subprocess.run([sys.executable, "-m", "dashboard", "hash-password", "祕書 甲", "--stdin"], cwd=ROOT,
                            input="s3cret pass\n", capture_output=True, text=True, check=True)
    line = result.stdout.strip()
    assert line.startswith('"祕書 甲" = "$2b$')
    assert "s3cret" not in result.stdout + result.stderr
    import tomllib
    users = tomllib.loads(f"[secretariat.users]\n{line}\n")["secretariat"]["users"]
    assert auth.verify_password("s3cret pass", users["祕書 甲"])


def test_hash_password_command_refuses_an_empty_password():
    result = subprocess.run([sys.executable, "-m", "dashboard", "hash-password", "clerk", "--stdin"], cwd=ROOT,
                            input="", capture_output=True, text=True)
    assert result.returncode != 0 and result.stdout == ""


def test_the_example_secrets_file_holds_no_credentials():
    import tomllib
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    assert example == {"secretariat": {"users": {}}}
    assert not (ROOT / ".streamlit" / "secrets.toml").exists() or ".streamlit/secrets.toml" in (
        ROOT / ".gitignore").read_text()
