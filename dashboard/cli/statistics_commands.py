"""Statistics on the command line: `import-sheet` hands the data/ CSV forms (mutual_aid.csv,
indicators.csv) here, and `statistics ID` lists a proposal's tables per period with their versions."""

import sys

from dashboard.cli import common
from dashboard.documents import statistics_import
from dashboard.documents.sheet_import import Upload
from dashboard.domain import accounts, dates, statistics

REFUSED = common.REFUSED


def register(commands) -> None:
    show = commands.add_parser("statistics", help="列出一案的統計表（每個統計區間一表）與每次登錄、更正的版本")
    show.add_argument("proposal", metavar="ID", help="提案編號，例如 112-J17")
    show.set_defaults(handler=_show)


def is_statistics(upload: Upload) -> bool:
    return statistics_import.form_of(upload) is not None


def import_statistics(args, upload: Upload) -> int:
    """import-sheet of a statistics CSV: preview, and with --apply one version per table."""
    with common.open_session(args) as session:
        actor = accounts.actor_for(session, args.user)
        plan = statistics_import.plan(session, actor=actor, upload=upload)
        if not common.report_plan(args.file.name, plan.problems, plan.notes):
            return REFUSED
        if not plan.tables:
            print(f"{args.file.name} 與資料庫的統計表相同，沒有任何變更。")
            return 0
        changes = plan.changes
        print(f"{args.file.name}：{len(plan.tables)} 個統計表、{len(changes)} 項變更（統計表｜欄位：原值 → 新值）")
        for title, label, old, new in changes:
            print(f"  {title}｜{label}：{old or '（空白）'} → {new or '（空白）'}")
        if not args.apply:
            print("以上為預覽，未變更任何資料；確認後加上 --apply 套用。")
            return 0
        try:
            versions = statistics_import.apply(session, actor=actor, plan=plan)
        except statistics_import.StatisticsRefused as error:
            print(error, file=sys.stderr)
            return REFUSED
        print(f"已套用：{len(versions)} 個統計表各新增一個版本，記錄者「{actor.name}」，原因「{plan.reason}」。")
    return 0


@common.refusing
def _show(args) -> int:
    with common.open_session(args) as session:
        proposal_id = args.proposal.strip().upper()
        found = [t for kind in statistics.TABLE_KINDS for t in statistics.proposal_tables(session, proposal_id, kind)]
        if not found:
            print(f"提案 {proposal_id} 沒有統計表。", file=sys.stderr)
            return REFUSED
        for t in found:
            source = (
                "data/"
                if t.version == 0
                else f"第 {t.version} 版，{t.recorded_by}，{dates.roc_datetime(dates.in_taipei(t.recorded_at))}"
            )
            print(f"{statistics.TABLE_KINDS[t.table_kind]}｜{t.period.label}｜{len(t.rows)} 列｜{source}")
            for v in statistics.history(session, proposal_id, t.table_kind, t.period):
                print(
                    f"  第 {v.version} 版｜{v.recorded_by}｜{dates.roc_datetime(dates.in_taipei(v.recorded_at))}｜{v.reason or '（未填原因）'}"
                )
                for change in v.changes:
                    print(f"    {change['field']}：{common.shown(change['old'])} → {common.shown(change['new'])}")
    return 0
