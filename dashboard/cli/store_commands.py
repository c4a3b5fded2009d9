"""The command line's store commands (python -m dashboard …): accounts, edits, history, revert,
load as versions and the data/ layout export. Every write goes through the same functions and
role checks as the app; a refusal prints one clear line (or the list of problems) and exits 1."""

import argparse
import getpass
import json
import re
import sys

from sqlmodel import Session, select

from dashboard.cli.common import REFUSED, change_lines, open_session, refusing, table, version_line
from dashboard.datafiles import build
from dashboard.datafiles.data_layout import export_data_layout
from dashboard.domain import accounts, dates, editing, proposal_yaml, vocab
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import OPERATOR
from dashboard.store.db import make_engine
from dashboard.store.models import Proposal, WorkGroup
from dashboard.web import auth

UNKNOWN = 2  # `user set` on an account, group or day that does not exist: exits as for a bad argument
NO_END = ("無", "none", "")  # --until 無: the account has no last day
LIST_FIELDS = ("cities", "types")  # given as 臺北市、新北市 or 臺北市,新北市
INTEGER_FIELDS = ("year", "item_no")


def register(commands) -> None:
    """Add the store commands to the CLI's subparsers."""
    user = commands.add_parser("user", help="管理帳號（以命令列操作者身分，即祕書處權限）")
    users = user.add_subparsers(dest="user_command", required=True)
    add = users.add_parser("add", help="新增帳號；密碼以互動方式輸入兩次，或用 --password-stdin 從標準輸入讀取")
    add.add_argument("name", help="帳號名稱（登入時使用，也是修改紀錄上的名字）")
    add.add_argument(
        "--role", required=True, choices=list(vocab.ROLES), help="、".join(f"{k}：{v}" for k, v in vocab.ROLES.items())
    )
    add.add_argument("--group", action="append", default=[], help="議題組窗口負責的議題組（代碼或名稱，可重複）")
    add.add_argument("--email", help="OIDC 登入使用的電子郵件")
    add.add_argument("--password-stdin", action="store_true", help="從標準輸入讀取密碼（供自動化使用）")
    add.add_argument(
        "--until", type=_until, metavar="DATE", help=f"使用期限的最後一天（例：{accounts.day_examples()}）"
    )
    add.add_argument("--reason", help="新增原因（記入帳號的修改紀錄）")
    add.set_defaults(handler=_user_add)
    users.add_parser("list", help="列出所有帳號").set_defaults(handler=_user_list)
    disable = users.add_parser("disable", help="停用帳號（帳號不刪除，修改紀錄仍指向它）")
    disable.add_argument("name")
    disable.set_defaults(handler=_user_disable)
    change = users.add_parser(
        "set",
        help="修改帳號：角色、議題組、重設密碼、停用或重新啟用、使用期限；每次修改都記入帳號的修改紀錄",
        description="只改有指定的項目。交接時可用 --until 設定卸任祕書處帳號的最後一天：隔天起（臺北時間）即無法登入與修改。",
    )
    change.add_argument("name", help="帳號名稱")
    change.add_argument(
        "--role", choices=list(vocab.ROLES), help="、".join(f"{k}：{v}" for k, v in vocab.ROLES.items())
    )
    change.add_argument(
        "--group", action="append", help="議題組窗口負責的議題組（代碼或名稱，可重複；取代原有的議題組）"
    )
    secret = change.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="從標準輸入讀取新密碼（供自動化使用）")
    secret.add_argument("--new-password", action="store_true", help="重設密碼：以互動方式輸入新密碼兩次")
    state = change.add_mutually_exclusive_group()
    state.add_argument("--enable", action="store_true", help="重新啟用")
    state.add_argument("--disable", action="store_true", help="停用")
    change.add_argument(
        "--until",
        type=_until,
        default=accounts.KEEP,
        metavar="DATE",
        help=f"使用期限的最後一天（例：{accounts.day_examples()}；「無」表示不限）",
    )
    change.add_argument("--reason", help="修改原因（記入帳號的修改紀錄）")
    change.set_defaults(handler=_user_set)
    history = users.add_parser("history", help="列出一個帳號的修改紀錄（新到舊）")
    history.add_argument("name", help="帳號名稱")
    history.set_defaults(handler=_user_history)

    edit = commands.add_parser("edit", help="修改一案提案（與儀表板相同的檢查），成為新的版本")
    edit.add_argument("proposal_id", metavar="ID")
    edit.add_argument("--user", required=True, help="以哪個帳號的身分修改（依其角色檢查權限）")
    edit.add_argument(
        "--set",
        dest="assignments",
        action="append",
        required=True,
        metavar="FIELD=VALUE",
        help="欄位=新值，欄位名稱同 data/proposals/*.yaml（可修改："
        + "、".join(editing.EDITABLE)
        + "）；cities、types 以「、」或「,」分隔；lead_units 用 JSON；空值表示清除；"
        + "多行的值在 bash 寫成 $'第一行\\n第二行'；"
        + "議題組建議：recommendation=擬解除列管|擬持續列管、recommendation_reason=…、recommendation_date=YYYY-MM-DD",
    )
    edit.add_argument("--base-version", type=int, help="修改所依據的版本（預設為目前版本）")
    edit.add_argument("--reason", help="修改原因")
    edit.set_defaults(handler=_edit)

    history = commands.add_parser("history", help="列出一案提案的所有版本（新到舊）與欄位變更")
    history.add_argument("proposal_id", metavar="ID")
    history.set_defaults(handler=_history)

    revert = commands.add_parser("revert", help="還原某一版的變更（成為新的版本；限祕書處）")
    revert.add_argument("proposal_id", metavar="ID")
    revert.add_argument("version", type=int, metavar="VERSION")
    revert.add_argument("--user", required=True, help="以哪個帳號的身分還原")
    revert.add_argument("--reason", help="還原原因")
    revert.set_defaults(handler=_revert)


