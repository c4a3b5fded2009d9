"""Command line: python -m dashboard load | check | export | hash-password | user | edit | history | revert |
new-year | meeting | minutes | group | meeting-log | packet | export-sheet | import-sheet | statistics | bundle | city-summary (`--help` lists them
all)."""

import getpass
import json
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from dashboard.cli import (
    bundle_commands,
    common,
    cycle_commands,
    group_commands,
    log_commands,
    meeting_commands,
    packet_commands,
    sheet_commands,
    statistics_commands,
    store_commands,
)
from dashboard.cli.parser import CommandParser
from dashboard.datafiles import build
from dashboard.datafiles.loading import DataError, load_dataset
from dashboard.store.config import DATA_DIR, database_url
from dashboard.store.db import NotADatabase, make_engine
from dashboard.web import auth

SHOWN_PER_FILE = 30  # a wrong file can yield thousands of problems; the first ones tell the story


def main(argv: list[str] | None = None) -> int:
    parser = CommandParser(prog="python -m dashboard", description="北臺合作儀表板資料工具")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="資料夾（預設 data/）")
    parser.add_argument("--debug", action="store_true", help="發生未預期的錯誤時顯示完整的錯誤追蹤")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser(
        "load", help="檢查 data/ 後建立或重建資料庫（保留已記錄的決議）；資料庫已有線上修改時拒絕執行"
    )
    load.add_argument(
        "--as-versions",
        action="store_true",
        help="把 data/ 匯入為新版本：內容不同的提案各成一個新版本、新提案加入、資料庫獨有的提案保留；"
        "決議、會議紀錄、帳號與既有版本都不變動",
    )
    load.add_argument("--user", help="以哪個祕書處帳號的身分匯入（預設為命令列操作者）；須搭配 --as-versions")
    commands.add_parser("check", help="只檢查 data/，不寫入任何資料")
    export = commands.add_parser("export", help="把資料庫各表輸出為 CSV（UTF-8 含 BOM）")
    export.add_argument("directory", type=Path)
    export.add_argument(
        "--layout",
        choices=["tables", "data"],
        default="tables",
        help="tables：每表一個 CSV（預設）；data：與 data/ 相同的檔案配置，可再以 check、load 讀回",
    )
    hashing = commands.add_parser(
        "hash-password", help="產生祕書處帳號的密碼雜湊（一行，寫入 .streamlit/secrets.toml）"
    )
    hashing.add_argument("name", help="登入帳號（記錄決議時顯示為記錄者）")
    hashing.add_argument("--stdin", action="store_true", help="從標準輸入讀取密碼（供自動化使用）")
    store_commands.register(commands)
    cycle_commands.register(commands)
    meeting_commands.register(commands)
    group_commands.register(commands)
    log_commands.register(commands)
    packet_commands.register(commands)
    sheet_commands.register(commands)
    bundle_commands.register(commands)
    statistics_commands.register(commands)
    args = parser.parse_args(argv)
    if args.command == "load" and args.user and not args.as_versions:
        parser.error("--user 須搭配 --as-versions")
    if args.command == "hash-password" and not args.name.strip():
        parser.error("帳號不可為空白")
    try:
        if hasattr(args, "handler"):
            return args.handler(args)
        return {"load": _load, "check": _check, "export": _export, "hash-password": _hash_password}[args.command](args)
    except DataError as error:
        _print_problems(error.problems)
    except NotADatabase as error:
        print(error, file=sys.stderr)
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(f"資料庫（{_safe_url()}）操作失敗，資料庫未變更：{detail}", file=sys.stderr)
    except ModuleNotFoundError as error:
        hint = "；PostgreSQL 請先執行 pip install -e '.[postgres]'" if (error.name or "").startswith("psycopg") else ""
        print(f"缺少 Python 套件「{error.name}」{hint}", file=sys.stderr)
    except OSError as error:
        print(f"無法存取「{error.filename or ''}」：{_os_reason(error)}", file=sys.stderr)
    except KeyboardInterrupt:
        print("已中斷，資料庫未變更。", file=sys.stderr)
        return 130
    except Exception as error:  # the last resort: a clerk sees one line, --debug shows the rest
        if args.debug:
            raise
        print(
            f"發生未預期的錯誤（{type(error).__name__}：{error}），資料庫未變更；加上 --debug 可看完整的錯誤追蹤。",
            file=sys.stderr,
        )
    return 1


def _print_problems(problems) -> None:
    print(f"資料有 {len(problems)} 個問題，資料庫未變更：", file=sys.stderr)
    shown = Counter()
    for problem in problems:
        shown[problem.file] += 1
        if shown[problem.file] <= SHOWN_PER_FILE:
            print(f"  - {problem}", file=sys.stderr)
    for file, count in shown.items():
        if count > SHOWN_PER_FILE:
            print(f"  （{file} 另有 {count - SHOWN_PER_FILE} 個問題未列出；請先修正上面的問題）", file=sys.stderr)


def _check(args) -> int:
    dataset = load_dataset(args.data)
    print(
        f"資料檢查通過：提案 {len(dataset.proposals)} 案、跨區支援 {len(dataset.mutual_aid)} 筆、"
        f"指標 {len(dataset.indicators)} 筆。"
    )
    return 0


@common.refusing
def _load(args) -> int:
    if args.as_versions:
        return store_commands.load_as_versions(args)
    engine = make_engine()
    dataset = build.load(engine, args.data)
    print(
        f"已建立資料庫（{_safe_url()}）：提案 {len(dataset.proposals)} 案、跨區支援 {len(dataset.mutual_aid)} 筆、"
        f"指標 {len(dataset.indicators)} 筆。"
    )
    return 0


def _export(args) -> int:
    if args.layout == "data":
        return store_commands.export_layout(args)
    engine = make_engine()
    build.ensure_built(engine, args.data)
    from dashboard.documents.export import export_csv  # pandas: only the command that needs it pays for it

    for path in export_csv(engine, args.directory):
        print(path)
    return 0


def _os_reason(error: OSError) -> str:
    reasons = {
        FileExistsError: "已有同名的檔案",
        NotADirectoryError: "路徑中有一段是檔案而不是資料夾",
        IsADirectoryError: "這是資料夾",
        PermissionError: "沒有權限",
        FileNotFoundError: "找不到",
    }
    return reasons.get(type(error)) or str(error.strerror or error)


def _safe_url() -> str:
    try:
        return make_url(database_url()).render_as_string(hide_password=True)
    except ArgumentError:
        return "DATABASE_URL 無法解析"


def secrets_line(name: str, hashed: str) -> str:
    """A TOML key/value line; json.dumps gives a valid TOML basic string for both sides."""
    return f"{json.dumps(name, ensure_ascii=False)} = {json.dumps(hashed)}"


def _hash_password(args) -> int:
    """Print a `[secretariat.users]` line: the name and a salted bcrypt hash. The password itself
    is never printed, stored or taken from the command line."""
    if args.stdin:
        password = sys.stdin.read().rstrip("\r\n")
    else:
        password = getpass.getpass("密碼：")
        if getpass.getpass("再輸入一次：") != password:
            print("兩次輸入的密碼不同。", file=sys.stderr)
            return 1
    try:
        hashed = auth.new_password_hash(password, args.name.strip())  # the rules of a new password
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    print("# 加入 .streamlit/secrets.toml 的 [secretariat.users] 區段：", file=sys.stderr)
    print(secrets_line(args.name.strip(), hashed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
