"""The spreadsheet round trip on the command line: export-sheet writes a group's update workbook,
import-sheet previews (and with --apply applies) an uploaded one, with the same checks as the app."""

import sys
from pathlib import Path

from dashboard.cli import common, statistics_commands
from dashboard.cli.cycle_commands import cycle_option
from dashboard.documents import sheet_import, update_sheet
from dashboard.domain import accounts, cycles, group_terms, lookup

REFUSED = common.REFUSED


def register(commands) -> None:
    """Add export-sheet and import-sheet to the CLI's subparsers."""
    out = commands.add_parser("export-sheet", help="輸出一個議題組（含分組）某年度的提案更新試算表（.xlsx）")
    out.add_argument("output", type=Path, metavar="OUT.xlsx")
    out.add_argument("--group", help="議題組代碼或名稱（預設：全部議題組）")
    cycle_option(out)
    out.set_defaults(handler=_export_sheet)
    read = commands.add_parser(
        "import-sheet", help="讀入更新試算表（.xlsx 或匯出的 CSV）：列出每一項變更；加 --apply 才寫入"
    )
    read.add_argument("file", type=Path, metavar="FILE")
    read.add_argument("--user", required=True, help="以哪個帳號的身分更新（依其角色檢查權限，版本記為此帳號）")
    read.add_argument("--apply", action="store_true", help="套用變更（全部成功或全部不套用）；未加時只預覽")
    read.set_defaults(handler=_import_sheet)


@common.refusing
def _export_sheet(args) -> int:
    with common.open_session(args) as session:
        try:
            cycle = cycles.resolve(args.cycle, held=cycles.cycles(session))
        except cycles.CycleError as error:
            print(error, file=sys.stderr)
            return REFUSED
        group = None
        if args.group is not None:
            groups = group_terms.groups_in_cycle(session, cycle)  # as they stand in the cycle
            found = lookup.group_id(args.group, groups)
            group = next((g for g in groups if g.id == found), None)
            if group is None:
                print(f"找不到議題組「{args.group}」；可用：{'、'.join(g.name for g in groups)}", file=sys.stderr)
                return REFUSED
        scope = update_sheet.Scope(cycle, group)
        count = len(update_sheet.proposals_in(session, scope=scope))
        data = update_sheet.workbook(session, scope=scope)
    args.output.write_bytes(data)
    print(f"已寫出 {args.output}：{scope.label}，{count} 案。")
    return 0


@common.refusing
def _import_sheet(args) -> int:
    upload = sheet_import.read_path(args.file)  # bounded: never more than the size limit is read
    if statistics_commands.is_statistics(upload):  # data/'s mutual_aid.csv or indicators.csv form
        return statistics_commands.import_statistics(args, upload)
    with common.open_session(args) as session:
        actor = accounts.actor_for(session, args.user)
        plan = sheet_import.plan_upload(session, actor=actor, upload=upload)
        if not common.report_plan(args.file.name, plan.problems, plan.notes):
            return REFUSED
        changes = plan.changes
        if not changes:
            print(f"{args.file.name} 與資料庫的內容相同，沒有任何變更。")
            return 0
        meetings = f"、工作會議 {len(plan.log.ops)} 場" if plan.log.ops else ""
        meetings += f"、統計表 {len(plan.statistics.tables)} 個" if plan.statistics.tables else ""
        print(f"{args.file.name}：{len(plan.rows)} 案{meetings}、{len(changes)} 項變更（編號｜欄位：原值 → 新值）")
        for proposal_id, title, label, old, new in changes:
            where = f"{proposal_id}｜{title}" if proposal_id == sheet_import.LOG_SHEET else proposal_id
            where = title if title in plan.statistics.titles else where  # 提案 編號 種類（統計區間）
            print(f"  {where}｜{label}：{_one_line(old)} → {_one_line(new)}")
        if not args.apply:
            print("以上為預覽，未變更任何資料；確認後加上 --apply 套用。")
            return 0
        try:
            versions = sheet_import.apply(session, actor=actor, plan=plan)
        except sheet_import.SheetRefused as error:
            print(error, file=sys.stderr)
            return REFUSED
        meetings = f"、工作會議 {len(plan.log.ops)} 場" if plan.log.ops else ""
        meetings += f"、統計表 {len(plan.statistics.tables)} 個" if plan.statistics.tables else ""
        print(f"已套用：{len(versions)} 案{meetings}各新增一個版本，記錄者「{actor.name}」，原因「{plan.reason}」。")
    return 0


def _one_line(text: str) -> str:
    return text.replace("\n", "⏎")