# --- accounts ----------------------------------------------------------------------------------


def _until(text: str):
    """--until's value: a day (ISO or ROC), or None for 無 (no last day)."""
    if text.strip().casefold() in NO_END:
        return None
    try:
        return accounts.parse_day(text)
    except accounts.AccountError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


@refusing
def _user_add(args) -> int:
    password = _new_password(args, optional=bool(args.email), done="未新增帳號")
    if password is False:
        return REFUSED
    try:
        hashed = auth.new_password_hash(password, args.name.strip()) if password else None
    except ValueError as error:
        print(f"{error}未新增帳號。", file=sys.stderr)
        return REFUSED
    with open_session(args) as session:
        account = accounts.add(
            session,
            actor=OPERATOR,
            name=args.name,
            role=args.role,
            groups=tuple(args.group),
            password_hash=hashed,
            email=args.email,
            until=args.until,
            reason=args.reason,
        )
        print(f"已新增{vocab.ROLES[account.role]}帳號「{account.name}」。")
    return 0


def _new_password(args, *, optional: bool, done: str) -> str | None | bool:
    """The password typed (None: none, when `optional`: an OIDC-only account); False when refused
    (the message ends with `done`: what was not done)."""
    if args.password_stdin:
        password = sys.stdin.read().rstrip("\r\n")
    else:
        hint = "（留空表示只用 OIDC 登入）" if optional else ""
        password = getpass.getpass(f"密碼{hint}：")
        if getpass.getpass("再輸入一次：") != password:
            print(f"兩次輸入的密碼不同，{done}。", file=sys.stderr)
            return False
    if not password and not optional:
        hint = "（只用 OIDC 登入的帳號請加 --email）" if done == "未新增帳號" else ""
        print(f"密碼不可為空白{hint}，{done}。", file=sys.stderr)
        return False
    return password or None


