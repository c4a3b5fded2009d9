"""What a new password must be, as NIST SP 800-63B (5.1.1.2) asks of memorized secrets: long
enough, not one everybody tries first, not the account's own name; and nothing else. No rules of
composition (digits, capitals, symbols), no expiry: they make passwords worse, not stronger.
Spaces and any Unicode are allowed; a password is compared and hashed in its NFKC form, so that
the same text typed on another keyboard (full-width Ａ１ or half-width A1) is the same password.

The longest password is bcrypt's limit, 72 bytes of UTF-8 (72 letters or digits, 24 Chinese
characters). bcrypt ignores what follows; rather than a password whose end silently does not
count, or a pre-hash that would make the store's hashes and secrets.toml's differ from plain
bcrypt, a longer password is refused with a message saying so.

Existing passwords are not checked again: an account whose password predates these rules signs
in as before, and meets them at its next change.
"""

import unicodedata
from functools import cache
from importlib import resources

MIN_CHARS = 8
MAX_BYTES = 72  # bcrypt's limit
COMMON_LIST = "common_passwords.txt"  # in dashboard/domain/data/, with its source and licence


class PasswordError(ValueError):
    """A new password that the rules refuse; the message says why, in Chinese."""


def normalized(password: str) -> str:
    """The password as it is checked and hashed: NFKC (800-63B 5.1.1.2)."""
    return unicodedata.normalize("NFKC", password or "")


@cache
def common_passwords() -> frozenset[str]:
    """The list of common passwords shipped with the package (lower-case)."""
    text = resources.files("dashboard.domain").joinpath("data", COMMON_LIST).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def problem(password: str, name: str | None = None) -> str | None:
    """Why `password` cannot be the new password of the account `name` (None: it can)."""
    text = normalized(password)
    if not text.strip():
        return "密碼不可空白。"
    if len(text) < MIN_CHARS:
        return f"密碼至少須 {MIN_CHARS} 個字（目前 {len(text)} 個字）；可用一句好記的話，空格與中文皆可。"
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        return (
            f"密碼太長：最多 {MAX_BYTES} 位元組（英數字 1 個字 1 位元組、中文字 1 個字 3 位元組），"
            f"目前 {size} 位元組；請縮短。"
        )
    folded = text.casefold()
    if name and folded == normalized(name).strip().casefold():
        return "密碼不可與帳號名稱相同。"
    if len(set(folded)) == 1:
        return "密碼不可只由同一個字元重複組成。"
    if folded in common_passwords():
        return "這個密碼太常見，是別人最先猜的密碼之一；請換一個。"
    return None


def check(password: str, name: str | None = None) -> str:
    """The password in the form it is hashed (NFKC), or PasswordError saying why it cannot be used."""
    found = problem(password, name)
    if found:
        raise PasswordError(found)
    return normalized(password)
