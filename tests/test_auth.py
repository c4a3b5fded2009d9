"""Secretariat sign-in: salted bcrypt hashes, accounts read from secrets, and the sign-in throttle
kept in the database. The throttle's clock is injected, so no test waits for a real delay."""

import subprocess
import sys
import threading
import time
from pathlib import Path

import bcrypt
import pytest
from sqlalchemy import delete, func, select
from sqlmodel import SQLModel

from dashboard.store.db import make_engine
from dashboard.store.models import SignInThrottle
from dashboard.web import auth, throttle
from tests import databases

ROOT = Path(__file__).resolve().parent.parent
FAST = 4  # bcrypt rounds for tests
POLICY = throttle.Policy()
ATTACKER, OWNER_DESK, ELSEWHERE = "198.51.100.7", "203.0.113.10", "192.0.2.99"


class FakeClock:
    def __init__(self, start: float = 1_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def engine(tmp_path):
    """A store of the test's own, on the engine the suite runs on (tests/databases.py)."""
    with databases.database(tmp_path / "store.db") as url:
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def gate(engine, clock):
    return throttle.Throttle(engine, clock=clock)


@pytest.fixture(scope="module")
def users():
    return {
        "祕書甲": auth.hash_password("correct horse", rounds=FAST),
        "clerk": auth.hash_password("battery staple", rounds=FAST),
    }


@pytest.fixture
def checks(monkeypatch):
    """Counts the bcrypt checks made."""
    calls = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda *args: calls.append(1) or real(*args))
    return calls


def _try(users, gate, name, password, client):
    return auth.sign_in(users, name, password, client=client, throttle=gate)


def _rows(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(SignInThrottle)).scalar_one()


# --- hashes -------------------------------------------------------------------------------


def test_hashes_are_salted_bcrypt_and_never_the_password():
    first, second = auth.hash_password("same", rounds=FAST), auth.hash_password("same", rounds=FAST)
    assert first != second  # a fresh salt each time
    assert first.startswith("$2b$") and "same" not in first
    assert auth.verify_password("same", first) and auth.verify_password("same", second)
    assert auth.is_bcrypt_hash(first)


@pytest.mark.parametrize(
    "password, hashed, expected",
    [
        ("correct horse", None, True),
        ("correct hors", None, False),
        ("Correct horse", None, False),
        ("", None, False),
        ("correct horse", "not-a-hash", False),
        ("correct horse", "", False),
        ("correct horse", "$2b$04$tooshort", False),
    ],
)
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


# --- accounts from secrets ----------------------------------------------------------------


def test_valid_accounts_are_read(users):
    accounts = auth.read_accounts({"users": users, "oidc_emails": [" A@Example.org "]})
    assert accounts.users == users and accounts.oidc_emails == {"a@example.org"} and not accounts.problems


@pytest.mark.parametrize(
    "section, where",
    [
        ("not a table", "[secretariat]"),
        ({"users": "clerk"}, "[secretariat.users]"),
        ({"users": ["clerk"]}, "[secretariat.users]"),
        ({"users": {"secret-name": "plain password"}}, "第 1 個帳號"),
        ({"users": {"secret-name": "$2b$04$short"}}, "第 1 個帳號"),
        ({"users": {"secret-name": 12345}}, "第 1 個帳號"),
        ({"users": {"secret-name": {"hash": "x"}}}, "第 1 個帳號"),
        ({"users": {" ": "x"}}, "第 1 個帳號"),
        ({"users": {}, "oidc_emails": "a@example.org"}, "oidc_emails"),
    ],
)
def test_a_broken_secretariat_section_is_reported_with_where_and_without_the_account_name(section, where):
    accounts = auth.read_accounts(section)
    assert accounts.problems and not accounts.users
    message = " ".join(p.message for p in accounts.problems)
    assert where in message and "secrets.toml" in message
    assert "secret-name" not in message and "plain password" not in message  # visitors see this


def test_one_bad_hash_leaves_the_other_accounts_working(users):
    accounts = auth.read_accounts({"users": {"clerk": users["clerk"], "typo": "$2b$12$", "祕書甲": users["祕書甲"]}})
    assert accounts.users == users
    assert [(p.account, "第 2 個帳號" in p.message) for p in accounts.problems] == [("typo", True)]


# --- the throttle -------------------------------------------------------------------------


def test_an_attacker_is_slowed_more_with_each_failure(users, gate, clock):
    waits = []
    for _ in range(8):
        result = _try(users, gate, "clerk", "guess", ATTACKER)
        assert not result.ok and not result.refused
        waits.append(result.wait_seconds)
        clock.advance(result.wait_seconds)
    assert waits[0] == POLICY.pair.base
    assert all(later == 2 * earlier for earlier, later in zip(waits, waits[1:]))


