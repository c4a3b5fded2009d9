"""The command line's working-group meeting log (dashboard/domain/meeting_log.py): `meeting-log list`
shows a cycle's meetings (of one group or all), `add|edit|remove` change them as the lead of the group
or the secretariat, each a version; `history` lists the versions.

A refusal prints one line saying what and where, and exits 2 with nothing written."""

import sys

from dashboard.cli import common
from dashboard.domain import accounts, cycles, dates, group_terms, lookup, meeting_log
from dashboard.domain.accounts import AccountError
from dashboard.domain.permissions import PermissionDenied

REFUSED = 2
FIELD_HELP = (
    "date（日期，如 2024-03-05 或 113/3/5）、kind（工作會議／幕僚會議／其他）、name（會議名稱）、decided（決議事項）"
)


def register(commands) -> None:
    log = commands.add_parser("meeting-log", help="工作會議紀錄：各議題組每年度的會議（日期、類別、決議）")
    actions = log.add_subparsers(dest="log_command", required=True, metavar="{list,add,edit,remove,history}")

    listing = actions.add_parser("list", help="列出某年度的工作會議（可只列一組）")
    listing.add_argument("--year", "--cycle", dest="cycle", metavar="YEAR", help="年度（民國年；預設為目前年度）")
    listing.add_argument("--group", help="議題組代碼或名稱（預設：全部）")
    listing.set_defaults(handler=_list)

    add = actions.add_parser("add", help="新增一場會議（年度由日期決定）")
    add.add_argument("group", metavar="GROUP", help="議題組代碼或名稱（有分組時為分組）")
    _user_options(add)
    _set_option(add, required=True)
    add.set_defaults(handler=_add)

    edit = actions.add_parser("edit", help="修正一場會議（編號見 list）")
    edit.add_argument("meeting_id", type=int, metavar="ID", help="會議編號（list 的第一欄）")
    _user_options(edit)
    _set_option(edit, required=True)
    edit.add_argument("--base-version", type=int, help="修改所依據的版本（預設為目前版本）")
    edit.set_defaults(handler=_edit)

    remove = actions.add_parser("remove", help="刪除一場會議（保留於修改紀錄）")
    remove.add_argument("meeting_id", type=int, metavar="ID", help="會議編號（list 的第一欄）")
    _user_options(remove)
    remove.add_argument("--base-version", type=int, help="刪除所依據的版本（預設為目前版本）")
    remove.set_defaults(handler=_remove)

    history = actions.add_parser("history", help="列出修改紀錄（新到舊）：一場會議，或一組的全部會議")
    history.add_argument("target", metavar="ID|GROUP", help="會議編號，或議題組代碼或名稱")
    history.set_defaults(handler=_history)


def _user_options(parser) -> None:
    parser.add_argument("--user", required=True, help="以哪個帳號的身分修改（該組窗口或祕書處）")
    parser.add_argument("--reason", help="修改原因")


def _set_option(parser, *, required: bool) -> None:
    parser.add_argument(
        "--set", dest="assignments", action="append", required=required, metavar="FIELD=VALUE", help=FIELD_HELP
    )


def refusing(handler):
    def run(args) -> int:
        try:
            return handler(args)
        except meeting_log.StaleMeetingLog as error:
            print(error, file=sys.stderr)
            for version in error.newer:
                print(f"  {_version_line(version)}", file=sys.stderr)
        except (meeting_log.LogError, PermissionDenied, AccountError) as error:
            print(f"未變更：{error}", file=sys.stderr)
        return REFUSED

    run.__name__ = handler.__name__
    return run


def _assignments(values: list[str]) -> dict:
    changes, problems = {}, []
    for assignment in values or []:
        name, sep, text = assignment.partition("=")
        name = name.strip()
        if not sep:
            problems.append(f"「{assignment}」應寫成 欄位=值，例如 --set kind=工作會議")
        elif name not in meeting_log.FIELDS:
            problems.append(f"沒有欄位「{name}」；可用：{FIELD_HELP}")
        elif name in changes:
            problems.append(f"欄位「{name}」指定了兩次")
        else:
            changes[name] = text.replace("\\n", "\n")  # a line break typed as \n
    if problems:
        raise meeting_log.LogError("；".join(problems))
    return changes


