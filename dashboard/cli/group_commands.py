"""The command line's working-group commands (dashboard/domain/group_terms.py): a group's name, host
agency and place belong to a cycle. `group list --year Y` shows them, with the host agencies carried
over from the year before unconfirmed; `group edit|add|close` change them from a cycle on (the
secretariat only), each a version; `group history ID` lists those versions.

A refusal prints one line saying what and where, and exits 2 with nothing written."""

import sys

from dashboard.cli import common
from dashboard.domain import accounts, cycles, dates, group_changes, group_terms
from dashboard.domain.accounts import AccountError
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import PermissionDenied

REFUSED = 2


def register(commands) -> None:
    group = commands.add_parser("group", help="議題組：各年度的名稱、主辦機關，新增、結束或併入（修改限祕書處）")
    actions = group.add_subparsers(dest="group_command", required=True, metavar="{list,edit,add,close,history}")

    listing = actions.add_parser("list", help="列出某年度的議題組與主辦機關（標出沿用上年度、待確認者）")
    listing.add_argument("--year", "--cycle", dest="cycle", metavar="YEAR", help="年度（民國年；預設為目前年度）")
    listing.add_argument("--closed", action="store_true", help="也列出已結束的議題組")
    listing.set_defaults(handler=_list)

    edit = actions.add_parser("edit", help="修改議題組自某年度起的名稱、主辦機關或排序（成為新版本）")
    edit.add_argument("group_id", metavar="ID", help="議題組代碼或名稱")
    _common_options(edit)
    edit.add_argument(
        "--set",
        dest="assignments",
        action="append",
        required=True,
        metavar="FIELD=VALUE",
        help="欄位=新值：name（名稱）、host_agency（主辦機關；填入與原值相同即為確認）、sort_order（排序）",
    )
    edit.add_argument("--base-version", type=int, help="修改所依據的版本（預設為目前版本）")
    edit.set_defaults(handler=_edit)

    add = actions.add_parser("add", help="自某年度起新增議題組或分組（可同時移入提案，即分組拆分）")
    add.add_argument("group_id", metavar="ID", help="新議題組的代碼（小寫英文字母、數字與連字號，例如 digital）")
    _common_options(add)
    add.add_argument(
        "--set",
        dest="assignments",
        action="append",
        required=True,
        metavar="FIELD=VALUE",
        help="name（名稱，必填）、host_agency（主辦機關，必填）、sort_order（排序）、kind（topic／development／staff）",
    )
    add.add_argument("--parent", help="上層議題組（代碼或名稱）；指定時新增為其分組")
    add.add_argument(
        "--move", nargs="+", default=[], metavar="PROPOSAL", help="移入新議題組的提案編號（該年度起的提案）"
    )
    add.set_defaults(handler=_add)

    close = actions.add_parser("close", help="自某年度起結束議題組；--into 併入另一組（提案與窗口隨之移轉）")
    close.add_argument("group_id", metavar="ID", help="議題組代碼或名稱")
    _common_options(close)
    close.add_argument("--into", help="併入的議題組（代碼或名稱）：該年度起的提案移入此組，窗口也取得此組")
    close.add_argument("--base-version", type=int, help="修改所依據的版本（預設為目前版本）")
    close.set_defaults(handler=_close)

    history = actions.add_parser("history", help="列出議題組的所有版本（新到舊）與欄位變更")
    history.add_argument("group_id", metavar="ID", help="議題組代碼")
    history.set_defaults(handler=_history)


def _common_options(parser) -> None:
    parser.add_argument("--year", "--cycle", dest="cycle", required=True, metavar="YEAR", help="自哪個年度起（民國年）")
    parser.add_argument("--user", required=True, help="以哪個祕書處帳號的身分修改")
    parser.add_argument("--reason", help="修改原因")


def refusing(handler):
    """A refusal as one line on stderr and exit 2; nothing was written."""

    def run(args) -> int:
        try:
            return handler(args)
        except group_changes.StaleGroupEdit as error:
            print(error, file=sys.stderr)
            for version in error.newer:
                print(f"  {_version_line(version)}", file=sys.stderr)
                for line in group_terms.change_lines(version):
                    print(f"    {line}", file=sys.stderr)
        except (group_changes.GroupError, PermissionDenied, AccountError) as error:
            print(error, file=sys.stderr)
        except EditError as error:  # a proposal a merge or split would move cannot be saved
            print(f"未變更：{'；'.join(str(p) for p in error.problems)}", file=sys.stderr)
        return REFUSED

    run.__name__ = handler.__name__
    return run