@refusing
def _user_set(args) -> int:
    """Change what the options name, as one version; an unknown account or group exits 2 (as a
    bad argument does), other refusals 1; nothing is written either way."""
    disabled = True if args.disable else False if args.enable else None
    new_password = args.password_stdin or args.new_password
    if (args.role, args.group, disabled, args.until) == (None, None, None, accounts.KEEP) and not new_password:
        print(
            "未指定要修改的項目（--role、--group、--password-stdin、--new-password、--enable、--disable、--until）。",
            file=sys.stderr,
        )
        return UNKNOWN
    hashed = None
    if new_password:
        password = _new_password(args, optional=False, done="未修改帳號")
        if password is False:
            return REFUSED
        try:
            hashed = auth.new_password_hash(password, args.name.strip())
        except ValueError as error:
            print(f"{error}未修改帳號。", file=sys.stderr)
            return REFUSED
    with open_session(args) as session:
        try:
            version = accounts.change(
                session,
                actor=OPERATOR,
                name=args.name,
                role=args.role,
                groups=args.group,
                disabled=disabled,
                until=args.until,
                password_hash=hashed,
                reason=args.reason,
            )
        except accounts.UnknownName as error:
            print(f"{error}未修改帳號。", file=sys.stderr)
            return UNKNOWN
        if version is None:
            print(f"帳號「{args.name.strip()}」沒有變更，未新增版本。")
            return 0
        names = {g.id: g.name for g in session.exec(select(WorkGroup))}
        print(f"已修改帳號「{version.account}」（第 {version.version} 版）：")
        for change in version.changes:
            print(f"  {accounts.describe(change, names)}")
    return 0


@refusing
def _user_list(args) -> int:
    with open_session(args) as session:
        names = {g.id: g.name for g in session.exec(select(WorkGroup))}
        rows = [
            (
                a.name,
                vocab.ROLES.get(a.role, a.role),
                "、".join(names.get(g, g) for g in a.groups) or "—",
                a.email or "—",
                "是" if a.disabled else "",
                _until_text(a),
            )
            for a in accounts.listing(session)
        ]
    if not rows:
        print("尚無帳號；以 python -m dashboard user add 新增。")
        return 0
    print(table(["帳號", "角色", "議題組", "電子郵件", "停用", "使用期限"], rows))
    return 0


def _until_text(view: accounts.AccountView) -> str:
    if view.until is None:
        return ""
    return f"至{dates.roc_date(view.until)}" + ("（已結束）" if view.ended else "")


@refusing
def _user_history(args) -> int:
    with open_session(args) as session:
        if not accounts.exists(session, args.name.strip()):
            print(f"找不到帳號「{args.name.strip()}」。", file=sys.stderr)
            return UNKNOWN
        versions = accounts.history(session, args.name.strip())
        names = {g.id: g.name for g in session.exec(select(WorkGroup))}
    if not versions:
        print(f"帳號「{args.name.strip()}」尚無修改紀錄（建立於開始記錄帳號版本之前，之後未曾修改）。")
        return 0
    for version in versions:
        print(account_version_line(version))
        for line in accounts.described(version, names):
            print(f"  {line}")
    return 0


def account_version_line(version) -> str:
    parts = [f"第 {version.version} 版", dates.roc_datetime(dates.in_taipei(version.recorded_at)), version.recorded_by]
    if version.reason:
        parts.append(f"原因：{version.reason}")
    return "｜".join(parts)


@refusing
def _user_disable(args) -> int:
    with open_session(args) as session:
        accounts.set_disabled(session, actor=OPERATOR, name=args.name)
    print(f"已停用帳號「{args.name.strip()}」。")
    return 0


# --- edits --------------------------------------------------------------------------------------


@refusing
def _edit(args) -> int:
    changes = parse_assignments(args.assignments)
    with open_session(args) as session:
        actor = accounts.actor_for(session, args.user)
        base = editing.current_version(session, args.proposal_id) if args.base_version is None else args.base_version
        # On an older version: the others' changes stay, a field both changed refuses (editing.three_way).
        version = editing.edit(
            session,
            actor=actor,
            proposal_id=args.proposal_id,
            changes=changes,
            base_version=base,
            reason=args.reason,
            merge=True,
        )
        _print_saved(args.proposal_id, base, version)
        if version is not None and version.version - 1 > base:
            others = editing.history(session, args.proposal_id)
            kept = [v for v in others if base < v.version < version.version]
            who = "、".join(dict.fromkeys(v.recorded_by for v in reversed(kept)))
            print(f"  （第 {base + 1}–{version.version - 1} 版由{who}修改的欄位都保留，您的修改套用在其上。）")
    return 0