def _version_line(version) -> str:
    parts = [
        f"第 {version.version} 版",
        dates.roc_datetime(dates.in_taipei(version.recorded_at)),
        version.recorded_by,
        meeting_log.kind_label(version.kind),
    ]
    if version.reason:
        parts.append(f"原因：{version.reason}")
    return "｜".join(parts)


def _print_saved(what: str, version) -> None:
    if version is None:
        print("內容與目前相同，沒有變更，未新增版本。")
        return
    print(f"已{what}第 {version.meeting_id} 號會議（第 {version.version} 版）：")
    for line in meeting_log.change_lines(version):
        print(f"  {line}")


@refusing
def _add(args) -> int:
    values = _assignments(args.assignments)
    with common.open_session(args) as session:
        actor = accounts.actor_for(session, args.user)
        version = meeting_log.add(session, actor=actor, group_id=args.group, values=values, reason=args.reason)
        _print_saved("新增", version)
    return 0


@refusing
def _edit(args) -> int:
    changes = _assignments(args.assignments)
    with common.open_session(args) as session:
        actor = accounts.actor_for(session, args.user)
        version = meeting_log.edit(
            session,
            actor=actor,
            meeting_id=args.meeting_id,
            changes=changes,
            base_version=args.base_version,
            reason=args.reason,
        )
        _print_saved("修正", version)
    return 0


@refusing
def _remove(args) -> int:
    with common.open_session(args) as session:
        actor = accounts.actor_for(session, args.user)
        version = meeting_log.remove(
            session, actor=actor, meeting_id=args.meeting_id, base_version=args.base_version, reason=args.reason
        )
        _print_saved("刪除", version)
    return 0


def _cycle(session, requested) -> cycles.Cycle:
    try:
        return cycles.resolve(requested, held=cycles.cycles(session))
    except cycles.CycleError as error:
        raise meeting_log.LogError(str(error)) from error


def _groups(session, cycle, wanted: str | None) -> list[str] | None:
    if wanted is None:
        return None
    groups = meeting_log.log_groups(session, cycle)
    every = list(group_terms.resolve_all(session, cycle).values())
    found = lookup.group_id(wanted, every)
    if found is None:
        raise meeting_log.LogError(f"{cycle}年度沒有議題組「{wanted}」；可用：{'、'.join(g.name for g in groups)}")
    return [g.id for g in groups if found in (g.id, g.parent_id)]


@refusing
def _list(args) -> int:
    with common.open_session(args) as session:
        cycle = _cycle(session, args.cycle)
        found = meeting_log.entries(session, cycle=cycle, group_ids=_groups(session, cycle, args.group))
    if not found:
        print(f"{cycle}年度{'「' + args.group + '」' if args.group else '各議題組'}尚無會議紀錄。")
        return 0
    print(f"{cycle}年度工作會議紀錄（{len(found)} 場）：")
    rows = [
        (
            e.id,
            e.group,
            dates.roc_date(e.date),
            e.kind,
            e.name or "—",
            (e.decided.replace("\n", "⏎")[:40] + ("…" if len(e.decided) > 40 else "")) or "—",
            e.version,
        )
        for e in found
    ]
    print(common.table(["編號", "議題組", "日期", "類別", "名稱", "決議事項", "版本"], rows))
    return 0


@refusing
def _history(args) -> int:
    target = (args.target or "").strip()
    with common.open_session(args) as session:
        if target.isdigit():
            versions = meeting_log.history(session, meeting_id=int(target))
            title = f"第 {target} 號會議"
        else:
            cycle = cycles.current_cycle(session)
            group_ids = _groups(session, cycle, target)
            versions = meeting_log.history(session, group_ids=group_ids)
            title = f"「{target}」的工作會議紀錄"
    if not versions:
        print(f"{title}尚無修改紀錄（自 data/ 載入的內容）。")
        return 0
    print(f"{title}的修改紀錄（新到舊）：")
    for version in versions:
        print(f"第 {version.meeting_id} 號會議｜{_version_line(version)}")
        for line in meeting_log.change_lines(version):
            print(f"  {line}")
    return 0
