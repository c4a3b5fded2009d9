"""Command line: python -m dashboard load | check | export DIR."""
import argparse
import sys
from pathlib import Path

from dashboard import store
from dashboard.config import DATA_DIR, database_url
from dashboard.db import make_engine
from dashboard.export import export_csv
from dashboard.loading import DataError, load_dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="北臺合作儀表板資料工具")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="資料夾（預設 data/）")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("load", help="檢查 data/ 後建立或重建資料庫（保留已記錄的決議）")
    commands.add_parser("check", help="只檢查 data/，不寫入任何資料")
    export = commands.add_parser("export", help="把資料庫各表輸出為 CSV（UTF-8 含 BOM）")
    export.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    try:
        return {"load": _load, "check": _check, "export": _export}[args.command](args)
    except DataError as error:
        print(f"資料有 {len(error.problems)} 個問題，資料庫未變更：", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1


def _check(args) -> int:
    dataset = load_dataset(args.data)
    print(f"資料檢查通過：提案 {len(dataset.proposals)} 案、跨區支援 {len(dataset.mutual_aid)} 筆、"
          f"指標 {len(dataset.indicators)} 筆。")
    return 0


def _load(args) -> int:
    engine = make_engine()
    dataset = store.load(engine, args.data)
    print(f"已建立資料庫（{_safe_url()}）：提案 {len(dataset.proposals)} 案、跨區支援 {len(dataset.mutual_aid)} 筆、"
          f"指標 {len(dataset.indicators)} 筆。")
    return 0


def _export(args) -> int:
    engine = make_engine()
    store.ensure_built(engine, args.data)
    for path in export_csv(engine, args.directory):
        print(path)
    return 0


def _safe_url() -> str:
    from sqlalchemy.engine import make_url
    return make_url(database_url()).render_as_string(hide_password=True)
