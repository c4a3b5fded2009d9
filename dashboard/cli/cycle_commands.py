"""The command line's yearly-cycle commands: `new-year YEAR --meeting-date D --user NAME` starts the
next cycle (dashboard/domain/new_year.py), with the same role check as the app. Also the one way
every command takes a year (`cycle_option`, `cycle_argument`): read by dashboard/domain/cycles.py,
so that each says the same of a year that is not one."""

import argparse
import sys
from datetime import date

from dashboard.cli import common
from dashboard.domain import accounts, cycles, group_terms, new_year
from dashboard.domain.agenda import parse_clock
from dashboard.domain.dates import roc_date
from dashboard.domain.meeting_settings import FORMS
from dashboard.domain.permissions import OPERATOR

REFUSED = common.REFUSED
CYCLE_HELP = "年度（民國年；預設為目前年度）"


def cycle_argument(text: str) -> cycles.Cycle:
    """An argparse `type`: the year typed, as cycles.parse reads it (its message on a refusal)."""
    try:
        return cycles.parse(text)
    except cycles.CycleError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def cycle_option(parser, help: str = CYCLE_HELP) -> None:
    """`--cycle 113` (or `--year 113`, as the commands were first written) into args.cycle, as
    typed: the command resolves it among the store's cycles (cycles.resolve), the current by default."""
    parser.add_argument("--cycle", "--year", dest="cycle", metavar="YEAR", help=help)


def register(commands) -> None:
    """Add the cycle commands to the CLI's subparsers."""
    start = commands.add_parser(
        "new-year", help="開始下一個年度：仍列管的提案成為新年度的列管案，並依上一次會議建立新年度的會議（限祕書處）"
    )
    start.add_argument("cycle", metavar="YEAR", help="新年度（民國年，須為目前年度的下一年）")
    start.add_argument("--meeting-date", required=True, help="新年度副首長會議的日期（西元 YYYY-MM-DD）")
    start.add_argument("--user", help="以哪個祕書處帳號的身分開始（預設為命令列操作者）")
    start.add_argument(
        "--host-city", required=True, help="主政縣市（八縣市的正式名稱，例如 新竹市）；承辦單位即為該縣市政府"
    )
    start.add_argument("--form", required=True, choices=FORMS, help="會議形式：線上、實體或視訊與實體")
    start.add_argument("--chair", help="主持人（預設沿用上一次會議）")
    start.add_argument("--chair-org", help="主持機關（預設沿用上一次會議）")
    start.add_argument("--venue", help="地點（線上會議預設為「線上會議」；實體會議須提供，除非同一主政縣市沿用）")
    start.add_argument("--url", help="會議連結（線上或視訊與實體會議；預設沿用上一次線上會議；實體會議可給空白）")
    start.add_argument("--start-time", help="開始時間 HH:MM（預設沿用上一次會議）")
    start.set_defaults(handler=_new_year)


@common.refusing
def _new_year(args) -> int:
    values = _values(args)
    if values is None:
        return REFUSED
    with common.open_session(args) as session:
        actor = accounts.actor_for(session, args.user) if args.user else OPERATOR
        try:
            result = new_year.start_year(session, actor=actor, **values)
        except new_year.NewYearError as error:
            print(error, file=sys.stderr)
            return REFUSED
        carried_hosts = [
            g.name for g in group_terms.groups_in_cycle(session, result.year) if g.host_carried and g.host_agency
        ]
    _print(result, values["meeting_date"])
    if carried_hosts:
        print(
            f"議題組的名稱與主辦機關沿用{result.previous}年度；{len(carried_hosts)} 組的主辦機關{group_terms.CARRIED_NOTE}："
            f"請以 group list --year {result.year} 查看，group edit 組 --year {result.year} --set host_agency=… 設定或確認"
            "（或在「議題組設定」頁）。"
        )
    return 0


def _values(args) -> dict | None:
    """The arguments as start_year takes them; None (and a message) when one is malformed."""
    try:
        cycle = cycles.parse(args.cycle)
    except cycles.CycleError as error:
        print(f"{error}；未變更。", file=sys.stderr)
        return None
    try:
        day = date.fromisoformat(args.meeting_date.strip())
    except ValueError:
        print(f"--meeting-date「{args.meeting_date}」不是有效的日期，請用西元 YYYY-MM-DD；未變更。", file=sys.stderr)
        return None
    start_time = None
    if args.start_time is not None:
        start_time = parse_clock(args.start_time)
        if start_time is None:
            print(
                f"--start-time「{args.start_time}」不是有效的時間，請用 HH:MM（例如 14:30）；未變更。", file=sys.stderr
            )
            return None
    return dict(
        cycle=cycle,
        meeting_date=day,
        start_time=start_time,
        chair=args.chair,
        chair_org=args.chair_org,
        venue=args.venue,
        url=args.url,
        host_city=args.host_city,
        form=args.form,
    )


def _print(result: new_year.YearStarted, day: date) -> None:
    print(
        f"已開始{result.year}年度：{result.previous}年度的提案中，持續列管 {len(result.carried)} 案、"
        f"解除列管 {len(result.left)} 案；會議「{result.meeting_id}」訂於{roc_date(day)}。"
    )
    print(
        f"請到「會議設定」頁（或 python -m dashboard meeting show {result.year}）確認標示「沿用上年度，待確認」的值。"
    )
    for new_id, source in result.carried:
        print(f"  列管 {new_id} ← {source}")
    for pid, why in result.left:
        print(f"  離開 {pid}：{why}")
    if result.undecided:
        print(
            f"注意：{len(result.undecided)} 案尚未記錄決議，已依其列管狀態處理：{'、'.join(result.undecided)}",
            file=sys.stderr,
        )
