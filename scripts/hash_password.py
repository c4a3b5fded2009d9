"""Create a secretariat account line for .streamlit/secrets.toml.

    python scripts/hash_password.py 帳號            # asks for the password twice (not echoed)
    printf '%s' "$PASSWORD" | python scripts/hash_password.py 帳號 --stdin

Prints a line to put under `[secretariat.users]`: the name and a salted bcrypt hash. The
password itself is never printed, stored or passed on the command line.
"""
import argparse
import getpass
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.auth import hash_password  # noqa: E402


def secrets_line(name: str, hashed: str) -> str:
    """A TOML key/value line; json.dumps gives a valid TOML basic string for both sides."""
    return f"{json.dumps(name, ensure_ascii=False)} = {json.dumps(hashed)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="產生祕書處帳號的密碼雜湊（寫入 .streamlit/secrets.toml）")
    parser.add_argument("name", help="登入帳號（記錄決議時顯示為記錄者）")
    parser.add_argument("--stdin", action="store_true", help="從標準輸入讀取密碼（供自動化使用）")
    args = parser.parse_args(argv)
    name = args.name.strip()
    if not name:
        parser.error("帳號不可為空白")
    if args.stdin:
        password = sys.stdin.read().rstrip("\r\n")
    else:
        password = getpass.getpass("密碼：")
        if getpass.getpass("再輸入一次：") != password:
            print("兩次輸入的密碼不同。", file=sys.stderr)
            return 1
    try:
        hashed = hash_password(password)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    print("# 加入 .streamlit/secrets.toml 的 [secretariat.users] 區段：", file=sys.stderr)
    print(secrets_line(name, hashed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