def assignments(values: list[str], allowed: tuple[str, ...]) -> dict:
    """FIELD=VALUE pairs; GroupError names every bad one."""
    changes, problems = {}, []
    for assignment in values:
        name, sep, text = assignment.partition("=")
        name = name.strip()
        if not sep:
            problems.append(f"「{assignment}」應寫成 欄位=新值，例如 --set host_agency=新竹市政府交通處")
        elif name not in allowed:
            problems.append(f"沒有欄位「{name}」；可用：{'、'.join(allowed)}")
        elif name in changes:
            problems.append(f"欄位「{name}」指定了兩次")
        else:
            changes[name] = text.strip()
    if problems:
        raise group_changes.GroupError("；".join(problems) + "。未變更。")
    return changes


@refusing
def _edit(args) -> int:
    changes = assignments(args.assignments, group_changes.EDITABLE)
    with common.open_session(args) as session:
        actor = accounts.actor_for(session, args.user)
        version = group_changes.edit(
            session,
            actor=actor,
            group_id=args.group_id,
            year=args.cycle,
            changes=changes,
            base_version=args.base_version,
            reason=args.reason,
        )
        _print_saved(args.group_id, args.cycle, version)
    return 0


@refusing
def _add(args) -> int:
    values = assignments(args.assignments, tuple(f for f in group_changes.ADD_FIELDS if f != "parent"))
    if args.parent:
        values["parent"] = args.parent
    with common.open_session(args) as session:
        actor = accounts.actor_for(session, args.user)
        version = group_changes.add(
            session,
            actor=actor,
            group_id=args.group_id,
            year=args.cycle,
            values=values,
            move=tuple(args.move),
            reason=args.reason,
        )
        _print_saved(args.group_id, args.cycle, version)
    return 0


@refusing
def _close(args) -> int:
    with common.open_session(args) as session:
        actor = accounts.actor_for(session, args.user)
        version = group_changes.close(
            session,
            actor=actor,
            group_id=args.group_id,
            year=args.cycle,
            into=args.into,
            base_version=args.base_version,
            reason=args.reason,
        )
        _print_saved(args.group_id, args.cycle, version)
    return 0


def _print_saved(group_id: str, year, version) -> None:
    if version is None:
        print(f"議題組「{group_id}」{year}年度沒有變更，未新增版本。")
        return
    print(f"已儲存議題組「{version.group_id}」第 {version.version} 版（自{version.year}年度起）：")
    for line in group_terms.change_lines(version):
        print(f"  {line}")


@refusing
def _list(args) -> int:
    with common.open_session(args) as session:
        try:
            cycle = cycles.resolve(args.cycle, held=cycles.cycles(session))
        except cycles.CycleError as error:
            raise group_changes.GroupError(str(error)) from error
        groups = group_terms.groups_in_cycle(session, cycle, closed=args.closed)
        names = {g.id: g.name for g in group_terms.resolve_all(session, cycle).values()}
        versions = {g.id: group_terms.current_version(session, g.id) for g in groups}
    rows = [
        (
            g.id,
            ("└ " if g.parent_id else "") + g.name,
            g.host_agency or "（由分組主辦）",
            group_terms.state_text(g, names),
            versions[g.id],
        )
        for g in groups
    ]
    print(f"{cycle}年度議題組（{len([g for g in groups if not g.closed])} 組）：")
    print(common.table(["代碼", "名稱", "主辦機關", "狀態", "版本"], rows))
    unconfirmed = [g.name for g in groups if g.host_carried and g.host_agency and not g.closed]
    if unconfirmed:
        print(
            f"主辦機關{group_terms.CARRIED_NOTE}：{'、'.join(unconfirmed)}；"
            f"以 group edit ID --year {cycle} --set host_agency=… 設定或確認。"
        )
    return 0


def _version_line(version) -> str:
    parts = [
        f"第 {version.version} 版",
        f"{version.year}年度",
        dates.roc_datetime(dates.in_taipei(version.recorded_at)),
        version.recorded_by,
        group_terms.KIND_LABELS.get(version.kind, version.kind),
    ]
    if version.reason:
        parts.append(f"原因：{version.reason}")
    return "｜".join(parts)


@refusing
def _history(args) -> int:
    with common.open_session(args) as session:
        all_ids = group_terms.known_ids(session)
        wanted = (args.group_id or "").strip()
        if wanted not in all_ids:
            raise group_changes.GroupError(f"找不到議題組「{wanted}」；可用：{'、'.join(sorted(all_ids))}。")
        versions = group_terms.history(session, wanted)
    if not versions:
        print(f"議題組「{wanted}」尚無修改紀錄（第 0 版：自 data/ 載入的內容）。")
        return 0
    print(f"議題組「{wanted}」目前為第 {max(v.version for v in versions)} 版（新到舊）：")
    for version in versions:
        print(_version_line(version))
        for line in group_terms.change_lines(version):
            print(f"  {line}")
    return 0
