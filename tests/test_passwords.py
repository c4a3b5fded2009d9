"""The rules of a new password (NIST SP 800-63B 5.1.1.2): at least 8 characters, at most bcrypt's
72 bytes, not a common password nor the account's name, any Unicode and spaces, compared in NFKC;
and passwords hashed before these rules still sign in."""

import bcrypt
import pytest

from dashboard.domain import passwords
from dashboard.web import auth


@pytest.mark.parametrize(
    "password, name, expected",
    [
        ("", None, "不可空白"),
        ("        ", None, "不可空白"),
        ("1", None, "至少須 8 個字（目前 1 個字）"),
        ("seven c", None, "至少須 8 個字（目前 7 個字）"),
        ("password", None, "太常見"),
        ("PassWord1", None, "太常見"),  # compared case-folded
        ("ｐａｓｓｗｏｒｄ", None, "太常見"),  # full-width letters are the same password in NFKC
        ("qwertyuiop", None, "太常見"),
        ("aaaaaaaaaa", None, "同一個字元"),
        ("祕書處交通窗口", "祕書處交通窗口", "至少須 8 個字"),
        ("Taipei-Secretariat", "taipei-secretariat", "不可與帳號名稱相同"),
        ("ＴａｉｐｅｉＣｌｅｒｋ", "TaipeiClerk", "不可與帳號名稱相同"),  # the name in full-width is the name
        ("a" * 40 + "b" * 33, None, "最多 72 位元組"),
        ("北臺區域發展推動委員會輪值主席城市祕書處交接用的密", None, "目前 75 位元組"),  # 25 CJK characters
    ],
)
def test_a_weak_or_unusable_password_is_refused_saying_why(password, name, expected):
    with pytest.raises(passwords.PasswordError, match=expected):
        passwords.check(password, name)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",  # spaces, no digits or capitals: no composition rules
        "北臺合作真的好用",  # 8 CJK characters are 8 characters
        "a" * 40 + "b" * 32,  # 72 bytes: bcrypt's whole limit
        "北臺區域發展推動委員會輪值主席城市祕書處交接用的",  # 24 CJK characters: 72 bytes
        "mot de passe très sûr",
        "🔑 emoji are fine 🔑",
    ],
)
def test_long_unicode_and_spaced_passwords_are_accepted(password):
    assert passwords.check(password, "祕書甲") == passwords.normalized(password)


def test_the_common_list_is_shipped_with_thousands_of_entries_all_long_enough():
    common = passwords.common_passwords()
    assert 5000 <= len(common) <= 20000
    assert all(len(p) >= passwords.MIN_CHARS and p == p.casefold() for p in common)
    assert {"password", "12345678", "iloveyou", "1qaz2wsx"} <= common


def test_a_password_is_hashed_in_nfkc_and_checked_however_it_is_typed():
    hashed = auth.hash_password("Ｐａｓｓ　phrase １２３", rounds=4)  # full-width letters, space and digits
    assert auth.verify_password("Pass phrase 123", hashed)
    assert auth.verify_password("Ｐａｓｓ　phrase １２３", hashed)
    assert not auth.verify_password("pass phrase 123", hashed)


def test_a_password_hashed_as_typed_before_normalising_still_signs_in():
    typed = "ｏｌｄ ｓｅｃｒｅｔ"  # hashed before these rules, as typed (not NFKC)
    legacy = bcrypt.hashpw(typed.encode("utf-8"), bcrypt.gensalt(rounds=4)).decode("ascii")
    assert auth.verify_password(typed, legacy)
    weak = bcrypt.hashpw(b"1", bcrypt.gensalt(rounds=4)).decode("ascii")  # a weak one keeps working
    assert auth.verify_password("1", weak)


def test_new_password_hash_applies_the_rules_and_hash_password_does_not():
    with pytest.raises(passwords.PasswordError):
        auth.new_password_hash("12345678", "祕書甲", rounds=4)
    assert auth.verify_password("a good long phrase", auth.new_password_hash("a good long phrase", "x", rounds=4))
    with pytest.raises(ValueError, match="72"):
        auth.hash_password("x" * 73, rounds=4)  # never truncated silently
