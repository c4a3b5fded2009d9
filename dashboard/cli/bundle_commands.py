"""The command line's reader documents: `bundle` (every card of a group or a city) and
`city-summary` (the vice-mayor's one-page summary). An unknown group, city or year prints one line
naming the choices and exits 1; nothing is written then."""

from pathlib import Path

from sqlmodel import Session

from dashboard.cli import common
from dashboard.cli.cycle_commands import cycle_option
from dashboard.datafiles import build
from dashboard.documents import bundles, city_summary
from dashboard.domain import queries
from dashboard.store.db import make_engine


def register(commands) -> None:
    """Add the bundle commands to the CLI's subparsers."""
    bundle = commands.add_parser(
        "bundle", help="把一個議題組（含分組）或一個縣市（主辦或參與合作）的所有提案單輸出為一個 .docx"
    )
    bundle.add_argument("output", type=Path, metavar="OUT.docx")
    who = bundle.add_mutually_exclusive_group(required=True)
    who.add_argument("--group", help="議題組（代碼或名稱，例如 文化教育組、culture）")
    who.add_argument("--city", help="縣市（名稱或代碼，例如 臺北市、taipei）")
    cycle_option(bundle)
    bundle.set_defaults(handler=_bundle)

    summary = commands.add_parser("city-summary", help="縣市副首長一頁摘要（A4 .docx）；--all 目錄 則輸出八縣市各一份")
    summary.add_argument("city", nargs="?", metavar="CITY")
    summary.add_argument("output", nargs="?", type=Path, metavar="OUT.docx")
    summary.add_argument("--all", dest="directory", type=Path, metavar="DIR", help="輸出每個縣市的摘要到此資料夾")
    cycle_option(summary)
    summary.set_defaults(handler=_city_summary)


def _engine():
    engine = make_engine()
    build.ensure_built(engine)
    return engine


def _bundle(args) -> int:
    with Session(_engine()) as session:
        try:
            if args.group is not None:
                bundle = bundles.group_bundle(session, group=args.group, cycle=args.cycle)
            else:
                bundle = bundles.city_bundle(session, city=args.city, cycle=args.cycle)
        except bundles.BundleError as error:
            return common.refuse(str(error))
        content = bundles.bundle_docx(session, bundle)
    args.output.write_bytes(content)
    print(f"已輸出 {args.output}：{bundle.year}年度 {bundle.title} 提案單 {len(bundle.ids)} 案。")
    return 0


def _city_summary(args) -> int:
    if args.directory is not None and (args.city is not None or args.output is not None):
        return common.refuse("--all 不可與縣市、輸出檔同時指定。")
    if args.directory is None and (args.city is None or args.output is None):
        return common.refuse("請指定縣市與輸出檔（city-summary 臺北市 OUT.docx），或以 --all 目錄 輸出每個縣市。")
    with Session(_engine()) as session:
        try:
            cities = [args.city] if args.directory is None else [c.name for c in queries.cities(session)]
            summaries = [city_summary.summary(session, city=city, cycle=args.cycle) for city in cities]
        except bundles.BundleError as error:
            return common.refuse(str(error))
        files = [
            (
                args.output or args.directory / city_summary.file_name(data.city.name, data.year),
                city_summary.summary_docx(data),
            )
            for data in summaries
        ]
    if args.directory is not None:
        args.directory.mkdir(parents=True, exist_ok=True)
    for path, content in files:
        path.write_bytes(content)
        print(f"已輸出 {path}")
    return 0