def test_the_delay_stops_growing_at_its_cap():
    rule = POLICY.pair
    assert rule.delay(1) == rule.base
    assert rule.delay(100) == rule.delay(10**6) == rule.cap  # a long attack overflows nothing


def test_attempts_during_the_delay_are_refused_without_a_password_check(users, gate, clock, checks):
    _try(users, gate, "祕書甲", "wrong", ATTACKER)
    assert len(checks) == 1
    for password in ("wrong again", "correct horse"):
        refused = _try(users, gate, "祕書甲", password, ATTACKER)
        assert refused.refused and not refused.ok and refused.wait_seconds > 0
    assert len(checks) == 1  # refused attempts cost no bcrypt
    clock.advance(refused.wait_seconds)
    assert _try(users, gate, "祕書甲", "correct horse", ATTACKER).ok


def test_the_wait_runs_down_with_the_clock(users, gate, clock):
    first = _try(users, gate, "clerk", "guess", ATTACKER).wait_seconds
    clock.advance(first / 2)
    assert gate.wait_seconds(ATTACKER, "clerk") == pytest.approx(first / 2)
    clock.advance(first / 2)
    assert gate.wait_seconds(ATTACKER, "clerk") == 0


def test_names_are_counted_case_insensitively(users, gate):
    _try(users, gate, "Clerk ", "guess", ATTACKER)
    assert gate.wait_seconds(ATTACKER, "clerk") > 0


def _attack(users, gate, clock, name: str, attempts: int, clients) -> None:
    """Failed attempts on name, each from the next client, waiting out each delay."""
    for i in range(attempts):
        client = clients[i % len(clients)]
        clock.advance(gate.wait_seconds(client, name))
        assert not _try(users, gate, name, "guess", client).ok


def test_the_owner_at_their_usual_address_is_never_delayed_by_an_attacker(users, gate, clock):
    assert _try(users, gate, "clerk", "battery staple", OWNER_DESK).ok  # signed in here before
    bots = [f"198.51.100.{i}" for i in range(1, 60)]
    _attack(users, gate, clock, "clerk", 200, bots)  # many addresses, past every free allowance
    assert gate.wait_seconds(bots[0], "clerk") > 0  # the attackers are held back…
    assert gate.wait_seconds(OWNER_DESK, "clerk") == 0  # …the owner is not
    assert _try(users, gate, "clerk", "battery staple", OWNER_DESK).ok


def test_an_attack_on_one_account_does_not_slow_its_owner_elsewhere(users, gate, clock):
    _attack(users, gate, clock, "clerk", 60, [ATTACKER, "198.51.100.8", "198.51.100.9"])
    assert gate.wait_seconds(ATTACKER, "clerk") > 0
    assert gate.wait_seconds(ELSEWHERE, "clerk") == 0  # an address that has not failed
    assert _try(users, gate, "clerk", "battery staple", ELSEWHERE).ok


def test_an_attacker_cannot_keep_the_owner_out_by_renewing_failures(users, gate, clock):
    """The old lock was renewed by one failure every few minutes; now the owner's own address
    stays free however the attacker paces the failures."""
    assert _try(users, gate, "clerk", "battery staple", OWNER_DESK).ok
    for _ in range(30):
        clock.advance(gate.wait_seconds(ATTACKER, "clerk") + 1)
        _try(users, gate, "clerk", "guess", ATTACKER)
        assert gate.wait_seconds(OWNER_DESK, "clerk") == 0