@refusing
def _revert(args) -> int:
    with open_session(args) as session:
        actor = accounts.actor_for(session, args.user)
        base = editing.current_version(session, args.proposal_id)
        version = editing.revert(
            session, actor=actor, proposal_id=args.proposal_id, version=args.version, reason=args.reason
        )
        _print_saved(args.proposal_id, base, version)
    return 0


def _print_saved(proposal_id: str, base: int, version) -> None:
    if version is None:
        print(f"提案 {proposal_id} 沒有變更（內容與目前版本相同），未新增版本。")
        return
    print(f"已儲存提案 {proposal_id} 第 {version.version} 版：")
    for line in change_lines(version):
        print(f"  {line}")


@refusing
def _history(args) -> int:
    with open_session(args) as session:
        if session.get(Proposal, args.proposal_id) is None:
            raise EditError([f"找不到提案「{args.proposal_id}」。"])
        versions = editing.history(session, args.proposal_id)
        if not versions:
            print(f"提案 {args.proposal_id} 尚無修改紀錄（第 0 版：自 data/ 載入的內容）。")
            return 0
        print(f"提案 {args.proposal_id} 目前為第 {versions[0].version} 版（新到舊）：")
        for version in versions:
            print(version_line(version))
            for line in change_lines(version):
                print(f"  {line}")
    return 0


def parse_assignments(assignments: list[str]) -> dict:
    """FIELD=VALUE pairs as document values; EditError names every bad one."""
    changes, problems = {}, []
    for assignment in assignments:
        name, sep, text = assignment.partition("=")
        name = name.strip()
        if not sep:
            problems.append(f"「{assignment}」應寫成 欄位=新值，例如 --set contact=王小明")
        elif name not in proposal_yaml.KEYS and name not in editing.RECOMMENDATION_KEYS:
            problems.append(f"沒有欄位「{name}」；欄位名稱同 data/proposals/*.yaml，例如 {'、'.join(editing.EDITABLE)}")
        elif name in changes:
            problems.append(f"欄位「{name}」指定了兩次")
        else:
            try:
                changes[name] = _value(name, text.strip())
            except ValueError as error:
                problems.append(f"欄位「{name}」：{error}")
    if problems:
        raise EditError(problems)
    return changes


def _value(name: str, text: str):
    if not text:
        return None  # clears an optional value; the rules refuse clearing a required one
    if name in LIST_FIELDS:
        return [item.strip() for item in re.split(r"[、,，]", text) if item.strip()]
    if name == "lead_units":
        try:
            units = json.loads(text)
        except (json.JSONDecodeError, RecursionError):  # RecursionError: thousands of nested brackets
            units = None
        if not isinstance(units, list) or not all(isinstance(u, dict) for u in units):
            raise ValueError('須為 JSON 清單，例如 [{"unit": "新北市政府教育局", "city": "新北市"}]')
        return units
    if name in INTEGER_FIELDS:
        if not text.isdigit():
            raise ValueError(f"「{text}」不是整數")
        return int(text)
    return text


# --- load as versions, data/ layout export ----------------------------------------------------


@refusing
def load_as_versions(args) -> int:
    engine = make_engine()
    actor = OPERATOR
    if args.user:
        with Session(engine) as session:
            actor = accounts.actor_for(session, args.user)
    result = build.import_versions(engine, args.data, actor=actor)
    ds = result.dataset
    print(
        f"已把 {args.data} 匯入資料庫：提案 {len(ds.proposals)} 案中，更新為新版本 {len(result.changed)} 案、"
        f"新增 {len(result.created)} 案；資料庫獨有而保留 {len(result.kept)} 案；"
        f"跨區支援 {len(ds.mutual_aid)} 筆、指標 {len(ds.indicators)} 筆已更新。決議、會議紀錄、帳號與既有版本均保留。"
    )
    for label, ids in (("更新", result.changed), ("新增", result.created), ("資料庫獨有", result.kept)):
        if ids:
            print(f"  {label}：{'、'.join(ids)}")
    return 0


@refusing
def export_layout(args) -> int:
    engine = make_engine()
    build.ensure_built(engine, args.data)
    for path in export_data_layout(engine, args.directory, args.data / "geo"):
        print(path)
    return 0