def test_spraying_many_names_from_many_addresses_hits_the_global_budget(users, gate, checks):
    """Each address is checked on its own budget first; past it, everyone's failures together hold
    it back, while an address that has not failed is still checked."""
    assert _try(users, gate, "clerk", "battery staple", OWNER_DESK).ok
    addresses = [f"10.0.0.{i}" for i in range(POLICY.global_.free // POLICY.own_budget + 1)]
    for address in addresses:
        for n in range(POLICY.own_budget):  # all new names: only the client and global buckets grow
            assert not _try(users, gate, f"name-{n}", "guess", address).refused
    checks.clear()
    held = [_try(users, gate, "yet-another-name", "guess", address) for address in addresses]
    assert checks == []  # refused unchecked
    assert all(r.refused and 0 < r.wait_seconds <= POLICY.global_.cap for r in held)
    assert not _try(users, gate, "yet-another-name", "guess", ELSEWHERE).refused
    assert _try(users, gate, "clerk", "battery staple", OWNER_DESK).ok  # the known owner is not held back


SPRAYERS = [f"198.51.100.{i}" for i in range(1, 41)]


def test_a_spray_of_the_owners_name_from_many_addresses_never_keeps_the_owner_out(users, gate, checks):
    """Forty addresses fail on the owner's name at once, then keep trying while the owner signs in
    from an address never seen before. The account's shared budget used to stay spent for as long
    as the spray lasted (a refused attempt costs nothing, and each delay's end let the next failure
    start another), so the owner was refused every time."""
    sprayed, results = threading.Barrier(len(SPRAYERS) + 1), {}

    def attempt(client: str) -> auth.SignInResult:  # forty queue for the check: no turn may time out
        return auth.sign_in(users, "clerk", "guess", client=client, throttle=gate, busy_timeout=600)

    def spray(client: str) -> None:
        results[client] = [attempt(client)]
        sprayed.wait()  # every address has failed: the account's budget is spent
        results[client] += [attempt(client) for _ in range(5)]

    threads = [threading.Thread(target=spray, args=(client,)) for client in SPRAYERS]
    for t in threads:
        t.start()
    sprayed.wait()
    owner = _try(users, gate, "clerk", "battery staple", ELSEWHERE)  # during the spray
    for t in threads:
        t.join()

    assert owner.ok
    tries = [r for client in SPRAYERS for r in results[client]]
    assert not any(r.ok for r in tries)
    assert len(checks) == len(SPRAYERS) + 1  # the sprayers are still slowed: one check an address,
    assert all(r.refused for client in SPRAYERS for r in results[client][1:])  # the rest refused unchecked
    assert all(gate.wait_seconds(client, "clerk") > 0 for client in SPRAYERS)


def test_an_address_past_its_own_budget_is_held_back_by_the_accounts(users, gate, clock, checks):
    """The shared budgets still count: an address that has failed OWN_BUDGET times waits for the
    account's, so a sprayer gets at most that many checks an address before the account slows it."""
    _attack(users, gate, clock, "clerk", 40, SPRAYERS)  # the account's budget is spent
    for _ in range(POLICY.own_budget):
        clock.advance(gate.wait_seconds(ATTACKER, "other-name"))
        assert not _try(users, gate, "other-name", "guess", ATTACKER).refused  # its own budget
    checks.clear()
    clock.advance(gate.wait_seconds(ATTACKER, "other-name"))
    held = _try(users, gate, "clerk", "guess", ATTACKER)
    assert held.refused and 0 < held.wait_seconds <= POLICY.account.cap and checks == []


def test_the_owner_who_mistypes_during_a_spray_still_gets_in(users, gate, clock):
    _attack(users, gate, clock, "clerk", 40, SPRAYERS)
    for _ in range(POLICY.own_budget - 1):
        typo = _try(users, gate, "clerk", "battery stapel", ELSEWHERE)
        assert not typo.refused and not typo.ok
        clock.advance(typo.wait_seconds)  # the owner's own delay: 1 s, then 2 s, …
    assert _try(users, gate, "clerk", "battery staple", ELSEWHERE).ok


def test_spraying_many_names_from_one_address_is_slowed(users, gate, clock):
    for i in range(POLICY.client.free + 1):
        clock.advance(gate.wait_seconds(ATTACKER, f"name-{i}"))
        _try(users, gate, f"name-{i}", "guess", ATTACKER)
    assert gate.wait_seconds(ATTACKER, "yet-another-name") > 0
    assert gate.wait_seconds(ELSEWHERE, "yet-another-name") == 0


def test_unknown_names_cost_a_password_check_and_are_throttled_like_real_ones(users, gate, checks):
    unknown = _try(users, gate, "nobody", "correct horse", ATTACKER)
    known = _try(users, gate, "clerk", "wrong", ATTACKER)
    assert len(checks) == 2  # a dummy hash is checked for the unknown name
    assert (unknown.wait_seconds, unknown.refused) == (known.wait_seconds, known.refused)


def test_failures_are_forgotten_after_a_quiet_hour(users, gate, clock):
    _attack(users, gate, clock, "clerk", 5, [ATTACKER])
    clock.advance(POLICY.forget_after + 1)
    assert _try(users, gate, "clerk", "guess", ATTACKER).wait_seconds == POLICY.pair.base  # starts over


def test_the_throttle_survives_a_restart_and_is_shared_with_another_process(users, engine, gate, clock, tmp_path):
    _attack(users, gate, clock, "clerk", 3, [ATTACKER])
    wait = gate.wait_seconds(ATTACKER, "clerk")
    restarted = throttle.Throttle(make_engine(str(engine.url)), clock=clock)
    assert restarted.wait_seconds(ATTACKER, "clerk") == wait
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sys; from dashboard.web import throttle; from dashboard.store.db import make_engine; "
                "print(throttle.Throttle(make_engine(sys.argv[1]), clock=lambda: float(sys.argv[2]))"
                ".wait_seconds(sys.argv[3], 'clerk'))"
            ),
            str(engine.url),
            str(clock.now),
            ATTACKER,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(other.stdout) == wait


def test_concurrent_failures_are_all_counted(engine, clock):
    """Sessions (or replicas) failing at once lose no count: the update locks the row."""
    gates = [throttle.Throttle(make_engine(str(engine.url)), clock=clock) for _ in range(4)]
    threads = [
        threading.Thread(target=lambda g=g: [g.record_failure(ATTACKER, "clerk") for _ in range(5)]) for g in gates
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engine.connect() as connection:
        counts = dict(connection.execute(select(SignInThrottle.kind, SignInThrottle.failures)).all())
    assert counts == {"pair": 20, "client": 20, "account": 20, "global": 20}


def test_a_row_pruned_by_another_session_mid_write_is_recreated(engine, gate, monkeypatch):
    real, calls = gate._ensure_rows, []

    def then_pruned(buckets, now):
        real(buckets, now)
        if not calls:  # another session prunes the rows just after they were found
            with engine.begin() as connection:
                connection.execute(delete(SignInThrottle))
        calls.append(1)

    monkeypatch.setattr(gate, "_ensure_rows", then_pruned)
    gate.record_failure(ATTACKER, "clerk")
    assert len(calls) == 2
    with engine.connect() as connection:
        assert sorted(connection.execute(select(SignInThrottle.failures)).scalars()) == [1, 1, 1, 1]


def test_many_other_names_neither_evict_a_delay_nor_grow_the_table_without_bound(engine, clock):
    unlimited = throttle.Rule(free=10**9, base=1.0, cap=1.0)  # so that only the pair bucket delays
    gate = throttle.Throttle(engine, policy=throttle.Policy(global_=unlimited, client=unlimited), clock=clock)
    gate.record_failure(ATTACKER, "clerk")
    gate.record_failure(ATTACKER, "clerk")
    before = gate.wait_seconds(ATTACKER, "clerk")
    for i in range(300):  # the old in-memory throttle dropped the oldest name past its limit
        gate.record_failure(f"10.1.{i // 250}.{i % 250}", f"name-{i}")
    assert gate.wait_seconds(ATTACKER, "clerk") == before
    grown = _rows(engine)
    clock.advance(POLICY.forget_after + 1)
    gate.record_failure(ELSEWHERE, "clerk")
    assert _rows(engine) < grown and _rows(engine) <= 4  # stale rows pruned: only this attempt's buckets


def test_known_addresses_are_kept_until_they_expire(users, engine, gate, clock):
    assert _try(users, gate, "clerk", "battery staple", OWNER_DESK).ok
    clock.advance(POLICY.forget_after + 1)
    gate.record_failure(ATTACKER, "x")  # prunes
    assert gate.is_known(OWNER_DESK, "clerk")
    clock.advance(POLICY.known_for)
    gate.record_failure(ATTACKER, "x")
    assert not gate.is_known(OWNER_DESK, "clerk")
    assert _rows(engine) == 4


def test_names_typed_at_the_form_are_not_stored(engine, gate):
    gate.record_failure(ATTACKER, "my-password-typed-as-name")
    with engine.connect() as connection:
        stored = " ".join(map(str, connection.execute(select(SignInThrottle)).all()))
    assert "my-password" not in stored and ATTACKER not in stored


# --- one password check at a time -----------------------------------------------------------


def test_when_the_password_check_is_taken_too_long_the_attempt_is_turned_away_unchecked(users, gate, checks):
    assert auth.CHECKS.acquire(timeout=5)
    try:
        result = auth.sign_in(users, "clerk", "battery staple", client=ATTACKER, throttle=gate, busy_timeout=0.01)
    finally:
        auth.CHECKS.release()
    assert result.busy and not result.ok and checks == []
    assert gate.wait_seconds(ATTACKER, "clerk") == 0  # not counted as a failure


def test_password_checks_run_one_at_a_time(users, gate, monkeypatch):
    running, peak = [0], [0]
    lock = threading.Lock()
    real = bcrypt.checkpw

    def counting(*args):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            return real(*args)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(bcrypt, "checkpw", counting)
    threads = [threading.Thread(target=_try, args=(users, gate, f"name-{i}", "guess", f"10.2.0.{i}")) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 1


def _until(condition, timeout: float = 10.0) -> None:
    """Yield to the other threads until condition holds (no fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0)


def test_an_owner_waiting_for_the_check_goes_before_the_sprayers_waiting(users, gate, monkeypatch):
    """Checks are served fewest failures of the address first: however many sprayers queue for
    the check, an owner at an address that has not failed waits only for the one running."""
    sprayers = SPRAYERS[:5]
    for client in sprayers:
        assert not _try(users, gate, "name-a", "guess", client).refused  # each address has failed once
    checked, owner = [], []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda password, hashed: checked.append(password) or real(password, hashed))
    threads = [threading.Thread(target=_try, args=(users, gate, "name-b", "guess", c)) for c in sprayers]
    threads.append(
        threading.Thread(target=lambda: owner.append(_try(users, gate, "clerk", "battery staple", ELSEWHERE)))
    )
    assert auth.CHECKS.acquire(timeout=5)  # a check is running
    try:
        for t in threads[:-1]:
            t.start()
        _until(lambda: auth.CHECKS.waiting == len(sprayers))  # the sprayers queue first
        threads[-1].start()
        _until(lambda: auth.CHECKS.waiting == len(sprayers) + 1)
    finally:
        auth.CHECKS.release()
    for t in threads:
        t.join()
    assert checked[0] == b"battery staple" and owner[0].ok
    assert len(checked) == len(sprayers) + 1  # the sprayers' turns come after


# --- the client's address -------------------------------------------------------------------


@pytest.mark.parametrize(
    "peer, forwarded, expected",
    [
        ("203.0.113.10", [], "203.0.113.10"),  # direct: the TCP peer
        ("203.0.113.10", ["1.2.3.4"], "203.0.113.10"),  # a client's own header is ignored without a proxy
        (None, [], "127.0.0.1"),  # local, no proxy
        (None, ["203.0.113.10"], "203.0.113.10"),  # behind a local proxy (nginx appends $remote_addr)
        (None, ["6.6.6.6, 203.0.113.10"], "203.0.113.10"),  # a forged first hop is ignored
        (None, ["6.6.6.6", "203.0.113.10"], "203.0.113.10"),  # the header given twice
        (None, ["2001:db8:1:2:aaaa::1"], "2001:db8:1:2::/64"),  # IPv6 counted per /64
        (None, ["::ffff:203.0.113.10"], "203.0.113.10"),
        (None, ["not-an-address"], "not-an-address"),
    ],
)
def test_client_id(peer, forwarded, expected):
    assert throttle.client_id(peer, forwarded, proxies=throttle.trusted_proxies("")) == expected


def test_client_id_trusts_a_configured_proxy_and_only_that():
    proxies = throttle.trusted_proxies("10.0.0.5, 10.9.0.0/16")
    assert throttle.client_id("10.0.0.5", ["6.6.6.6, 203.0.113.10"], proxies=proxies) == "203.0.113.10"
    assert throttle.client_id("10.0.0.5", ["203.0.113.10, 10.9.1.1"], proxies=proxies) == "203.0.113.10"
    assert throttle.client_id("10.0.0.6", ["203.0.113.10"], proxies=proxies) == "10.0.0.6"


# --- the hash-password command ----------------------------------------------------------------


def test_hash_password_command_prints_a_secrets_line_without_the_password():
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "hash-password", "祕書 甲", "--stdin"],
        cwd=ROOT,
        input="s3cret pass\n",
        capture_output=True,
        text=True,
        check=True,
    )
    line = result.stdout.strip()
    assert line.startswith('"祕書 甲" = "$2b$')
    assert "s3cret" not in result.stdout + result.stderr
    import tomllib

    users = tomllib.loads(f"[secretariat.users]\n{line}\n")["secretariat"]["users"]
    assert auth.verify_password("s3cret pass", users["祕書 甲"])
    assert auth.read_accounts({"users": users}).users == users


def test_hash_password_command_refuses_an_empty_password():
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "hash-password", "clerk", "--stdin"],
        cwd=ROOT,
        input="",
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and result.stdout == ""


def test_the_example_secrets_file_holds_no_credentials():
    import tomllib

    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    assert example == {"secretariat": {"users": {}}}
    assert (
        not (ROOT / ".streamlit" / "secrets.toml").exists()
        or ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text()
    )
